// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/workerreplica.h"

#include "log.h"
#include "runtime/launch.h"
#include "runtime/reply.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

namespace rune::agent
{

namespace
{

// A string field of a worker's message, or @p fallback when it is missing or not a string.
std::string textField(const nlohmann::json &header, const char *name, std::string fallback)
{
    const auto found = header.find(name);
    return found != header.end() && found->is_string() ? found->get<std::string>() : std::move(fallback);
}

// Written by hand: it is built for every call, and nlohmann::json's object tree costs more than
// the rest of the agent's work on a call.
std::string invokeHeader(const PendingCall &call)
{
    const Invocation &invocation = call.invocation;
    std::string header;
    header.reserve(256 + invocation.headers.size() * 48);
    header += R"({"type":"invoke","id":)";
    appendJsonString(header, invocation.requestId);
    header += R"(,"method":)";
    appendJsonString(header, invocation.method);
    header += R"(,"path":)";
    appendJsonString(header, invocation.path);
    header += R"(,"query":)";
    appendJsonString(header, invocation.query);
    header += R"(,"headers":[)";
    for (std::size_t index = 0; index < invocation.headers.size(); ++index) {
        header += index ? ",[" : "[";
        appendJsonString(header, invocation.headers[index].first);
        header += ',';
        appendJsonString(header, invocation.headers[index].second);
        header += ']';
    }
    header += R"(],"deadline_ms":)";
    header += std::to_string(call.remainingMs());
    for (const auto &[key, value] : invocation.extra) {
        header += ',';
        appendJsonString(header, key);
        header += ':';
        appendJsonString(header, value);
    }
    header += '}';
    return header;
}

} // namespace

WorkerReplica::WorkerReplica(ReplicaSetup setup)
    : Replica(std::move(setup))
    , m_channel(m_setup.executor)
    , m_startTimer(m_setup.executor)
    , m_decoder(m_setup.context->options.maxResponseBytes)
{
}

WorkerReplica::~WorkerReplica()
{
    if (m_pid > 0 && m_state != State::Gone) {
        killProcessGroup(m_pid);
        ProcessGroupRegistry::remove(m_pid);
    }
}

std::optional<StandbyWorker> WorkerReplica::spawnFresh()
{
    const RuntimeContext &context = *m_setup.context;
    const FunctionSpec &function = *m_setup.function;
    const auto failed = [this](const std::string &why) {
        failStart({runtime_errors::spawnFailed, 502, "cannot start the function: " + why, {}});
        return std::nullopt;
    };
    auto user = context.sandbox.acquireUser();
    if (!user)
        return failed(user.error());
    auto plan = planLaunch(context, &function, LaunchIdentity {*user, m_setup.id, function.config.memoryMiB}, {});
    if (!plan)
        return failed(plan.error());
    SpawnSpec spec = std::move(plan->spec);
    const WorkerCommand command =
        workerCommand(context, function.config.runtime, function.config.memoryMiB, function.config.handler);
    spec.executable = command.executable;
    spec.argv = command.argv;
    if (spec.limits.addressSpaceBytes > 0)
        spec.limits.addressSpaceBytes = command.addressSpaceBytes;
    auto [agentEnd, workerEnd] = makeSocketPair();
    auto [stdoutRead, stdoutWrite] = makePipe();
    auto [stderrRead, stderrWrite] = makePipe();
    UniqueFd devNull = openDevNull();
    if (!agentEnd || !stdoutRead || !stderrRead || !devNull)
        return failed("out of file descriptors");
    spec.fds = {{0, devNull.get()}, {1, stdoutWrite.get()}, {2, stderrWrite.get()}, {workerChannelFd, workerEnd.get()}};
    const auto pid = spawnProcess(spec);
    if (!pid)
        return failed(pid.error());
    return StandbyWorker {*pid,
        std::move(agentEnd),
        std::move(stdoutRead),
        std::move(stderrRead),
        std::move(*user),
        std::move(plan->cgroup),
        UniqueFd()};
}

std::expected<void, std::string> WorkerReplica::adopt(StandbyWorker &worker)
{
    const RuntimeContext &context = *m_setup.context;
    const FunctionSpec &function = *m_setup.function;
    auto code = codeMount(context, function);
    if (!code)
        return std::unexpected(code.error());
    if (*code) {
        if (auto mounted = mountInto(worker.pid, TreeMount {(*code)->first.get(), (*code)->second}); !mounted)
            return mounted;
    }
    nlohmann::json env = nlohmann::json::object();
    for (const auto &[name, value] : functionEnvironment(context, function, {}))
        env[name] = value;
    const nlohmann::json load = {
        {"type", "load"}, {"dir", function.codeDir.string()}, {"handler", function.config.handler}, {"env", env}};
    m_writeBuffer = encodeMessageHead(load, 0);
    // Small and the first thing on an empty socket: it fits the socket buffer, so this never blocks.
    if (::write(worker.channel.get(), m_writeBuffer.data(), m_writeBuffer.size()) != ssize_t(m_writeBuffer.size()))
        return std::unexpected(std::string("cannot reach it: ") + std::strerror(errno));
    return {};
}

void WorkerReplica::start()
{
    const RuntimeContext &context = *m_setup.context;
    if (context.runtimesDir.empty())
        return failStart(
            {runtime_errors::spawnFailed, 502, "cannot start the function: the worker scripts are missing", {}});
    const FunctionSpec &function = *m_setup.function;
    std::optional<StandbyWorker> worker;
    if (context.standby)
        worker = context.standby->take({function.config.runtime, function.config.memoryMiB});
    if (worker) {
        if (auto adopted = adopt(*worker); !adopted) {
            logLine("cannot use a pre-started worker for " + function.name + ": " + adopted.error());
            killProcessGroup(worker->pid);
            ProcessGroupRegistry::remove(worker->pid);
            int status = 0;
            ::waitpid(worker->pid, &status, 0);
            worker.reset();
        }
    }
    m_fromStandby = worker.has_value();
    if (!worker)
        worker = spawnFresh();
    if (worker)
        attach(std::move(*worker));
}

void WorkerReplica::attach(StandbyWorker worker)
{
    m_pid = worker.pid;
    m_user = std::move(worker.user);
    m_cgroup = std::move(worker.cgroup);
    m_channel.assign(worker.channel.release());
    const auto self = shared_from_this();
    m_stdout =
        std::make_unique<OutputReader>(m_setup.executor, worker.stdoutRead.release(), [this](std::string_view line) {
            emitLine("stdout", line, requestInFlight());
        });
    m_stderr =
        std::make_unique<OutputReader>(m_setup.executor, worker.stderrRead.release(), [this](std::string_view line) {
            emitLine("stderr", line, requestInFlight());
        });
    m_stdout->start(self);
    m_stderr->start(self);
    m_watcher = std::make_unique<ChildWatcher>(m_setup.executor, m_pid);
    m_watcher->asyncWait([self](ExitStatus status) {
        static_cast<WorkerReplica *>(self.get())->onExit(status);
    });
    launch();
}

void WorkerReplica::launch()
{
    const auto self = shared_from_this();
    m_startTimer.expires_after(m_setup.context->options.startTimeout);
    m_startTimer.async_wait([this, self](const boost::system::error_code &error) {
        if (error || m_state != State::Starting)
            return;
        m_startFailure = InvokeError {runtime_errors::initFailed,
            502,
            "the function did not finish loading within "
                + std::to_string(m_setup.context->options.startTimeout.count() / 1000) + " s",
            {}};
        kill();
    });
    readChannel();
}

void WorkerReplica::readChannel()
{
    m_channel.async_read_some(boost::asio::buffer(m_readBuffer),
        [this, self = shared_from_this()](const boost::system::error_code &error, std::size_t bytes) {
            if (error)
                return; // EOF or closed: the exit handler reports why
            onBytes(bytes);
            if (m_channel.is_open() && m_state != State::Gone)
                readChannel();
        });
}

void WorkerReplica::onBytes(std::size_t bytes)
{
    // The worker is untrusted: nothing it sends may throw past this point and strand its call.
    try {
        decodeMessages({m_readBuffer.data(), bytes});
    } catch (const std::exception &error) {
        failCall({runtime_errors::protocolError,
            502,
            std::string("the worker's message broke the agent: ") + error.what(),
            {}});
        kill();
    }
}

void WorkerReplica::decodeMessages(std::string_view bytes)
{
    m_decoder.feed(bytes);
    for (;;) {
        auto message = m_decoder.next();
        if (!message) {
            const bool tooLarge = message.error().code == "frame_too_large";
            failCall({tooLarge ? runtime_errors::responseTooLarge : runtime_errors::protocolError,
                502,
                tooLarge ? "the function's response is larger than "
                        + std::to_string(m_setup.context->options.maxResponseBytes) + " bytes"
                         : "the worker broke the protocol: " + message.error().message,
                {}});
            return kill();
        }
        if (!*message)
            return;
        onMessage(std::move(**message));
        if (m_state == State::Stopping || m_state == State::Gone)
            return;
    }
}

void WorkerReplica::onMessage(WireMessage message)
{
    const std::string type = textField(message.header, "type", {});
    if (type == "ready" && m_state == State::Starting)
        return onReady();
    if (type == "init_error" && m_state == State::Starting) {
        m_startFailure = InvokeError {runtime_errors::initFailed,
            502,
            "the function's handler could not be loaded: " + textField(message.header, "error", "unknown error"),
            {}};
        return kill();
    }
    if (type == "result" && m_call)
        return onResult(std::move(message));
    failCall({runtime_errors::protocolError,
        502,
        "the worker sent an unexpected " + (type.empty() ? std::string("untyped") : "'" + type + "'") + " message",
        {}});
    kill();
}

void WorkerReplica::onReady()
{
    m_startTimer.cancel();
    m_state = State::Idle;
    if (auto watcher = observer())
        watcher->replicaReady(shared_from_this());
}

void WorkerReplica::onResult(WireMessage message)
{
    // Lines printed before the result belong to this call, even if the pipe was not read yet.
    OutputReader::drain(*m_stdout, *m_stderr);
    InvokeResult result = decodeWorkerResult(message.header, std::move(message.body), m_call->invocation.requestId);
    const auto call = std::exchange(m_call, nullptr);
    if (!result && result.error().code == runtime_errors::protocolError) {
        // A worker that garbles its own protocol cannot be trusted with the next call.
        call->complete(std::move(result));
        return kill();
    }
    ++m_calls;
    m_lastUsed = std::chrono::steady_clock::now();
    m_state = State::Idle;
    if (retiring) {
        call->complete(std::move(result));
        return stop("retired");
    }
    // The worker gets its next call before this answer goes out: it runs on another core while
    // the agent writes the answer, instead of waiting for it.
    if (auto watcher = observer())
        watcher->replicaReady(shared_from_this());
    call->complete(std::move(result));
}

void WorkerReplica::run(std::shared_ptr<PendingCall> call)
{
    m_state = State::Busy;
    m_call = std::move(call);
    m_call->replicaId = m_setup.id;
    m_stdout->clearTail();
    m_stderr->clearTail();
    const std::string &body = m_call->invocation.body;
    m_writeBuffer = encodeMessageHeadText(invokeHeader(*m_call), body.size());
    const std::array<boost::asio::const_buffer, 2> buffers {
        boost::asio::buffer(m_writeBuffer), boost::asio::buffer(body)};
    boost::asio::async_write(m_channel,
        buffers,
        [this, self = shared_from_this(), call = m_call](const boost::system::error_code &error, std::size_t) {
            if (error && m_call == call) {
                failCall({runtime_errors::crashed, 502, "the function's process went away before the call", {}});
                kill();
            }
        });
}

void WorkerReplica::stop(const std::string &why)
{
    if (m_state == State::Gone || m_state == State::Stopping)
        return;
    if (m_state == State::Starting && !m_startFailure)
        m_startFailure = InvokeError {runtime_errors::shuttingDown, 503, "the replica was stopped: " + why, {}};
    kill();
}

void WorkerReplica::kill()
{
    if (m_state == State::Gone)
        return;
    m_state = State::Stopping;
    m_startTimer.cancel();
    if (m_pid <= 0) {
        // Never started: report from the strand, not from inside the caller's stack.
        boost::asio::post(m_setup.executor, [self = shared_from_this()] {
            static_cast<WorkerReplica *>(self.get())->onExit({true, SIGKILL});
        });
        return;
    }
    killProcessGroup(m_pid);
    if (m_cgroup)
        m_cgroup->killAll();
    m_user.killAll();
}

void WorkerReplica::failStart(InvokeError error)
{
    m_startFailure = std::move(error);
    kill();
}

void WorkerReplica::failCall(InvokeError error)
{
    if (auto call = std::exchange(m_call, nullptr))
        call->complete(std::unexpected(std::move(error)));
}

bool WorkerReplica::outOfMemory() const
{
    if (m_cgroup && m_cgroup->oomKills() > 0)
        return true;
    // Without a cgroup, V8 aborts when its heap cap is hit; report that as what it is.
    const std::string tail = m_stderr ? m_stderr->tail() : std::string();
    return tail.find("heap out of memory") != std::string::npos;
}

void WorkerReplica::onExit(ExitStatus status)
{
    if (m_state == State::Gone)
        return;
    const bool wasStarting = m_state == State::Starting;
    m_state = State::Gone;
    m_startTimer.cancel();
    if (m_stdout)
        m_stdout->close();
    if (m_stderr)
        m_stderr->close();
    boost::system::error_code ignored;
    m_channel.close(ignored);
    if (m_pid > 0) {
        killProcessGroup(m_pid); // whatever the worker forked must not outlive it
        ProcessGroupRegistry::remove(m_pid);
    }
    // Also what left the process group: by cgroup, then by the replica's own uid.
    if (m_cgroup)
        m_cgroup->killAll();
    m_user = ReplicaUser();
    const std::string tail = m_stderr ? m_stderr->tail() : std::string();
    if (m_call)
        failCall(crashError(status.describe(), tail, outOfMemory()));
    if (wasStarting && !m_startFailure) {
        const std::string said = lastLine(tail);
        m_startFailure = InvokeError {runtime_errors::initFailed,
            502,
            "the function's worker exited while loading (" + status.describe() + ")"
                + (said.empty() ? "" : ": " + said),
            {}};
    }
    m_cgroup.reset();
    if (auto watcher = observer())
        watcher->replicaGone(shared_from_this(), m_startFailure);
}

std::string WorkerReplica::requestInFlight() const
{
    return m_call ? m_call->invocation.requestId : std::string();
}

} // namespace rune::agent
