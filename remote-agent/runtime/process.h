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

/** Threads (which RLIMIT_NPROC counts) that processes owned by @p uid currently have. */
int countTasksOf(uid_t uid);

/** Whether the agent holds @p capability (CAP_SETUID, ...) in its effective set. */
bool hasEffectiveCapability(int capability);
/**
 * Empties every capability set of the calling process (and its ambient set). Async-signal-safe:
 * called in children between fork and exec. False when the kernel refused.
 */
bool dropAllCapabilities();
/** Whether the kernel has open_tree and move_mount (Linux 5.2), which private mounts need. */
bool detachedMountsSupported();
/** A detached, recursive copy of the mount tree at @p path, to be attached elsewhere once. */
std::expected<UniqueFd, std::string> openDetachedTree(const std::filesystem::path &path);

/** A detached tree and the path where it appears, read-only, inside a private mount namespace. */
struct TreeMount {
    int treeFd = -1;
    std::filesystem::path target;
};

/**
 * The mount namespace of a function's process: its own, with an empty tmpfs over the agent's
 * state directory (so no other function's code, no logs), its own /tmp and /dev/shm (tmpfs of a
 * fixed size), and only the trees it needs (its code, the worker scripts) mounted back read-only.
 */
struct PrivateMounts {
    bool enabled = false;
    std::filesystem::path hide; ///< covered by an empty tmpfs owned by hideOwner
    uid_t hideOwner = 0; ///< the agent, so that it can add a function's code later (standby workers)
    std::uint64_t scratchBytes = 64ull << 20; ///< size of /tmp and of /dev/shm each
    std::vector<TreeMount> trees;
};

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
    /** Switch to this user and group, drop every capability and forbid gaining any (isolated replicas). */
    std::optional<std::pair<uid_t, gid_t>> runAs;
    std::vector<int> cgroupProcsFds; ///< the child moves itself into these groups first
    /** The write end of a pipe the child keeps open until it execs (or dies): see descriptorClosed. */
    int execNoticeFd = -1;
    PrivateMounts mounts;
    /** (child fd, parent fd) pairs; every other descriptor is closed in the child. */
    std::vector<std::pair<int, int>> fds;
};

/**
 * Forks and execs @p spec in a new session (so it leads its own process group) and returns its
 * pid. A failing exec shows as exit code 127 with the reason written to the child's stderr.
 */
std::expected<pid_t, std::string> spawnProcess(const SpawnSpec &spec);

/** Whether every writer of @p fd (a pipe's read end) is gone; never blocks. */
bool descriptorClosed(int fd);

/** SIGKILLs a whole process group until the kernel reports it empty (a fork bomb races us). */
void killProcessGroup(pid_t group);

/**
 * Attaches @p tree read-only at @p target inside the mount namespace of the running process
 * @p pid (creating the directories leading to it), from a short-lived helper process that enters
 * that namespace and the process's root (a chrooted agent's, not the namespace's). Gives a
 * pre-started worker the code of the function it is about to load.
 */
std::expected<void, std::string> mountInto(pid_t pid, const TreeMount &tree);

/**
 * Makes the agent the reaper of every orphan its children leave (PR_SET_CHILD_SUBREAPER), so a
 * function's process that left its session still ends up under the agent.
 */
void becomeSubreaper();
/**
 * Collects the orphans that came to the agent (children it did not spawn through spawnProcess)
 * once they are gone, and with @p killLiving kills those still running first: that is how
 * everything a function started ends when nothing else (a cgroup, its own uid) tracks it.
 * Returns how many were collected.
 */
int reapOrphans(bool killLiving);

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

    /** Calls @p handler once, on the executor, after the child has exited and been reaped. The
        handler is held by the pending wait, not by the watcher: a handler that keeps the
        watcher's owner alive is released with the event loop, not kept in a cycle forever. */
    void asyncWait(Handler handler);
    pid_t pid() const;
    bool exited() const;

private:
    bool tryReap();
    void waitPidfd(Handler handler);
    void poll(Handler handler);

    pid_t m_pid;
    boost::asio::posix::stream_descriptor m_pidfd;
    boost::asio::steady_timer m_poll;
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
