// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/launch.h"

#include <algorithm>
#include <unistd.h>

namespace rune::agent
{

std::map<std::string, std::string> functionEnvironment(
    const RuntimeContext &context, const FunctionSpec &function, const std::map<std::string, std::string> &extraEnv)
{
    std::map<std::string, std::string> env;
    for (const auto &entry : context.options.baseEnv) {
        const auto equals = entry.find('=');
        if (equals != std::string::npos)
            env[entry.substr(0, equals)] = entry.substr(equals + 1);
    }
    for (const auto &[name, value] : function.config.env)
        env[name] = value;
    // After the function's own: it gets the GPUs the agent assigned, whatever its env says.
    for (const auto &[name, value] : gpuEnvironment(function.config, context.gpus))
        env[name] = value;
    env["RUNE_FUNCTION"] = function.name;
    env["RUNE_FUNCTION_VERSION"] = std::to_string(function.version);
    env["RUNE_MEMORY_MIB"] = std::to_string(function.config.memoryMiB);
    for (const auto &[name, value] : extraEnv)
        env[name] = value;
    return env;
}

// RLIMIT_NPROC counts every thread of the user. A replica's own user runs nothing else, so the
// allowance is the limit; the agent's own user runs other things, so it goes on top of those.
int processLimit(const RuntimeContext &context, const ReplicaUser &user)
{
    const int allowance = context.options.maxProcessesPerReplica;
    if (allowance <= 0)
        return 0;
    if (user.runAs())
        return allowance;
    if (::geteuid() == 0)
        return 0; // root ignores RLIMIT_NPROC anyway
    // Counted afresh for every process: the user's processes come and go with every replica
    // (and every exec call), and a stale count makes execve fail with EAGAIN.
    return countTasksOf(::getuid()) + allowance;
}

WorkerCommand workerCommand(
    const RuntimeContext &context, const std::string &runtime, int memoryMiB, const std::string &handlerArgument)
{
    WorkerCommand command;
    command.addressSpaceBytes = std::uint64_t(memoryMiB) << 20;
    if (runtime == "node") {
        command.executable = context.options.node;
        const int heapMiB = std::max(16, memoryMiB * 3 / 4);
        command.argv = {"node",
            "--max-old-space-size=" + std::to_string(heapMiB),
            (context.runtimesDir / "node" / "bootstrap.js").string(),
            handlerArgument};
        command.addressSpaceBytes += context.options.nodeAddressSpaceExtraMiB << 20;
    } else {
        command.executable = context.options.python3;
        // -u: lines reach the log as they are printed; -B: the code directory may be read-only.
        command.argv = {
            "python3", "-u", "-B", "-s", (context.runtimesDir / "python3" / "bootstrap.py").string(), handlerArgument};
    }
    return command;
}

std::vector<std::string> envList(const std::map<std::string, std::string> &env)
{
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto &[name, value] : env)
        out.push_back(name + "=" + value);
    return out;
}

namespace
{

bool isBelow(const std::filesystem::path &path, const std::filesystem::path &dir)
{
    const auto relative = path.lexically_relative(dir);
    return !relative.empty() && *relative.begin() != "..";
}

// The trees a function's namespace needs back from under the hidden state directory.
std::expected<void, std::string> addTree(LaunchPlan &plan, const std::filesystem::path &dir)
{
    auto tree = openDetachedTree(dir);
    if (!tree)
        return std::unexpected(tree.error());
    plan.spec.mounts.trees.push_back(TreeMount {tree->get(), dir});
    plan.trees.push_back(std::move(*tree));
    return {};
}

std::expected<void, std::string> planMounts(
    LaunchPlan &plan, const RuntimeContext &context, const FunctionSpec *function, int memoryMiB)
{
    const std::filesystem::path &state = context.sandbox.stateDir();
    PrivateMounts &mounts = plan.spec.mounts;
    mounts.enabled = true;
    mounts.hide = state;
    mounts.hideOwner = ::geteuid();
    mounts.scratchBytes = std::uint64_t(memoryMiB) << 20;
    if (!context.runtimesDir.empty() && isBelow(context.runtimesDir, state)) {
        if (auto added = addTree(plan, context.runtimesDir); !added)
            return added;
    }
    if (function && isBelow(function->codeDir, state))
        return addTree(plan, function->codeDir);
    return {};
}

} // namespace

std::expected<LaunchPlan, std::string> planLaunch(const RuntimeContext &context,
    const FunctionSpec *function,
    const LaunchIdentity &identity,
    const std::map<std::string, std::string> &extraEnv)
{
    LaunchPlan plan;
    if (function) {
        plan.spec.env = envList(functionEnvironment(context, *function, extraEnv));
        plan.spec.workDir = function->codeDir;
    } else {
        plan.spec.env = context.options.baseEnv;
        plan.spec.workDir = "/";
    }
    plan.spec.runAs = identity.user.runAs();
    plan.spec.limits.cpuSeconds = context.options.cpuSecondsPerReplica;
    plan.spec.limits.maxProcesses = processLimit(context, identity.user);
    const std::uint64_t memoryBytes = std::uint64_t(identity.memoryMiB) << 20;
    auto cgroup =
        context.sandbox.createCgroup(identity.cgroupName, memoryBytes, context.options.maxProcessesPerReplica);
    if (!cgroup)
        return std::unexpected(cgroup.error());
    plan.cgroup = std::move(*cgroup);
    if (plan.cgroup)
        plan.spec.cgroupProcsFds = plan.cgroup->procsFds();
    if (context.sandbox.report().memory == MemoryEnforcement::AddressSpace)
        plan.spec.limits.addressSpaceBytes = memoryBytes;
    if (context.sandbox.report().privateFilesystem) {
        if (auto mounts = planMounts(plan, context, function, identity.memoryMiB); !mounts)
            return std::unexpected(mounts.error());
    }
    return plan;
}

std::expected<std::optional<std::pair<UniqueFd, std::filesystem::path>>, std::string> codeMount(
    const RuntimeContext &context, const FunctionSpec &function)
{
    if (!context.sandbox.report().privateFilesystem || !isBelow(function.codeDir, context.sandbox.stateDir()))
        return std::nullopt;
    auto tree = openDetachedTree(function.codeDir);
    if (!tree)
        return std::unexpected(tree.error());
    return std::pair {std::move(*tree), function.codeDir};
}

} // namespace rune::agent
