// SPDX-License-Identifier: GPL-3.0-or-later
#include "cost/costcharts.h"

#include "shell/theme.h"
#include "widgets/chartstyle.h"

#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCursor>
#include <QEvent>
#include <QGraphicsLayout>
#include <QHorizontalStackedBarSeries>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

/** The parts a bar is split into, net of the free tier, in the order they stack. */
const QStringList stackedComponents = {
    u"requests"_s, u"compute"_s, u"instances"_s, u"hardware"_s, u"rent"_s, u"power"_s, u"bandwidth"_s, u"admin"_s};

/** A colour per component, the same in every chart. */
QColor componentColor(const QString &component)
{
    static const QColor colours[] = {QColor(0x3b, 0x82, 0xf6),
        QColor(0xf5, 0x9e, 0x0b),
        QColor(0x10, 0xb9, 0x81),
        QColor(0xef, 0x44, 0x44),
        QColor(0xe8, 0x79, 0xf9),
        QColor(0xa8, 0x55, 0xf7),
        QColor(0x06, 0xb6, 0xd4),
        QColor(0x84, 0xcc, 0x16)};
    return colours[std::max<qsizetype>(0, stackedComponents.indexOf(component)) % std::size(colours)];
}

double dollars(cost::Money money)
{
    return double(money.micros()) / 1e6; // for drawing only; the sums were made in whole micro-dollars
}

QChart *newChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(4);
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

} // namespace

CostBarsChart::CostBarsChart(QWidget *parent)
    : QChartView(parent)
{
    setObjectName(u"costBarsChart"_s);
    setChart(newChart(tr("Monthly cost")));
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(260);
}

void CostBarsChart::setEstimates(const QList<cost::CostEstimate> &estimates)
{
    m_estimates.clear();
    for (const cost::CostEstimate &estimate : estimates) {
        if (estimate.unavailable.isEmpty() && !estimate.total.isTooLarge())
            m_estimates.append(estimate);
    }
    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes())
        c->removeAxis(axis);
    m_components.clear();
    if (m_estimates.isEmpty())
        return;
    // Horizontal bars stack their categories upwards: drawn reversed, they read top-down as listed.
    std::reverse(m_estimates.begin(), m_estimates.end());
    for (const QString &component : stackedComponents) {
        for (const cost::CostEstimate &estimate : std::as_const(m_estimates)) {
            if (cost::netOf(estimate, component).micros() > 0) {
                m_components.append(component);
                break;
            }
        }
    }
    auto *series = new QHorizontalStackedBarSeries;
    QStringList categories;
    for (const cost::CostEstimate &estimate : std::as_const(m_estimates))
        categories.append(estimate.option);
    for (const QString &component : std::as_const(m_components)) {
        auto *set = new QBarSet(component);
        set->setColor(componentColor(component));
        set->setBorderColor(componentColor(component));
        for (const cost::CostEstimate &estimate : std::as_const(m_estimates))
            set->append(dollars(cost::netOf(estimate, component)));
        connect(set, &QBarSet::hovered, this, [this, component](bool over, int bar) {
            if (!over || bar < 0 || bar >= m_estimates.size()) {
                QToolTip::hideText();
                return;
            }
            const cost::CostEstimate &estimate = m_estimates.at(bar);
            QToolTip::showText(QCursor::pos(),
                tr("%1\n%2: $%3 of $%4 a month")
                    .arg(
                        estimate.option, component, cost::netOf(estimate, component).toText(), estimate.total.toText()),
                this);
        });
        series->append(set);
    }
    c->addSeries(series);
    auto *names = new QBarCategoryAxis;
    names->append(categories);
    c->addAxis(names, Qt::AlignLeft);
    series->attachAxis(names);
    auto *amounts = new QValueAxis;
    amounts->setLabelFormat(u"$%.0f"_s);
    amounts->setTitleText(tr("US dollars a month"));
    c->addAxis(amounts, Qt::AlignBottom);
    series->attachAxis(amounts);
    amounts->setMin(0);
    amounts->applyNiceNumbers();
    setMinimumHeight(std::max(260, 70 + 34 * int(m_estimates.size())));
    styleChart(c, font());
}

QStringList CostBarsChart::components() const
{
    return m_components;
}

