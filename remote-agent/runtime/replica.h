// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/invocation.h"
#include "runtime/runtimeoptions.h"

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace rune::agent
{

using InvokeCompletion = std::move_only_function<void(InvokeResult)>;

/** One call between invoke() and its answer; lives on the pool's strand. */
class PendingCall
{
public:
    PendingCall(Invocation invocation, InvokeCompletion completion);

    /** Answers the caller exactly once; later attempts (a crash after a timeout) are ignored. */
    void complete(InvokeResult result);
    bool done() const;
    /** Milliseconds until the deadline, at least 1 so a worker never sees "no time at all". */
    long long remainingMs() const;

    Invocation invocation;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point deadline;
    /** While no replica is up: when to give up waiting for one (503), before the deadline. */
    std::chrono::steady_clock::time_point coldWaitUntil;
    std::string replicaId;
    bool waited = false; ///< no replica was idle on arrival
    bool coldStart = false; ///< served by a replica started for it

private:
    InvokeCompletion m_completion;
    bool m_done = false;
};

class Replica;

/** What a replica tells its pool; called on the pool's strand. */
class ReplicaObserver
{
public:
    virtual ~ReplicaObserver() = default;
    /** The replica is idle: started, or finished a call. */
    virtual void replicaReady(const std::shared_ptr<Replica> &replica) = 0;
    /** The replica's processes are gone; @p startFailure is set when it never became ready. */
    virtual void replicaGone(const std::shared_ptr<Replica> &replica, std::optional<InvokeError> startFailure) = 0;
};

/** Everything a replica is constructed with. */
struct ReplicaSetup {
    boost::asio::any_io_executor executor; ///< the pool's strand
    std::shared_ptr<const RuntimeContext> context;
    std::shared_ptr<const FunctionSpec> function;
    std::weak_ptr<ReplicaObserver> observer;
    std::string id; ///< "<function>-v<version>-r<n>", unique per agent run
};

/**
 * One unit of concurrency of a function: a warm worker process (python3, node) or a slot that
 * runs one process per call (exec). Takes one call at a time. Not thread-safe: every method is
 * called on the pool's strand.
 */
class Replica : public std::enable_shared_from_this<Replica>
{
public:
    enum class State { Starting, Idle, Busy, Stopping, Gone };

    explicit Replica(ReplicaSetup setup);
    virtual ~Replica() = default;

    /** Starts the process; replicaReady or replicaGone follows. */
    virtual void start() = 0;
    /** Runs @p call; only while Idle. Completes the call, then replicaReady or replicaGone. */
    virtual void run(std::shared_ptr<PendingCall> call) = 0;
    /** Kills the replica's processes now; replicaGone follows. */
    virtual void stop(const std::string &why) = 0;

    const std::string &id() const;
    State state() const;
    std::uint64_t callsServed() const;
    std::chrono::steady_clock::time_point lastUsed() const;
    /** Set by the pool: stop after the current call instead of taking another. */
    bool retiring = false;

protected:
    void emitLine(const char *stream, std::string_view text, const std::string &requestId) const;
    std::shared_ptr<ReplicaObserver> observer() const;

    ReplicaSetup m_setup;
    State m_state = State::Starting;
    std::uint64_t m_calls = 0;
    std::chrono::steady_clock::time_point m_lastUsed = std::chrono::steady_clock::now();
};

/** A replica of the right kind for @p setup's runtime. */
std::shared_ptr<Replica> makeReplica(ReplicaSetup setup);

/** The last non-empty line of a process's output, at most 300 characters: usually the reason it died. */
std::string lastLine(const std::string &output);

/** The error for a replica that died mid-call, with the cause and the last words on stderr. */
InvokeError crashError(const std::string &how, const std::string &stderrTail, bool outOfMemory);

} // namespace rune::agent
