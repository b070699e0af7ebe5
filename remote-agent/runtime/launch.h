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
    std::unique_ptr<ReplicaCgroup> cgroup; ///< set with cgroup v2; owns the limit
};

/**
 * The confinement every function process gets: environment (agent base, then the function's
 * own variables, then RUNE_* which the function cannot override), working directory, user,
 * rlimits and, with cgroup v2, a cgroup named @p cgroupName.
 */
std::expected<LaunchPlan, std::string> planLaunch(const RuntimeContext &context,
    const FunctionSpec &function,
    const std::string &cgroupName,
    const std::map<std::string, std::string> &extraEnv);

/** The environment of a function's processes: agent base, the function's own, then RUNE_*. */
std::map<std::string, std::string> functionEnvironment(
    const RuntimeContext &context, const FunctionSpec &function, const std::map<std::string, std::string> &extraEnv);

/** RLIMIT_NPROC for a process of the function user: what it runs now plus the per-replica allowance. */
int processLimit(const RuntimeContext &context);

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
