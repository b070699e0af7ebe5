// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace rune::agent
{

/**
 * Where this agent keeps its replicas' control groups, in every hierarchy it can use:
 *  - the cgroup v2 hierarchy (pure v2 at /sys/fs/cgroup, or the controller-less one a hybrid
 *    machine mounts at /sys/fs/cgroup/unified): a group per replica tracks its whole process tree
 *    and cgroup.kill ends it; with the memory and pids controllers it also limits them;
 *  - the cgroup v1 memory and pids hierarchies of a hybrid or legacy machine, for the limits.
 * Each parent is `<hierarchy>/<the agent's own group there>/<name>`; the agent creates it when
 * it may (as root, or inside a group delegated to its user) and removes what an earlier agent
 * left in it.
 */
struct CgroupLayout {
    std::optional<std::filesystem::path> tracking; ///< v2 parent with cgroup.kill
    bool v2Memory = false; ///< the v2 parent limits memory and pids itself
    std::optional<std::filesystem::path> v1Memory;
    std::optional<std::filesystem::path> v1Pids;
    std::vector<std::string> notes; ///< why a hierarchy is not used, in words
    std::vector<std::filesystem::path> created; ///< parents this agent made (and removes at exit)

    bool limitsMemory() const;
};

/**
 * Finds and prepares the hierarchies. @p v2Parent, when set, is the v2 parent to use as it is
 * (a delegated group); @p name is the directory made below the agent's own group.
 */
CgroupLayout prepareCgroups(const std::filesystem::path &v2Parent, const std::string &name);

/**
 * For an agent that will run as @p uid/@p gid without root (the installed layout): makes its
 * groups as root and hands them to it. Returns the v2 group the agent must be started in
 * (`<parent>/agent`), empty when there is no v2 hierarchy.
 */
std::expected<std::filesystem::path, std::string> delegateCgroups(const std::string &name, uid_t uid, gid_t gid);

/** Kills and removes every group an earlier agent left below the parents; how many there were. */
int sweepCgroups(const CgroupLayout &layout);
/** At exit: sweeps, then removes the parents this agent created. */
void removeCgroups(const CgroupLayout &layout);

/** One replica's groups in every hierarchy of the layout: killed as a whole, removed on destruction. */
class ReplicaCgroup
{
public:
    ReplicaCgroup(std::vector<std::filesystem::path> dirs, std::vector<int> procsFds);
    ReplicaCgroup(const ReplicaCgroup &) = delete;
    ReplicaCgroup &operator=(const ReplicaCgroup &) = delete;
    ~ReplicaCgroup();

    /** Opened for writing "0": the child joins every group before it runs anything. */
    const std::vector<int> &procsFds() const;
    /** How often the kernel's OOM killer struck inside the group. */
    std::uint64_t oomKills() const;
    /** Kills every process in the groups, including ones that left the replica's session. */
    void killAll() const;

private:
    std::vector<std::filesystem::path> m_dirs;
    std::vector<int> m_procsFds;
};

/** A new group named @p name below every parent of @p layout, with the given limits. */
std::expected<std::unique_ptr<ReplicaCgroup>, std::string> createReplicaCgroup(
    const CgroupLayout &layout, const std::string &name, std::uint64_t memoryBytes, int maxProcesses);

} // namespace rune::agent
