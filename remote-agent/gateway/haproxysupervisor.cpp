// SPDX-License-Identifier: GPL-3.0-or-later
#include "gateway/haproxysupervisor.h"

#include "log.h"
#include "runtime/process.h"
#include "utf8text.h"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rune::agent
{

namespace
{

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto supervisorPollInterval = 100ms;
constexpr auto maxBackoff = 30s;
/** A master that ran this long without dying starts the next pause from one second again. */
constexpr auto stableAfter = 30s;
constexpr auto stopGrace = 3s;
constexpr std::size_t maxCheckOutputBytes = 16 * 1024;
constexpr std::size_t maxErrorBytes = 1000;

/** What HAProxy said that matters: its ALERT lines, else its last line; valid UTF-8, bounded. */
std::string gist(std::string_view output)
{
    std::string alerts;
    std::string lastLine;
    while (!output.empty()) {
        const auto end = output.find('\n');
        const auto line = output.substr(0, end);
        output.remove_prefix(end == std::string_view::npos ? output.size() : end + 1);
        if (line.find_first_not_of(" \t\r") == std::string_view::npos)
            continue;
        lastLine = line;
        if (line.find("ALERT") != std::string_view::npos)
            alerts += (alerts.empty() ? "" : " | ") + std::string(line);
    }
    return textExcerpt(alerts.empty() ? lastLine : alerts, maxErrorBytes);
}

std::string tailOf(const std::filesystem::path &path)
{
    std::ifstream file(path, std::ios::binary);
    file.seekg(0, std::ios::end);
    const auto size = static_cast<std::streamoff>(file.tellg());
    if (size <= 0)
        return {};
    const std::streamoff start = std::max<std::streamoff>(0, size - std::streamoff(maxCheckOutputBytes));
    file.seekg(start);
    std::string text(static_cast<std::size_t>(size - start), '\0');
    file.read(text.data(), std::streamsize(text.size()));
    text.resize(static_cast<std::size_t>(file.gcount()));
    return text;
}

ExitStatus exitStatusOf(int status)
{
    return WIFSIGNALED(status) ? ExitStatus {true, WTERMSIG(status)} : ExitStatus {false, WEXITSTATUS(status)};
}

/** Reaps @p pid if it has exited by @p deadline; polls, because only this thread may wait for it. */
std::optional<int> waitUntil(pid_t pid, Clock::time_point deadline)
{
    for (;;) {
        int status = 0;
        const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
        if (reaped == pid || (reaped < 0 && errno == ECHILD)) {
            ProcessGroupRegistry::remove(pid);
            return status;
        }
        if (Clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(10ms);
    }
}

/** Kills @p pid's whole group and reaps it: for a child that has to go now. */
int killAndReap(pid_t pid)
{
    killProcessGroup(pid);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    ProcessGroupRegistry::remove(pid);
    return status;
}

/** Everything @p fd gives until its writers close it or @p deadline passes (the first 16 KiB of it). */
std::string readUntilClosed(int fd, Clock::time_point deadline)
{
    std::string output;
    char buffer[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left <= 0ms)
            return output;
        pollfd watched {fd, POLLIN, 0};
        if (::poll(&watched, 1, int(left.count())) < 0 && errno != EINTR)
            return output;
        if (watched.revents == 0)
            continue;
        const ssize_t received = ::read(fd, buffer, sizeof buffer);
        if (received == 0 || (received < 0 && errno != EINTR && errno != EAGAIN))
            return output;
        if (received > 0 && output.size() < maxCheckOutputBytes)
            output.append(buffer, std::min(std::size_t(received), maxCheckOutputBytes - output.size()));
    }
}

/** The address to try a connection to: the loopback one for a wildcard listen address. */
std::pair<int, sockaddr_storage> probeAddress(const protocol::HaproxyListen &listen)
{
    sockaddr_storage address {};
    if (listen.host.starts_with('[')) {
        auto &v6 = reinterpret_cast<sockaddr_in6 &>(address);
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(listen.port);
        const std::string host = listen.host.substr(1, listen.host.size() - 2);
        if (::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) != 1 || IN6_IS_ADDR_UNSPECIFIED(&v6.sin6_addr))
            v6.sin6_addr = in6addr_loopback;
        return {AF_INET6, address};
    }
    auto &v4 = reinterpret_cast<sockaddr_in &>(address);
    v4.sin_family = AF_INET;
    v4.sin_port = htons(listen.port);
    if (::inet_pton(AF_INET, listen.host.c_str(), &v4.sin_addr) != 1 || v4.sin_addr.s_addr == htonl(INADDR_ANY))
        v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return {AF_INET, address};
}

} // namespace

