// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "benchmarks/benchmarkrun.h"

#include <QChartView>
#include <QList>
#include <QPair>

class QBarCategoryAxis;
class QBarSeries;
class QDateTimeAxis;
class QLogValueAxis;
class QValueAxis;

namespace rune::views
{

/** A node as the charts name it: id and name. */
using ChartNode = QPair<QString, QString>;

/**
 * One test's latest figures across nodes as grouped bars: a group per node, a bar per metric
 * (cpu: single and all cores side by side). Hovering a bar shows its value. Colours follow the
 * application palette.
 */
class BenchmarkBarChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BenchmarkBarChart)

public:
    /** Shows @p metrics of @p test, all in @p unit. */
    BenchmarkBarChart(const QString &title,
        const QString &test,
        const QStringList &metrics,
        const QString &unit,
        QWidget *parent = nullptr);

    /** Shows the figures of @p latest for @p nodes (in that order); nodes without any are left out. */
    void setRecords(const QList<BenchmarkRecord> &latest, const QList<ChartNode> &nodes);

    QString test() const;
    /** The node names along the axis. */
    QStringList categories() const;
    /** The value of metric @p metricIndex for category @p category; 0 without one. */
    double value(int metricIndex, int category) const;
    /** What hovering bar @p metricIndex of category @p category shows. */
    QString tooltipText(int metricIndex, int category) const;
    bool isEmpty() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyPalette();

    QString m_test;
    QStringList m_metrics;
    QString m_unit;
    QBarSeries *m_series;
    QBarCategoryAxis *m_categoryAxis;
    QValueAxis *m_valueAxis;
};

/**
 * A node's figures over time: a line per test and metric (rtt: the average over its peers), on
 * a logarithmic axis so that events/s, MiB/s and tx/s share one chart and a drop shows in any.
 */
class BenchmarkHistoryChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BenchmarkHistoryChart)

public:
    explicit BenchmarkHistoryChart(QWidget *parent = nullptr);

    /** Shows @p history (one node's figures, oldest first). */
    void setRecords(const QList<BenchmarkRecord> &history);
    int lineCount() const;
    int pointCount() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyPalette();

    QDateTimeAxis *m_timeAxis;
    QLogValueAxis *m_valueAxis;
};

/** Colours, fonts and axes of @p chart after the application palette, as the metric charts have them. */
void styleBenchmarkChart(QChartView *view);

} // namespace rune::views
