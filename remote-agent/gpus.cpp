// SPDX-License-Identifier: GPL-3.0-or-later
#include "gpus.h"

#include "protocol.h"
#include "runtime/process.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <optional>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rune::agent
{

namespace
{

namespace fs = std::filesystem;
namespace keys = protocol::configkeys;

constexpr std::size_t maxSmiOutputBytes = 64 * 1024; // a line per GPU, at most 64 GPUs

std::string trimmed(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    return std::string(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1));
}

template <typename Number> std::optional<Number> numberIn(std::string_view text)
{
    const std::string clean = trimmed(text);
    Number value {};
    const auto [end, error] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
    if (error != std::errc {} || end != clean.data() + clean.size() || clean.empty())
        return std::nullopt;
    return value;
}

// One "information" file: "Key:<tabs and spaces>value" lines; only Model and Device Minor matter.
std::optional<Gpu> readInformation(const fs::path &file)
{
    std::ifstream in(file);
    std::string line;
    Gpu gpu;
    bool indexed = false;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        const std::string key = trimmed(std::string_view(line).substr(0, colon));
        const std::string_view value = std::string_view(line).substr(colon + 1);
        if (key == "Model") {
            gpu.model = trimmed(value);
        } else if (key == "Device Minor") {
            const auto minor = numberIn<int>(value);
            indexed = minor && *minor >= 0;
            gpu.index = indexed ? *minor : 0;
        }
    }
    if (!indexed)
        return std::nullopt;
    return gpu;
}

void sortByIndex(std::vector<Gpu> &gpus)
{
    std::sort(gpus.begin(), gpus.end(), [](const Gpu &a, const Gpu &b) {
        return a.index < b.index;
    });
}

// Whatever the child printed until it closed its output, the output passed its bound, or
// @p deadline came.
std::string readUntil(int fd, std::chrono::steady_clock::time_point deadline)
{
    std::string output;
    char buffer[4096];
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd watched {fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&watched, 1, int(left.count())) <= 0)
            return output;
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got <= 0 || output.size() + std::size_t(got) > maxSmiOutputBytes)
            return output;
        output.append(buffer, std::size_t(got));
    }
}

// nvidia-smi's answer; empty when it is missing, fails or takes longer than the timeout.
std::string runNvidiaSmi(const GpuSources &sources)
{
    if (::access(sources.nvidiaSmi.c_str(), X_OK) != 0)
        return {};
    auto [readEnd, writeEnd] = makePipe();
    UniqueFd devNull = openDevNull();
    if (!readEnd || !devNull)
        return {};
    SpawnSpec spec;
    spec.executable = sources.nvidiaSmi;
    spec.argv = {sources.nvidiaSmi.string(), "--query-gpu=index,name,memory.total", "--format=csv,noheader,nounits"};
    spec.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C"};
    spec.workDir = "/";
    spec.fds = {{0, devNull.get()}, {1, writeEnd.get()}, {2, devNull.get()}};
    const auto pid = spawnProcess(spec);
    writeEnd = UniqueFd();
    if (!pid)
        return {};
    std::string output = readUntil(readEnd.get(), std::chrono::steady_clock::now() + sources.timeout);
    // It leads its own process group: whatever it started goes with it.
    killProcessGroup(*pid);
    int status = 0;
    while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) { }
    ProcessGroupRegistry::remove(*pid);
    const bool succeeded = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return succeeded ? output : std::string();
}

// Fills in the memory the /proc files lack from nvidia-smi's answer for the same index.
void addMemory(std::vector<Gpu> &gpus, const std::vector<Gpu> &fromSmi)
{
    for (Gpu &gpu : gpus) {
        const auto same = std::find_if(fromSmi.begin(), fromSmi.end(), [&gpu](const Gpu &other) {
            return other.index == gpu.index;
        });
        if (same != fromSmi.end())
            gpu.memoryBytes = same->memoryBytes;
    }
}

std::string gpusText(std::size_t count)
{
    return std::to_string(count) + (count == 1 ? " GPU" : " GPUs");
}

} // namespace

std::vector<Gpu> readProcGpus(const fs::path &procRoot)
{
    std::vector<Gpu> gpus;
    std::error_code error;
    for (const auto &entry : fs::directory_iterator(procRoot / "driver/nvidia/gpus", error)) {
        if (auto gpu = readInformation(entry.path() / "information"))
            gpus.push_back(std::move(*gpu));
    }
    sortByIndex(gpus);
    return gpus;
}

