// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/functionpool.h"

#include "runtime/memorybudget.h"
#include "runtime/standbypool.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <random>

namespace rune::agent
{

namespace
{

using Clock = std::chrono::steady_clock;

std::string seconds(std::chrono::milliseconds duration)
{
    const auto tenths = duration.count() / 100;
    return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
}

// Replica names stay unique across redeploys of the same version number.
std::atomic<std::uint64_t> replicaSerial {1};

} // namespace

std::string newRequestId()
{
    thread_local std::mt19937_64 random {std::random_device {}()};
    static constexpr char digits[] = "0123456789abcdef";
    std::string id(16, '0');
    std::uint64_t bits = random();
    for (char &c : id) {
        c = digits[bits & 15];
        bits >>= 4;
    }
    return id;
}

std::shared_ptr<FunctionPool> FunctionPool::create(boost::asio::io_context &io,
    std::shared_ptr<const RuntimeContext> context,
    std::shared_ptr<const FunctionSpec> function,
    EventSink events)
{
    return std::make_shared<FunctionPool>(io, std::move(context), std::move(function), std::move(events));
}

FunctionPool::FunctionPool(boost::asio::io_context &io,
    std::shared_ptr<const RuntimeContext> context,
    std::shared_ptr<const FunctionSpec> function,
    EventSink events)
    : m_strand(boost::asio::make_strand(io))
    , m_context(std::move(context))
    , m_function(std::move(function))
    , m_events(std::move(events))
    , m_idleTimer(m_strand)
    , m_sweepTimer(m_strand)
    , m_backoffTimer(m_strand)
{
}

const FunctionSpec &FunctionPool::function() const
{
    return *m_function;
}

PoolSnapshot FunctionPool::snapshot() const
{
    PoolSnapshot snapshot {m_replicaCount,
        m_readyCount,
        m_busyCount,
        m_queuedCount,
        m_startedCount,
        m_crashedCount,
        m_scaleUps,
        m_scaleDowns,
        std::nullopt};
    const std::lock_guard lock(m_failureMutex);
    if (m_publishedFailure) {
        snapshot.startFailure = m_publishedFailure;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_publishedRetryAt - Clock::now());
        snapshot.startFailure->retryInMs = std::max<long long>(0, left.count());
    }
    return snapshot;
}

void FunctionPool::invoke(Invocation invocation, InvokeCompletion completion)
{
    if (invocation.requestId.empty())
        invocation.requestId = newRequestId();
    const auto timeout = invocation.timeout.count() > 0
        ? invocation.timeout
        : std::chrono::milliseconds(std::int64_t(m_function->config.timeoutSeconds) * 1000);
    auto call = std::make_shared<PendingCall>(std::move(invocation), std::move(completion));
    call->deadline = call->started + timeout;
    // Runs at once on this thread when the pool is idle; queued behind its current work otherwise.
    boost::asio::dispatch(m_strand, [self = shared_from_this(), call] {
        self->admit(call);
    });
}

void FunctionPool::admit(std::shared_ptr<PendingCall> call)
{
    if (m_shutDown) {
        return call->complete(std::unexpected(
            InvokeError {runtime_errors::shuttingDown, 503, "the agent is shutting down; try another node", {}}));
    }
    if (call->invocation.body.size() > m_function->config.maxPayloadBytes) {
        return call->complete(std::unexpected(InvokeError {runtime_errors::payloadTooLarge,
            413,
            "the request body is larger than the function's limit of "
                + std::to_string(m_function->config.maxPayloadBytes) + " bytes",
            {}}));
    }
    if (backingOff() && liveReplicas() == 0)
        return call->complete(std::unexpected(startFailedError()));
    if (m_queue.size() >= m_context->options.queueLimitPerFunction && m_idle.empty()) {
        return call->complete(std::unexpected(InvokeError {runtime_errors::overloaded,
            503,
            "every replica of " + m_function->name + " is busy and " + std::to_string(m_queue.size())
                + " calls are already waiting; try again shortly",
            {}}));
    }
    // A call that finds no replica ready at all waits for a cold start, but not for ever.
    call->coldWaitUntil = std::min(call->deadline, call->started + m_context->options.coldStartWait);
    call->waited = m_idle.empty();
    m_queue.push_back(std::move(call));
    dispatch();
    startReplicasForDemand();
    scheduleSweep();
    publish();
}

void FunctionPool::dispatch()
{
    while (!m_idle.empty() && !m_queue.empty()) {
        auto call = std::move(m_queue.front());
        m_queue.pop_front();
        if (call->done())
            continue;
        // The most recently used replica first: the others stay idle and can be scaled down.
        auto replica = std::move(m_idle.back());
        m_idle.pop_back();
        call->coldStart = call->waited && replica->callsServed() == 0;
        m_running[replica.get()] = call;
        replica->run(call);
    }
    scheduleSweep();
    publish();
}

