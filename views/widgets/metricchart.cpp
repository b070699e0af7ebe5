// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/metricchart.h"

#include "shell/theme.h"
#include "widgets/chartstyle.h"
#include "widgets/format.h"

#include <QApplication>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGraphicsLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

/** The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least @p value. */
double niceStep(double value)
{
    if (value <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 2.5, 5.0}) {
        if (step * magnitude >= value * (1 - 1e-9))
            return step * magnitude;
    }
    return 10 * magnitude;
}

/** Decimals that print every multiple of @p step exactly: 0 for 5, 1 for 0.5, 2 for 0.25. */
int decimalsFor(double step)
{
    int decimals = 0;
    while (
        decimals < 6 && std::abs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6)
        ++decimals;
    return decimals;
}

/** The unit bytes are shown in for values up to @p max, and its size. */
std::pair<QString, double> byteUnit(double max)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    double size = 1;
    while (max >= 1024 * size && unit < 4) {
        size *= 1024;
        ++unit;
    }
    return {QString::fromLatin1(units[unit]), size};
}

} // namespace

MetricChart::MetricChart(const QString &title, Unit unit, const QList<Line> &lines, QWidget *parent)
    : QChartView(parent)
    , m_title(title)
    , m_unit(unit)
    , m_lines(lines)
    , m_timeAxis(new QDateTimeAxis)
    , m_valueAxis(new QValueAxis)
{
    auto *chart = new QChart;
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(4);
    chart->legend()->setAlignment(Qt::AlignTop);
    chart->legend()->setVisible(lines.size() > 1);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);
    m_timeAxis->setTickCount(6);
    m_valueAxis->setTickCount(5);
    m_valueAxis->setMin(0);
    setChart(chart);
    for (int index = 0; index < lines.size(); ++index) {
        m_segments.append(QList<QLineSeries *>());
        addSegment(index);
    }
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);
    applyPalette();
    updateTitle();
}

QLineSeries *MetricChart::addSegment(int line)
{
    auto *series = new QLineSeries;
    series->setName(m_lines.at(line).name);
    QPen pen(colors::series(line));
    pen.setWidthF(1.6);
    series->setPen(pen);
    chart()->addSeries(series);
    series->attachAxis(m_timeAxis);
    series->attachAxis(m_valueAxis);
    const bool first = m_segments[line].isEmpty();
    for (QLegendMarker *marker : chart()->legend()->markers(series))
        marker->setVisible(first);
    m_segments[line].append(series);
    return series;
}

void MetricChart::resetSegments(int line)
{
    QList<QLineSeries *> &segments = m_segments[line];
    while (segments.size() > 1) {
        QLineSeries *series = segments.takeLast();
        chart()->removeSeries(series);
        delete series;
    }
    segments.constFirst()->clear();
}

void MetricChart::setCeiling(double ceiling)
{
    m_ceiling = ceiling;
    rescale();
}

void MetricChart::setGapThreshold(qint64 gapMs)
{
    m_gapMs = gapMs;
}

void MetricChart::setPoints(const QList<MetricPoint> &points, qint64 fromMs, qint64 toMs)
{
    m_fromMs = fromMs;
    m_toMs = toMs;
    for (int index = 0; index < m_segments.size(); ++index) {
        resetSegments(index);
        QList<QList<QPointF>> runs {{}};
        qint64 previous = 0;
        for (const MetricPoint &point : points) {
            if (point.timeMs < fromMs)
                continue;
            if (!runs.constLast().isEmpty() && m_gapMs > 0 && point.timeMs - previous > m_gapMs)
                runs.append(QList<QPointF>());
            runs.last().append(QPointF(double(point.timeMs), point.value(m_lines.at(index).metric) / m_scale));
            previous = point.timeMs;
        }
        m_segments[index].constFirst()->replace(runs.constFirst());
        for (qsizetype run = 1; run < runs.size(); ++run)
            addSegment(index)->replace(runs.at(run));
    }
    m_timeAxis->setFormat(toMs - fromMs > 10 * 60 * 1000 ? u"HH:mm"_s : u"HH:mm:ss"_s);
    rescale();
    updateTitle();
}

