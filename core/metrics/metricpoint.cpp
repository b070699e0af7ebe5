// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/metricpoint.h"

namespace rune
{

const char *metricColumn(Metric metric)
{
    static const char *const columns[] = {
        "cpu_percent",
        "memory_used_bytes",
        "disk_read_bps",
        "disk_write_bps",
        "net_rx_bps",
        "net_tx_bps",
        "invocations_per_s",
        "errors_per_s",
        "mean_latency_ms",
        "p99_latency_ms",
        "in_flight",
        "replicas",
        "replicas_ready",
        "queued",
        "cold_starts_per_s",
    };
    static_assert(std::size(columns) == metricCount);
    return columns[int(metric)];
}

MetricPoint pointFrom(const NodeSample &sample)
{
    MetricPoint point;
    point.timeMs = sample.timeMs;
    point.value(Metric::CpuPercent) = float(sample.cpuPercent);
    point.value(Metric::MemoryUsedBytes) = float(sample.memoryUsedBytes);
    point.value(Metric::DiskReadBytesPerSecond) = float(sample.diskReadBytesPerSecond);
    point.value(Metric::DiskWriteBytesPerSecond) = float(sample.diskWriteBytesPerSecond);
    point.value(Metric::NetReceiveBytesPerSecond) = float(sample.netReceiveBytesPerSecond);
    point.value(Metric::NetTransmitBytesPerSecond) = float(sample.netTransmitBytesPerSecond);
    point.value(Metric::InvocationsPerSecond) = float(sample.invocationsPerSecond);
    point.value(Metric::ErrorsPerSecond) = float(sample.errorsPerSecond);
    point.value(Metric::MeanLatencyMs) = float(sample.meanLatencyMs);
    point.value(Metric::P99LatencyMs) = float(sample.p99LatencyMs);
    point.value(Metric::InFlight) = float(sample.inFlight);
    point.value(Metric::Replicas) = float(sample.replicas);
    return point;
}

MetricPoint pointFrom(const FunctionSample &sample, qint64 timeMs)
{
    MetricPoint point;
    point.timeMs = timeMs;
    point.value(Metric::InvocationsPerSecond) = float(sample.invocationsPerSecond);
    point.value(Metric::ErrorsPerSecond) = float(sample.errorsPerSecond);
    point.value(Metric::MeanLatencyMs) = float(sample.meanLatencyMs);
    point.value(Metric::P99LatencyMs) = float(sample.p99LatencyMs);
    point.value(Metric::InFlight) = float(sample.inFlight);
    point.value(Metric::Replicas) = float(sample.replicas);
    point.value(Metric::ReplicasReady) = float(sample.replicasReady);
    point.value(Metric::Queued) = float(sample.queued);
    point.value(Metric::ColdStartsPerSecond) = float(sample.coldStartsPerSecond);
    return point;
}

std::chrono::milliseconds rangeSpan(HistoryRange range)
{
    using namespace std::chrono_literals;
    switch (range) {
    case HistoryRange::FiveMinutes:
        return 5min;
    case HistoryRange::OneHour:
        return 1h;
    case HistoryRange::Day:
        return 24h;
    }
    return 5min;
}

std::chrono::milliseconds rangeStep(HistoryRange range)
{
    using namespace std::chrono_literals;
    switch (range) {
    case HistoryRange::FiveMinutes:
        return 0ms;
    case HistoryRange::OneHour:
        return 10s;
    case HistoryRange::Day:
        return 1min;
    }
    return 0ms;
}

void PointAccumulator::add(const MetricPoint &point)
{
    for (int i = 0; i < metricCount; ++i)
        m_sums[size_t(i)] += point.values[size_t(i)];
    const double calls = point.value(Metric::InvocationsPerSecond);
    m_latencyWeight += calls;
    m_weightedLatency += calls * point.value(Metric::MeanLatencyMs);
    m_maxP99 = std::max(m_maxP99, point.value(Metric::P99LatencyMs));
    ++m_count;
}

bool PointAccumulator::isEmpty() const
{
    return m_count == 0;
}

MetricPoint PointAccumulator::take(qint64 timeMs)
{
    MetricPoint point;
    point.timeMs = timeMs;
    if (m_count > 0) {
        for (int i = 0; i < metricCount; ++i)
            point.values[size_t(i)] = float(m_sums[size_t(i)] / m_count);
        point.value(Metric::MeanLatencyMs) = m_latencyWeight > 0 ? float(m_weightedLatency / m_latencyWeight) : 0.0f;
        point.value(Metric::P99LatencyMs) = m_maxP99;
    }
    *this = PointAccumulator();
    return point;
}

} // namespace rune