int FunctionPool::liveReplicas() const
{
    return int(m_replicas.size());
}

void FunctionPool::startReplicasForDemand()
{
    if (m_shutDown || m_queue.empty() || backingOff())
        return;
    // Enough replicas that each has at most the target number of calls running or waiting.
    const int target = std::max(1, m_function->config.targetConcurrency);
    const int inFlight = int(m_running.size() + m_queue.size());
    const int most = std::max(1, m_function->config.maxReplicas);
    const int wanted = std::clamp((inFlight + target - 1) / target, 1, most);
    const int before = liveReplicas();
    while (liveReplicas() < wanted)
        startReplica();
    if (liveReplicas() > before) {
        m_scaleUps += std::uint64_t(liveReplicas() - before);
        emit("scale_up",
            {},
            std::to_string(before) + " -> " + std::to_string(liveReplicas()) + " replicas, " + std::to_string(inFlight)
                + " calls in flight");
    }
}

void FunctionPool::warmUp()
{
    boost::asio::post(m_strand, [self = shared_from_this()] {
        while (!self->m_retired && !self->m_shutDown && !self->backingOff()
            && self->liveReplicas() < self->m_function->config.minReplicas)
            self->startReplica();
        self->publish();
    });
}

void FunctionPool::startReplica()
{
    ReplicaSetup setup;
    setup.executor = m_strand;
    setup.context = m_context;
    setup.function = m_function;
    setup.observer = weak_from_this();
    setup.id = m_function->name + "-v" + std::to_string(m_function->version) + "-r"
        + std::to_string(replicaSerial.fetch_add(1));
    auto replica = makeReplica(std::move(setup));
    m_replicas.push_back(replica);
    ++m_startedCount;
    if (m_context->memory)
        m_context->memory->reserve(m_function->config.memoryMiB);
    replica->start();
    scheduleIdleCheck();
    publish();
}

void FunctionPool::stopReplica(const std::shared_ptr<Replica> &replica, const char *why)
{
    std::erase(m_idle, replica);
    m_stopping.insert(replica.get());
    replica->stop(why);
}

void FunctionPool::replicaReady(const std::shared_ptr<Replica> &replica)
{
    if (std::find(m_replicas.begin(), m_replicas.end(), replica) == m_replicas.end())
        return;
    if (replica->callsServed() == 0 && !m_running.contains(replica.get())
        && std::find(m_idle.begin(), m_idle.end(), replica) == m_idle.end()) {
        emit("replica_started", replica->id(), {});
        clearStartFailure();
    }
    m_running.erase(replica.get());
    if ((m_retired && m_queue.empty()) || m_shutDown) {
        stopReplica(replica, "retired");
        return publish();
    }
    m_idle.push_back(replica);
    dispatch();
}

void FunctionPool::replicaGone(const std::shared_ptr<Replica> &replica, std::optional<InvokeError> startFailure)
{
    const auto found = std::find(m_replicas.begin(), m_replicas.end(), replica);
    if (found == m_replicas.end())
        return;
    m_replicas.erase(found);
    std::erase(m_idle, replica);
    if (m_context->memory)
        m_context->memory->release(m_function->config.memoryMiB);
    if (auto running = m_running.find(replica.get()); running != m_running.end()) {
        if (!running->second->done()) {
            running->second->complete(std::unexpected(
                InvokeError {runtime_errors::crashed, 502, "the function's replica stopped during the call", {}}));
        }
        m_running.erase(running);
    }
    const bool stoppedByPool = m_stopping.erase(replica.get()) > 0;
    if (startFailure && startFailure->code != runtime_errors::shuttingDown) {
        recordStartFailure(*startFailure);
        emit("start_failed", replica->id(), startFailure->message);
        // Starting again at once would fail the same way: answer the waiting calls with the reason.
        if (m_idle.empty() && m_running.empty())
            failQueued(*startFailure);
    } else if (!m_retired && !m_shutDown && !stoppedByPool) {
        ++m_crashedCount;
        emit("replica_crashed", replica->id(), {});
    } else {
        emit("replica_stopped", replica->id(), {});
    }
    startReplicasForDemand();
    publish();
}

