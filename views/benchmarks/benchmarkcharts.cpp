// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarks/benchmarkcharts.h"

#include "benchmarks/benchmarkformat.h"
#include "benchprotocol.h"
#include "shell/theme.h"
#include "widgets/chartstyle.h"

#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCursor>
#include <QDateTimeAxis>
#include <QGraphicsLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMap>
#include <QToolTip>
#include <QValueAxis>
#include <cmath>
#include <numeric>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

bool isPeerFigure(const BenchmarkRecord &record)
{
    return !record.peer.isEmpty();
}

} // namespace

void styleBenchmarkChart(QChartView *view)
{
    styleChart(view->chart(), view->font());
    view->setBackgroundBrush(QApplication::palette().color(QPalette::Window));
}

BenchmarkBarChart::BenchmarkBarChart(
    const QString &title, const QString &test, const QStringList &metrics, const QString &unit, QWidget *parent)
    : QChartView(parent)
    , m_test(test)
    , m_metrics(metrics)
    , m_unit(unit)
    , m_series(new QBarSeries)
    , m_categoryAxis(new QBarCategoryAxis)
    , m_valueAxis(new QValueAxis)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(240);
    auto *c = new QChart;
    c->setTitle(title);
    c->legend()->setAlignment(Qt::AlignBottom);
    c->setMargins(QMargins(6, 6, 6, 6));
    c->addSeries(m_series);
    c->addAxis(m_categoryAxis, Qt::AlignBottom);
    c->addAxis(m_valueAxis, Qt::AlignLeft);
    m_series->attachAxis(m_categoryAxis);
    m_series->attachAxis(m_valueAxis);
    m_valueAxis->setTitleText(unit);
    m_valueAxis->setLabelFormat(u"%.0f"_s);
    setChart(c);
    connect(m_series, &QBarSeries::hovered, this, [this](bool status, int index, QBarSet *set) {
        if (!status) {
            QToolTip::hideText();
            return;
        }
        QToolTip::showText(QCursor::pos(), tooltipText(int(m_series->barSets().indexOf(set)), index), this);
    });
    setRecords({}, {});
}

void BenchmarkBarChart::setRecords(const QList<BenchmarkRecord> &latest, const QList<ChartNode> &nodes)
{
    m_series->clear();
    QStringList categories;
    QList<QList<double>> values(m_metrics.size());
    for (const auto &[id, name] : nodes) {
        QList<double> row(m_metrics.size(), 0.0);
        bool any = false;
        for (const BenchmarkRecord &record : latest) {
            const qsizetype metric = m_metrics.indexOf(record.metric);
            if (record.nodeId == id && record.test == m_test && metric >= 0 && !isPeerFigure(record)) {
                row[metric] = record.value;
                any = true;
            }
        }
        if (!any)
            continue;
        categories << name;
        for (int metric = 0; metric < m_metrics.size(); ++metric)
            values[metric].append(row[metric]);
    }
    double top = 0;
    for (int metric = 0; metric < m_metrics.size(); ++metric) {
        auto *set = new QBarSet(benchmarkMetricLabel(m_test, m_metrics[metric]));
        set->setColor(colors::series(metric));
        set->setBorderColor(colors::series(metric).darker(115));
        for (double value : std::as_const(values[metric])) {
            set->append(value);
            top = std::max(top, value);
        }
        m_series->append(set);
    }
    m_categoryAxis->clear();
    m_categoryAxis->append(categories.isEmpty() ? QStringList {tr("no figures yet")} : categories);
    m_valueAxis->setRange(0, top > 0 ? top * 1.12 : 1);
    m_valueAxis->applyNiceNumbers();
    // Without figures the axis has nothing to say; small figures (a slow disk's IOPS) keep decimals.
    m_valueAxis->setLabelsVisible(top > 0);
    m_valueAxis->setLabelFormat(top >= 10 ? u"%.0f"_s : u"%.2g"_s);
    applyPalette();
}

QString BenchmarkBarChart::test() const
{
    return m_test;
}

QStringList BenchmarkBarChart::categories() const
{
    if (m_series->barSets().isEmpty() || m_series->barSets().first()->count() == 0)
        return {};
    return m_categoryAxis->categories();
}

double BenchmarkBarChart::value(int metricIndex, int category) const
{
    const QList<QBarSet *> sets = m_series->barSets();
    if (metricIndex < 0 || metricIndex >= sets.size() || category < 0 || category >= sets[metricIndex]->count())
        return 0;
    return sets[metricIndex]->at(category);
}

QString BenchmarkBarChart::tooltipText(int metricIndex, int category) const
{
    const QStringList names = categories();
    if (metricIndex < 0 || metricIndex >= m_metrics.size() || category < 0 || category >= names.size())
        return {};
    return u"%1 · %2 %3: %4"_s.arg(names[category],
        benchmarkTestTitle(m_test),
        benchmarkMetricLabel(m_test, m_metrics[metricIndex]),
        formatBenchmarkValue(value(metricIndex, category), m_unit));
}

