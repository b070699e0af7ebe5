// SPDX-License-Identifier: GPL-3.0-or-later
#include "scaling/scalingchart.h"

#include "widgets/chartstyle.h"

#include <QApplication>
#include <QCursor>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGraphicsLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <cmath>

namespace rune::views
{

namespace
{

/** A top for the y axis a little above @p value that divides into whole ticks: 1, 2, 5, 10, 20... */
double niceTop(double value)
{
    if (value <= 1)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (step * magnitude >= value * 1.05)
            return step * magnitude;
    }
    return 10 * magnitude;
}

} // namespace

ScalingChart::ScalingChart(const QString &title, QWidget *parent)
    : QChartView(parent)
    , m_timeAxis(new QDateTimeAxis)
    , m_valueAxis(new QValueAxis)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(4);
    chart->legend()->setAlignment(Qt::AlignTop);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);
    m_timeAxis->setTickCount(6);
    m_valueAxis->setTickCount(5);
    m_valueAxis->setRange(0, 1);
    m_valueAxis->setLabelFormat(QStringLiteral("%.3g"));
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(150);
    applyPalette();
}

void ScalingChart::setWindow(qint64 fromMs, qint64 toMs)
{
    m_fromMs = fromMs;
    m_toMs = std::max(toMs, fromMs + 1000);
    m_timeAxis->setFormat(m_toMs - m_fromMs > 2 * 3600 * 1000 ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss"));
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(m_fromMs), QDateTime::fromMSecsSinceEpoch(m_toMs));
}

void ScalingChart::setWholeNumbers(bool whole)
{
    m_wholeNumbers = whole;
    m_valueAxis->setLabelFormat(whole ? QStringLiteral("%d") : QStringLiteral("%.3g"));
    rescale();
}

void ScalingChart::setLines(const QList<Line> &lines)
{
    m_lines = lines;
    // Series are made anew: a few lines of a few hundred points, at most once a second.
    for (QAbstractSeries *series : chart()->series()) {
        if (qobject_cast<QLineSeries *>(series) && !qobject_cast<QScatterSeries *>(series)) {
            chart()->removeSeries(series);
            delete series;
        }
    }
    for (const Line &line : lines) {
        auto *series = new QLineSeries;
        series->setName(line.name);
        QPen pen(line.color);
        pen.setWidthF(1.6);
        pen.setStyle(line.style);
        series->setPen(pen);
        series->replace(line.points);
        chart()->addSeries(series);
        series->attachAxis(m_timeAxis);
        series->attachAxis(m_valueAxis);
    }
    rescale();
    applyPalette();
}

void ScalingChart::setMarks(const QList<Mark> &marks)
{
    m_marks = marks;
    for (QAbstractSeries *series : chart()->series()) {
        if (qobject_cast<QScatterSeries *>(series)) {
            chart()->removeSeries(series);
            delete series;
        }
    }
    // One series per colour (the marks of one kind look alike), filled at once: a series
    // redraws at every point appended.
    QHash<QRgb, QList<QPointF>> byColor;
    for (const Mark &mark : marks)
        byColor[mark.color.rgb()].append(QPointF(double(mark.timeMs), mark.value));
    for (auto it = byColor.cbegin(); it != byColor.cend(); ++it) {
        auto *series = new QScatterSeries;
        const QColor color = QColor::fromRgb(it.key());
        series->setMarkerSize(11);
        series->setColor(color);
        series->setBorderColor(color.darker(130));
        series->replace(it.value());
        chart()->addSeries(series);
        series->attachAxis(m_timeAxis);
        series->attachAxis(m_valueAxis);
        for (QLegendMarker *marker : chart()->legend()->markers(series))
            marker->setVisible(false);
        connect(series, &QScatterSeries::hovered, this, &ScalingChart::showMarkText);
    }
    rescale();
}

QStringList ScalingChart::lineNames() const
{
    QStringList names;
    for (const Line &line : m_lines)
        names << line.name;
    return names;
}

QList<QPointF> ScalingChart::linePoints(const QString &name) const
{
    for (const Line &line : m_lines) {
        if (line.name == name)
            return line.points;
    }
    return {};
}

QList<ScalingChart::Mark> ScalingChart::marks() const
{
    return m_marks;
}

QString ScalingChart::markTextNear(const QPointF &point) const
{
    const Mark *nearest = nullptr;
    double best = 0;
    for (const Mark &mark : m_marks) {
        const double distance = std::abs(double(mark.timeMs) - point.x());
        if (!nearest || distance < best) {
            nearest = &mark;
            best = distance;
        }
    }
    return nearest ? nearest->text : QString();
}

void ScalingChart::showMarkText(const QPointF &point, bool entered)
{
    if (entered)
        QToolTip::showText(QCursor::pos(), markTextNear(point), this);
    else
        QToolTip::hideText();
}

void ScalingChart::rescale()
{
    double top = 0;
    for (const Line &line : std::as_const(m_lines)) {
        for (const QPointF &point : line.points)
            top = std::max(top, point.y());
    }
    for (const Mark &mark : std::as_const(m_marks))
        top = std::max(top, mark.value);
    if (!m_wholeNumbers)
        return m_valueAxis->setRange(0, niceTop(top));
    // Four steps of a whole number each: 0-4, 0-8, 0-12, ...
    const int steps = m_valueAxis->tickCount() - 1;
    const int step = std::max(1, int(std::ceil(top * 1.05 / steps)));
    m_valueAxis->setRange(0, step * steps);
}

void ScalingChart::applyPalette()
{
    styleChart(chart(), font());
}

void ScalingChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyPalette();
    QChartView::changeEvent(event);
}

} // namespace rune::views
