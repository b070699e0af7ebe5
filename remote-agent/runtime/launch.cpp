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
    env["RUNE_FUNCTION"] = function.name;
    env["RUNE_FUNCTION_VERSION"] = std::to_string(function.version);
    env["RUNE_MEMORY_MIB"] = std::to_string(function.config.memoryMiB);
    for (const auto &[name, value] : extraEnv)
        env[name] = value;
    return env;
}

// RLIMIT_NPROC counts every thread of the user, across all replicas and anything else running
// as that user; the allowance is therefore added on top of what the user already has.
int processLimit(const RuntimeContext &context)
{
    const int allowance = context.options.maxProcessesPerReplica;
    if (allowance <= 0)
        return 0;
    const auto &runAs = context.sandbox.report().runAs;
    if (!runAs && ::geteuid() == 0)
        return 0; // root ignores RLIMIT_NPROC anyway
    // Counted afresh for every process: the user's processes come and go with every replica
    // (and every exec call), and a stale count makes execve fail with EAGAIN.
    return countTasksOf(runAs ? runAs->first : ::getuid()) + allowance;
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

std::expected<LaunchPlan, std::string> planLaunch(const RuntimeContext &context,
    const FunctionSpec &function,
    const std::string &cgroupName,
    const std::map<std::string, std::string> &extraEnv)
{
    LaunchPlan plan;
    plan.spec.env = envList(functionEnvironment(context, function, extraEnv));
    plan.spec.workDir = function.codeDir;
    plan.spec.runAs = context.sandbox.report().runAs;
    plan.spec.limits.cpuSeconds = context.options.cpuSecondsPerReplica;
    plan.spec.limits.maxProcesses = processLimit(context);
    const std::uint64_t memoryBytes = std::uint64_t(function.config.memoryMiB) << 20;
    if (context.sandbox.report().memory == MemoryEnforcement::CgroupV2) {
        auto cgroup = context.sandbox.createCgroup(cgroupName, memoryBytes, context.options.maxProcessesPerReplica);
        if (!cgroup)
            return std::unexpected(cgroup.error());
        plan.cgroup = std::move(*cgroup);
        plan.spec.cgroupProcsFd = plan.cgroup->procsFd();
    } else {
        plan.spec.limits.addressSpaceBytes = memoryBytes;
    }
    return plan;
}

} // namespace rune::agent
