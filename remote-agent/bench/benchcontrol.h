// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <chrono>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rune::agent
{

/** One figure of a run: {"metric", "value", "unit"[, "peer"]}, or a peer's "error" instead of a value. */
struct BenchResult {
    std::string metric;
    std::optional<double> value;
    std::string unit;
    std::string peer; ///< rtt only
    std::string error; ///< rtt only: the peer could not be reached
};

/** A test's figures, or why it failed (one sentence). A cancelled test may return either. */
using BenchOutcome = std::expected<std::vector<BenchResult>, std::string>;

/**
 * What a test's threads share with the run: the cancel flag, the time bound of the current phase
 * and the progress the run shows. A test runs its phases one after the other; work loops ask
 * phaseOver() between small steps (far less than 50 ms apart), from any of the test's threads.
 */
class BenchControl final
{
public:
    using Clock = std::chrono::steady_clock;

    /** @p phases: how many parts the progress (0..1) is split into, each an equal share. */
    BenchControl(const std::atomic<bool> &cancelled,
        std::atomic<double> &progress,
        int phases,
        bool lowPriority,
        std::filesystem::path scratch);

    bool cancelled() const;
    /** Starts phase @p index, bounded by @p length (none: it ends when its work does). */
    void beginPhase(int index, std::optional<Clock::duration> length = std::nullopt);
    /** The run was cancelled or the phase's time is up; also moves the progress on. Thread-safe. */
    bool phaseOver() const;
    /** For a phase without a time bound: how much of its work is done, 0..1. */
    void setPhaseProgress(double fraction) const;
    /** Time since beginPhase(). */
    Clock::duration phaseElapsed() const;
    /** Lowers the calling thread to nice 19 when the run is at low priority; call first in each thread. */
    void applyPriority() const;
    /** Where a test keeps its temporary files: emptied after every run and at the agent's start. */
    const std::filesystem::path &scratch() const;

private:
    const std::atomic<bool> &m_cancelled;
    std::atomic<double> &m_progress;
    int m_phases;
    bool m_lowPriority;
    std::filesystem::path m_scratch;
    int m_phase = 0;
    Clock::time_point m_phaseStart;
    std::optional<Clock::duration> m_phaseLength;
};

/** A test's work: runs on the run's own thread, bounded by the control's phases. */
struct BenchParameters;
using BenchFunction = BenchOutcome (*)(const BenchParameters &, BenchControl &);

/** How many progress phases each test has, and its function. */
struct BenchTest {
    int phases;
    BenchFunction run;
};

} // namespace rune::agent
