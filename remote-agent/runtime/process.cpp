// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/process.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <linux/capability.h>
#include <mutex>
#include <poll.h>
#include <set>
#include <sys/mount.h>
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
constexpr long sysOpenTree = 428;
constexpr long sysMoveMount = 429;
constexpr unsigned openTreeClone = 1;
constexpr unsigned moveMountEmptyPath = 0x4;
constexpr int newMountNamespace = 0x00020000; // CLONE_NEWNS

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
    const int notice = spec.execNoticeFd >= 0 ? ::fcntl(spec.execNoticeFd, F_DUPFD_CLOEXEC, 16) : -1;
    for (std::size_t i = 0; i < count; ++i) {
        if (::dup2(temp[i], spec.fds[i].first) < 0)
            childFail("dup2");
    }
    // Kept open, close-on-exec, just above the mapped ones: its end tells the agent of the exec.
    if (notice >= 0 && ::dup3(notice, ++highest, O_CLOEXEC) < 0)
        childFail("dup3");
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

// Creates every directory on the way to @p path below @p root (which exists), as mkdir -p would.
bool childMakeDirectories(const char *root, const char *path)
{
    char partial[4096];
    const std::size_t rootLength = std::strlen(root);
    const std::size_t length = std::strlen(path);
    if (length >= sizeof partial)
        return false;
    std::memcpy(partial, path, length + 1);
    for (std::size_t at = rootLength + 1; at <= length; ++at) {
        if (partial[at] != '/' && partial[at] != '\0')
            continue;
        partial[at] = '\0';
        if (::mkdir(partial, 0755) != 0 && errno != EEXIST)
            return false;
        partial[at] = at == length ? '\0' : '/';
    }
    return true;
}

bool childAttachTree(int treeFd, const char *target)
{
    if (::syscall(sysMoveMount, treeFd, "", AT_FDCWD, target, moveMountEmptyPath) != 0)
        return false;
    return ::mount(nullptr, target, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) == 0;
}

// The options strings are built before fork (no allocation in the child).
struct MountText {
    std::string scratch;
    std::string hide;
};

void childPrivateMounts(const PrivateMounts &mounts, const MountText &text)
{
    if (::unshare(newMountNamespace) != 0)
        childFail("unshare(CLONE_NEWNS)");
    // Nothing mounted here may leak back into the agent's namespace, nor the agent's into here.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        childFail("making the mounts private");
    const unsigned long flags = MS_NOSUID | MS_NODEV;
    if (::mount("tmpfs", "/tmp", "tmpfs", flags, text.scratch.c_str()) != 0)
        childFail("mounting a private /tmp");
    if (::access("/dev/shm", F_OK) == 0 && ::mount("tmpfs", "/dev/shm", "tmpfs", flags, text.scratch.c_str()) != 0)
        childFail("mounting a private /dev/shm");
    // A state directory below /tmp (tests, trials) is gone with the fresh /tmp: make its place again.
    if (!childMakeDirectories("/", mounts.hide.c_str())
        || ::mount("tmpfs", mounts.hide.c_str(), "tmpfs", flags, text.hide.c_str()) != 0)
        childFail("hiding the state directory");
    for (const TreeMount &tree : mounts.trees) {
        if (!childMakeDirectories(mounts.hide.c_str(), tree.target.c_str())
            || !childAttachTree(tree.treeFd, tree.target.c_str()))
            childFail("mounting the function's files");
    }
}

void childBecome(const std::pair<uid_t, gid_t> &user)
{
    if (::setgroups(0, nullptr) != 0 || ::syscall(SYS_setresgid, user.second, user.second, user.second) != 0)
        childFail("setgid");
    if (::syscall(SYS_setresuid, user.first, user.first, user.first) != 0)
        childFail("setuid");
    // From a non-root agent with capabilities, changing uids keeps them: drop every one, and
    // forbid set-user-ID programs from handing any back.
    if (!dropAllCapabilities())
        childFail("dropping capabilities");
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        childFail("PR_SET_NO_NEW_PRIVS");
}

[[noreturn]] void childMain(
    const SpawnSpec &spec, const MountText &text, char *const argv[], char *const envp[], pid_t parent)
{
    childResetSignals();
    if (::setsid() < 0)
        childFail("setsid");
    for (const int fd : spec.cgroupProcsFds) {
        if (::write(fd, "0", 1) != 1)
            childFail("joining the cgroup");
    }
    if (spec.mounts.enabled)
        childPrivateMounts(spec.mounts, text);
    childMapDescriptors(spec);
    childApplyLimits(spec.limits);
    if (spec.runAs)
        childBecome(*spec.runAs);
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

bool hasEffectiveCapability(int capability)
{
    __user_cap_header_struct header {_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] {};
    if (::syscall(SYS_capget, &header, data) != 0)
        return false;
    return (data[capability / 32].effective & (1u << (capability % 32))) != 0;
}

bool dropAllCapabilities()
{
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); // EINVAL on kernels without ambient sets
    __user_cap_header_struct header {_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] {};
    if (::syscall(SYS_capset, &header, data) != 0)
        return false;
    return ::syscall(SYS_capget, &header, data) == 0 && data[0].effective == 0 && data[1].effective == 0
        && data[0].permitted == 0 && data[1].permitted == 0;
}

bool detachedMountsSupported()
{
    // A bad descriptor is EBADF where the call exists, ENOSYS where it does not.
    return ::syscall(sysOpenTree, -1, "", 0) != 0 && errno != ENOSYS;
}

