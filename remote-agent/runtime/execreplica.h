// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/outputreader.h"
#include "runtime/process.h"
#include "runtime/replica.h"
#include "runtime/sandbox.h"

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace rune::agent
{

/**
 * A slot for the `exec` runtime: one process per call, CGI style. The request body goes to the
 * program's stdin, its stdout is the response body, request headers arrive as `Http_<Name>`
 * environment variables, and an exit code other than 0 answers 502. A program may start its
 * output with CGI headers (`Status: 201`, `Content-Type: ...`, a blank line) to set them.
 */
class ExecReplica final : public Replica
{
public:
    explicit ExecReplica(ReplicaSetup setup);
    ~ExecReplica() override;

    void start() override;
    void run(std::shared_ptr<PendingCall> call) override;
    void stop(const std::string &why) override;

    /** The environment a call's process gets on top of the function's: Http_*, REQUEST_METHOD, ... */
    static std::map<std::string, std::string> callEnvironment(const Invocation &invocation);

private:
    std::expected<void, std::string> spawn();
    void writeBody();
    void readOutput();
    void onExit(ExitStatus status);
    void finishIfDone();
    void finish();
    void reset();

    ReplicaUser m_user; ///< the slot's own user, for every call it runs
    std::unique_ptr<ReplicaCgroup> m_cgroup;
    pid_t m_pid = -1;
    std::unique_ptr<ChildWatcher> m_watcher;
    boost::asio::posix::stream_descriptor m_stdin;
    boost::asio::posix::stream_descriptor m_stdoutPipe;
    std::unique_ptr<OutputReader> m_stderr;
    std::array<char, 64 * 1024> m_readBuffer {};
    std::string m_output;
    bool m_outputTooLarge = false;
    bool m_outputClosed = false;
    std::optional<ExitStatus> m_exit;
    std::shared_ptr<PendingCall> m_call;
    std::uint64_t m_serial = 0;
    bool m_stopped = false;
};

} // namespace rune::agent