void MetricChart::append(const MetricPoint &point, qint64 fromMs, qint64 toMs)
{
    m_fromMs = fromMs;
    m_toMs = toMs;
    for (int index = 0; index < m_segments.size(); ++index) {
        QList<QLineSeries *> &segments = m_segments[index];
        QLineSeries *last = segments.constLast();
        if (last->count() > 0 && m_gapMs > 0
            && double(point.timeMs) - last->at(last->count() - 1).x() > double(m_gapMs))
            last = addSegment(index);
        last->append(double(point.timeMs), point.value(m_lines.at(index).metric) / m_scale);
        // Points that left the window go; so does a stretch left empty, the next one taking the legend.
        for (;;) {
            QLineSeries *first = segments.constFirst();
            int old = 0;
            while (old < first->count() && first->at(old).x() < double(fromMs))
                ++old;
            if (old > 0)
                first->removePoints(0, old);
            if (first->count() > 0 || segments.size() == 1)
                break;
            segments.removeFirst();
            chart()->removeSeries(first);
            delete first;
            for (QLegendMarker *marker : chart()->legend()->markers(segments.constFirst()))
                marker->setVisible(true);
        }
    }
    rescale();
    updateTitle();
}

int MetricChart::pointCount() const
{
    int count = 0;
    for (const QLineSeries *series : m_segments.value(0))
        count += int(series->count());
    return count;
}

int MetricChart::segmentCount(int line) const
{
    int count = 0;
    for (const QLineSeries *series : m_segments.value(line))
        count += series->count() > 0 ? 1 : 0;
    return count;
}

double MetricChart::lastValue(int line) const
{
    const QList<QLineSeries *> segments = m_segments.value(line);
    for (auto series = segments.crbegin(); series != segments.crend(); ++series) {
        if ((*series)->count() > 0)
            return (*series)->at((*series)->count() - 1).y() * m_scale;
    }
    return 0.0;
}

QString MetricChart::title() const
{
    return chart()->title();
}

void MetricChart::rescale()
{
    double max = 0; // in the metric's own unit
    for (const QList<QLineSeries *> &segments : std::as_const(m_segments)) {
        for (const QLineSeries *series : segments) {
            for (const QPointF &point : series->points())
                max = std::max(max, point.y() * m_scale);
        }
    }
    if (m_unit == Unit::Bytes || m_unit == Unit::BytesPerSecond) {
        // The axis counts in the unit that suits the largest value; the points follow it.
        const auto [unit, size] = byteUnit(std::max(max * 1.1, m_ceiling));
        if (size != m_scale) {
            for (const QList<QLineSeries *> &segments : std::as_const(m_segments)) {
                for (QLineSeries *series : segments) {
                    QList<QPointF> points = series->points();
                    for (QPointF &point : points)
                        point.setY(point.y() * m_scale / size);
                    series->replace(points);
                }
            }
            m_scale = size;
        }
        m_valueAxis->setTitleText(m_unit == Unit::Bytes ? unit : unit + u"/s"_s);
    }
    // About five ticks at round values; a ceiling (100 %, the memory size) is the top as it is.
    double top = m_ceiling > 0 ? m_ceiling / m_scale : max / m_scale * 1.1;
    if (top <= 0)
        top = 1;
    const double step = niceStep(top / 5);
    if (m_ceiling <= 0)
        top = std::ceil(top / step - 1e-9) * step;
    m_valueAxis->setTickType(QValueAxis::TicksDynamic);
    m_valueAxis->setTickAnchor(0);
    m_valueAxis->setTickInterval(step);
    m_valueAxis->setRange(0, top);
    if (m_toMs > m_fromMs)
        m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(m_fromMs), QDateTime::fromMSecsSinceEpoch(m_toMs));
    const QString number = u"%.%1f"_s.arg(decimalsFor(step));
    switch (m_unit) {
    case Unit::Percent:
        m_valueAxis->setLabelFormat(number + u" %%"_s);
        break;
    case Unit::Milliseconds:
        m_valueAxis->setLabelFormat(number + u" ms"_s);
        break;
    default:
        m_valueAxis->setLabelFormat(number);
        break;
    }
}

QString MetricChart::format(double value) const
{
    switch (m_unit) {
    case Unit::Percent:
        return formatPercent(value);
    case Unit::Bytes:
        return formatBytes(qint64(value));
    case Unit::BytesPerSecond:
        return formatByteRate(value);
    case Unit::PerSecond:
        return tr("%1/s").arg(formatRate(value));
    case Unit::Milliseconds:
        return formatMilliseconds(value);
    }
    return {};
}

void MetricChart::updateTitle()
{
    QStringList values;
    for (int index = 0; index < m_segments.size(); ++index) {
        if (segmentCount(index) == 0)
            continue;
        const QString value = format(lastValue(index));
        values << (m_segments.size() > 1 ? m_lines.at(index).name + u' ' + value : value);
    }
    chart()->setTitle(values.isEmpty() ? m_title : m_title + u"  ·  "_s + values.join(u"  "_s));
}

void MetricChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QChartView::changeEvent(event);
}

void MetricChart::applyPalette()
{
    styleChart(chart(), font());
    setBackgroundBrush(QApplication::palette().color(QPalette::Window));
}

} // namespace rune::views
