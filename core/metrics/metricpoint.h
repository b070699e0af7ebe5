// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/nodesample.h"

#include <QMetaType>
#include <array>
#include <chrono>

namespace rune
{

/**
 * The figures the console keeps over time (one chart line each): a node's, and a function's on
 * one node (replicas, calls, queue, cold starts; the node's resources read zero there).
 */
enum class Metric {
    CpuPercent,
    MemoryUsedBytes,
    DiskReadBytesPerSecond,
    DiskWriteBytesPerSecond,
    NetReceiveBytesPerSecond,
    NetTransmitBytesPerSecond,
    InvocationsPerSecond,
    ErrorsPerSecond,
    MeanLatencyMs,
    P99LatencyMs,
    InFlight,
    Replicas,
    ReplicasReady, ///< a function's replicas able to take calls (schema 2)
    Queued, ///< a function's calls waiting for a replica (schema 2)
    ColdStartsPerSecond, ///< a function's calls that waited for a replica to start (schema 2)
    Count
};

constexpr int metricCount = int(Metric::Count);

/** The column of @p metric in the history store. */
const char *metricColumn(Metric metric);

/** Every metric of one node at one time: a raw sample, or the average of a bucket of them. */
struct MetricPoint {
    qint64 timeMs = 0; ///< the console's clock; for a bucket, its start
    std::array<float, metricCount> values {};

    float value(Metric metric) const
    {
        return values[size_t(metric)];
    }
    float &value(Metric metric)
    {
        return values[size_t(metric)];
    }

    bool operator==(const MetricPoint &) const = default;
};

MetricPoint pointFrom(const NodeSample &sample);
/** One function's figures on one node at @p timeMs. */
MetricPoint pointFrom(const FunctionSample &sample, qint64 timeMs);

/** The time spans a chart shows. */
enum class HistoryRange {
    FiveMinutes, ///< every sample (one a second for a node on screen), kept in memory
    OneHour, ///< 10 s averages, kept in the history store
    Day, ///< 1 min averages, kept in the history store
};

/** How long @p range spans. */
std::chrono::milliseconds rangeSpan(HistoryRange range);
/** The width of one point of @p range: 0 for raw samples. */
std::chrono::milliseconds rangeStep(HistoryRange range);

/**
 * Averages samples into one point per bucket. Rates and sizes are plain means; the mean latency
 * is weighted by the calls behind it, and the p99 keeps the highest.
 */
class PointAccumulator
{
public:
    void add(const MetricPoint &point);
    bool isEmpty() const;
    /** The average of what was added, stamped @p timeMs; the accumulator starts over. */
    MetricPoint take(qint64 timeMs);

private:
    std::array<double, metricCount> m_sums {};
    double m_latencyWeight = 0;
    double m_weightedLatency = 0;
    float m_maxP99 = 0;
    int m_count = 0;
};

} // namespace rune

Q_DECLARE_METATYPE(rune::MetricPoint)
Q_DECLARE_METATYPE(rune::HistoryRange)
