// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/benchrunner.h"

#include "bench/cpubench.h"
#include "bench/dbbench.h"
#include "bench/fileiobench.h"
#include "bench/memorybench.h"
#include "bench/rttbench.h"
#include "benchprotocol.h"
#include "jsontext.h"
#include "log.h"
#include "logs/eventlog.h"

#include <unistd.h>

namespace rune::agent
{

namespace
{

namespace runfields = protocol::benchrun;
namespace tests = protocol::benchtests;

std::string hostName()
{
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    return name;
}

std::int64_t unixMilliseconds()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::optional<BenchTest> benchTest(std::string_view test)
{
    if (test == tests::cpu)
        return cpuBench;
    if (test == tests::memory)
        return memoryBench;
    if (test == tests::fileio)
        return fileioBench;
    if (test == tests::db)
        return dbBench;
    if (test == tests::rtt)
        return rttBench;
    return std::nullopt;
}

nlohmann::json resultJson(const BenchResult &result)
{
    namespace fields = protocol::benchresult;
    nlohmann::json json = {{fields::metric, result.metric}, {fields::unit, result.unit}};
    if (result.value)
        json[fields::value] = *result.value;
    if (!result.peer.empty())
        json[fields::peer] = result.peer;
    if (!result.error.empty())
        json[fields::error] = result.error;
    return json;
}

/** What bench_finished says: the state and the first figure, or why it failed. */
std::string finishedDetail(const std::string &state, const std::vector<BenchResult> &results, const std::string &error)
{
    if (!error.empty())
        return state + ": " + error;
    for (const BenchResult &result : results) {
        if (result.value)
            return state + ": " + result.metric + " " + std::to_string(*result.value) + " " + result.unit
                + (result.peer.empty() ? "" : " (" + result.peer + ")");
    }
    return state;
}

} // namespace

struct BenchRunner::Run {
    std::string id;
    BenchParameters parameters;
    std::int64_t startedMs = 0;
    std::chrono::steady_clock::time_point started;
    std::atomic<bool> cancelled {false};
    std::atomic<double> progress {0};
    // Under the runner's mutex:
    std::string state = runfields::stateRunning;
    std::optional<std::int64_t> durationMs; ///< once finished
    std::vector<BenchResult> results;
    std::string error;
    std::vector<Stopped> whenStopped;
};

BenchRunner::BenchRunner(std::filesystem::path scratch, EventLog &events)
    : m_scratch(std::move(scratch))
    , m_events(events)
    , m_node(hostName())
{
}

BenchRunner::~BenchRunner()
{
    stop();
}

void BenchRunner::removeLeftovers() const
{
    if (emptyScratch())
        logLine("benchmark: removed the temporary files of an interrupted run from " + m_scratch.string());
}

bool BenchRunner::emptyScratch() const
{
    std::error_code error;
    bool removed = false;
    for (const auto &entry : std::filesystem::directory_iterator(m_scratch, error)) {
        std::error_code removeError;
        removed = std::filesystem::remove_all(entry.path(), removeError) > 0 || removed;
        if (removeError)
            logLine("benchmark: cannot remove " + entry.path().string() + ": " + removeError.message());
    }
    return removed;
}

std::expected<nlohmann::json, BenchRunner::Refusal> BenchRunner::start(BenchParameters parameters)
{
    const auto test = benchTest(parameters.test);
    std::lock_guard lock(m_mutex);
    if (m_refusing || !test)
        return std::unexpected(Refusal {});
    if (m_running)
        return std::unexpected(Refusal {m_running->id});
    // The previous run's thread has published its end and is leaving: this join is short.
    if (m_thread.joinable())
        m_thread.join();
    auto run = std::make_shared<Run>();
    run->startedMs = unixMilliseconds();
    run->started = std::chrono::steady_clock::now();
    run->id = nextId(run->startedMs);
    run->parameters = std::move(parameters);
    m_running = run;
    m_thread = std::thread([this, run] {
        try {
            work(run);
        } catch (const std::exception &failure) {
            logLine(std::string("benchmark: unexpected error: ") + failure.what());
        }
    });
    m_events.append({{"kind", protocol::eventkinds::benchStarted},
        {"run", run->id},
        {"test", run->parameters.test},
        {"detail", jsonText(benchParametersJson(run->parameters))}});
    return runJsonOf(*run);
}

std::string BenchRunner::nextId(std::int64_t startedMs)
{
    // From the clock rather than a counter, so ids stay unique across the agent's restarts.
    m_lastId = std::max(m_lastId + 1, startedMs);
    return "b-" + std::to_string(m_lastId);
}

void BenchRunner::work(const std::shared_ptr<Run> &run)
{
    const BenchTest test = *benchTest(run->parameters.test);
    BenchControl control(run->cancelled, run->progress, test.phases, run->parameters.lowPriority, m_scratch);
    control.applyPriority();
    BenchOutcome outcome;
    try {
        outcome = test.run(run->parameters, control);
    } catch (const std::exception &failure) {
        outcome = std::unexpected(std::string("unexpected error: ") + failure.what());
    }
    // Whatever the end (done, cancelled, failed), no temporary file stays behind.
    try {
        emptyScratch();
    } catch (const std::exception &failure) {
        logLine(std::string("benchmark: cannot empty the scratch directory: ") + failure.what());
    }
    finish(run, std::move(outcome));
}

void BenchRunner::finish(const std::shared_ptr<Run> &run, BenchOutcome outcome)
{
    std::vector<Stopped> whenStopped;
    nlohmann::json json;
    {
        std::lock_guard lock(m_mutex);
        run->durationMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - run->started)
                .count();
        if (run->cancelled) {
            run->state = runfields::stateCancelled;
        } else if (!outcome) {
            run->state = runfields::stateFailed;
            run->error = outcome.error();
        } else {
            run->state = runfields::stateDone;
            run->results = std::move(*outcome);
            run->progress = 1;
        }
        m_running.reset();
        m_finished.push_front(run);
        if (m_finished.size() > std::size_t(protocol::benchlimits::keptRuns))
            m_finished.pop_back();
        whenStopped.swap(run->whenStopped);
        json = runJsonOf(*run);
    }
    m_events.append({{"kind", protocol::eventkinds::benchFinished},
        {"run", run->id},
        {"test", run->parameters.test},
        {"detail", finishedDetail(run->state, run->results, run->error)}});
    for (const Stopped &stopped : whenStopped) {
        try {
            stopped(json);
        } catch (const std::exception &failure) {
            logLine(std::string("benchmark: answering a cancel failed: ") + failure.what());
        }
    }
}

