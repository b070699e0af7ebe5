// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runtime/process.h"
#include "runtime/runtimeoptions.h"

#include <map>
#include <memory>
#include <string>

namespace rune::agent
{

/** A child's spawn spec before its executable, arguments and descriptors are known. */
struct LaunchPlan {
    SpawnSpec spec;
    std::unique_ptr<ReplicaCgroup> cgroup; ///< with cgroups: owns the limits and the process tree
    std::vector<UniqueFd> trees; ///< the detached mounts spec.mounts refers to, open until the spawn
};

/** Who a process runs as and how much it may use: one replica's share. */
struct LaunchIdentity {
    const ReplicaUser &user;
    std::string cgroupName; ///< unique per agent run
    int memoryMiB = 128;
};

/**
 * The confinement every function process gets: its replica's user, cgroup and rlimits, its own
 * mount namespace (when the sandbox has one) where only @p function's code (none for a standby
 * worker) and the worker scripts are visible under the state directory, the working directory and
 * the environment (agent base, then the function's own variables, then RUNE_*, which the function
 * cannot override; @p extraEnv last).
 */
std::expected<LaunchPlan, std::string> planLaunch(const RuntimeContext &context,
    const FunctionSpec *function,
    const LaunchIdentity &identity,
    const std::map<std::string, std::string> &extraEnv);

/** The mount that shows @p function's code in a pre-started worker's namespace; nullopt: none needed. */
std::expected<std::optional<std::pair<UniqueFd, std::filesystem::path>>, std::string> codeMount(
    const RuntimeContext &context, const FunctionSpec &function);

/** The environment of a function's processes: agent base, the function's own, then RUNE_*. */
std::map<std::string, std::string> functionEnvironment(
    const RuntimeContext &context, const FunctionSpec &function, const std::map<std::string, std::string> &extraEnv);

/** RLIMIT_NPROC for a replica's process: its allowance, counted on top of what its user already runs. */
int processLimit(const RuntimeContext &context, const ReplicaUser &user);

/** The descriptor on which a python3 or node worker finds its framed socket to the agent (the bootstrap scripts read fd
 * 3). */
inline constexpr int workerChannelFd = 3;

/** How a python3 or node worker is started; @p handlerArgument is the handler or "--standby". */
struct WorkerCommand {
    std::filesystem::path executable;
    std::vector<std::string> argv;
    std::uint64_t addressSpaceBytes = 0; ///< RLIMIT_AS for @p memoryMiB (node needs room for V8's reservations)
};
WorkerCommand workerCommand(
    const RuntimeContext &context, const std::string &runtime, int memoryMiB, const std::string &handlerArgument);

/** Flattens NAME → value into execve's "NAME=value" list. */
std::vector<std::string> envList(const std::map<std::string, std::string> &env);

} // namespace rune::agent
