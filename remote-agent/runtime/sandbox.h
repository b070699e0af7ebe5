// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>

namespace rune::agent
{

/** How a replica's memory limit is enforced on this machine. */
enum class MemoryEnforcement {
    CgroupV2, ///< memory.max (+ pids.max) in a cgroup per replica; the OOM killer ends a hog
    AddressSpace, ///< RLIMIT_AS: allocations fail inside the function (cgroup v1 or no delegation)
};

struct SandboxOptions {
    std::string runAsUser = "nobody"; ///< applied only when the agent is root; empty: never switch
    std::filesystem::path cgroupParent; ///< empty: the agent's own cgroup, when it is delegated
    bool useCgroups = true;
};

/** What detect() found, for logs and /v1/info. */
struct SandboxReport {
    MemoryEnforcement memory = MemoryEnforcement::AddressSpace;
    std::filesystem::path cgroupParent; ///< where replica cgroups go (CgroupV2 only)
    std::string reason; ///< why cgroup v2 is not used, in words
    std::optional<std::pair<uid_t, gid_t>> runAs;
    std::string user; ///< who replicas run as

    std::string memoryMechanism() const; ///< "cgroup2 memory.max" or "RLIMIT_AS"
};

/** A replica's own cgroup: killed as a whole and removed on destruction. */
class ReplicaCgroup
{
public:
    ReplicaCgroup(std::filesystem::path dir, int procsFd);
    ReplicaCgroup(const ReplicaCgroup &) = delete;
    ReplicaCgroup &operator=(const ReplicaCgroup &) = delete;
    ~ReplicaCgroup();

    /** Open for writing "0" by the child so it joins before exec. */
    int procsFd() const;
    /** How often the kernel's OOM killer struck inside this cgroup. */
    std::uint64_t oomKills() const;
    /** Kills every process in the cgroup, including ones that left the replica's process group. */
    void killAll() const;

private:
    std::filesystem::path m_dir;
    int m_procsFd;
};

/** Decides once, at agent start, how replicas are confined. */
class Sandbox
{
public:
    static std::expected<Sandbox, std::string> detect(const SandboxOptions &options);

    const SandboxReport &report() const;
    /** A fresh cgroup named @p name with the given limits; only valid in CgroupV2 mode. */
    std::expected<std::unique_ptr<ReplicaCgroup>, std::string> createCgroup(
        const std::string &name, std::uint64_t memoryBytes, int maxProcesses) const;

private:
    SandboxReport m_report;
};

} // namespace rune::agent
