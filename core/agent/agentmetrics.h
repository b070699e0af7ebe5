// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>
#include <optional>

namespace rune
{

/** A latency summary of the agent: since it started (`latency`, `cold_start_latency`), or of
    the last windowSeconds (`recent_latency`). */
struct LatencySummary {
    qint64 count = 0;
    double meanMs = 0;
    double p50Ms = 0;
    double p90Ms = 0;
    double p99Ms = 0;
    double windowSeconds = 0; ///< recent_latency only
};

/** One function's counters in `GET /v1/metrics`; the counters only grow while the agent runs. */
struct FunctionCounters {
    QString name;
    int version = 0;
    bool deployed = false; ///< false for a deleted function the agent still counts
    qint64 invocations = 0;
    qint64 errors = 0;
    qint64 coldStarts = 0;
    qint64 timeouts = 0;
    LatencySummary latency;
    LatencySummary coldStartLatency;
    /** The warm calls of the window the console asked for; empty from agents that do not say. */
    std::optional<LatencySummary> recentLatency;
    int replicas = 0;
    /** Replicas started and able to take calls; older agents do not say (read as all of them). */
    int replicasReady = 0;
    int inFlight = 0;
    int queued = 0;
    qint64 scaleUps = 0; ///< replicas started for demand since the agent started
    qint64 scaleDowns = 0; ///< replicas stopped for idleness since the agent started
};

/** What `GET /v1/metrics` says: the node's resources now and every function's counters. */
struct AgentMetrics {
    qint64 timeMs = 0; ///< the agent's clock when it last sampled the node (about once a second)
    qint64 receivedMs = 0; ///< the console's clock when the answer arrived; rates are taken over it
    QString role;
    double uptimeSeconds = 0;
    double cpuPercent = 0;
    double load1 = 0;
    qint64 memoryTotalBytes = 0;
    qint64 memoryAvailableBytes = 0;
    qint64 diskTotalBytes = 0;
    qint64 diskFreeBytes = 0;
    double diskReadBytesPerSecond = 0;
    double diskWriteBytesPerSecond = 0;
    double netReceiveBytesPerSecond = 0;
    double netTransmitBytesPerSecond = 0;
    QList<FunctionCounters> functions;
};

/** Why a function's replicas cannot start (a crash loop the agent backs off from). */
struct StartFailure {
    QString message; ///< the agent's sentence: what the last start said
    int failures = 0; ///< failed starts in a row
    qint64 retryInMs = 0; ///< until the agent tries again

    bool operator==(const StartFailure &) const = default;
};

/** One deployed function as `GET /v1/functions` lists it. */
struct AgentFunction {
    QString name;
    int version = 0;
    QString state; ///< PUBLISHED, UPDATING, BLOCKED
    QString runtime;
    int replicas = 0;
    int replicasReady = 0;
    int inFlight = 0;
    int queued = 0;
    std::optional<StartFailure> startFailure; ///< set while its replicas cannot start

    bool operator==(const AgentFunction &) const = default;
};

/** One entry of `GET /v1/events`: a deploy, block, replica started, crashed or timed out, ... */
struct AgentEvent {
    quint64 seq = 0;
    qint64 timeMs = 0;
    QString kind;
    QString function;
    int version = 0;
    /** The fields this console does not know by name, as "key=value" words (replica, detail, trigger, ...). */
    QString detail;
};

/**
 * Parses a `/v1/metrics` body. Only `node` is required; unknown fields are ignored and missing
 * numbers read as zero, so a newer or older agent still shows what it can.
 */
Result<AgentMetrics> parseAgentMetrics(const QByteArray &body);
namespace agentjson
{
class FieldReader;
}

/** A function object's `start_failure`; nothing when absent (it starts, or the agent is older). */
std::optional<StartFailure> parseStartFailure(agentjson::FieldReader &function);
/** Parses a `/v1/functions` body. */
Result<QList<AgentFunction>> parseAgentFunctions(const QByteArray &body);
/** Parses a `/v1/events` body, oldest first. */
Result<QList<AgentEvent>> parseAgentEvents(const QByteArray &body);

} // namespace rune

Q_DECLARE_METATYPE(rune::AgentMetrics)
Q_DECLARE_METATYPE(rune::AgentEvent)
