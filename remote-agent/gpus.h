// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "deployconfig.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rune::agent
{

/** One GPU of the node, as /v1/info reports it. */
struct Gpu {
    int index = 0; ///< what CUDA_VISIBLE_DEVICES names it by
    std::string model;
    std::uint64_t memoryBytes = 0; ///< 0: unknown (the driver's /proc files do not say)

    bool operator==(const Gpu &) const = default;
};

/** Where the GPUs are read from: settable so tests and containers can point at a tree of their own. */
struct GpuSources {
    std::filesystem::path procRoot = "/proc";
    std::filesystem::path nvidiaSmi = "/usr/bin/nvidia-smi";
    std::chrono::milliseconds timeout {5000}; ///< for nvidia-smi; a hung driver must not stall the start
};

/**
 * The NVIDIA GPUs in <procRoot>/driver/nvidia/gpus/<bus id>/information: "Model" and "Device
 * Minor" (the index) of each, sorted by index. Memory is not in those files.
 */
std::vector<Gpu> readProcGpus(const std::filesystem::path &procRoot);

/** Parses `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits`; skips bad lines. */
std::vector<Gpu> parseNvidiaSmi(std::string_view output);

/**
 * The node's GPUs: the /proc tree's, with their memory from nvidia-smi when it runs; nvidia-smi's
 * alone when the tree has none. Runs a program with a timeout: call it at start-up, never on a
 * thread that serves requests. Empty when there are no NVIDIA GPUs.
 */
std::vector<Gpu> detectGpus(const GpuSources &sources);

/** /v1/info's "gpus": [{"index", "model", "memory_bytes"}]. */
nlohmann::json gpusJson(const std::vector<Gpu> &gpus);

/**
 * The GPUs a replica of @p config gets: the first gpu_count (by index) with at least
 * gpu_memory_mib each. Fewer than gpu_count when the node cannot satisfy it.
 */
std::vector<Gpu> assignGpus(const protocol::FunctionConfig &config, const std::vector<Gpu> &gpus);

/**
 * What the node lacks for @p config, one sentence each ("gpu_count 2 but this node has 1 GPU");
 * empty when it can run it.
 */
std::vector<std::string> gpuShortfall(const protocol::FunctionConfig &config, const std::vector<Gpu> &gpus);

/**
 * The variables a replica gets for its GPUs. CUDA_VISIBLE_DEVICES always: the indices assigned,
 * and an empty string for a function without GPUs, so it cannot use a GPU it did not ask for.
 * CUDA_DEVICE_ORDER=PCI_BUS_ID, so CUDA numbers GPUs as the driver and nvidia-smi do, and
 * CUDA_MPS_ACTIVE_THREAD_PERCENTAGE for a gpu_percent below 100 (effective under NVIDIA MPS).
 */
std::vector<std::pair<std::string, std::string>> gpuEnvironment(
    const protocol::FunctionConfig &config, const std::vector<Gpu> &gpus);

} // namespace rune::agent