std::vector<protocol::HaproxyNode> haproxyNodesOf(const nlohmann::json &body)
{
    std::vector<protocol::HaproxyNode> nodes;
    if (!body.is_object() || !body.contains("nodes") || !body["nodes"].is_array())
        return nodes;
    for (const auto &entry : body["nodes"]) {
        if (!entry.is_object() || !entry.value("name", nlohmann::json()).is_string()
            || !entry.value("url", nlohmann::json()).is_string())
            continue;
        protocol::HaproxyNode node {entry["name"].get<std::string>(), entry["url"].get<std::string>(), {}};
        const auto functions = entry.value("functions", nlohmann::json::array());
        for (const auto &function : functions.is_array() ? functions : nlohmann::json::array()) {
            if (function.is_string())
                node.functions.push_back(function.get<std::string>());
        }
        nodes.push_back(std::move(node));
    }
    return nodes;
}

HaproxySupervisor::HaproxySupervisor(HaproxyOptions options, EventLog &events)
    : m_options(std::move(options))
    , m_events(events)
{
}

HaproxySupervisor::~HaproxySupervisor()
{
    stop();
}

void HaproxySupervisor::start()
{
    {
        const std::lock_guard lock(m_mutex);
        if (!m_pending)
            m_pending.emplace();
    }
    m_thread = std::thread([this] {
        run();
    });
}

void HaproxySupervisor::stop()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

protocol::HaproxySettings HaproxySupervisor::settings() const
{
    return {m_options.listen.host, m_options.listen.port, (m_options.dir / "admin.sock").string()};
}

std::filesystem::path HaproxySupervisor::configPath() const
{
    return m_options.dir / "haproxy.cfg";
}

std::expected<void, std::string> HaproxySupervisor::check(const std::vector<protocol::HaproxyNode> &nodes) const
{
    const auto config = protocol::haproxyConfig(nodes, settings());
    if (config)
        return {};
    std::string text = "HAProxy cannot route this node list: ";
    for (std::size_t index = 0; index < config.error().size(); ++index)
        text += (index == 0 ? "" : "; ") + config.error()[index];
    return std::unexpected(textExcerpt(text, maxErrorBytes));
}

void HaproxySupervisor::apply(std::vector<protocol::HaproxyNode> nodes)
{
    {
        const std::lock_guard lock(m_mutex);
        m_pending = std::move(nodes);
    }
    m_wake.notify_all();
}

nlohmann::json HaproxySupervisor::status() const
{
    const std::lock_guard lock(m_mutex);
    static constexpr const char *names[] = {"starting", "running", "failed"};
    const auto &listen = m_options.listen;
    return {{"state", names[int(m_state)]},
        {"listen", listen.host + ":" + std::to_string(listen.port)},
        {"pid", m_pid > 0 ? nlohmann::json(m_pid) : nlohmann::json()},
        {"reloads", m_reloads},
        {"restarts", m_restarts},
        {"generation", m_generation},
        {"last_error", m_lastError}};
}

void HaproxySupervisor::run()
{
    // Nothing may escape a thread: a failure here leaves HAProxy stopped and says why.
    try {
        supervise();
    } catch (const std::exception &error) {
        setError(std::string("the HAProxy supervisor stopped: ") + error.what(), "haproxy_failed");
    } catch (...) {
        setError("the HAProxy supervisor stopped", "haproxy_failed");
    }
    try {
        stopMaster();
    } catch (...) {
        logLine("haproxy: could not stop HAProxy cleanly");
    }
}

void HaproxySupervisor::supervise()
{
    std::error_code ignored;
    std::filesystem::create_directories(m_options.dir, ignored);
    for (;;) {
        std::optional<std::vector<protocol::HaproxyNode>> nodes;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, supervisorPollInterval, [this] {
                return m_stopping || m_pending;
            });
            if (m_stopping)
                return;
            nodes = std::exchange(m_pending, std::nullopt);
        }
        if (nodes)
            applyPending(*nodes);
        watchMaster();
    }
}

