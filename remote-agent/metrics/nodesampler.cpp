// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/nodesampler.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/statvfs.h>

namespace rune::agent
{

namespace
{

void readCpu(std::uint64_t &busy, std::uint64_t &total)
{
    std::ifstream in("/proc/stat");
    std::string label;
    in >> label;
    if (label != "cpu")
        return;
    // user nice system idle iowait irq softirq steal: idle and iowait are the idle part.
    std::uint64_t values[8] {};
    for (auto &value : values)
        in >> value;
    total = 0;
    for (const auto value : values)
        total += value;
    busy = total - values[3] - values[4];
}

void readNet(std::uint64_t &received, std::uint64_t &sent)
{
    std::ifstream in("/proc/net/dev");
    std::string line;
    std::getline(in, line);
    std::getline(in, line);
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::istringstream name(line.substr(0, colon));
        std::string interface;
        name >> interface;
        if (interface == "lo")
            continue;
        std::istringstream fields(line.substr(colon + 1));
        std::uint64_t values[9] {};
        for (auto &value : values)
            fields >> value;
        received += values[0];
        sent += values[8];
    }
}

void readDisks(std::uint64_t &read, std::uint64_t &written)
{
    std::ifstream in("/proc/diskstats");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        unsigned major = 0;
        unsigned minor = 0;
        std::string name;
        std::uint64_t values[7] {};
        fields >> major >> minor >> name;
        for (auto &value : values)
            fields >> value;
        // Whole disks only (partitions would count twice); loop and ram devices are not disks.
        std::error_code error;
        if (name.starts_with("loop") || name.starts_with("ram")
            || !std::filesystem::exists("/sys/block/" + name, error))
            continue;
        read += values[2] * 512;
        written += values[6] * 512;
    }
}

std::uint64_t meminfoValue(const std::string &text, const std::string &key)
{
    const auto at = text.find(key + ":");
    if (at == std::string::npos)
        return 0;
    std::istringstream fields(text.substr(at + key.size() + 1));
    std::uint64_t kib = 0;
    fields >> kib;
    return kib * 1024;
}

double perSecond(std::uint64_t now, std::uint64_t before, double seconds)
{
    return now >= before && seconds > 0 ? double(now - before) / seconds : 0;
}

} // namespace

NodeSampler::NodeSampler(std::string stateDir)
    : m_stateDir(std::move(stateDir))
{
    sample();
}

NodeSampler::Counters NodeSampler::readCounters()
{
    Counters counters;
    counters.time = std::chrono::steady_clock::now();
    readCpu(counters.cpuBusy, counters.cpuTotal);
    readNet(counters.netReceived, counters.netSent);
    readDisks(counters.diskRead, counters.diskWritten);
    return counters;
}

void NodeSampler::sample()
{
    const Counters now = readCounters();
    NodeSample sample;
    sample.timeMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    std::ifstream meminfo("/proc/meminfo");
    std::stringstream text;
    text << meminfo.rdbuf();
    sample.memoryTotalBytes = meminfoValue(text.str(), "MemTotal");
    sample.memoryAvailableBytes = meminfoValue(text.str(), "MemAvailable");
    std::ifstream("/proc/loadavg") >> sample.load1;
    struct statvfs disk {
    };
    if (::statvfs(m_stateDir.c_str(), &disk) == 0) {
        sample.diskTotalBytes = std::uint64_t(disk.f_blocks) * disk.f_frsize;
        sample.diskFreeBytes = std::uint64_t(disk.f_bavail) * disk.f_frsize;
    }
    sample.netReceiveBytesTotal = now.netReceived;
    sample.netTransmitBytesTotal = now.netSent;
    const std::lock_guard lock(m_mutex);
    if (m_previous) {
        const Counters &before = *m_previous;
        const double seconds = std::chrono::duration<double>(now.time - before.time).count();
        const auto cpuTotal = now.cpuTotal - before.cpuTotal;
        sample.cpuPercent = cpuTotal > 0 ? 100.0 * double(now.cpuBusy - before.cpuBusy) / double(cpuTotal) : 0;
        sample.diskReadBytesPerSecond = perSecond(now.diskRead, before.diskRead, seconds);
        sample.diskWriteBytesPerSecond = perSecond(now.diskWritten, before.diskWritten, seconds);
        sample.netReceiveBytesPerSecond = perSecond(now.netReceived, before.netReceived, seconds);
        sample.netTransmitBytesPerSecond = perSecond(now.netSent, before.netSent, seconds);
    }
    m_previous = now;
    m_latest = sample;
}

NodeSample NodeSampler::latest() const
{
    const std::lock_guard lock(m_mutex);
    return m_latest;
}

} // namespace rune::agent
