// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/sandbox.h"

#include "runtime/process.h"

#include <cerrno>
#include <cstring>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rune::agent
{

namespace fs = std::filesystem;

namespace
{

std::string userName(uid_t uid)
{
    std::vector<char> buffer(16384);
    passwd entry {};
    passwd *found = nullptr;
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found)
        return found->pw_name;
    return "uid " + std::to_string(uid);
}

// What a replica needs from the agent to get a user and a mount namespace of its own.
std::optional<std::string> missingPrivileges()
{
    std::string missing;
    for (const auto &[capability, name] : {std::pair {CAP_SETUID, "CAP_SETUID"},
             std::pair {CAP_SETGID, "CAP_SETGID"},
             std::pair {CAP_KILL, "CAP_KILL"},
             std::pair {CAP_SYS_ADMIN, "CAP_SYS_ADMIN"},
             std::pair {CAP_SYS_CHROOT, "CAP_SYS_CHROOT"}}) {
        if (!hasEffectiveCapability(capability))
            missing += (missing.empty() ? "" : ", ") + std::string(name);
    }
    if (!missing.empty())
        return "the agent lacks " + missing + " (run it as root, or as its own user with those capabilities)";
    if (!detachedMountsSupported())
        return std::string("the kernel has no open_tree/move_mount (Linux 5.2 or newer is needed)");
    return std::nullopt;
}

// Whether a process of a user that is neither owner nor group of any ancestor can walk to @p dir.
std::optional<std::string> traversableByOthers(const fs::path &dir)
{
    fs::path walked;
    for (const auto &part : fs::absolute(dir)) {
        walked /= part;
        struct stat info {
        };
        if (::stat(walked.c_str(), &info) != 0)
            return "cannot inspect " + walked.string() + ": " + std::strerror(errno);
        if ((info.st_mode & S_IXOTH) == 0)
            return walked.string() + " (mode " + std::to_string((info.st_mode >> 6) & 7)
                + std::to_string((info.st_mode >> 3) & 7) + std::to_string(info.st_mode & 7)
                + ") cannot be entered by the functions' users: chmod o+x it or move the state directory";
    }
    return std::nullopt;
}

std::vector<std::string> secretWarnings(const std::vector<fs::path> &secrets)
{
    std::vector<std::string> warnings;
    for (const auto &file : secrets) {
        struct stat info {
        };
        if (!file.empty() && ::stat(file.c_str(), &info) == 0 && (info.st_mode & 0044) != 0)
            warnings.push_back(file.string() + " can be read by other users: chmod 600 it");
    }
    return warnings;
}

} // namespace

std::string SandboxReport::memoryName() const
{
    switch (memory) {
    case MemoryEnforcement::CgroupV2:
        return "cgroup2";
    case MemoryEnforcement::CgroupV1:
        return "cgroup1";
    case MemoryEnforcement::AddressSpace:
        break;
    }
    return "rlimit";
}

std::string SandboxReport::processesName() const
{
    return cgroupTracking ? "cgroup2" : "subreaper";
}

std::string SandboxReport::summary() const
{
    return std::string("functions run as ")
        + (isolatedUsers ? "users of their own (uids " + uids.toString() + ")" : "the agent's user " + agentUser)
        + ", memory limited by " + memoryName() + ", processes tracked by " + processesName()
        + (privateFilesystem ? ", private /tmp and files" : ", shared /tmp");
}

ReplicaUser::ReplicaUser(std::shared_ptr<UidRange> range, uid_t uid)
    : m_range(std::move(range))
    , m_uid(uid)
{
}

ReplicaUser::ReplicaUser(ReplicaUser &&other) noexcept
    : m_range(std::move(other.m_range))
    , m_uid(std::exchange(other.m_uid, std::nullopt))
{
}

ReplicaUser &ReplicaUser::operator=(ReplicaUser &&other) noexcept
{
    if (this != &other) {
        reset();
        m_range = std::move(other.m_range);
        m_uid = std::exchange(other.m_uid, std::nullopt);
    }
    return *this;
}

ReplicaUser::~ReplicaUser()
{
    reset();
}

void ReplicaUser::reset()
{
    if (m_uid && m_range)
        m_range->release(*m_uid);
    m_uid.reset();
}

std::optional<std::pair<uid_t, gid_t>> ReplicaUser::runAs() const
{
    if (!m_uid)
        return std::nullopt;
    return std::pair {*m_uid, gid_t(*m_uid)};
}

