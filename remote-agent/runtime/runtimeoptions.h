// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deployconfig.h"
#include "gpus.h"
#include "runtime/invocation.h"
#include "runtime/sandbox.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace rune::agent
{

/** Agent-wide settings of the function runtime; the defaults suit a production node. */
struct RuntimeOptions {
    /** Holds python3/bootstrap.py and node/bootstrap.js. Empty: <agent dir>/../share/rune-agent/runtimes,
        then the source tree the agent was built from. */
    std::filesystem::path runtimesDir;
    /** Absolute, so that a developer's pyenv or nvm shims on PATH never decide what runs. */
    std::filesystem::path python3 = "/usr/bin/python3";
    std::filesystem::path node = "/usr/bin/node";
    SandboxOptions sandbox;
    int maxProcessesPerReplica = 64; ///< RLIMIT_NPROC (and pids.max with cgroup v2)
    /** A worker's lifetime CPU budget (RLIMIT_CPU); past it the worker finishes its call and is
        replaced. exec processes get min(this, timeout + 1). */
    int cpuSecondsPerReplica = 3600;
    std::size_t queueLimitPerFunction = 256; ///< calls waiting for a replica; beyond: 503 overloaded
    std::uint64_t maxResponseBytes = 6ull << 20;
    std::chrono::milliseconds startTimeout {15000}; ///< for a worker to import its handler
    /** V8 reserves ~720 MiB of address space before running any code, so under RLIMIT_AS node
        gets this much on top of the function's memory; its heap is capped separately. */
    std::uint64_t nodeAddressSpaceExtraMiB = 1024;
    std::vector<std::string> baseEnv = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/tmp"};
    /** How long a call waits for the first replica of a function at zero before 503 + Retry-After. */
    std::chrono::milliseconds coldStartWait {10000};
    /** How often idle replicas are looked for (scale down, scale to zero). */
    std::chrono::milliseconds idleCheckInterval {1000};
    LogSink logSink;
};

/** What a pool runs: one version of one function. */
struct FunctionSpec {
    std::string name;
    int version = 0;
    std::filesystem::path codeDir;
    protocol::FunctionConfig config;
};

class MemoryBudget;
class StandbyPool;

/** Shared, read-only after construction: what every pool and replica needs to know. */
struct RuntimeContext {
    RuntimeOptions options;
    Sandbox sandbox;
    std::filesystem::path runtimesDir; ///< resolved; empty when no bootstrap scripts were found
    std::shared_ptr<StandbyPool> standby; ///< pre-started interpreters; null: none
    std::shared_ptr<MemoryBudget> memory; ///< null: no budget
    std::vector<Gpu> gpus; ///< the node's GPUs, found at start; by index
};

} // namespace rune::agent
