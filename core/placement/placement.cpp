// SPDX-License-Identifier: GPL-3.0-or-later
#include "placement/placement.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace rune::placement
{

namespace
{

constexpr double neutral = 0.5; // an unknown figure neither helps nor hurts
// Scores are compared in steps of this size, so sums that differ only by rounding tie (and the
// comparison stays a strict weak order, which std::sort needs).
constexpr double scoreStep = 1e-9;

// One filter: its name in the "nothing fits" summary, and why a node fails it (empty: it passes).
struct Filter {
    const char *what;
    std::string (*check)(const Requirements &, const Candidate &);
};

bool contains(const std::vector<std::string> &list, const std::string &item)
{
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::string gpusText(std::size_t count)
{
    return std::to_string(count) + (count == 1 ? " GPU" : " GPUs");
}

std::string checkRunning(const Requirements &, const Candidate &node)
{
    return node.running ? std::string() : "not running";
}

std::string checkRole(const Requirements &wanted, const Candidate &node)
{
    if (wanted.roles.empty() || contains(wanted.roles, node.role))
        return {};
    return "role " + node.role + " not wanted";
}

std::string checkLabels(const Requirements &wanted, const Candidate &node)
{
    std::string missing;
    for (const std::string &label : wanted.labels) {
        if (!contains(node.labels, label))
            missing += (missing.empty() ? "" : ", ") + label;
    }
    return missing.empty() ? std::string() : "lacks label " + missing;
}

std::string checkCores(const Requirements &wanted, const Candidate &node)
{
    if (node.cores >= wanted.cores)
        return {};
    return "needs " + std::to_string(wanted.cores) + " cores, has " + std::to_string(node.cores);
}

std::string checkMemory(const Requirements &wanted, const Candidate &node)
{
    if (node.memoryAvailableMiB >= wanted.memoryMiB)
        return {};
    return std::to_string(node.memoryAvailableMiB) + " MiB free, needs " + std::to_string(wanted.memoryMiB);
}

std::string checkGpus(const Requirements &wanted, const Candidate &node)
{
    if (wanted.gpuCount <= 0)
        return {};
    if (node.gpus.size() < std::size_t(wanted.gpuCount))
        return "needs " + gpusText(std::size_t(wanted.gpuCount)) + ", has " + std::to_string(node.gpus.size());
    const auto enough = std::count_if(node.gpus.begin(), node.gpus.end(), [&wanted](const Gpu &gpu) {
        return gpu.memoryMiB >= wanted.gpuMemoryMiB;
    });
    if (enough >= wanted.gpuCount)
        return {};
    return "needs " + gpusText(std::size_t(wanted.gpuCount)) + " with " + std::to_string(wanted.gpuMemoryMiB)
        + " MiB, has " + std::to_string(enough);
}

// In the order a user reads them: whether the node can take anything at all, then what it has.
const Filter filters[] = {{"not running", &checkRunning},
    {"role not wanted", &checkRole},
    {"missing labels", &checkLabels},
    {"too few cores", &checkCores},
    {"too little free memory", &checkMemory},
    {"too few GPUs", &checkGpus}};

std::string noneFitsText(const std::vector<std::size_t> &removed, std::size_t candidates)
{
    if (candidates == 0)
        return "No node fits: there are no candidate nodes.";
    std::string text = "No node fits (" + std::to_string(candidates) + (candidates == 1 ? " node" : " nodes") + "): ";
    bool first = true;
    for (std::size_t index = 0; index < removed.size(); ++index) {
        if (removed[index] == 0)
            continue;
        text += (first ? "" : ", ") + std::to_string(removed[index]) + " " + filters[index].what;
        first = false;
    }
    return text + ".";
}

// Every failing filter's reason; the first failing filter's index for the summary's count.
std::pair<std::string, std::optional<std::size_t>> filterNode(const Requirements &wanted, const Candidate &node)
{
    std::string reasons;
    std::optional<std::size_t> firstFailed;
    for (std::size_t index = 0; index < std::size(filters); ++index) {
        const std::string reason = filters[index].check(wanted, node);
        if (reason.empty())
            continue;
        reasons += (reasons.empty() ? "" : "; ") + reason;
        if (!firstFailed)
            firstFailed = index;
    }
    return {reasons, firstFailed};
}

std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, value >= 100 ? "%.0f" : "%.3g", value);
    return text;
}

// A side of the score for one node: its normalised value and the words for it.
struct Part {
    double value = neutral;
    std::string says; ///< what decided it, e.g. "cpu.events_per_s_single 1530 (best 1720)"
    std::string missing; ///< "no benchmark yet", "no price set", "no RTT measured"; empty when known
};

double best(const std::vector<Candidate> &nodes, const std::string &figure)
{
    double top = 0;
    for (const Candidate &node : nodes) {
        if (const auto found = node.figures.find(figure); found != node.figures.end() && std::isfinite(found->second))
            top = std::max(top, found->second);
    }
    return top;
}

// The runtime's figures, each over the best candidate's (best = 1); a missing one is neutral.
// Says the figure with the largest share of the node's score.
Part performancePart(const Requirements &wanted, const Candidate &node, const std::vector<Candidate> &nodes)
{
    Part part {0, {}, {}};
    double largest = -1;
    std::vector<std::string> absent;
    for (const auto &[figure, share] : performanceFigures(wanted.runtime)) {
        const double top = best(nodes, figure);
        const auto found = node.figures.find(figure);
        const bool known = found != node.figures.end() && std::isfinite(found->second) && top > 0;
        const double normalised = known ? std::max(0.0, found->second) / top : neutral;
        part.value += share * normalised;
        if (!known)
            absent.push_back(figure);
        if (known && share * normalised > largest) {
            largest = share * normalised;
            part.says = figure + " " + number(found->second) + " (best " + number(top) + ")";
        }
    }
    if (absent.size() == performanceFigures(wanted.runtime).size())
        part.missing = "no benchmark yet";
    else if (!absent.empty())
        part.missing = "no benchmark yet of " + absent.front() + (absent.size() > 1 ? " and others" : "");
    return part;
}

// Lower is better for price and RTT: the lowest over this one (lowest = 1); unknown is neutral.
Part lowerIsBetter(const std::optional<double> &value,
    const std::vector<Candidate> &nodes,
    std::optional<double> Candidate::*field,
    const std::string &name,
    const std::string &unit,
    const std::string &unknown)
{
    if (!value || !std::isfinite(*value) || *value < 0)
        return Part {neutral, {}, unknown};
    double lowest = *value;
    for (const Candidate &node : nodes) {
        const auto &other = node.*field;
        if (other && std::isfinite(*other) && *other >= 0)
            lowest = std::min(lowest, *other);
    }
    // A free node beats every paid one outright; a zero RTT counts as the lowest.
    const double normalised = *value <= 0 ? 1.0 : lowest / *value;
    return Part {normalised, name + " " + number(*value) + unit + " (lowest " + number(lowest) + unit + ")", {}};
}

Ranked scoreNode(
    const Requirements &wanted, const Candidate &node, const std::vector<Candidate> &nodes, const Weights &weights)
{
    const Part performance = performancePart(wanted, node, nodes);
    const Part price = lowerIsBetter(node.hourlyPrice, nodes, &Candidate::hourlyPrice, "price", "/h", "no price set");
    const Part latency = lowerIsBetter(node.rttMs, nodes, &Candidate::rttMs, "RTT", " ms", "no RTT measured");
    const double total = weights.performance + weights.price + weights.latency;
    Ranked ranked {node.name, 0, performance.value, price.value, latency.value, {}};
    const std::pair<double, const Part *> parts[] = {{weights.performance * performance.value, &performance},
        {weights.price * price.value, &price},
        {weights.latency * latency.value, &latency}};
    const std::pair<double, const Part *> *decider = nullptr;
    std::string missing;
    for (std::size_t index = 0; index < std::size(parts); ++index) {
        const double weight = index == 0 ? weights.performance : index == 1 ? weights.price : weights.latency;
        if (weight <= 0)
            continue;
        ranked.score += parts[index].first;
        if (!parts[index].second->missing.empty())
            missing += "; " + parts[index].second->missing;
        if (!parts[index].second->says.empty() && (!decider || parts[index].first > decider->first))
            decider = &parts[index];
    }
    ranked.score = total > 0 ? ranked.score / total : 0;
    if (total <= 0)
        ranked.reason = "all weights are 0: ordered by free memory";
    else
        ranked.reason = decider ? decider->second->says : std::string("nothing measured: neutral");
    ranked.reason += missing;
    return ranked;
}

std::string weightProblem(const Weights &weights)
{
    const std::pair<const char *, double> named[] = {
        {"performance", weights.performance}, {"price", weights.price}, {"latency", weights.latency}};
    for (const auto &[name, weight] : named) {
        if (!std::isfinite(weight) || weight < 0)
            return std::string("the ") + name + " weight must be a number of 0 or more (got " + number(weight) + ")";
    }
    return {};
}

} // namespace