void FunctionPool::recordStartFailure(const InvokeError &failure)
{
    using namespace std::chrono_literals;
    ++m_startFailures;
    m_startFailureMessage = failure.message;
    // Replicas started together fail together: one round of failures doubles the wait once.
    const auto now = Clock::now();
    if (now >= m_retryAt) {
        const int doublings = std::min(m_backoffRound++, 7);
        m_retryAt = now + std::min<Clock::duration>(500ms * (1 << doublings), 60s);
    }
    {
        const std::lock_guard lock(m_failureMutex);
        m_publishedFailure = StartFailure {m_startFailureMessage, m_startFailures, 0};
        m_publishedRetryAt = m_retryAt;
    }
    if (m_function->config.minReplicas > 0 && !m_retired && !m_shutDown) {
        m_backoffTimer.expires_at(m_retryAt);
        m_backoffTimer.async_wait([self = shared_from_this()](const boost::system::error_code &error) {
            if (!error)
                self->warmUp();
        });
    }
}

void FunctionPool::clearStartFailure()
{
    if (m_startFailures == 0)
        return;
    m_startFailures = 0;
    m_backoffRound = 0;
    m_retryAt = {};
    m_backoffTimer.cancel();
    const std::lock_guard lock(m_failureMutex);
    m_publishedFailure.reset();
}

bool FunctionPool::backingOff() const
{
    return m_startFailures > 0 && Clock::now() < m_retryAt;
}

InvokeError FunctionPool::startFailedError() const
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_retryAt - Clock::now());
    const int retryAfter = int(std::max<long long>(1, (left.count() + 999) / 1000));
    return {runtime_errors::startFailed,
        503,
        m_function->name + " fails to start (" + std::to_string(m_startFailures) + " times in a row; next attempt in "
            + std::to_string(retryAfter) + " s): " + m_startFailureMessage,
        {},
        retryAfter};
}

void FunctionPool::scheduleSweep()
{
    if (m_sweepScheduled || (m_queue.empty() && m_running.empty()))
        return;
    m_sweepScheduled = true;
    // A tenth of a second is precision enough for timeouts counted in seconds.
    m_sweepTimer.expires_after(std::chrono::milliseconds(100));
    m_sweepTimer.async_wait([self = shared_from_this()](const boost::system::error_code &error) {
        self->m_sweepScheduled = false;
        if (error || self->m_shutDown)
            return;
        self->sweepDeadlines();
        self->scheduleSweep();
    });
}

void FunctionPool::sweepDeadlines()
{
    const auto now = Clock::now();
    const bool replicaUp = !m_idle.empty() || !m_running.empty();
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        const auto call = *it;
        const auto allowed = std::chrono::duration_cast<std::chrono::milliseconds>(call->deadline - call->started);
        if (call->done()) {
            it = m_queue.erase(it);
        } else if (now >= call->deadline) {
            it = m_queue.erase(it);
            call->complete(std::unexpected(InvokeError {runtime_errors::timeout,
                504,
                "no replica of " + m_function->name + " became free within the timeout of " + seconds(allowed),
                {}}));
        } else if (!replicaUp && now >= call->coldWaitUntil) {
            // Still no replica up: tell the caller to come back rather than hold the connection.
            it = m_queue.erase(it);
            call->complete(std::unexpected(InvokeError {runtime_errors::coldStartTimeout,
                503,
                m_function->name + " is still starting (waited "
                    + seconds(std::chrono::duration_cast<std::chrono::milliseconds>(now - call->started))
                    + "); try again in a moment",
                {}}));
        } else {
            ++it;
        }
    }
    std::vector<std::pair<Replica *, std::shared_ptr<PendingCall>>> late;
    for (const auto &[replica, call] : m_running) {
        if (!call->done() && now >= call->deadline)
            late.emplace_back(replica, call);
    }
    for (const auto &[replica, call] : late)
        timeOutRunning(replica, call);
    publish();
}

void FunctionPool::timeOutRunning(Replica *replica, const std::shared_ptr<PendingCall> &call)
{
    const auto allowed = std::chrono::duration_cast<std::chrono::milliseconds>(call->deadline - call->started);
    call->complete(std::unexpected(InvokeError {runtime_errors::timeout,
        504,
        "the function did not answer within its timeout of " + seconds(allowed)
            + "; its replica was stopped and will be replaced",
        {}}));
    emit("call_timeout", replica->id(), call->invocation.requestId);
    m_stopping.insert(replica);
    replica->stop("timeout");
}

void FunctionPool::scheduleIdleCheck()
{
    if (m_idleCheckScheduled || m_function->config.idleToZeroSeconds <= 0)
        return;
    m_idleCheckScheduled = true;
    m_idleTimer.expires_after(m_context->options.idleCheckInterval);
    m_idleTimer.async_wait([self = shared_from_this()](const boost::system::error_code &error) {
        self->m_idleCheckScheduled = false;
        if (error || self->m_shutDown)
            return;
        self->stopIdleReplicas();
        if (!self->m_replicas.empty())
            self->scheduleIdleCheck();
    });
}

