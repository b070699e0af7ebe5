// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace rune::agent
{

/** The machine's load as the agent last measured it. Rates are per second over the last interval. */
struct NodeSample {
    std::int64_t timeMs = 0;
    double cpuPercent = 0; ///< all cores together, 0..100
    double load1 = 0;
    std::uint64_t memoryTotalBytes = 0;
    std::uint64_t memoryAvailableBytes = 0;
    std::uint64_t diskTotalBytes = 0; ///< of the file system holding the state directory
    std::uint64_t diskFreeBytes = 0;
    double diskReadBytesPerSecond = 0;
    double diskWriteBytesPerSecond = 0;
    double netReceiveBytesPerSecond = 0;
    double netTransmitBytesPerSecond = 0;
    std::uint64_t netReceiveBytesTotal = 0; ///< since boot, all interfaces but loopback
    std::uint64_t netTransmitBytesTotal = 0;
};

/**
 * Reads /proc (stat, meminfo, loadavg, net/dev, diskstats) and statvfs. sample() is called on a
 * timer; latest() from any thread.
 */
class NodeSampler
{
public:
    explicit NodeSampler(std::string stateDir);

    void sample();
    NodeSample latest() const;

private:
    struct Counters {
        std::chrono::steady_clock::time_point time;
        std::uint64_t cpuBusy = 0;
        std::uint64_t cpuTotal = 0;
        std::uint64_t diskRead = 0;
        std::uint64_t diskWritten = 0;
        std::uint64_t netReceived = 0;
        std::uint64_t netSent = 0;
    };

    static Counters readCounters();

    std::string m_stateDir;
    mutable std::mutex m_mutex;
    std::optional<Counters> m_previous;
    NodeSample m_latest;
};

} // namespace rune::agent
