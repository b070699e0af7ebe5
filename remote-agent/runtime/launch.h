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

/** Flattens NAME → value into execve's "NAME=value" list. */
std::vector<std::string> envList(const std::map<std::string, std::string> &env);

} // namespace rune::agent
