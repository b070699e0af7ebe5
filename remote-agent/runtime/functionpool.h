// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/replica.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <vector>

namespace rune::agent
{

/** Why a function's replicas fail to start, while they do (absent once one starts). */
struct StartFailure {
    std::string message; ///< the last failure's reason, as a caller would get it
    int failures = 0; ///< failed starts in a row
    long long retryInMs = 0; ///< until the next start may be tried; 0: at the next call
};

/** A pool's numbers for metrics and listings; read from any thread. */
struct PoolSnapshot {
    int replicas = 0; ///< started or starting
    int ready = 0; ///< started and able to take calls (idle or busy)
    int busy = 0;
    int queued = 0;
    std::uint64_t started = 0; ///< replicas started over the pool's life
    std::uint64_t crashed = 0; ///< replicas that died on their own
    std::uint64_t scaleUps = 0; ///< replicas started because calls were waiting
    std::uint64_t scaleDowns = 0; ///< replicas stopped for being idle (or evicted)
    std::optional<StartFailure> startFailure;
};

/** Something worth telling the console about: a replica started, crashed, timed out. */
struct RuntimeEvent {
    std::string kind; ///< replica_started, replica_stopped, replica_crashed, call_timeout, start_failed
    std::string function;
    int version = 0;
    std::string replica;
    std::string detail;
};

using EventSink = std::function<void(RuntimeEvent)>;

/**
 * The replicas of one version of one function, and the calls waiting for them. A call takes an
 * idle replica, or waits in a bounded queue while the pool starts more replicas (up to the
 * function's maximum). Past its deadline a waiting call gets 504, and a running call's replica
 * is killed (its state is unknown) and replaced. A function whose replicas fail to start is not
 * started again at once: the pool backs off (0.5 s doubling to 60 s, reset by a start that
 * succeeds) and meanwhile answers 503 start_failed with the reason and Retry-After. Everything
 * runs on the pool's strand; invoke() and the other public methods may be called from any thread.
 */
class FunctionPool final : public ReplicaObserver, public std::enable_shared_from_this<FunctionPool>
{
public:
    static std::shared_ptr<FunctionPool> create(boost::asio::io_context &io,
        std::shared_ptr<const RuntimeContext> context,
        std::shared_ptr<const FunctionSpec> function,
        EventSink events);

    void invoke(Invocation invocation, InvokeCompletion completion);
    /** Takes no new calls; those queued or running finish, then the replicas stop. */
    void retire();
    /** Kills every replica now and fails what is queued. */
    void shutdown();
    /** Starts replicas until the function's minimum is warm. */
    void warmUp();
    /** When its least recently used idle replica was last used; time_point::max() when none is idle. */
    std::chrono::steady_clock::time_point oldestIdle() const;
    /** Stops the least recently used idle replica (memory is short elsewhere); its MiB, or 0. */
    int evictOldestIdle();

    PoolSnapshot snapshot() const;
    const FunctionSpec &function() const;

    void replicaReady(const std::shared_ptr<Replica> &replica) override;
    void replicaGone(const std::shared_ptr<Replica> &replica, std::optional<InvokeError> startFailure) override;

    FunctionPool(boost::asio::io_context &io,
        std::shared_ptr<const RuntimeContext> context,
        std::shared_ptr<const FunctionSpec> function,
        EventSink events);

private:
    void admit(std::shared_ptr<PendingCall> call);
    void dispatch();
    void startReplicasForDemand();
    void startReplica();
    void timeOutRunning(Replica *replica, const std::shared_ptr<PendingCall> &call);
    void failQueued(const InvokeError &error);
    void stopIdleIfRetired();
    void publish();
    void scheduleIdleCheck();
    void stopIdleReplicas();
    void scheduleSweep();
    void sweepDeadlines();
    void stopReplica(const std::shared_ptr<Replica> &replica, const char *why);
    void recordStartFailure(const InvokeError &failure);
    void clearStartFailure();
    /** Whether starting a replica now would go against the backoff. */
    bool backingOff() const;
    /** The 503 for a call that arrives while the pool backs off. */
    InvokeError startFailedError() const;
    void emit(std::string kind, const std::string &replica, std::string detail) const;
    int liveReplicas() const;

    boost::asio::strand<boost::asio::io_context::executor_type> m_strand;
    std::shared_ptr<const RuntimeContext> m_context;
    std::shared_ptr<const FunctionSpec> m_function;
    EventSink m_events;
    std::deque<std::shared_ptr<PendingCall>> m_queue;
    std::vector<std::shared_ptr<Replica>> m_replicas;
    std::vector<std::shared_ptr<Replica>> m_idle;
    std::map<Replica *, std::shared_ptr<PendingCall>> m_running;
    std::set<Replica *> m_stopping; ///< stopped by the pool, so their exit is no crash
    std::uint64_t m_nextReplica = 1;
    bool m_retired = false;
    bool m_shutDown = false;

    std::atomic<int> m_replicaCount {0};
    std::atomic<int> m_readyCount {0};
    std::atomic<int> m_busyCount {0};
    std::atomic<int> m_queuedCount {0};
    std::atomic<std::uint64_t> m_startedCount {0};
    std::atomic<std::uint64_t> m_crashedCount {0};
    std::atomic<std::uint64_t> m_scaleUps {0};
    std::atomic<std::uint64_t> m_scaleDowns {0};
    std::atomic<std::int64_t> m_oldestIdleTicks {std::numeric_limits<std::int64_t>::max()};
    boost::asio::steady_timer m_idleTimer;
    /** One timer for every call's deadline: arming a timer per call costs more than the call. */
    boost::asio::steady_timer m_sweepTimer;
    bool m_sweepScheduled = false;
    bool m_idleCheckScheduled = false;

    // Failed starts in a row (strand only), and their copy for snapshot() (under m_failureMutex).
    int m_startFailures = 0;
    int m_backoffRound = 0;
    std::chrono::steady_clock::time_point m_retryAt;
    std::string m_startFailureMessage;
    boost::asio::steady_timer m_backoffTimer; ///< warms the minimum up again once the backoff ends
    mutable std::mutex m_failureMutex;
    std::optional<StartFailure> m_publishedFailure;
    std::chrono::steady_clock::time_point m_publishedRetryAt;
};

} // namespace rune::agent
