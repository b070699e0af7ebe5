// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/process.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <mutex>
#include <set>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rune::agent
{

namespace
{

// Spelled out because glibc 2.31 (the oldest the agent supports) has no wrappers for these.
constexpr long sysPidfdOpen = 434;
constexpr long sysCloseRange = 436;

// --- Child side: between fork() and exec() only async-signal-safe calls are allowed. ---

void childWrite(const char *text)
{
    const ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
    (void)ignored;
}

[[noreturn]] void childFail(const char *what)
{
    const int error = errno;
    char number[16];
    int n = 0;
    for (int value = error; n == 0 || value > 0; value /= 10)
        number[n++] = static_cast<char>('0' + value % 10);
    char digits[16];
    for (int i = 0; i < n; ++i)
        digits[i] = number[n - 1 - i];
    digits[n] = '\0';
    childWrite("rune-agent: starting the function failed at ");
    childWrite(what);
    childWrite(": errno ");
    childWrite(digits);
    childWrite("\n");
    ::_exit(127);
}

void childResetSignals()
{
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction defaultAction {
    };
    defaultAction.sa_handler = SIG_DFL;
    // The agent ignores SIGPIPE; a CGI-style program must get the default behaviour back.
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP)
            ::sigaction(sig, &defaultAction, nullptr);
    }
}

void childMapDescriptors(const SpawnSpec &spec)
{
    // Two phases, so a source that happens to sit on a target number is not clobbered.
    int temp[8];
    const std::size_t count = std::min<std::size_t>(spec.fds.size(), 8);
    int highest = 2;
    for (std::size_t i = 0; i < count; ++i) {
        temp[i] = ::fcntl(spec.fds[i].second, F_DUPFD_CLOEXEC, 16);
        if (temp[i] < 0)
            childFail("dup");
        highest = std::max(highest, spec.fds[i].first);
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (::dup2(temp[i], spec.fds[i].first) < 0)
            childFail("dup2");
    }
    // Descriptors the rest of the agent opened without O_CLOEXEC must not leak into functions.
    if (::syscall(sysCloseRange, highest + 1, ~0U, 0) != 0) {
        for (int fd = highest + 1; fd < 65536; ++fd)
            ::close(fd);
    }
}

void childApplyLimits(const ProcessLimits &limits)
{
    if (limits.addressSpaceBytes > 0) {
        const rlimit as {limits.addressSpaceBytes, limits.addressSpaceBytes};
        if (::setrlimit(RLIMIT_AS, &as) != 0)
            childFail("setrlimit(RLIMIT_AS)");
    }
    if (limits.cpuSeconds > 0) {
        const rlimit cpu {rlim_t(limits.cpuSeconds), rlim_t(limits.cpuSeconds + 5)};
        if (::setrlimit(RLIMIT_CPU, &cpu) != 0)
            childFail("setrlimit(RLIMIT_CPU)");
    }
    if (limits.maxProcesses > 0) {
        const rlimit nproc {rlim_t(limits.maxProcesses), rlim_t(limits.maxProcesses)};
        if (::setrlimit(RLIMIT_NPROC, &nproc) != 0)
            childFail("setrlimit(RLIMIT_NPROC)");
    }
}

[[noreturn]] void childMain(const SpawnSpec &spec, char *const argv[], char *const envp[], pid_t parent)
{
    childResetSignals();
    if (::setsid() < 0)
        childFail("setsid");
    if (spec.cgroupProcsFd >= 0 && ::write(spec.cgroupProcsFd, "0", 1) != 1)
        childFail("joining the cgroup");
    childMapDescriptors(spec);
    childApplyLimits(spec.limits);
    if (spec.runAs) {
        if (::setgroups(0, nullptr) != 0 || ::setgid(spec.runAs->second) != 0)
            childFail("setgid");
        if (::setuid(spec.runAs->first) != 0)
            childFail("setuid");
    }
    // Replicas must not outlive an agent that crashed; set after setuid, which clears it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
        ::_exit(1);
    if (!spec.workDir.empty() && ::chdir(spec.workDir.c_str()) != 0)
        childFail("chdir to the code directory");
    ::execve(spec.executable.c_str(), argv, envp);
    childFail("exec");
}

std::vector<char *> cStrings(const std::vector<std::string> &strings)
{
    std::vector<char *> out;
    out.reserve(strings.size() + 1);
    for (const auto &s : strings)
        out.push_back(const_cast<char *>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

std::mutex registryMutex;
std::set<pid_t> &registry()
{
    static std::set<pid_t> groups;
    return groups;
}

} // namespace

UniqueFd::UniqueFd(int fd)
    : m_fd(fd)
{
}

UniqueFd::UniqueFd(UniqueFd &&other) noexcept
    : m_fd(other.release())
{
}

UniqueFd &UniqueFd::operator=(UniqueFd &&other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = other.release();
    }
    return *this;
}

UniqueFd::~UniqueFd()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

int UniqueFd::get() const
{
    return m_fd;
}

int UniqueFd::release()
{
    return std::exchange(m_fd, -1);
}

UniqueFd::operator bool() const
{
    return m_fd >= 0;
}

std::pair<UniqueFd, UniqueFd> makePipe()
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return {};
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::pair<UniqueFd, UniqueFd> makeSocketPair()
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return {};
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

UniqueFd openDevNull()
{
    return UniqueFd(::open("/dev/null", O_RDWR | O_CLOEXEC));
}

