// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/execreplica.h"

#include "functions/archive.h"
#include "runtime/launch.h"
#include "runtime/reply.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

namespace rune::agent
{

namespace
{

std::string lower(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// "Content-Type" -> "Http_Content_Type"; characters a shell variable cannot hold become '_'.
std::string headerVariable(std::string_view name)
{
    std::string variable = "Http_";
    bool upper = true;
    for (const char c : name) {
        const bool word = std::isalnum(static_cast<unsigned char>(c));
        variable += word
            ? char(upper ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)))
            : '_';
        upper = !word;
    }
    return variable;
}

std::expected<std::filesystem::path, std::string> executableOf(const FunctionSpec &function)
{
    const std::string &handler = function.config.handler;
    if (handler.empty() || !staysInside(handler))
        return std::unexpected(
            "the exec handler must be a relative path inside the function's files, got '" + handler + "'");
    const std::filesystem::path file = function.codeDir / handler;
    struct stat info {
    };
    if (::stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
        return std::unexpected("the exec handler '" + handler + "' is not a file in the function's archive");
    if ((info.st_mode & 0111) == 0)
        return std::unexpected("the exec handler '" + handler + "' is not executable (chmod +x it before packaging)");
    return file;
}

} // namespace

ExecReplica::ExecReplica(ReplicaSetup setup)
    : Replica(std::move(setup))
    , m_stdin(m_setup.executor)
    , m_stdoutPipe(m_setup.executor)
{
}

ExecReplica::~ExecReplica()
{
    if (m_pid > 0 && !m_exit) {
        killProcessGroup(m_pid);
        ProcessGroupRegistry::remove(m_pid);
    }
}

std::map<std::string, std::string> ExecReplica::callEnvironment(const Invocation &invocation)
{
    std::map<std::string, std::string> env;
    for (const auto &[name, value] : invocation.headers)
        env[headerVariable(name)] = value;
    env["REQUEST_METHOD"] = invocation.method;
    env["PATH_INFO"] = invocation.path;
    env["QUERY_STRING"] = invocation.query;
    env["CONTENT_LENGTH"] = std::to_string(invocation.body.size());
    env["RUNE_REQUEST_ID"] = invocation.requestId;
    for (const auto &[name, value] : invocation.extra)
        env["RUNE_EVENT_" + lower(name)] = value;
    return env;
}

void ExecReplica::start()
{
    // Nothing to warm up: each call starts its own process. Report ready from the strand.
    boost::asio::post(m_setup.executor, [self = shared_from_this(), this] {
        if (m_state != State::Starting)
            return;
        if (auto file = executableOf(*m_setup.function); !file) {
            m_state = State::Gone;
            if (auto watcher = observer())
                watcher->replicaGone(self, InvokeError {runtime_errors::initFailed, 502, file.error(), {}});
            return;
        }
        m_state = State::Idle;
        if (auto watcher = observer())
            watcher->replicaReady(self);
    });
}

std::expected<void, std::string> ExecReplica::spawn()
{
    auto file = executableOf(*m_setup.function);
    if (!file)
        return std::unexpected(file.error());
    const RuntimeContext &context = *m_setup.context;
    if (!m_user.runAs() && context.sandbox.report().isolatedUsers) {
        auto user = context.sandbox.acquireUser();
        if (!user)
            return std::unexpected(user.error());
        m_user = std::move(*user);
    }
    auto plan = planLaunch(context,
        m_setup.function.get(),
        LaunchIdentity {m_user, m_setup.id + "-c" + std::to_string(++m_serial), m_setup.function->config.memoryMiB},
        callEnvironment(m_call->invocation));
    if (!plan)
        return std::unexpected(plan.error());
    m_cgroup = std::move(plan->cgroup);
    SpawnSpec spec = std::move(plan->spec);
    spec.executable = *file;
    spec.argv = {file->string()};
    // A process per call needs no lifetime budget beyond its own deadline.
    const long long seconds = m_call->remainingMs() / 1000 + 1;
    spec.limits.cpuSeconds = int(std::min<long long>(context.options.cpuSecondsPerReplica, seconds));
    auto [stdinRead, stdinWrite] = makePipe();
    auto [stdoutRead, stdoutWrite] = makePipe();
    auto [stderrRead, stderrWrite] = makePipe();
    if (!stdinRead || !stdoutRead || !stderrRead)
        return std::unexpected(std::string("out of file descriptors"));
    spec.fds = {{0, stdinRead.get()}, {1, stdoutWrite.get()}, {2, stderrWrite.get()}};
    const auto pid = spawnProcess(spec);
    if (!pid)
        return std::unexpected(pid.error());
    m_pid = *pid;
    m_stdin.assign(stdinWrite.release());
    m_stdoutPipe.assign(stdoutRead.release());
    const std::string requestId = m_call->invocation.requestId;
    m_stderr = std::make_unique<OutputReader>(
        m_setup.executor, stderrRead.release(), [this, requestId](std::string_view line) {
            emitLine("stderr", line, requestId);
        });
    return {};
}

void ExecReplica::run(std::shared_ptr<PendingCall> call)
{
    m_state = State::Busy;
    m_call = std::move(call);
    m_call->replicaId = m_setup.id;
    if (auto spawned = spawn(); !spawned) {
        const auto failed = std::exchange(m_call, nullptr);
        failed->complete(std::unexpected(
            InvokeError {runtime_errors::spawnFailed, 502, "cannot start the function: " + spawned.error(), {}}));
        m_state = State::Gone;
        if (auto watcher = observer())
            watcher->replicaGone(shared_from_this(), std::nullopt);
        return;
    }
    const auto self = shared_from_this();
    m_stderr->start(self);
    m_watcher = std::make_unique<ChildWatcher>(m_setup.executor, m_pid);
    m_watcher->asyncWait([self](ExitStatus status) {
        static_cast<ExecReplica *>(self.get())->onExit(status);
    });
    writeBody();
    readOutput();
}

void ExecReplica::writeBody()
{
    boost::asio::async_write(m_stdin,
        boost::asio::buffer(m_call->invocation.body),
        [this, self = shared_from_this(), call = m_call](const boost::system::error_code &, std::size_t) {
            // A program that does not read its input closes the pipe early (EPIPE): not an error.
            boost::system::error_code ignored;
            if (m_call == call)
                m_stdin.close(ignored);
        });
}

void ExecReplica::readOutput()
{
    m_stdoutPipe.async_read_some(boost::asio::buffer(m_readBuffer),
        [this, self = shared_from_this()](const boost::system::error_code &error, std::size_t bytes) {
            if (error == boost::asio::error::operation_aborted)
                return;
            if (!m_outputTooLarge) {
                m_output.append(m_readBuffer.data(), bytes);
                if (m_output.size() > m_setup.context->options.maxResponseBytes) {
                    m_outputTooLarge = true;
                    killProcessGroup(m_pid);
                }
            }
            if (error) {
                m_outputClosed = true;
                return finishIfDone();
            }
            readOutput();
        });
}

void ExecReplica::onExit(ExitStatus status)
{
    m_exit = status;
    // Children it left behind would hold stdout open and outlive the call, even after setsid.
    killProcessGroup(m_pid);
    if (m_cgroup)
        m_cgroup->killAll();
    if (!m_setup.context->sandbox.report().cgroupTracking)
        m_user.killAll();
    finishIfDone();
}

void ExecReplica::finishIfDone()
{
    if (m_exit && m_outputClosed)
        finish();
}

void ExecReplica::finish()
{
    ProcessGroupRegistry::remove(m_pid);
    m_stderr->close();
    const std::string tail = m_stderr->tail();
    const bool oom = m_cgroup && m_cgroup->oomKills() > 0;
    const ExitStatus status = *m_exit;
    const auto call = std::exchange(m_call, nullptr);
    reset();
    ++m_calls;
    m_lastUsed = std::chrono::steady_clock::now();
    if (!call || call->done() || m_stopped) {
        // The pool already answered (a timeout) and stopped this slot.
        m_state = State::Gone;
        if (auto watcher = observer())
            watcher->replicaGone(shared_from_this(), std::nullopt);
        return;
    }
    if (m_outputTooLarge) {
        call->complete(std::unexpected(InvokeError {runtime_errors::responseTooLarge,
            502,
            "the function's output is larger than " + std::to_string(m_setup.context->options.maxResponseBytes)
                + " bytes",
            {}}));
    } else if (status.signaled || status.code != 0) {
        InvokeError error = crashError(status.describe(), tail, oom);
        if (!status.signaled) {
            const std::string said = lastLine(tail);
            error.message = "the function exited with " + status.describe() + (said.empty() ? "" : ": " + said);
        }
        call->complete(std::unexpected(std::move(error)));
    } else {
        call->complete(decodeCgiOutput(std::move(m_output)));
    }
    m_output.clear();
    m_state = State::Idle;
    if (retiring)
        return stop("retired");
    if (auto watcher = observer())
        watcher->replicaReady(shared_from_this());
}

void ExecReplica::reset()
{
    boost::system::error_code ignored;
    m_stdin.close(ignored);
    m_stdoutPipe.close(ignored);
    m_cgroup.reset();
    m_watcher.reset();
    m_exit.reset();
    m_outputClosed = false;
    m_outputTooLarge = false;
    m_pid = -1;
}

void ExecReplica::stop(const std::string &)
{
    if (m_state == State::Gone)
        return;
    m_stopped = true;
    if (m_state == State::Busy) {
        // The process dies; finish() then reports the slot gone.
        m_state = State::Stopping;
        killProcessGroup(m_pid);
        if (m_cgroup)
            m_cgroup->killAll();
        return;
    }
    m_state = State::Gone;
    boost::asio::post(m_setup.executor, [self = shared_from_this()] {
        if (auto watcher = static_cast<ExecReplica *>(self.get())->observer())
            watcher->replicaGone(self, std::nullopt);
    });
}

} // namespace rune::agent
