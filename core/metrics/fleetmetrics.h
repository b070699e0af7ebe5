// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentmetrics.h"
#include "agent/agenttriggers.h"
#include "metrics/nodesample.h"
#include "util/result.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <deque>

namespace rune
{

/** Sums over every node that answered its last poll. */
struct FleetTotals {
    int reporting = 0; ///< nodes with a current sample
    double invocationsPerSecond = 0;
    double errorsPerSecond = 0;
    double cpuPercent = 0; ///< mean over the reporting nodes
    qint64 memoryUsedBytes = 0;
    qint64 memoryTotalBytes = 0;
    qint64 diskUsedBytes = 0;
    qint64 diskTotalBytes = 0;
    int functions = 0; ///< deployments: a function on two nodes counts twice
    int replicas = 0;
    int inFlight = 0;

    double errorRate() const;
};

/**
 * What the fleet's agents said last: the latest sample and the functions' figures of every node,
 * the events of the node in focus and of nodes whose replicas changed, and for the node in focus
 * its function list. NodeMonitor writes it; views read it and follow its signals.
 * Lives on the UI thread.
 */
class FleetMetrics final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FleetMetrics)

public:
    /** Events kept per node, newest last. */
    static constexpr int maxEvents = 500;

    explicit FleetMetrics(QObject *parent = nullptr);
    ~FleetMetrics() override;

    /** The latest sample of @p nodeId; nullptr while it has not answered or does not answer. */
    const NodeSample *latest(const QString &nodeId) const;
    FleetTotals totals() const;
    /** The node's functions with their rates (from its metrics), by name. */
    QList<FunctionSample> functionSamples(const QString &nodeId) const;
    /** The node's deployed functions with their state (from its function list). */
    QList<AgentFunction> functions(const QString &nodeId) const;
    /** The node's latest events, oldest first. */
    QList<AgentEvent> events(const QString &nodeId) const;
    /**
     * What went wrong at the node's last poll (unreachable, an answer that is not the agent's
     * protocol, too large, too slow); nullptr when the poll went well.
     */
    const Error *problem(const QString &nodeId) const;
    /** The node's broker and triggers as last reported (GET /v1/triggers); nullptr: not known yet. */
    const AgentTriggers *triggers(const QString &nodeId) const;
    /** How the nodes that reported one stand with their brokers, for the Overview. */
    struct BrokerCounts {
        int connected = 0;
        int connecting = 0;
        int failed = 0;
        int none = 0; ///< reported no broker
    };
    BrokerCounts brokerCounts() const;

    void record(const QString &nodeId, const NodeSample &sample);
    /** The node did not answer: its figures are no longer current. */
    void markSilent(const QString &nodeId);
    /** What the node's last poll ran into; nullopt: nothing. */
    void setProblem(const QString &nodeId, const std::optional<Error> &problem);
    void setFunctionSamples(const QString &nodeId, const QList<FunctionSample> &samples);
    void setFunctions(const QString &nodeId, const QList<AgentFunction> &functions);
    void setTriggers(const QString &nodeId, const AgentTriggers &triggers);
    void addEvents(const QString &nodeId, const QList<AgentEvent> &events, bool agentRestarted);
    void forget(const QString &nodeId);
    /** Announces the changes since the last call with one updated() signal. */
    void endBatch();

Q_SIGNALS:
    /** Latest samples or problems changed (once per batch of polls, not once per node). */
    void updated();
    /** Every new sample, as it arrives. */
    void sampled(const QString &nodeId, const rune::NodeSample &sample);
    void functionsChanged(const QString &nodeId);
    /** The node's broker or triggers changed (at the background poll rate at most). */
    void triggersChanged(const QString &nodeId);
    void eventsAdded(const QString &nodeId);
    /** The events eventsAdded() announces, oldest first (a node's events are numbered anew after a restart). */
    void newEvents(const QString &nodeId, const QList<rune::AgentEvent> &events);
    void forgotten(const QString &nodeId);

private:
    struct NodeData {
        std::optional<NodeSample> latest;
        QList<FunctionSample> functionSamples;
        QList<AgentFunction> functions;
        std::deque<AgentEvent> events;
        quint64 lastSeq = 0;
        std::optional<Error> problem;
        std::optional<AgentTriggers> triggers;
    };

    QHash<QString, NodeData> m_nodes;
    bool m_dirty = false;
};

} // namespace rune
