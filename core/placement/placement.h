// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

/**
 * Where a function should run: the candidate nodes that can run it (filters, each with the reason
 * a node was left out), ranked by measured performance, price and latency with weights the user
 * sets, each with the one figure that decided its place. Plain C++: no Qt, no I/O; the caller
 * gathers the nodes' facts, benchmark figures, prices and round-trip times.
 */
namespace rune::placement
{

/** What the function needs. */
struct Requirements {
    std::string runtime = "python3"; ///< python3, node or exec: decides which figures count
    int memoryMiB = 0; ///< free memory a node must have
    int cores = 0; ///< at least this many cores; 0: any
    int gpuCount = 0;
    int gpuMemoryMiB = 0; ///< each of gpuCount GPUs must have this much; 0: any
    std::vector<std::string> roles; ///< "controller", "compute", "edge"; empty: any role
    std::vector<std::string> labels; ///< a node must carry every one of them
};

/** One GPU of a node (/v1/info's "gpus"). */
struct Gpu {
    std::string model;
    std::int64_t memoryMiB = 0; ///< 0: unknown
};

/** A node that might run the function, with everything the ranking looks at. */
struct Candidate {
    std::string name;
    std::string role; ///< "controller", "compute" or "edge"
    bool running = true; ///< only running nodes can take a function
    int cores = 0;
    std::int64_t memoryTotalMiB = 0;
    std::int64_t memoryAvailableMiB = 0;
    std::vector<Gpu> gpus;
    std::vector<std::string> labels;
    std::optional<double> hourlyPrice; ///< in the user's currency; nullopt: not set
    /** The latest benchmark figures: "cpu.events_per_s_single", "memory.read_mib_s", ...; higher is better. */
    std::map<std::string, double> figures;
    std::optional<double> rttMs; ///< to the chosen reference node; nullopt: not measured
};

/** How much each side counts; each at least 0. All 0: ordered by free memory, then name. */
struct Weights {
    double performance = 1.0;
    double price = 0.0;
    double latency = 0.0;
};

/** A node the filters left out, and why ("needs 2 GPUs, has 0"; several joined by "; "). */
struct Excluded {
    std::string name;
    std::string reason;
};

/** A node that can run the function, and its place. */
struct Ranked {
    std::string name;
    double score = 0; ///< the weighted sum over the sum of the weights: 0 to 1, higher is better
    double performance = 0; ///< each side normalised across the candidates: 1 is the best, 0.5 neutral
    double price = 0;
    double latency = 0;
    /** The figure that decided (the largest weighted part), and what was missing ("no benchmark yet"). */
    std::string reason;
};

/** The outcome: the ranked nodes (best first) and those left out. */
struct Ranking {
    std::vector<Ranked> ranked;
    std::vector<Excluded> excluded;
    /** Empty when some node fits; else why none does: each filter and how many nodes it removed. */
    std::string noneFits;

    /** The best @p n (all when fewer fit). */
    std::vector<Ranked> topN(std::size_t n) const;
};

/**
 * The benchmark figures that matter for @p runtime and their shares of the performance score.
 * python3 and node run a call on one thread: mostly the single-core CPU figure. exec runs a process
 * per call, many at once: mostly the all-cores figure. Memory bandwidth counts a little for both.
 */
std::vector<std::pair<std::string, double>> performanceFigures(const std::string &runtime);

/**
 * Filters @p candidates by @p requirements, then ranks the rest by @p weights. Ties go to the node
 * with more free memory, then to the name first in order, so the same input always gives the same
 * ranking. Fails only for weights below 0 or not a number, with a sentence saying so.
 */
std::expected<Ranking, std::string> rankNodes(
    const Requirements &requirements, const std::vector<Candidate> &candidates, const Weights &weights);

} // namespace rune::placement
