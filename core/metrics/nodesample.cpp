// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/nodesample.h"

#include <QHash>
#include <algorithm>
#include <limits>

namespace rune
{

double NodeSample::memoryPercent() const
{
    return memoryTotalBytes > 0 ? 100.0 * double(memoryUsedBytes) / double(memoryTotalBytes) : 0.0;
}

double NodeSample::diskPercent() const
{
    return diskTotalBytes > 0 ? 100.0 * double(diskUsedBytes) / double(diskTotalBytes) : 0.0;
}

double NodeSample::errorRate() const
{
    return invocationsPerSecond > 0 ? std::min(1.0, errorsPerSecond / invocationsPerSecond) : 0.0;
}

namespace
{

/** Seconds between two answers; 0 when they cannot be compared. */
double intervalSeconds(const AgentMetrics *previous, const AgentMetrics &current)
{
    if (!previous || current.uptimeSeconds < previous->uptimeSeconds)
        return 0; // first answer, or the agent restarted and its counters began again
    return std::max(0.0, double(current.receivedMs - previous->receivedMs) / 1000.0);
}

/** The previous answer's functions by name: a lookup per function, not a scan (a node may list thousands). */
QHash<QString, const FunctionCounters *> byName(const AgentMetrics *metrics)
{
    QHash<QString, const FunctionCounters *> functions;
    if (!metrics)
        return functions;
    functions.reserve(metrics->functions.size());
    for (const FunctionCounters &function : metrics->functions)
        functions.insert(function.name, &function);
    return functions;
}

/** Calls, errors and summed latency (warm and cold) of one function between two answers. */
struct Delta {
    double calls = 0;
    double errors = 0;
    double coldStarts = 0;
    double timedCalls = 0;
    double latencyMsSum = 0;

    double meanLatencyMs() const
    {
        return timedCalls > 0 ? latencyMsSum / timedCalls : 0.0;
    }
};

void addLatency(Delta &d, const LatencySummary &before, const LatencySummary &now)
{
    const double calls = double(now.count - before.count);
    if (calls <= 0)
        return;
    d.timedCalls += calls;
    d.latencyMsSum += std::max(0.0, now.meanMs * double(now.count) - before.meanMs * double(before.count));
}

Delta delta(const FunctionCounters *before, const FunctionCounters &now)
{
    if (!before || now.invocations < before->invocations)
        return {};
    Delta d;
    d.calls = double(now.invocations - before->invocations);
    d.errors = double(std::max<qint64>(0, now.errors - before->errors));
    d.coldStarts = double(std::max<qint64>(0, now.coldStarts - before->coldStarts));
    addLatency(d, before->latency, now.latency);
    addLatency(d, before->coldStartLatency, now.coldStartLatency);
    return d;
}

// The p99 of the warm calls in the window the console asked for (0 without calls); since the
// agent started when the agent does not report a window.
double p99Of(const FunctionCounters &function)
{
    const LatencySummary &latency = function.recentLatency ? *function.recentLatency : function.latency;
    return latency.count > 0 ? latency.p99Ms : 0.0;
}

} // namespace

NodeSample deriveSample(const AgentMetrics *previous, const AgentMetrics &current)
{
    NodeSample sample;
    sample.timeMs = current.receivedMs;
    sample.uptimeSeconds = current.uptimeSeconds;
    sample.cpuPercent = current.cpuPercent;
    sample.load1 = current.load1;
    sample.memoryTotalBytes = current.memoryTotalBytes;
    sample.memoryUsedBytes = std::max<qint64>(0, current.memoryTotalBytes - current.memoryAvailableBytes);
    sample.diskTotalBytes = current.diskTotalBytes;
    sample.diskUsedBytes = std::max<qint64>(0, current.diskTotalBytes - current.diskFreeBytes);
    sample.diskReadBytesPerSecond = current.diskReadBytesPerSecond;
    sample.diskWriteBytesPerSecond = current.diskWriteBytesPerSecond;
    sample.netReceiveBytesPerSecond = current.netReceiveBytesPerSecond;
    sample.netTransmitBytesPerSecond = current.netTransmitBytesPerSecond;

    const double seconds = intervalSeconds(previous, current);
    const auto before = byName(seconds > 0 ? previous : nullptr);
    Delta total;
    for (const FunctionCounters &function : current.functions) {
        if (function.deployed) {
            ++sample.functions;
            sample.replicas = saturatingAdd(sample.replicas, function.replicas);
            sample.inFlight = saturatingAdd(sample.inFlight, function.inFlight);
        }
        sample.p99LatencyMs = std::max(sample.p99LatencyMs, p99Of(function));
        if (seconds <= 0)
            continue;
        const Delta d = delta(before.value(function.name), function);
        total.calls += d.calls;
        total.errors += d.errors;
        total.timedCalls += d.timedCalls;
        total.latencyMsSum += d.latencyMsSum;
    }
    if (seconds > 0) {
        sample.invocationsPerSecond = total.calls / seconds;
        sample.errorsPerSecond = total.errors / seconds;
        sample.meanLatencyMs = total.meanLatencyMs();
    }
    return sample;
}

QList<FunctionSample> deriveFunctionSamples(const AgentMetrics *previous, const AgentMetrics &current)
{
    const double seconds = intervalSeconds(previous, current);
    const auto before = byName(seconds > 0 ? previous : nullptr);
    QList<FunctionSample> samples;
    for (const FunctionCounters &function : current.functions) {
        if (!function.deployed)
            continue;
        FunctionSample sample;
        sample.name = function.name;
        sample.version = function.version;
        sample.replicas = function.replicas;
        sample.replicasReady = std::min(function.replicasReady, function.replicas);
        sample.inFlight = function.inFlight;
        sample.queued = function.queued;
        sample.invocations = function.invocations;
        sample.errors = function.errors;
        sample.coldStarts = function.coldStarts;
        sample.p99LatencyMs = p99Of(function);
        if (seconds > 0) {
            const Delta d = delta(before.value(function.name), function);
            sample.invocationsPerSecond = d.calls / seconds;
            sample.errorsPerSecond = d.errors / seconds;
            sample.meanLatencyMs = d.meanLatencyMs();
            sample.coldStartsPerSecond = d.coldStarts / seconds;
        }
        samples.append(sample);
    }
    return samples;
}

int saturatingAdd(int sum, int value)
{
    return int(std::min<qint64>(qint64(sum) + value, std::numeric_limits<int>::max()));
}

} // namespace rune