void HaproxySupervisor::setError(const std::string &text, const char *eventKind)
{
    const std::string bounded = textExcerpt(text, maxErrorBytes);
    logLine("haproxy: " + bounded);
    {
        const std::lock_guard lock(m_mutex);
        m_lastError = bounded;
    }
    m_events.append({{"kind", eventKind}, {"detail", bounded}});
}

void HaproxySupervisor::applyPending(const std::vector<protocol::HaproxyNode> &nodes)
{
    const auto text = protocol::haproxyConfig(nodes, settings());
    if (!text)
        return setError(check(nodes).error(), "haproxy_config_refused");
    if (*text == m_appliedText)
        return; // the same list again: nothing to reload
    const auto next = m_options.dir / "haproxy.cfg.new";
    {
        std::ofstream file(next, std::ios::binary | std::ios::trunc);
        file << *text;
        if (!file.flush())
            return setError("cannot write " + next.string() + ": " + std::strerror(errno), "haproxy_config_refused");
    }
    std::error_code error;
    if (auto checked = checkWithHaproxy(next); !checked) {
        std::filesystem::remove(next, error);
        setError("HAProxy refused the new configuration, the previous one stays in force: " + checked.error(),
            "haproxy_config_refused");
        const std::lock_guard lock(m_mutex);
        if (m_appliedText.empty())
            m_state = State::failed;
        return;
    }
    std::filesystem::rename(next, configPath(), error);
    if (error)
        return setError("cannot replace " + configPath().string() + ": " + error.message(), "haproxy_config_refused");
    m_appliedText = *text;
    pid_t pid = -1;
    {
        const std::lock_guard lock(m_mutex);
        ++m_generation;
        m_lastError.clear();
        pid = m_state == State::running ? m_pid : -1;
    }
    if (pid > 0) {
        // The master starts new workers on the new file; the old ones finish their connections.
        if (::kill(pid, SIGUSR2) == 0) {
            const std::lock_guard lock(m_mutex);
            ++m_reloads;
        }
        m_events.append({{"kind", "haproxy_reloaded"}, {"nodes", nodes.size()}});
    } else {
        // Not running, or still starting: it reads the new file when it starts (again).
        m_restartAt = Clock::now();
        m_backoff = 1s;
    }
}

std::expected<void, std::string> HaproxySupervisor::checkWithHaproxy(const std::filesystem::path &config) const
{
    auto [readEnd, writeEnd] = makePipe();
    UniqueFd devNull = openDevNull();
    if (!readEnd || !devNull)
        return std::unexpected(std::string("no descriptors left to run haproxy -c"));
    SpawnSpec spec;
    spec.executable = m_options.binary;
    spec.argv = {m_options.binary.string(), "-c", "-f", config.string()};
    spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
    spec.workDir = m_options.dir;
    spec.fds = {{0, devNull.get()}, {1, writeEnd.get()}, {2, writeEnd.get()}};
    const auto pid = spawnProcess(spec);
    writeEnd = UniqueFd(); // the child's copies are the only writers left
    if (!pid)
        return std::unexpected("cannot run " + m_options.binary.string() + ": " + pid.error());
    const auto deadline = Clock::now() + m_options.checkTimeout;
    const std::string output = readUntilClosed(readEnd.get(), deadline);
    auto status = waitUntil(*pid, deadline);
    if (!status) {
        killAndReap(*pid);
        return std::unexpected("haproxy -c did not finish within "
            + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(m_options.checkTimeout).count()) + " s");
    }
    killProcessGroup(*pid); // anything it left behind
    const ExitStatus exit = exitStatusOf(*status);
    if (!exit.signaled && exit.code == 0)
        return {};
    return std::unexpected("haproxy -c ended with " + exit.describe() + ": " + gist(output));
}

