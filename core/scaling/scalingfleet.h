// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/nodesample.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <chrono>
#include <optional>

namespace rune
{

class FleetMetrics;
class FunctionCatalog;
class MetricHistory;

/** A function's scaling settings, as its configuration in the console says. */
struct ScalingLimits {
    QString functionId; ///< the catalog's id, to open its configuration
    int minReplicas = 0;
    int maxReplicas = 0;
    int targetConcurrency = 0; ///< calls per replica before another starts
    int idleToZeroSeconds = 0; ///< 0: never scales to zero

    bool operator==(const ScalingLimits &) const = default;
};

/** One function on one node, as its last poll found it. */
struct FunctionOnNode {
    QString nodeId;
    qint64 timeMs = 0; ///< the console's clock when the node first answered these figures
    FunctionSample sample;

    /** Replicas starting: running but not yet able to take calls. */
    int starting() const;
};

/** One function across the fleet: the sums over the nodes that answer, and the trends. */
struct FunctionFleetRow {
    QString name; ///< as the agents call it
    QList<FunctionOnNode> nodes; ///< by node id
    int replicas = 0;
    int ready = 0;
    int inFlight = 0;
    int queued = 0;
    double callsPerSecond = 0;
    double coldStartsPerSecond = 0;
    qint64 coldStarts = 0; ///< since each agent started
    int nodesAtMax = 0; ///< answering nodes that run the function at its most replicas (the limit is per node)
    std::optional<ScalingLimits> limits; ///< nothing for a function the console does not know
    QList<float> replicasTrend; ///< total replicas, one value per trend step, oldest first
    QList<float> loadTrend; ///< calls per second, likewise

    int starting() const;
    bool atZero() const;
    /** Whether an answering node runs the function at its most replicas. */
    bool atMax() const;
};

/**
 * Every function of the fleet with its replicas per node, calls, queue and cold starts, from
 * the figures every node's metrics carry (FleetMetrics); records each function's figures on
 * each node in @p history (under seriesKey()), so its charts cover an hour and a day and survive
 * a restart. The sums are made once per batch of polls, only for the functions that changed.
 * Lives on the UI thread.
 */
class ScalingFleet final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScalingFleet)

public:
    /** Values kept per sparkline, one per trendStep: five minutes. */
    static constexpr int trendPoints = 60;
    static constexpr std::chrono::seconds trendStep {5};
    /**
     * A function's figures on a node go to the history at most this often unless its replicas
     * changed: a node on screen is polled every second, and a fleet has many functions.
     */
    static constexpr qint64 historyStepMs = 2000;
    /** Functions followed per node: a node that lists more (a hostile one) has the rest ignored. */
    static constexpr int maxFunctionsPerNode = 500;

    /** All three must outlive the fleet. */
    ScalingFleet(FleetMetrics *metrics, MetricHistory *history, FunctionCatalog *catalog, QObject *parent = nullptr);
    ~ScalingFleet() override;

    /** The history key of @p function on @p nodeId. */
    static QString seriesKey(const QString &nodeId, const QString &function);

    /** The functions, by name. */
    QStringList names() const;
    /** @p name's row; nullptr when no node runs it. */
    const FunctionFleetRow *row(const QString &name) const;
    /** Appends every function's current totals to its trends (the timer does it every trendStep). */
    void sampleTrends();

Q_SIGNALS:
    /** Functions appeared or went away. */
    void namesChanged();
    /** The figures of @p names changed (once per batch of polls). */
    void figuresChanged(const QStringList &names);

private:
    void onSampled(const QString &nodeId, const NodeSample &sample);
    void onForgotten(const QString &nodeId);
    void updateLimits(const QString &functionId);
    void setEntry(const QString &name, const FunctionOnNode &entry);
    void removeEntry(const QString &name, const QString &nodeId);
    void endBatch();
    struct Tracked;
    void record(Tracked &tracked, const FunctionSample &function, qint64 timeMs);
    void sum(FunctionFleetRow &row) const;
    std::optional<ScalingLimits> limitsOf(const QString &name) const;

    FleetMetrics *m_metrics;
    MetricHistory *m_history;
    FunctionCatalog *m_catalog;
    QHash<QString, FunctionFleetRow> m_rows;
    /** A function on a node, as the last poll found it and as its history last recorded it. */
    struct Tracked {
        QString key; ///< seriesKey(), made once
        FunctionSample last;
        qint64 recordedMs = 0;
        int recordedReplicas = 0;
        quint32 seenInPoll = 0;
    };
    struct NodeFunctions {
        QHash<QString, Tracked> byName;
        quint32 polls = 0;
    };
    QHash<QString, NodeFunctions> m_nodeFunctions; ///< node id -> the functions it runs
    QSet<QString> m_dirty;
    bool m_namesChanged = false;
    QTimer m_trendTimer;
};

} // namespace rune