void ReplicaUser::killAll() const
{
    if (m_uid)
        killEveryProcessOf(*m_uid);
}

std::expected<Sandbox, std::string> Sandbox::detect(const SandboxOptions &options)
{
    Sandbox sandbox;
    sandbox.m_options = options;
    SandboxReport &report = sandbox.m_report;
    report.agentUser = userName(::geteuid());
    std::string cgroupName = options.cgroupName;
    if (options.isolateUsers) {
        if (const auto missing = missingPrivileges())
            return std::unexpected("functions cannot get users of their own: " + *missing
                + "; set run_as = agent to run them as the agent's own user on a development machine");
        auto range = UidRange::claim(options.stateDir, options.uidRange);
        if (!range)
            return std::unexpected(range.error());
        sandbox.m_uids = std::move(*range);
        report.isolatedUsers = true;
        report.privateFilesystem = true;
        report.uids = sandbox.m_uids->block();
        if (cgroupName.empty())
            cgroupName = "rune-agent-" + std::to_string(report.uids.first);
    } else {
        report.warnings.push_back("functions run as the agent's own user " + report.agentUser
            + ": they can read its token, signal it and read each other's files (run_as = agent; for development "
              "only)");
        if (cgroupName.empty())
            cgroupName = "rune-agent-" + std::to_string(::getpid());
    }
    if (options.useCgroups) {
        sandbox.m_cgroups = std::make_shared<const CgroupLayout>(prepareCgroups(options.cgroupParent, cgroupName));
        report.notes = sandbox.m_cgroups->notes;
    } else {
        report.notes.push_back("cgroups are off in the configuration");
    }
    const CgroupLayout &cgroups = *sandbox.m_cgroups;
    report.cgroupTracking = cgroups.tracking.has_value();
    report.memory = cgroups.v2Memory ? MemoryEnforcement::CgroupV2
        : cgroups.v1Memory           ? MemoryEnforcement::CgroupV1
                                     : MemoryEnforcement::AddressSpace;
    if (report.memory == MemoryEnforcement::AddressSpace)
        report.warnings.push_back("memory is limited per process (RLIMIT_AS), not per function: a function can hold "
                                  "more by starting processes (no usable memory cgroup)");
    if (!report.isolatedUsers && !report.cgroupTracking)
        report.warnings.push_back("processes a function starts in the background can outlive it (neither users of "
                                  "their own nor a cgroup v2 group track them)");
    if (report.isolatedUsers) {
        if (auto problem = sandbox.codeUnreachable())
            report.warnings.push_back("functions cannot start: " + *problem);
    }
    for (auto &warning : secretWarnings(options.secrets))
        report.warnings.push_back(std::move(warning));
    return sandbox;
}

const SandboxReport &Sandbox::report() const
{
    return m_report;
}

const fs::path &Sandbox::stateDir() const
{
    return m_options.stateDir;
}

std::expected<ReplicaUser, std::string> Sandbox::acquireUser() const
{
    if (!m_uids)
        return ReplicaUser();
    auto uid = m_uids->acquire();
    if (!uid)
        return std::unexpected(uid.error());
    return ReplicaUser(m_uids, *uid);
}

std::expected<std::unique_ptr<ReplicaCgroup>, std::string> Sandbox::createCgroup(
    const std::string &name, std::uint64_t memoryBytes, int maxProcesses) const
{
    if (!m_cgroups->tracking && !m_cgroups->v1Memory && !m_cgroups->v1Pids)
        return std::unique_ptr<ReplicaCgroup>();
    return createReplicaCgroup(*m_cgroups, name, memoryBytes, maxProcesses);
}

std::string Sandbox::sweep() const
{
    const int groups = sweepCgroups(*m_cgroups);
    const int users = m_uids ? m_uids->sweep() : 0;
    if (groups == 0 && users == 0)
        return {};
    return "stopped what an earlier agent left running: " + std::to_string(groups) + " group(s), "
        + std::to_string(users) + " replica user(s)";
}

void Sandbox::teardown() const
{
    if (m_uids)
        m_uids->sweep();
    removeCgroups(*m_cgroups);
}

std::optional<std::string> Sandbox::codeUnreachable() const
{
    if (!m_report.isolatedUsers)
        return std::nullopt;
    // The state directory itself is covered by the replica's own tmpfs; the way to it is not.
    return traversableByOthers(fs::absolute(m_options.stateDir).parent_path());
}

} // namespace rune::agent