std::expected<UniqueFd, std::string> openDetachedTree(const std::filesystem::path &path)
{
    const long fd = ::syscall(sysOpenTree, AT_FDCWD, path.c_str(), openTreeClone | O_CLOEXEC | AT_RECURSIVE);
    if (fd < 0)
        return std::unexpected("cannot open " + path.string() + " for mounting: " + std::strerror(errno));
    return UniqueFd(int(fd));
}

std::expected<pid_t, std::string> spawnProcess(const SpawnSpec &spec)
{
    if (spec.fds.size() > 8)
        return std::unexpected(std::string("too many descriptors for a child"));
    const auto argv = cStrings(spec.argv);
    const auto envp = cStrings(spec.env);
    const MountText text {"size=" + std::to_string(spec.mounts.scratchBytes) + ",mode=1777",
        "size=1m,mode=0755,uid=" + std::to_string(spec.mounts.hideOwner)};
    const pid_t parent = ::getpid();
    // Registered under the registry's lock, so the orphan reaper never takes it for an orphan.
    std::unique_lock lock(registryMutex);
    const pid_t pid = ::fork();
    if (pid < 0)
        return std::unexpected(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0)
        childMain(spec, text, argv.data(), envp.data(), parent);
    registry().insert(pid);
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

bool descriptorClosed(int fd)
{
    pollfd watched {fd, POLLIN, 0};
    if (::poll(&watched, 1, 0) != 1)
        return false;
    char byte = 0;
    return (watched.revents & POLLHUP) != 0 || ::read(fd, &byte, 1) == 0;
}

std::expected<void, std::string> mountInto(pid_t pid, const TreeMount &tree)
{
    const std::string nsPath = "/proc/" + std::to_string(pid) + "/ns/mnt";
    UniqueFd ns(::open(nsPath.c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns)
        return std::unexpected("cannot open " + nsPath + ": " + std::strerror(errno));
    // Never into the agent's own namespace: the tree would land on the machine's state directory.
    struct stat theirs {
    };
    struct stat ours {
    };
    if (::fstat(ns.get(), &theirs) != 0 || ::stat("/proc/self/ns/mnt", &ours) != 0 || theirs.st_ino == ours.st_ino)
        return std::unexpected(std::string("the worker has no mount namespace of its own yet"));
    // setns() puts the helper at the root of the whole namespace, which is not the worker's root
    // when the agent runs chrooted: the tree would land beside the chroot, on the machine's disk.
    const std::string rootPath = "/proc/" + std::to_string(pid) + "/root";
    UniqueFd workerRoot(::open(rootPath.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!workerRoot)
        return std::unexpected("cannot open " + rootPath + ": " + std::strerror(errno));
    const std::string root = tree.target.root_path().string();
    std::unique_lock lock(registryMutex);
    const pid_t helper = ::fork();
    if (helper < 0)
        return std::unexpected(std::string("fork failed: ") + std::strerror(errno));
    if (helper == 0) {
        if (::setns(ns.get(), newMountNamespace) != 0 || ::fchdir(workerRoot.get()) != 0 || ::chroot(".") != 0
            || !childMakeDirectories(root.c_str(), tree.target.c_str())
            || !childAttachTree(tree.treeFd, tree.target.c_str()))
            ::_exit(errno == 0 ? 1 : errno);
        ::_exit(0);
    }
    registry().insert(helper);
    lock.unlock();
    int status = 0;
    while (::waitpid(helper, &status, 0) < 0 && errno == EINTR) { }
    ProcessGroupRegistry::remove(helper);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return std::unexpected("cannot mount " + tree.target.string()
            + " for the worker: " + (WIFEXITED(status) ? std::strerror(WEXITSTATUS(status)) : "the helper died"));
    return {};
}

void becomeSubreaper()
{
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int reapOrphans(bool killLiving)
{
    const pid_t self = ::getpid();
    std::vector<pid_t> orphans;
    std::error_code error;
    for (const auto &entry : std::filesystem::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
        std::ifstream in(entry.path() / "stat");
        std::string line;
        std::getline(in, line);
        const auto close = line.rfind(')');
        if (close == std::string::npos)
            continue;
        char state = 0;
        long ppid = 0;
        if (std::sscanf(line.c_str() + close + 1, " %c %ld", &state, &ppid) == 2 && ppid == self)
            orphans.push_back(pid_t(std::stol(name)));
    }
    std::lock_guard lock(registryMutex);
    int reaped = 0;
    for (const pid_t pid : orphans) {
        if (registry().contains(pid))
            continue;
        if (killLiving)
            ::kill(pid, SIGKILL);
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
            ++reaped;
    }
    return reaped;
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
    if (m_pidfd.is_open())
        waitPidfd(std::move(handler));
    else
        poll(std::move(handler));
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

void ChildWatcher::waitPidfd(Handler handler)
{
    m_pidfd.async_wait(boost::asio::posix::descriptor_base::wait_read,
        [this, handler = std::move(handler)](const boost::system::error_code &error) mutable {
            if (error == boost::asio::error::operation_aborted)
                return;
            if (!tryReap())
                return waitPidfd(std::move(handler));
            m_pidfd.close();
            if (handler)
                handler(*m_status);
        });
}

void ChildWatcher::poll(Handler handler)
{
    if (tryReap()) {
        if (handler)
            boost::asio::post(m_poll.get_executor(), [handler = std::move(handler), status = *m_status] {
                handler(status);
            });
        return;
    }
    m_poll.expires_after(std::chrono::milliseconds(20));
    m_poll.async_wait([this, handler = std::move(handler)](const boost::system::error_code &error) mutable {
        if (!error)
            poll(std::move(handler));
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