bool BenchmarkBarChart::isEmpty() const
{
    return categories().isEmpty();
}

void BenchmarkBarChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QChartView::changeEvent(event);
}

void BenchmarkBarChart::applyPalette()
{
    styleBenchmarkChart(this);
}

BenchmarkHistoryChart::BenchmarkHistoryChart(QWidget *parent)
    : QChartView(parent)
    , m_timeAxis(new QDateTimeAxis)
    , m_valueAxis(new QLogValueAxis)
{
    setObjectName(u"benchmarkHistory"_s);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(260);
    auto *c = new QChart;
    c->setTitle(tr("History"));
    c->legend()->setAlignment(Qt::AlignRight);
    c->setMargins(QMargins(6, 6, 6, 6));
    c->addAxis(m_timeAxis, Qt::AlignBottom);
    c->addAxis(m_valueAxis, Qt::AlignLeft);
    m_timeAxis->setFormat(u"MM-dd HH:mm"_s);
    // Powers of ten as 1e+04: plain numbers of six digits were cut short by the chart's layout.
    m_valueAxis->setLabelFormat(u"%.0e"_s);
    m_valueAxis->setBase(10);
    m_valueAxis->setMinorTickCount(-1);
    setChart(c);
    setRecords({});
}

void BenchmarkHistoryChart::setRecords(const QList<BenchmarkRecord> &history)
{
    chart()->removeAllSeries();
    // A line per (test, metric) in the tests' order; rtt's figures per peer become their mean per run.
    struct Line {
        QString name;
        QMap<qint64, QList<double>> points; ///< time -> values at that time
    };
    QMap<QString, Line> lines;
    QStringList order;
    const QString rttAvg = QString::fromLatin1(protocol::benchmetrics::rttAvg);
    for (const BenchmarkRecord &record : history) {
        if (record.value <= 0 || (isPeerFigure(record) && record.metric != rttAvg))
            continue;
        const QString key = record.test + u'/' + record.metric;
        if (!lines.contains(key)) {
            order << key;
            lines[key].name = u"%1 %2 (%3)"_s.arg(
                benchmarkTestTitle(record.test), benchmarkMetricLabel(record.test, record.metric), record.unit);
        }
        lines[key].points[record.started.toMSecsSinceEpoch()].append(record.value);
    }
    // Tests in the pane's order, then metrics in the order they came.
    const QStringList tests = benchmarkTests();
    std::stable_sort(order.begin(), order.end(), [&tests](const QString &a, const QString &b) {
        return tests.indexOf(a.section(u'/', 0, 0)) < tests.indexOf(b.section(u'/', 0, 0));
    });
    double low = 0;
    double high = 0;
    qint64 first = 0;
    qint64 last = 0;
    int index = 0;
    for (const QString &key : std::as_const(order)) {
        auto *series = new QLineSeries;
        series->setName(lines[key].name);
        QPen pen(colors::series(index++));
        pen.setWidthF(1.8);
        series->setPen(pen);
        series->setPointsVisible(true);
        for (auto it = lines[key].points.cbegin(); it != lines[key].points.cend(); ++it) {
            const double mean = std::accumulate(it->cbegin(), it->cend(), 0.0) / double(it->size());
            series->append(double(it.key()), mean);
            low = low == 0 ? mean : std::min(low, mean);
            high = std::max(high, mean);
            first = first == 0 ? it.key() : std::min(first, it.key());
            last = std::max(last, it.key());
        }
        chart()->addSeries(series);
        series->attachAxis(m_timeAxis);
        series->attachAxis(m_valueAxis);
    }
    if (order.isEmpty()) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        first = now - 3600'000;
        last = now;
        low = 1;
        high = 1000;
    }
    // A single run still gets a window around it; the axis spans whole decades around the values.
    const qint64 pad = std::max<qint64>((last - first) / 20, 30 * 60'000);
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(first - pad), QDateTime::fromMSecsSinceEpoch(last + pad));
    m_valueAxis->setRange(
        std::pow(10.0, std::floor(std::log10(low))), std::pow(10.0, std::ceil(std::log10(high)) + 0.0));
    if (m_valueAxis->max() <= m_valueAxis->min())
        m_valueAxis->setMax(m_valueAxis->min() * 10);
    // The plot area keeps the label width of the range it was first laid out with; wider
    // labels (100000 after 1000) would be cut short.
    if (chart()->layout())
        chart()->layout()->invalidate();
    applyPalette();
}

int BenchmarkHistoryChart::lineCount() const
{
    return int(chart()->series().size());
}

int BenchmarkHistoryChart::pointCount() const
{
    int count = 0;
    for (QAbstractSeries *series : chart()->series())
        count += int(static_cast<QLineSeries *>(series)->count());
    return count;
}

void BenchmarkHistoryChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QChartView::changeEvent(event);
}

void BenchmarkHistoryChart::applyPalette()
{
    styleBenchmarkChart(this);
}

} // namespace rune::views
