// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/metricpoint.h"

#include <QTimer>
#include <QWidget>
#include <chrono>

class QButtonGroup;
class QComboBox;
class QLabel;
class QSplitter;
class QTabWidget;
class QTableView;

namespace rune
{
class BenchmarkResults;
class FleetMetrics;
class GatewaySync;
class MetricHistory;
class NodeList;
struct NodeSample;
} // namespace rune

namespace rune::views
{

class GatewayPanel;
class MetricChart;
class NodeEventsModel;
class NodeFunctionsModel;

/**
 * One node in detail: live charts of CPU, memory, disk I/O, network, calls and latency over the
 * last 5 minutes, hour or day (from the MetricHistory, so the hour and day survive a restart),
 * the functions on the node with their replicas, its host facts with its latest benchmark
 * figures, and the agent's events.
 */
class NodeDetailPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeDetailPane)

public:
    enum ChartId { Cpu, Memory, DiskIo, Network, Calls, Latency, ChartCount };

    NodeDetailPane(NodeList *nodes,
        FleetMetrics *metrics,
        MetricHistory *history,
        BenchmarkResults *benchmarks,
        QWidget *parent = nullptr);

    /** Shows @p nodeId (empty: none). */
    void setNode(const QString &nodeId);
    QString node() const;
    void setRange(HistoryRange range);
    HistoryRange range() const;
    /**
     * The longest time between two samples of a node while nothing is wrong (the polling
     * interval of nodes off screen): lines break only where points are much further apart.
     */
    void setSampleInterval(std::chrono::milliseconds interval);
    MetricChart *chart(ChartId id) const;
    QTableView *functionsTable() const;
    QTableView *eventsTable() const;
    /**
     * The host fact shown for @p key ("hostname", "os", "cores", "isolation", "warnings",
     * "benchmarks", ...); for tests.
     */
    QString fact(const QString &key) const;
    /** What the pane says needs attention (poll problem, isolation warnings); empty when nothing. */
    QString attentionText() const;
    QByteArray saveState() const;
    void restoreState(const QByteArray &state);
    /** Adds the Gateway tab, shown for a controller: the nodes its gateway routes to. */
    void setGateways(GatewaySync *sync);
    /** The Gateway tab's panel; nullptr before setGateways(). */
    GatewayPanel *gatewayPanel() const;

Q_SIGNALS:
    void nodeChanged(const QString &nodeId);

private:
    QWidget *buildHeader();
    QWidget *buildCharts();
    QWidget *buildFacts();
    void reloadNodeChoices();
    void reloadHistory();
    void onPoint(const QString &nodeId, HistoryRange range, const MetricPoint &point);
    void onSample(const QString &nodeId, const NodeSample &sample);
    void updateFacts();
    void updateAttention();
    /** The "MQTT broker" line, from the node's last GET /v1/triggers. */
    void updateBroker();
    void reloadBenchmarks();
    void updateGatewayTab();
    qint64 windowStart(qint64 end) const;
    qint64 gapThreshold() const;

    NodeList *m_nodes;
    FleetMetrics *m_metrics;
    MetricHistory *m_history;
    BenchmarkResults *m_benchmarks;
    QString m_nodeId;
    HistoryRange m_range = HistoryRange::FiveMinutes;
    std::chrono::milliseconds m_sampleInterval {5000};
    QComboBox *m_nodeCombo;
    QLabel *m_stateLabel;
    QLabel *m_factsLine;
    QLabel *m_attentionLabel;
    QButtonGroup *m_rangeGroup;
    QList<MetricChart *> m_charts;
    QSplitter *m_splitter;
    QTabWidget *m_tabs;
    NodeFunctionsModel *m_functions;
    NodeEventsModel *m_events;
    QTableView *m_functionsTable;
    QTableView *m_eventsTable;
    GatewayPanel *m_gateway = nullptr;
    QHash<QString, QLabel *> m_factLabels;
    quint64 m_loadGeneration = 0;
    quint64 m_benchmarkGeneration = 0;
    bool m_loading = false;
    qint64 m_firstPointMs = 0;
    QList<MetricPoint> m_arrivedWhileLoading;
    QTimer m_choicesTimer;
};

} // namespace rune::views