void HaproxySupervisor::startMaster()
{
    const auto logPath = m_options.dir / "haproxy.log";
    UniqueFd log(::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    UniqueFd devNull = openDevNull();
    if (!log || !devNull) {
        m_restartAt = Clock::now() + m_backoff;
        return setError("cannot open " + logPath.string() + ": " + std::strerror(errno), "haproxy_failed");
    }
    SpawnSpec spec;
    spec.executable = m_options.binary;
    // Master-worker (-W), in the foreground (-db) so that the master stays this thread's child.
    spec.argv = {m_options.binary.string(), "-W", "-db", "-f", configPath().string()};
    spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
    spec.workDir = m_options.dir;
    spec.fds = {{0, devNull.get()}, {1, log.get()}, {2, log.get()}};
    const auto pid = spawnProcess(spec);
    if (!pid) {
        m_restartAt = Clock::now() + m_backoff;
        m_backoff = std::min<std::chrono::seconds>(m_backoff * 2, maxBackoff);
        return setError("cannot start " + m_options.binary.string() + ": " + pid.error(), "haproxy_failed");
    }
    m_startedAt = Clock::now();
    {
        const std::lock_guard lock(m_mutex);
        if (m_pid == 0)
            ++m_restarts;
        m_pid = *pid;
        m_startedGeneration = m_generation;
        m_state = State::starting;
    }
    logLine("haproxy: started (pid " + std::to_string(*pid) + "), listening on " + m_options.listen.host + ":"
        + std::to_string(m_options.listen.port));
}

void HaproxySupervisor::watchMaster()
{
    pid_t pid = -1;
    State state = State::starting;
    {
        const std::lock_guard lock(m_mutex);
        pid = m_pid;
        state = m_state;
    }
    const auto now = Clock::now();
    if (pid <= 0) {
        if (!m_appliedText.empty() && now >= m_restartAt)
            startMaster();
        return;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
        ProcessGroupRegistry::remove(pid);
        killProcessGroup(pid); // workers it left behind would hold the port with the old list
        const std::string said = gist(tailOf(m_options.dir / "haproxy.log"));
        {
            const std::lock_guard lock(m_mutex);
            m_pid = 0; // 0, not -1: the next start is a restart
            m_state = State::failed;
        }
        setError("haproxy exited (" + exitStatusOf(status).describe() + ")" + (said.empty() ? "" : ": " + said)
                + "; starting it again in " + std::to_string(m_backoff.count()) + " s",
            "haproxy_exited");
        m_restartAt = now + m_backoff;
        m_backoff = std::min<std::chrono::seconds>(m_backoff * 2, maxBackoff);
        return;
    }
    if (state == State::starting && answersOnListenPort()) {
        bool stale = false;
        {
            const std::lock_guard lock(m_mutex);
            m_state = State::running;
            stale = m_generation != m_startedGeneration;
        }
        m_events.append({{"kind", "haproxy_running"}, {"pid", pid}});
        // A list accepted while it started may be newer than the file it read.
        if (stale && ::kill(pid, SIGUSR2) == 0) {
            const std::lock_guard lock(m_mutex);
            ++m_reloads;
        }
    }
    if (state == State::running && now - m_startedAt > stableAfter)
        m_backoff = 1s;
}

bool HaproxySupervisor::answersOnListenPort() const
{
    const auto [family, address] = probeAddress(m_options.listen);
    const UniqueFd socket(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket)
        return false;
    const socklen_t length = family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    if (::connect(socket.get(), reinterpret_cast<const sockaddr *>(&address), length) == 0)
        return true;
    if (errno != EINPROGRESS)
        return false;
    pollfd watched {socket.get(), POLLOUT, 0};
    int error = 0;
    socklen_t size = sizeof error;
    return ::poll(&watched, 1, 200) == 1 && ::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &size) == 0
        && error == 0;
}

void HaproxySupervisor::stopMaster()
{
    pid_t pid = -1;
    {
        const std::lock_guard lock(m_mutex);
        pid = m_pid;
    }
    if (pid <= 0)
        return;
    // SIGTERM: the master stops its workers and exits; whatever is left goes with SIGKILL.
    ::kill(pid, SIGTERM);
    if (!waitUntil(pid, Clock::now() + stopGrace))
        killAndReap(pid);
    killProcessGroup(pid);
    const std::lock_guard lock(m_mutex);
    m_pid = -1;
    logLine("haproxy: stopped");
}

} // namespace rune::agent
