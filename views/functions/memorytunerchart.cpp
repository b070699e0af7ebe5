// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/memorytunerchart.h"

#include "widgets/chartstyle.h"

#include <QCursor>
#include <QEvent>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>
#include <climits>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

QLineSeries *line(const QString &name, const QColor &colour, Qt::PenStyle style = Qt::SolidLine)
{
    auto *series = new QLineSeries;
    series->setName(name);
    QPen pen(colour);
    pen.setWidthF(2);
    pen.setStyle(style);
    series->setPen(pen);
    series->setPointsVisible(true);
    return series;
}

} // namespace

MemoryTunerChart::MemoryTunerChart(QWidget *parent)
    : QChartView(parent)
{
    setObjectName(u"memoryTunerChart"_s);
    auto *chart = new QChart;
    chart->setTitle(tr("Time and cost against memory"));
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(280);
    styleChart(chart, font());
}

void MemoryTunerChart::setOutcomes(const QList<SizeOutcome> &outcomes, int recommendedMiB)
{
    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes())
        c->removeAxis(axis);
    auto *mean = line(tr("mean (warm)"), QColor(0x3b, 0x82, 0xf6));
    auto *p95 = line(tr("p95 (warm)"), QColor(0x3b, 0x82, 0xf6), Qt::DashLine);
    auto *cold = new QScatterSeries;
    cold->setName(tr("cold start"));
    cold->setColor(QColor(0x94, 0xa3, 0xb8));
    cold->setMarkerSize(8);
    auto *cost = line(tr("$ per million calls"), QColor(0xf5, 0x9e, 0x0b));
    auto *failed = new QScatterSeries;
    failed->setName(tr("failed"));
    failed->setColor(QColor(0xef, 0x44, 0x44));
    failed->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    failed->setMarkerSize(11);
    double slowest = 0;
    double dearest = 0;
    int smallest = INT_MAX;
    int largest = 0;
    // Drawn smallest first, so the lines run left to right.
    QList<SizeOutcome> sorted = outcomes;
    std::sort(sorted.begin(), sorted.end(), [](const SizeOutcome &a, const SizeOutcome &b) {
        return a.memoryMiB < b.memoryMiB;
    });
    for (const SizeOutcome &size : std::as_const(sorted)) {
        smallest = std::min(smallest, size.memoryMiB);
        largest = std::max(largest, size.memoryMiB);
        if (size.failed()) {
            failed->append(size.memoryMiB, 0);
            continue;
        }
        if (size.calls() == 0)
            continue;
        mean->append(size.memoryMiB, size.meanMs());
        p95->append(size.memoryMiB, size.p95Ms());
        if (!size.coldMs.isEmpty())
            cold->append(size.memoryMiB, size.coldMeanMs());
        slowest = std::max({slowest, size.p95Ms(), size.coldMs.isEmpty() ? 0.0 : size.coldMeanMs()});
        if (size.costPerMillion) {
            const double dollars = double(size.costPerMillion->micros()) / 1e6; // for drawing only
            cost->append(size.memoryMiB, dollars);
            dearest = std::max(dearest, dollars);
        }
    }
    if (largest == 0)
        return;
    auto *memoryAxis = new QValueAxis;
    memoryAxis->setTitleText(tr("memory (MiB)"));
    memoryAxis->setLabelFormat(u"%d"_s);
    memoryAxis->setRange(std::max(0, smallest - 64), largest + 64);
    // Ticks on the sizes a function can have: multiples of 64 MiB.
    memoryAxis->setTickType(QValueAxis::TicksDynamic);
    memoryAxis->setTickAnchor(0);
    memoryAxis->setTickInterval(64.0 * std::max(1, (largest - smallest + 128) / 64 / 8));
    auto *timeAxis = new QValueAxis;
    timeAxis->setTitleText(tr("ms a call"));
    timeAxis->setLabelFormat(u"%.0f"_s);
    timeAxis->setRange(0, std::max(1.0, slowest * 1.1));
    timeAxis->applyNiceNumbers();
    auto *costAxis = new QValueAxis;
    costAxis->setTitleText(tr("US dollars per million calls"));
    costAxis->setLabelFormat(u"$%.2f"_s);
    costAxis->setRange(0, std::max(0.01, dearest * 1.1));
    costAxis->applyNiceNumbers();
    c->addAxis(memoryAxis, Qt::AlignBottom);
    c->addAxis(timeAxis, Qt::AlignLeft);
    c->addAxis(costAxis, Qt::AlignRight);
    QList<QXYSeries *> timeSeries {mean, p95, cold, failed};
    if (recommendedMiB > 0) {
        auto *chosen = line(tr("recommended: %1 MiB").arg(recommendedMiB), QColor(0x10, 0xb9, 0x81), Qt::DotLine);
        chosen->setPointsVisible(false);
        chosen->append(recommendedMiB, 0);
        chosen->append(recommendedMiB, timeAxis->max());
        timeSeries.append(chosen);
    }
    for (QXYSeries *series : timeSeries) {
        c->addSeries(series);
        series->attachAxis(memoryAxis);
        series->attachAxis(timeAxis);
    }
    c->addSeries(cost);
    cost->attachAxis(memoryAxis);
    cost->attachAxis(costAxis);
    for (QXYSeries *series : {static_cast<QXYSeries *>(mean), static_cast<QXYSeries *>(cost)}) {
        connect(series, &QXYSeries::hovered, this, [this, sorted](const QPointF &point, bool over) {
            if (!over)
                return QToolTip::hideText();
            for (const SizeOutcome &size : sorted) {
                if (size.memoryMiB != qRound(point.x()) || size.failed())
                    continue;
                QToolTip::showText(QCursor::pos(),
                    tr("%1 MiB: mean %2 ms, p95 %3 ms, cold %4 ms%5")
                        .arg(size.memoryMiB)
                        .arg(size.meanMs(), 0, 'f', 1)
                        .arg(size.p95Ms(), 0, 'f', 1)
                        .arg(size.coldMeanMs(), 0, 'f', 1)
                        .arg(size.costPerMillion ? tr(", $%1 per million calls").arg(size.costPerMillion->toText(4))
                                                 : QString()),
                    this);
            }
        });
    }
    styleChart(c, font());
}

QMap<QString, int> MemoryTunerChart::seriesPoints() const
{
    QMap<QString, int> points;
    for (QAbstractSeries *series : chart()->series()) {
        if (auto *xy = qobject_cast<QXYSeries *>(series))
            points.insert(xy->name(), int(xy->count()));
    }
    return points;
}

void MemoryTunerChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        styleChart(chart(), font());
    QChartView::changeEvent(event);
}

} // namespace rune::views
