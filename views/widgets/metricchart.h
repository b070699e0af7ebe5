// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/metricpoint.h"

#include <QChartView>
#include <QList>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace rune::views
{

/**
 * One live chart of the node detail pane: one or two metrics over a time window, the y axis
 * scaled to what is shown (in units that read well: %, MiB/s, calls/s, ms), the title carrying
 * the latest values. Where no point came for longer than the gap threshold (the node was
 * unreachable, the console was closed) the line breaks instead of bridging the gap. Its colours
 * follow the application palette.
 */
class MetricChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricChart)

public:
    enum class Unit { Percent, Bytes, BytesPerSecond, PerSecond, Milliseconds };
    struct Line {
        Metric metric;
        QString name;
    };

    MetricChart(const QString &title, Unit unit, const QList<Line> &lines, QWidget *parent = nullptr);

    /** Replaces the points; the window runs from @p fromMs to @p toMs. */
    void setPoints(const QList<MetricPoint> &points, qint64 fromMs, qint64 toMs);
    /** Adds the newest point and slides the window to end at @p toMs. */
    void append(const MetricPoint &point, qint64 fromMs, qint64 toMs);
    /** A fixed top for the y axis (100 % for CPU, the memory size); 0: scaled to the data. */
    void setCeiling(double ceiling);
    /** Points further apart than @p gapMs are not joined; 0 joins every point. Applies to later points. */
    void setGapThreshold(qint64 gapMs);
    int pointCount() const;
    /** How many separate stretches line @p line is drawn in (1 + the gaps in the window). */
    int segmentCount(int line = 0) const;
    /** The latest value of line @p line, in the metric's own unit; 0 without points. */
    double lastValue(int line = 0) const;
    QString title() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    /** A new, empty stretch of line @p line; only a line's first stretch has a legend entry. */
    QLineSeries *addSegment(int line);
    /** Drops @p line's stretches after the first one and empties that one. */
    void resetSegments(int line);
    void rescale();
    void updateTitle();
    void applyPalette();
    QString format(double value) const;

    QString m_title;
    Unit m_unit;
    QList<Line> m_lines;
    QList<QList<QLineSeries *>> m_segments; ///< per line, oldest stretch first; never empty
    qint64 m_gapMs = 0;
    QDateTimeAxis *m_timeAxis;
    QValueAxis *m_valueAxis;
    double m_ceiling = 0;
    double m_scale = 1; ///< the series hold values divided by this (bytes shown in KiB, MiB, ...)
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
};

} // namespace rune::views