std::vector<std::pair<std::string, double>> performanceFigures(const std::string &runtime)
{
    if (runtime == "exec")
        return {{"cpu.events_per_s_multi", 0.7}, {"cpu.events_per_s_single", 0.15}, {"memory.read_mib_s", 0.15}};
    return {{"cpu.events_per_s_single", 0.7}, {"cpu.events_per_s_multi", 0.15}, {"memory.read_mib_s", 0.15}};
}

std::vector<Ranked> Ranking::topN(std::size_t n) const
{
    return {ranked.begin(), ranked.begin() + std::ptrdiff_t(std::min(n, ranked.size()))};
}

std::expected<Ranking, std::string> rankNodes(
    const Requirements &requirements, const std::vector<Candidate> &candidates, const Weights &weights)
{
    if (const std::string problem = weightProblem(weights); !problem.empty())
        return std::unexpected(problem);
    Ranking ranking;
    std::vector<Candidate> fitting;
    std::vector<std::size_t> removed(std::size(filters), 0);
    for (const Candidate &node : candidates) {
        auto [reason, firstFailed] = filterNode(requirements, node);
        if (!firstFailed) {
            fitting.push_back(node);
            continue;
        }
        ++removed[*firstFailed];
        ranking.excluded.push_back({node.name, std::move(reason)});
    }
    if (fitting.empty()) {
        ranking.noneFits = noneFitsText(removed, candidates.size());
        return ranking;
    }
    // Normalised across the nodes that fit: a node that cannot run the function sets no bar.
    std::map<std::string, std::int64_t> freeMemory;
    for (const Candidate &node : fitting) {
        ranking.ranked.push_back(scoreNode(requirements, node, fitting, weights));
        freeMemory[node.name] = node.memoryAvailableMiB;
    }
    std::sort(ranking.ranked.begin(), ranking.ranked.end(), [&freeMemory](const Ranked &a, const Ranked &b) {
        const auto stepsA = std::llround(a.score / scoreStep);
        const auto stepsB = std::llround(b.score / scoreStep);
        if (stepsA != stepsB)
            return stepsA > stepsB;
        if (freeMemory[a.name] != freeMemory[b.name])
            return freeMemory[a.name] > freeMemory[b.name];
        return a.name < b.name;
    });
    return ranking;
}

} // namespace rune::placement
