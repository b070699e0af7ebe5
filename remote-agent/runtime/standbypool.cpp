// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/standbypool.h"

#include "log.h"
#include "runtime/launch.h"

#include <boost/asio/post.hpp>
#include <sys/wait.h>

namespace rune::agent
{

namespace
{

// A standby that died while waiting (killed by hand, out of memory) is reaped and skipped.
bool stillRunning(pid_t pid)
{
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == 0;
}

void discard(StandbyWorker &worker)
{
    killProcessGroup(worker.pid);
    ProcessGroupRegistry::remove(worker.pid);
    int status = 0;
    ::waitpid(worker.pid, &status, 0);
}

} // namespace

StandbyPool::StandbyPool(boost::asio::io_context &io, const RuntimeContext &context, int perKind, int maxTotal)
    : m_context(context)
    , m_strand(boost::asio::make_strand(io))
    , m_perKind(perKind)
    , m_maxTotal(maxTotal)
{
}

StandbyPool::~StandbyPool()
{
    clear();
}

void StandbyPool::want(const StandbyKind &kind)
{
    if (m_perKind <= 0 || (kind.runtime != "python3" && kind.runtime != "node"))
        return;
    {
        const std::lock_guard lock(m_mutex);
        if (!m_wanted.insert(kind).second)
            return;
    }
    refillSoon();
}

std::optional<StandbyWorker> StandbyPool::take(const StandbyKind &kind)
{
    std::optional<StandbyWorker> taken;
    {
        const std::lock_guard lock(m_mutex);
        auto &ready = m_ready[kind];
        // One still setting up its namespace is not ready: it stays, and the caller starts its own.
        while (!ready.empty() && !taken && descriptorClosed(ready.front().started.get())) {
            StandbyWorker worker = std::move(ready.front());
            ready.pop_front();
            if (stillRunning(worker.pid))
                taken = std::move(worker);
            else
                ProcessGroupRegistry::remove(worker.pid);
        }
        m_wanted.insert(kind);
    }
    refillSoon();
    return taken;
}

int StandbyPool::waiting() const
{
    const std::lock_guard lock(m_mutex);
    int count = 0;
    for (const auto &[kind, ready] : m_ready)
        count += int(ready.size());
    return count;
}

void StandbyPool::clear()
{
    std::map<StandbyKind, std::deque<StandbyWorker>> ready;
    {
        const std::lock_guard lock(m_mutex);
        m_cleared = true;
        ready.swap(m_ready);
    }
    for (auto &[kind, workers] : ready) {
        for (auto &worker : workers)
            discard(worker);
    }
}

void StandbyPool::refillSoon()
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_refillQueued || m_cleared)
            return;
        m_refillQueued = true;
    }
    // Off the caller's path: a cold start must not wait for its own replacement to fork.
    boost::asio::post(m_strand, [weak = weak_from_this()] {
        if (const auto self = weak.lock())
            self->refill();
    });
}

void StandbyPool::refill()
{
    std::vector<StandbyKind> missing;
    {
        const std::lock_guard lock(m_mutex);
        m_refillQueued = false;
        if (m_cleared)
            return;
        int total = 0;
        for (const auto &[kind, ready] : m_ready)
            total += int(ready.size());
        for (const StandbyKind &kind : m_wanted) {
            for (int have = int(m_ready[kind].size()); have < m_perKind && total < m_maxTotal; ++have, ++total)
                missing.push_back(kind);
        }
    }
    for (const StandbyKind &kind : missing) {
        auto worker = spawn(kind);
        if (!worker) {
            logLine("cannot start a standby " + kind.runtime + " worker: " + worker.error());
            continue;
        }
        const std::lock_guard lock(m_mutex);
        if (m_cleared) {
            discard(*worker);
            return;
        }
        m_ready[kind].push_back(std::move(*worker));
    }
}

std::expected<StandbyWorker, std::string> StandbyPool::spawn(const StandbyKind &kind)
{
    // The worker runs as a replica's user from the start, confined as a replica is, so taking it
    // over costs no privileged step but mounting the function's code into its namespace.
    auto user = m_context.sandbox.acquireUser();
    if (!user)
        return std::unexpected(user.error());
    const WorkerCommand command = workerCommand(m_context, kind.runtime, kind.memoryMiB, "--standby");
    auto plan = planLaunch(
        m_context, nullptr, LaunchIdentity {*user, "standby-" + std::to_string(++m_spawned), kind.memoryMiB}, {});
    if (!plan)
        return std::unexpected(plan.error());
    SpawnSpec spec = std::move(plan->spec);
    spec.executable = command.executable;
    spec.argv = command.argv;
    if (spec.limits.addressSpaceBytes > 0)
        spec.limits.addressSpaceBytes = command.addressSpaceBytes;
    auto [agentEnd, workerEnd] = makeSocketPair();
    auto [stdoutRead, stdoutWrite] = makePipe();
    auto [stderrRead, stderrWrite] = makePipe();
    auto [startedRead, startedWrite] = makePipe();
    UniqueFd devNull = openDevNull();
    if (!agentEnd || !stdoutRead || !stderrRead || !startedRead || !devNull)
        return std::unexpected(std::string("out of file descriptors"));
    spec.fds = {{0, devNull.get()}, {1, stdoutWrite.get()}, {2, stderrWrite.get()}, {workerChannelFd, workerEnd.get()}};
    spec.execNoticeFd = startedWrite.get();
    const auto pid = spawnProcess(spec);
    if (!pid)
        return std::unexpected(pid.error());
    return StandbyWorker {*pid,
        std::move(agentEnd),
        std::move(stdoutRead),
        std::move(stderrRead),
        std::move(*user),
        std::move(plan->cgroup),
        std::move(startedRead)};
}

} // namespace rune::agent
