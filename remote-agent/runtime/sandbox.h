// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/cgroups.h"
#include "runtime/uidrange.h"

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace rune::agent
{

/** How a replica's memory limit is enforced on this machine. */
enum class MemoryEnforcement {
    CgroupV2, ///< memory.max on the replica's group: its whole process tree, /dev/shm and memfds included
    CgroupV1, ///< memory.limit_in_bytes in the v1 memory hierarchy: the same, on older layouts
    AddressSpace, ///< RLIMIT_AS per process, and size limits on its private /tmp and /dev/shm
};

struct SandboxOptions {
    /** Every replica runs as a user of its own (run_as = isolated); false: the agent's own user. */
    bool isolateUsers = true;
    std::string uidRange = "auto";
    std::filesystem::path stateDir;
    std::filesystem::path cgroupParent; ///< a delegated v2 group to use; empty: below the agent's own group
    std::string cgroupName; ///< the agent's directory in each hierarchy; empty: rune-agent-<first uid>
    bool useCgroups = true; ///< off: RLIMIT_AS and the subreaper, as on a machine without cgroups
    std::vector<std::filesystem::path> secrets; ///< files functions must not read (token files)
};

/** What detect() found: for the log, /v1/info and the console. */
struct SandboxReport {
    bool isolatedUsers = false;
    UidBlock uids; ///< isolatedUsers only
    std::string agentUser; ///< the agent's own user name
    MemoryEnforcement memory = MemoryEnforcement::AddressSpace;
    bool cgroupTracking = false; ///< a v2 group per replica; otherwise the subreaper (and the replica's uid)
    bool privateFilesystem = false; ///< own mount namespace: private /tmp, /dev/shm, only its own code
    std::vector<std::string> warnings; ///< what a function could do that it should not, in words
    std::vector<std::string> notes; ///< why a mechanism is not used

    std::string memoryName() const; ///< cgroup2, cgroup1 or rlimit
    std::string processesName() const; ///< cgroup2 or subreaper
    std::string summary() const; ///< one line for the log
};

/** A replica's own user id, given back (after its last process is killed) when this goes. */
class ReplicaUser
{
public:
    ReplicaUser() = default;
    ReplicaUser(std::shared_ptr<UidRange> range, uid_t uid);
    ReplicaUser(ReplicaUser &&other) noexcept;
    ReplicaUser &operator=(ReplicaUser &&other) noexcept;
    ~ReplicaUser();

    /** The uid and gid to run as; nullopt when functions run as the agent's own user. */
    std::optional<std::pair<uid_t, gid_t>> runAs() const;
    /** Kills every process of this user now (all of them: after setsid, double forks, anything). */
    void killAll() const;

private:
    void reset();

    std::shared_ptr<UidRange> m_range;
    std::optional<uid_t> m_uid;
};

/**
 * Decides once, at agent start, how replicas are kept apart from each other and from the agent,
 * and gives each replica its identity and its control groups.
 */
class Sandbox
{
public:
    static std::expected<Sandbox, std::string> detect(const SandboxOptions &options);

    const SandboxReport &report() const;
    std::expected<ReplicaUser, std::string> acquireUser() const;
    /** A fresh group for a replica; nullptr when cgroups are not in use. */
    std::expected<std::unique_ptr<ReplicaCgroup>, std::string> createCgroup(
        const std::string &name, std::uint64_t memoryBytes, int maxProcesses) const;
    /** Kills what an earlier agent on this state directory left running; a line for the log. */
    std::string sweep() const;
    /** At exit: kills whatever replicas left and removes the groups the agent made. */
    void teardown() const;
    /** Why a replica's user could not reach the function code under the state directory, if it cannot. */
    std::optional<std::string> codeUnreachable() const;
    const std::filesystem::path &stateDir() const;

private:
    SandboxReport m_report;
    SandboxOptions m_options;
    std::shared_ptr<const CgroupLayout> m_cgroups = std::make_shared<const CgroupLayout>();
    std::shared_ptr<UidRange> m_uids;
};

} // namespace rune::agent
