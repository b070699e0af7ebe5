// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "benchmarks/benchmarkcharts.h"
#include "benchmarks/benchmarksession.h"
#include "shell/benchmarkservices.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;

namespace rune::views
{

class RttHeatMap;

/**
 * Measures nodes with their agents' built-in benchmarks and compares them: choose nodes (all
 * running ones unless the user says otherwise) and tests, Run shows a progress bar per node and
 * test, Cancel stops them all. The latest figures show as grouped bars per test and as an RTT
 * heat map; a node's history as lines over time. Any chart exports as PNG, the figures as CSV.
 */
class BenchmarksPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BenchmarksPane)

public:
    enum Tab { Comparison, RoundTrips, History };

    explicit BenchmarksPane(const BenchmarkServices &services, QWidget *parent = nullptr);

    /** Checks node @p nodeId for the next run (as the user would). */
    void setNodeChecked(const QString &nodeId, bool checked);
    QStringList checkedNodes() const;
    void setTestChecked(const QString &test, bool checked);
    QStringList checkedTests() const;
    /** Parameters added to those the pane sets (seconds, priority) for @p test; for small runs. */
    void setExtraParameters(const QString &test, const QJsonObject &parameters);
    /** What Run would ask for now. */
    BenchmarkPlan plan() const;

    QPushButton *runButton() const;
    QPushButton *cancelButton() const;
    /** The progress bar of @p test on @p nodeId in the last run; null when not part of it. */
    QProgressBar *progressBar(const QString &nodeId, const QString &test) const;
    /** What went wrong on @p nodeId in the last run, one line per failed test; empty when nothing. */
    QString nodeProblem(const QString &nodeId) const;
    QString statusText() const;

    QList<BenchmarkBarChart *> barCharts() const;
    /** The bar chart of @p test (for fileio: the MiB/s one); null when there is none. */
    BenchmarkBarChart *barChart(const QString &test) const;
    RttHeatMap *heatMap() const;
    BenchmarkHistoryChart *historyChart() const;
    QTabWidget *tabs() const;
    /** Shows the history of node @p nodeId. */
    void showHistory(const QString &nodeId);

    /** Writes every stored figure as CSV to @p path (what "Export CSV…" does after its dialog). */
    void exportCsv(const QString &path);
    /** Saves @p widget (a chart or the heat map) as PNG to @p path. */
    void exportPng(QWidget *widget, const QString &path);

Q_SIGNALS:
    /** An export ended: @p error is empty when @p path was written. */
    void exported(const QString &path, const QString &error);
    /** The latest figures were (re)loaded into the charts. */
    void figuresShown();
    void historyShown();

private:
    QWidget *buildSetup();
    QWidget *buildComparison();
    QWidget *buildRoundTrips();
    QWidget *buildHistory();
    void reloadNodes();
    void run();
    void rebuildProgress();
    void updateStep(const QString &nodeId, const QString &test);
    void updateButtons();
    void sessionFinished();
    void reloadFigures();
    void reloadHistory();
    void askCsvPath();
    void askPngPath(QWidget *widget, const QString &name);
    void exportCurrentTab();
    QList<ChartNode> chartNodes() const;

    BenchmarkServices m_services;
    QListWidget *m_nodeList;
    QHash<QString, QCheckBox *> m_testBoxes;
    QSpinBox *m_seconds;
    QCheckBox *m_normalPriority;
    QPushButton *m_runButton;
    QPushButton *m_cancelButton;
    QPushButton *m_csvButton;
    QLabel *m_status;
    QTableWidget *m_progress;
    QTabWidget *m_tabs;
    QList<BenchmarkBarChart *> m_barCharts;
    RttHeatMap *m_heatMap;
    QLabel *m_heatMapNote;
    QComboBox *m_historyNode;
    BenchmarkHistoryChart *m_historyChart;
    QHash<QString, QJsonObject> m_extraParameters;
    QSet<QString> m_touchedNodes; ///< nodes the user checked or unchecked: their choice stays
    QList<BenchmarkRecord> m_latest;
    QTimer m_nodesTimer;
    quint64 m_figuresGeneration = 0;
    quint64 m_historyGeneration = 0;
};

} // namespace rune::views
