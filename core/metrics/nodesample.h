// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentmetrics.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace rune
{

/** One function on one node: its replicas now and its calls since the previous poll. */
struct FunctionSample {
    QString name;
    int version = 0;
    int replicas = 0;
    int replicasReady = 0; ///< of replicas, those started and able to take calls
    int inFlight = 0;
    int queued = 0;
    qint64 invocations = 0; ///< since the agent started
    qint64 coldStarts = 0; ///< since the agent started
    double coldStartsPerSecond = 0;
    qint64 errors = 0;
    double invocationsPerSecond = 0;
    double errorsPerSecond = 0;
    double meanLatencyMs = 0; ///< of the calls since the previous poll; 0 without calls
    double p99LatencyMs = 0; ///< of the warm calls since about the previous poll; 0 without calls

    bool operator==(const FunctionSample &) const = default;
};

/** One poll of one node: its resources and the rates derived from the previous poll. */
struct NodeSample {
    qint64 timeMs = 0; ///< the console's clock, ms since the epoch
    double uptimeSeconds = 0;
    double cpuPercent = 0;
    double load1 = 0;
    qint64 memoryTotalBytes = 0;
    qint64 memoryUsedBytes = 0;
    qint64 diskTotalBytes = 0;
    qint64 diskUsedBytes = 0;
    double diskReadBytesPerSecond = 0;
    double diskWriteBytesPerSecond = 0;
    double netReceiveBytesPerSecond = 0;
    double netTransmitBytesPerSecond = 0;
    double invocationsPerSecond = 0;
    double errorsPerSecond = 0;
    double meanLatencyMs = 0; ///< of the calls since the previous poll, all functions
    double p99LatencyMs = 0; ///< the highest p99 of a function since about the previous poll
    int functions = 0;
    int replicas = 0;
    int inFlight = 0;

    double memoryPercent() const;
    double diskPercent() const;
    /** Errors per call since the previous poll, 0..1; 0 without calls. */
    double errorRate() const;

    bool operator==(const NodeSample &) const = default;
};

/**
 * Turns two consecutive `/v1/metrics` answers of one node into a sample stamped with the time
 * @p current arrived: rates are counter deltas over the time between the two answers. (Not the
 * agent's `time_ms`: that is when it last sampled the node, which two quick polls share.)
 * Without @p previous, or after the agent restarted (its counters went back), the rates are zero.
 */
NodeSample deriveSample(const AgentMetrics *previous, const AgentMetrics &current);
/** The per-function view of the same two answers; deployed functions only, by name. */
QList<FunctionSample> deriveFunctionSamples(const AgentMetrics *previous, const AgentMetrics &current);

/** A sum of figures nodes reported, which may be absurdly large: it stops at INT_MAX. */
int saturatingAdd(int sum, int value);

} // namespace rune

Q_DECLARE_METATYPE(rune::NodeSample)
