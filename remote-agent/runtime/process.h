// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace rune::agent
{

/** Owns one file descriptor; closes it unless released. */
class UniqueFd
{
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd);
    UniqueFd(UniqueFd &&other) noexcept;
    UniqueFd &operator=(UniqueFd &&other) noexcept;
    ~UniqueFd();

    int get() const;
    int release();
    explicit operator bool() const;

private:
    int m_fd = -1;
};

/** A pipe (read end, write end) or a unix socket pair, close-on-exec; both invalid on failure. */
std::pair<UniqueFd, UniqueFd> makePipe();
std::pair<UniqueFd, UniqueFd> makeSocketPair();
UniqueFd openDevNull();

/** Threads (which RLIMIT_NPROC counts) that processes of @p uid currently have. */
int countTasksOf(uid_t uid);

/** Kernel limits applied to a child just before exec; zero means "leave as inherited". */
struct ProcessLimits {
    std::uint64_t addressSpaceBytes = 0; ///< RLIMIT_AS
    int cpuSeconds = 0; ///< RLIMIT_CPU soft limit (SIGXCPU); the hard limit (SIGKILL) is 5 s later
    int maxProcesses = 0; ///< RLIMIT_NPROC, counted per user by the kernel
};

/** Everything a child needs, prepared before fork() so the child only makes async-signal-safe calls. */
struct SpawnSpec {
    std::filesystem::path executable;
    std::vector<std::string> argv;
    std::vector<std::string> env; ///< "NAME=value"; nothing is inherited from the agent
    std::filesystem::path workDir;
    ProcessLimits limits;
    std::optional<std::pair<uid_t, gid_t>> runAs; ///< switch to this user (agent running as root)
    int cgroupProcsFd = -1; ///< when set, the child moves itself into that cgroup
    /** (child fd, parent fd) pairs; every other descriptor is closed in the child. */
    std::vector<std::pair<int, int>> fds;
};

/**
 * Forks and execs @p spec in a new session (so it leads its own process group) and returns its
 * pid. A failing exec shows as exit code 127 with the reason written to the child's stderr.
 */
std::expected<pid_t, std::string> spawnProcess(const SpawnSpec &spec);

/** SIGKILLs a whole process group until the kernel reports it empty (a fork bomb races us). */
void killProcessGroup(pid_t group);

/** How a child ended. */
struct ExitStatus {
    bool signaled = false;
    int code = 0; ///< exit code, or the signal number when signaled

    std::string describe() const; ///< "exit code 3", "signal 11 (SIGSEGV)"
};

/**
 * Waits for one child to exit without blocking a thread: a pidfd watched by the reactor, or,
 * on kernels without pidfds, a short poll of waitpid(pid, WNOHANG). Either way only this pid is
 * reaped, so other children of the agent are left to whoever started them.
 */
class ChildWatcher
{
public:
    using Handler = std::function<void(ExitStatus)>;

    ChildWatcher(boost::asio::any_io_executor executor, pid_t pid);
    ChildWatcher(const ChildWatcher &) = delete;
    ChildWatcher &operator=(const ChildWatcher &) = delete;
    ~ChildWatcher();

    /** Calls @p handler once, on the executor, after the child has exited and been reaped. */
    void asyncWait(Handler handler);
    pid_t pid() const;
    bool exited() const;

private:
    bool tryReap();
    void waitPidfd();
    void poll();

    pid_t m_pid;
    boost::asio::posix::stream_descriptor m_pidfd;
    boost::asio::steady_timer m_poll;
    Handler m_handler;
    std::optional<ExitStatus> m_status;
};

/**
 * Every process group the runtime started, so that a shutting-down agent (or a failing test)
 * can kill them all synchronously from any thread.
 */
class ProcessGroupRegistry
{
public:
    static void add(pid_t group);
    static void remove(pid_t group);
    static void killAll();
    static std::vector<pid_t> groups();
};

} // namespace rune::agent