std::vector<Gpu> parseNvidiaSmi(std::string_view output)
{
    std::vector<Gpu> gpus;
    while (!output.empty()) {
        const auto end = output.find('\n');
        const std::string_view line = output.substr(0, end);
        output.remove_prefix(end == std::string_view::npos ? output.size() : end + 1);
        // index, name, memory.total in MiB; a model name may itself hold a comma.
        const auto first = line.find(',');
        const auto last = line.rfind(',');
        if (first == std::string_view::npos || first == last)
            continue;
        const auto index = numberIn<int>(line.substr(0, first));
        const auto mebibytes = numberIn<std::uint64_t>(line.substr(last + 1));
        if (!index || *index < 0)
            continue;
        gpus.push_back(Gpu {*index,
            trimmed(line.substr(first + 1, last - first - 1)),
            mebibytes && *mebibytes < (std::uint64_t(1) << 40) ? *mebibytes << 20 : 0});
    }
    sortByIndex(gpus);
    return gpus;
}

std::vector<Gpu> detectGpus(const GpuSources &sources)
{
    std::vector<Gpu> gpus = readProcGpus(sources.procRoot);
    const std::vector<Gpu> fromSmi = parseNvidiaSmi(runNvidiaSmi(sources));
    if (gpus.empty())
        return fromSmi;
    addMemory(gpus, fromSmi);
    return gpus;
}

nlohmann::json gpusJson(const std::vector<Gpu> &gpus)
{
    namespace field = protocol::gpu;
    nlohmann::json list = nlohmann::json::array();
    for (const Gpu &gpu : gpus)
        list.push_back({{field::index, gpu.index}, {field::model, gpu.model}, {field::memoryBytes, gpu.memoryBytes}});
    return list;
}

std::vector<Gpu> assignGpus(const protocol::FunctionConfig &config, const std::vector<Gpu> &gpus)
{
    const std::uint64_t needed = std::uint64_t(config.gpuMemoryMiB) << 20;
    std::vector<Gpu> assigned;
    for (const Gpu &gpu : gpus) {
        if (int(assigned.size()) >= config.gpuCount)
            break;
        if (gpu.memoryBytes >= needed)
            assigned.push_back(gpu);
    }
    return assigned;
}

std::vector<std::string> gpuShortfall(const protocol::FunctionConfig &config, const std::vector<Gpu> &gpus)
{
    if (config.gpuCount <= 0 || int(assignGpus(config, gpus).size()) >= config.gpuCount)
        return {};
    const std::string count = std::string(keys::gpuCount) + " " + std::to_string(config.gpuCount);
    if (std::size_t(config.gpuCount) > gpus.size())
        return {count + " but this node has " + gpusText(gpus.size())};
    const std::string memory = std::string(keys::gpuMemoryMiB) + " " + std::to_string(config.gpuMemoryMiB);
    const auto largest = std::max_element(gpus.begin(), gpus.end(), [](const Gpu &a, const Gpu &b) {
        return a.memoryBytes < b.memoryBytes;
    });
    if (largest->memoryBytes == 0)
        return {memory + " but this node cannot tell its GPUs' memory (nvidia-smi did not answer)"};
    const std::uint64_t needed = std::uint64_t(config.gpuMemoryMiB) << 20;
    if (largest->memoryBytes < needed)
        return {memory + " but the largest GPU has " + std::to_string(largest->memoryBytes >> 20) + " MiB"};
    const auto enough = std::count_if(gpus.begin(), gpus.end(), [needed](const Gpu &gpu) {
        return gpu.memoryBytes >= needed;
    });
    return {count + " with " + memory + " but this node has " + gpusText(std::size_t(enough)) + " with that much"};
}

std::vector<std::pair<std::string, std::string>> gpuEnvironment(
    const protocol::FunctionConfig &config, const std::vector<Gpu> &gpus)
{
    std::string visible;
    for (const Gpu &gpu : assignGpus(config, gpus))
        visible += (visible.empty() ? "" : ",") + std::to_string(gpu.index);
    std::vector<std::pair<std::string, std::string>> env {
        {"CUDA_VISIBLE_DEVICES", visible}, {"CUDA_DEVICE_ORDER", "PCI_BUS_ID"}};
    if (config.gpuCount > 0 && config.gpuPercent < protocol::limits::maxGpuPercent)
        env.emplace_back("CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", std::to_string(config.gpuPercent));
    return env;
}

} // namespace rune::agent