double CostBarsChart::drawnValue(const QString &option, const QString &component) const
{
    const auto *series =
        chart()->series().isEmpty() ? nullptr : qobject_cast<QHorizontalStackedBarSeries *>(chart()->series().first());
    const qsizetype row = std::find_if(m_estimates.begin(), m_estimates.end(), [&](const cost::CostEstimate &e) {
        return e.option == option;
    }) - m_estimates.begin();
    const qsizetype set = m_components.indexOf(component);
    if (!series || row >= m_estimates.size() || set < 0)
        return 0;
    return series->barSets().at(set)->at(row);
}

void CostBarsChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        styleChart(chart(), font());
    QChartView::changeEvent(event);
}

BreakEvenChart::BreakEvenChart(QWidget *parent)
    : QChartView(parent)
{
    setObjectName(u"breakEvenChart"_s);
    setChart(newChart(tr("Monthly cost against requests per month")));
    chart()->legend()->setAlignment(Qt::AlignRight);
    chart()->legend()->setShowToolTips(true);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(300);
}

void BreakEvenChart::setOptions(
    const QList<cost::CostOption> &options, const cost::Workload &shape, const QList<cost::BreakEven> &crossings)
{
    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes())
        c->removeAxis(axis);
    auto *requestsAxis = new QLogValueAxis;
    requestsAxis->setBase(10);
    requestsAxis->setLabelFormat(u"%.0e"_s);
    requestsAxis->setTitleText(tr("requests per month"));
    requestsAxis->setRange(double(fromRequests), double(toRequests));
    requestsAxis->setMinorTickCount(-1);
    auto *costAxis = new QLogValueAxis;
    costAxis->setBase(10);
    costAxis->setLabelFormat(u"$%g"_s);
    costAxis->setTitleText(tr("US dollars a month"));
    c->addAxis(requestsAxis, Qt::AlignBottom);
    c->addAxis(costAxis, Qt::AlignLeft);
    double lowest = 1e300;
    double highest = 0;
    constexpr int points = 80;
    m_lines = 0;
    for (const cost::CostOption &option : options) {
        auto *line = new QLineSeries;
        line->setName(option.name);
        QPen pen(colors::series(m_lines));
        pen.setWidthF(2);
        line->setPen(pen);
        for (int i = 0; i <= points; ++i) {
            cost::Workload at = shape;
            at.requestsPerMonth = std::int64_t(
                double(fromRequests) * std::pow(double(toRequests) / double(fromRequests), double(i) / points));
            const cost::CostEstimate estimate = option.estimate(at);
            if (!estimate.unavailable.isEmpty() || estimate.total.isTooLarge())
                continue;
            // A log axis has no zero: a month the free tier covers is drawn at a cent.
            const double value = std::max(0.01, dollars(estimate.total));
            line->append(double(at.requestsPerMonth), value);
            lowest = std::min(lowest, value);
            highest = std::max(highest, value);
        }
        c->addSeries(line);
        line->attachAxis(requestsAxis);
        line->attachAxis(costAxis);
        ++m_lines;
    }
    auto *marks = new QScatterSeries;
    marks->setName(tr("break-even"));
    marks->setMarkerSize(11);
    marks->setColor(QApplication::palette().color(QPalette::Text));
    m_marks = 0;
    for (const cost::BreakEven &crossing : crossings) {
        for (const cost::CostOption &option : options) {
            if (option.name != crossing.cheaperAbove)
                continue;
            cost::Workload at = shape;
            at.requestsPerMonth = crossing.requestsPerMonth;
            marks->append(double(crossing.requestsPerMonth), std::max(0.01, dollars(option.estimate(at).total)));
            ++m_marks;
        }
    }
    c->addSeries(marks);
    marks->attachAxis(requestsAxis);
    marks->attachAxis(costAxis);
    if (highest > 0)
        costAxis->setRange(std::max(0.01, lowest / 2), std::max(1.0, highest * 2));
    else
        costAxis->setRange(1, 1000);
    styleChart(c, font());
}

int BreakEvenChart::lineCount() const
{
    return m_lines;
}

int BreakEvenChart::markedCrossings() const
{
    return m_marks;
}

void BreakEvenChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        styleChart(chart(), font());
    QChartView::changeEvent(event);
}

} // namespace rune::views