nlohmann::json BenchRunner::runJsonOf(const Run &run) const
{
    const auto duration = run.durationMs.value_or(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - run.started).count());
    nlohmann::json results = nlohmann::json::array();
    for (const BenchResult &result : run.results)
        results.push_back(resultJson(result));
    nlohmann::json json = {{runfields::id, run.id},
        {runfields::test, run.parameters.test},
        {runfields::state, run.state},
        {runfields::node, m_node},
        {runfields::agentVersion, RUNE_VERSION},
        {runfields::startedMs, run.startedMs},
        {runfields::durationMs, duration},
        {runfields::progress, run.progress.load()},
        {runfields::parameters, benchParametersJson(run.parameters)},
        {runfields::results, std::move(results)}};
    if (!run.error.empty())
        json[runfields::error] = run.error;
    return json;
}

nlohmann::json BenchRunner::runsJson() const
{
    std::lock_guard lock(m_mutex);
    nlohmann::json runs = nlohmann::json::array();
    if (m_running)
        runs.push_back(runJsonOf(*m_running));
    for (const auto &run : m_finished)
        runs.push_back(runJsonOf(*run));
    return {{runfields::list, std::move(runs)}};
}

std::optional<nlohmann::json> BenchRunner::runJson(std::string_view id) const
{
    std::lock_guard lock(m_mutex);
    if (m_running && m_running->id == id)
        return runJsonOf(*m_running);
    for (const auto &run : m_finished) {
        if (run->id == id)
            return runJsonOf(*run);
    }
    return std::nullopt;
}

bool BenchRunner::cancel(std::string_view id, Stopped stopped)
{
    std::unique_lock lock(m_mutex);
    if (m_running && m_running->id == id) {
        m_running->cancelled = true;
        m_running->whenStopped.push_back(std::move(stopped));
        return true;
    }
    for (const auto &run : m_finished) {
        if (run->id != id)
            continue;
        const nlohmann::json json = runJsonOf(*run);
        lock.unlock();
        stopped(json);
        return true;
    }
    return false;
}

std::optional<nlohmann::json> BenchRunner::healthJson() const
{
    namespace health = protocol::benchhealth;
    std::lock_guard lock(m_mutex);
    if (!m_running)
        return std::nullopt;
    return nlohmann::json {{health::id, m_running->id},
        {health::test, m_running->parameters.test},
        {health::progress, m_running->progress.load()}};
}

void BenchRunner::refuseNewRuns()
{
    std::lock_guard lock(m_mutex);
    m_refusing = true;
    if (m_running)
        m_running->cancelled = true;
}

void BenchRunner::stop()
{
    refuseNewRuns();
    std::thread thread;
    {
        std::lock_guard lock(m_mutex);
        thread.swap(m_thread);
    }
    if (thread.joinable())
        thread.join();
}

} // namespace rune::agent
