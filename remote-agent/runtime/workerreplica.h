// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/framing.h"
#include "runtime/outputreader.h"
#include "runtime/process.h"
#include "runtime/replica.h"
#include "runtime/sandbox.h"
#include "runtime/standbypool.h"

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace rune::agent
{

/**
 * A long-running python3 or node process that imported the handler once and serves one call
 * after another over a framed socket (fd 3 in the worker; see runtimes/python3/bootstrap.py).
 */
class WorkerReplica final : public Replica
{
public:
    explicit WorkerReplica(ReplicaSetup setup);
    ~WorkerReplica() override;

    void start() override;
    void run(std::shared_ptr<PendingCall> call) override;
    void stop(const std::string &why) override;

private:
    /** A fresh worker that loads the handler itself, or nullopt after failStart(). */
    std::optional<StandbyWorker> spawnFresh();
    /** Shows a pre-started worker this function's code and tells it what to load. */
    std::expected<void, std::string> adopt(StandbyWorker &worker);
    void attach(StandbyWorker worker);
    void launch();
    void readChannel();
    void onBytes(std::size_t bytes);
    void decodeMessages(std::string_view bytes);
    void onMessage(WireMessage message);
    void onReady();
    void onResult(WireMessage message);
    void onExit(ExitStatus status);
    void failStart(InvokeError error);
    void failCall(InvokeError error);
    void kill();
    bool outOfMemory() const;
    std::string requestInFlight() const;

    ReplicaUser m_user; ///< declared before the cgroup: destroyed after it, killing what is left by uid
    std::unique_ptr<ReplicaCgroup> m_cgroup;
    pid_t m_pid = -1;
    std::unique_ptr<ChildWatcher> m_watcher;
    boost::asio::posix::stream_descriptor m_channel;
    std::unique_ptr<OutputReader> m_stdout;
    std::unique_ptr<OutputReader> m_stderr;
    boost::asio::steady_timer m_startTimer;
    MessageDecoder m_decoder;
    std::array<char, 64 * 1024> m_readBuffer {};
    std::string m_writeBuffer;
    std::shared_ptr<PendingCall> m_call;
    std::optional<InvokeError> m_startFailure;
    bool m_fromStandby = false; ///< started from a pre-started interpreter
};

} // namespace rune::agent