void FunctionPool::stopIdleReplicas()
{
    const auto idleFor = std::chrono::seconds(m_function->config.idleToZeroSeconds);
    const auto now = Clock::now();
    const int before = liveReplicas();
    // Oldest first; never below the function's minimum.
    std::vector<std::shared_ptr<Replica>> idle = m_idle;
    std::sort(idle.begin(), idle.end(), [](const auto &a, const auto &b) {
        return a->lastUsed() < b->lastUsed();
    });
    int live = before;
    for (const auto &replica : idle) {
        if (live <= m_function->config.minReplicas || now - replica->lastUsed() < idleFor)
            break;
        stopReplica(replica, "idle");
        --live;
    }
    if (live < before) {
        m_scaleDowns += std::uint64_t(before - live);
        emit("scale_down",
            {},
            std::to_string(before) + " -> " + std::to_string(live) + " replicas, idle for "
                + std::to_string(m_function->config.idleToZeroSeconds) + " s");
    }
    publish();
}

std::chrono::steady_clock::time_point FunctionPool::oldestIdle() const
{
    return Clock::time_point(Clock::duration(m_oldestIdleTicks.load()));
}

int FunctionPool::evictOldestIdle()
{
    if (m_oldestIdleTicks.load() == std::numeric_limits<std::int64_t>::max())
        return 0;
    boost::asio::post(m_strand, [self = shared_from_this()] {
        if (self->m_idle.empty())
            return;
        const auto oldest =
            std::min_element(self->m_idle.begin(), self->m_idle.end(), [](const auto &a, const auto &b) {
                return a->lastUsed() < b->lastUsed();
            });
        const auto replica = *oldest;
        self->stopReplica(replica, "evicted");
        ++self->m_scaleDowns;
        self->emit("evicted", replica->id(), "memory is short: the least recently used idle replica makes room");
        self->publish();
    });
    // Counted now so the next eviction round picks another pool.
    m_oldestIdleTicks = std::numeric_limits<std::int64_t>::max();
    return m_function->config.memoryMiB;
}

void FunctionPool::failQueued(const InvokeError &error)
{
    auto queue = std::exchange(m_queue, {});
    for (auto &call : queue) {
        if (!call->done())
            call->complete(std::unexpected(error));
    }
}

void FunctionPool::retire()
{
    boost::asio::post(m_strand, [self = shared_from_this()] {
        self->m_retired = true;
        self->m_backoffTimer.cancel();
        self->stopIdleIfRetired();
        self->publish();
    });
}

void FunctionPool::stopIdleIfRetired()
{
    if (!m_retired || !m_queue.empty())
        return;
    for (auto &replica : std::vector(m_idle))
        stopReplica(replica, "retired");
    // Replicas still starting have nothing to do any more either.
    for (auto &replica : std::vector(m_replicas)) {
        if (replica->state() == Replica::State::Starting)
            stopReplica(replica, "retired");
    }
}

void FunctionPool::shutdown()
{
    boost::asio::post(m_strand, [self = shared_from_this()] {
        self->m_shutDown = true;
        self->m_idleTimer.cancel();
        self->m_sweepTimer.cancel();
        self->m_backoffTimer.cancel();
        self->failQueued(InvokeError {runtime_errors::shuttingDown, 503, "the agent is shutting down", {}});
        for (auto &[replica, call] : self->m_running) {
            if (!call->done())
                call->complete(
                    std::unexpected(InvokeError {runtime_errors::shuttingDown, 503, "the agent is shutting down", {}}));
        }
        for (auto &replica : std::vector(self->m_replicas))
            self->stopReplica(replica, "shutdown");
        self->publish();
    });
}

void FunctionPool::publish()
{
    m_replicaCount = liveReplicas();
    m_readyCount = int(m_idle.size() + m_running.size());
    m_busyCount = int(m_running.size());
    m_queuedCount = int(m_queue.size());
    auto oldest = std::numeric_limits<std::int64_t>::max();
    for (const auto &replica : m_idle)
        oldest = std::min<std::int64_t>(oldest, replica->lastUsed().time_since_epoch().count());
    m_oldestIdleTicks = oldest;
}

void FunctionPool::emit(std::string kind, const std::string &replica, std::string detail) const
{
    if (m_events)
        m_events({std::move(kind), m_function->name, m_function->version, replica, std::move(detail)});
}

} // namespace rune::agent
