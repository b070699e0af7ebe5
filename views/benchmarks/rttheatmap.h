// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "benchmarks/benchmarkcharts.h"

#include <QHash>
#include <QWidget>

namespace rune::views
{

/**
 * The round-trip times between nodes as a node × node grid: a row per measuring node, a column
 * per node measured, each cell coloured from green (fastest) to red (slowest) with its average
 * in ms; the slowest pair is named under the grid.
 */
class RttHeatMap final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RttHeatMap)

public:
    explicit RttHeatMap(QWidget *parent = nullptr);

    /** Shows the rtt averages of @p latest between @p nodes (in that order). */
    void setRecords(const QList<BenchmarkRecord> &latest, const QList<ChartNode> &nodes);

    /** The nodes shown (those that measured or were measured), in order. */
    QStringList nodeNames() const;
    /** The average from row @p from to column @p to in ms; empty when not measured. */
    std::optional<double> cell(int from, int to) const;
    /** "Slowest: a → b 1.25 ms"; empty without figures. */
    QString slowestText() const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QColor colorFor(double ms) const;

    QList<ChartNode> m_nodes;
    QHash<QPair<int, int>, double> m_cells; ///< (row, column) -> avg ms
    double m_low = 0;
    double m_high = 0;
};

} // namespace rune::views