int countTasksOf(uid_t uid)
{
    // stat() of /proc/<pid> gives the owner, the link count of its task/ dir the threads: two
    // cheap calls per process instead of parsing every status file.
    int tasks = 0;
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator("/proc", error)) {
        const auto name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        struct stat process {
        };
        struct stat taskDir {
        };
        if (::stat(entry.path().c_str(), &process) == 0 && process.st_uid == uid
            && ::stat((entry.path() / "task").c_str(), &taskDir) == 0)
            tasks += std::max(1, int(taskDir.st_nlink) - 2);
    }
    return tasks;
}

std::expected<pid_t, std::string> spawnProcess(const SpawnSpec &spec)
{
    if (spec.fds.size() > 8)
        return std::unexpected(std::string("too many descriptors for a child"));
    const auto argv = cStrings(spec.argv);
    const auto envp = cStrings(spec.env);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0)
        return std::unexpected(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0)
        childMain(spec, argv.data(), envp.data(), parent);
    // The child leads its own group; register at once so a shutdown never misses it.
    ProcessGroupRegistry::add(pid);
    return pid;
}

void killProcessGroup(pid_t group)
{
    if (group <= 1)
        return;
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (::kill(-group, SIGKILL) != 0 && errno == ESRCH)
            return;
    }
}

std::string ExitStatus::describe() const
{
    if (!signaled)
        return "exit code " + std::to_string(code);
    // sigabbrev_np() is newer than the oldest glibc the agent supports.
    static const std::pair<int, const char *> names[] = {{SIGHUP, "SIGHUP"},
        {SIGINT, "SIGINT"},
        {SIGQUIT, "SIGQUIT"},
        {SIGILL, "SIGILL"},
        {SIGTRAP, "SIGTRAP"},
        {SIGABRT, "SIGABRT"},
        {SIGBUS, "SIGBUS"},
        {SIGFPE, "SIGFPE"},
        {SIGKILL, "SIGKILL"},
        {SIGSEGV, "SIGSEGV"},
        {SIGPIPE, "SIGPIPE"},
        {SIGALRM, "SIGALRM"},
        {SIGTERM, "SIGTERM"},
        {SIGXCPU, "SIGXCPU"},
        {SIGXFSZ, "SIGXFSZ"},
        {SIGSYS, "SIGSYS"}};
    std::string text = "signal " + std::to_string(code);
    for (const auto &[number, name] : names) {
        if (number == code)
            text += std::string(" (") + name + ")";
    }
    return text;
}

ChildWatcher::ChildWatcher(boost::asio::any_io_executor executor, pid_t pid)
    : m_pid(pid)
    , m_pidfd(executor)
    , m_poll(executor)
{
    const long fd = ::syscall(sysPidfdOpen, pid, 0);
    if (fd >= 0) {
        ::fcntl(int(fd), F_SETFD, FD_CLOEXEC);
        m_pidfd.assign(int(fd));
    }
}

ChildWatcher::~ChildWatcher()
{
    // Only reached with the child still unreaped when the event loop is torn down early.
    if (!m_status && ::kill(m_pid, SIGKILL) == 0)
        tryReap();
}

void ChildWatcher::asyncWait(Handler handler)
{
    m_handler = std::move(handler);
    if (m_pidfd.is_open())
        waitPidfd();
    else
        poll();
}

pid_t ChildWatcher::pid() const
{
    return m_pid;
}

bool ChildWatcher::exited() const
{
    return m_status.has_value();
}

bool ChildWatcher::tryReap()
{
    int status = 0;
    pid_t reaped;
    do {
        reaped = ::waitpid(m_pid, &status, WNOHANG);
    } while (reaped < 0 && errno == EINTR);
    if (reaped == 0)
        return false;
    if (reaped < 0) // ECHILD: someone set SIGCHLD to SIG_IGN; the child is gone either way
        m_status = ExitStatus {true, SIGKILL};
    else if (WIFSIGNALED(status))
        m_status = ExitStatus {true, WTERMSIG(status)};
    else
        m_status = ExitStatus {false, WEXITSTATUS(status)};
    return true;
}

void ChildWatcher::waitPidfd()
{
    m_pidfd.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](const boost::system::error_code &error) {
        if (error == boost::asio::error::operation_aborted)
            return;
        if (!tryReap())
            return waitPidfd();
        m_pidfd.close();
        if (auto handler = std::exchange(m_handler, nullptr))
            handler(*m_status);
    });
}

void ChildWatcher::poll()
{
    if (tryReap()) {
        if (auto handler = std::exchange(m_handler, nullptr))
            boost::asio::post(m_poll.get_executor(), [handler, status = *m_status] {
                handler(status);
            });
        return;
    }
    m_poll.expires_after(std::chrono::milliseconds(20));
    m_poll.async_wait([this](const boost::system::error_code &error) {
        if (!error)
            poll();
    });
}

void ProcessGroupRegistry::add(pid_t group)
{
    std::lock_guard lock(registryMutex);
    registry().insert(group);
}

void ProcessGroupRegistry::remove(pid_t group)
{
    std::lock_guard lock(registryMutex);
    registry().erase(group);
}

void ProcessGroupRegistry::killAll()
{
    std::lock_guard lock(registryMutex);
    for (const pid_t group : registry())
        killProcessGroup(group);
}

std::vector<pid_t> ProcessGroupRegistry::groups()
{
    std::lock_guard lock(registryMutex);
    return {registry().begin(), registry().end()};
}

} // namespace rune::agent
