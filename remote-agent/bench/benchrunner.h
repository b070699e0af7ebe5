// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bench/benchcontrol.h"
#include "bench/benchparameters.h"

#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

namespace rune::agent
{

class EventLog;

/**
 * The node's benchmark runs: one at a time, each on a thread of its own (never the agent's I/O
 * threads or its deploy pool), cancellable, and the last benchlimits::keptRuns finished ones kept
 * for GET /v1/bench/runs. The scratch directory the tests write in is emptied after every run and
 * when the agent starts (after a kill -9). Thread-safe.
 */
class BenchRunner final
{
public:
    /** Why a run did not start: another is going on (its id), or the agent is stopping (no id). */
    struct Refusal {
        std::string runningId;
    };
    /** Called once with the run's final JSON when it has stopped, from the run's thread. */
    using Stopped = std::function<void(const nlohmann::json &run)>;

    BenchRunner(std::filesystem::path scratch, EventLog &events);
    BenchRunner(const BenchRunner &) = delete;
    BenchRunner &operator=(const BenchRunner &) = delete;
    /** Cancels a run going on and waits for its thread. */
    ~BenchRunner();

    /** Empties the scratch directory: what a run killed with the agent left behind. */
    void removeLeftovers() const;
    /** Starts a run of @p parameters.test; its JSON, or who is in the way. */
    std::expected<nlohmann::json, Refusal> start(BenchParameters parameters);
    /** {"runs": [...]}: the running one and the finished ones, newest first. */
    nlohmann::json runsJson() const;
    /** A run's JSON; nullopt for an id the node does not know (any more). */
    std::optional<nlohmann::json> runJson(std::string_view id) const;
    /**
     * Cancels run @p id; @p stopped gets its JSON once it has stopped (at once for a finished
     * one). False for an unknown id.
     */
    bool cancel(std::string_view id, Stopped stopped);
    /** /v1/health's "bench" object while a run is going on. */
    std::optional<nlohmann::json> healthJson() const;
    /** Cancels the run going on and refuses new ones: the agent is shutting down. */
    void refuseNewRuns();
    /** refuseNewRuns(), and waits until the run's thread has ended. */
    void stop();

private:
    struct Run;

    void work(const std::shared_ptr<Run> &run);
    /** Removes everything in the scratch directory; whether there was something. */
    bool emptyScratch() const;
    void finish(const std::shared_ptr<Run> &run, BenchOutcome outcome);
    std::string nextId(std::int64_t startedMs);
    nlohmann::json runJsonOf(const Run &run) const;

    const std::filesystem::path m_scratch;
    EventLog &m_events;
    const std::string m_node;
    mutable std::mutex m_mutex;
    std::shared_ptr<Run> m_running;
    std::deque<std::shared_ptr<Run>> m_finished; ///< newest first
    std::int64_t m_lastId = 0;
    bool m_refusing = false;
    std::thread m_thread;
};

} // namespace rune::agent
