// SPDX-License-Identifier: GPL-3.0-or-later
// The node detail charts: lines break where points stop coming, and the window slides.
#include "../common/testmain.h"
#include "widgets/metricchart.h"

#include <QDir>
#include <QLegendMarker>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::views::MetricChart;

namespace
{

MetricPoint cpuAt(qint64 timeMs, double percent)
{
    MetricPoint point;
    point.timeMs = timeMs;
    point.value(Metric::CpuPercent) = float(percent);
    return point;
}

int visibleLegendEntries(MetricChart &chart)
{
    chart.chart()->legend()->setVisible(true);
    chart.show(); // a marker of a hidden view counts as hidden
    int visible = 0;
    for (const QLegendMarker *marker : chart.chart()->legend()->markers())
        visible += marker->isVisible() ? 1 : 0;
    return visible;
}

} // namespace

class TestMetricChart final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pointsFarApartAreNotJoined();
    void appendingAfterASilenceStartsANewStretch();
    void aStretchThatLeavesTheWindowIsDropped();
    void withoutAThresholdEveryPointIsJoined();
};

void TestMetricChart::pointsFarApartAreNotJoined()
{
    MetricChart chart(
        u"CPU"_s, MetricChart::Unit::Percent, {{Metric::CpuPercent, u"CPU"_s}, {Metric::CpuPercent, u"again"_s}});
    chart.setGapThreshold(3000);
    // 0..4 s every second, nothing for 20 s (the node was unreachable), then 25..27 s.
    QList<MetricPoint> points;
    for (qint64 second : {0, 1, 2, 3, 4, 25, 26, 27})
        points << cpuAt(1'000'000 + second * 1000, double(second));
    chart.setPoints(points, 1'000'000, 1'030'000);
    QCOMPARE(chart.segmentCount(0), 2);
    QCOMPARE(chart.segmentCount(1), 2);
    QCOMPARE(chart.pointCount(), 8);
    QCOMPARE(chart.lastValue(), 27.0);
    QCOMPARE(visibleLegendEntries(chart), 2); // one entry a line, however many stretches
    const QString dir = QCoreApplication::applicationDirPath() + u"/screenshots"_s;
    QVERIFY(QDir().mkpath(dir));
    chart.resize(640, 240);
    QVERIFY(chart.grab().save(dir + u"/chart-gap.png"_s));
    // Loading again (another range, another node) starts from one stretch.
    chart.setPoints(points.mid(0, 3), 1'000'000, 1'030'000);
    QCOMPARE(chart.segmentCount(0), 1);
    QCOMPARE(chart.pointCount(), 3);
}

void TestMetricChart::appendingAfterASilenceStartsANewStretch()
{
    MetricChart chart(u"CPU"_s, MetricChart::Unit::Percent, {{Metric::CpuPercent, u"CPU"_s}});
    chart.setGapThreshold(3000);
    chart.setPoints({cpuAt(10'000, 1), cpuAt(11'000, 2)}, 0, 12'000);
    chart.append(cpuAt(13'000, 3), 0, 13'000); // 2 s later: the same stretch
    QCOMPARE(chart.segmentCount(), 1);
    chart.append(cpuAt(20'000, 4), 0, 20'000); // 7 s of silence
    QCOMPARE(chart.segmentCount(), 2);
    chart.append(cpuAt(21'000, 5), 0, 21'000);
    QCOMPARE(chart.segmentCount(), 2);
    QCOMPARE(chart.pointCount(), 5);
    QCOMPARE(chart.lastValue(), 5.0);
    QVERIFY(chart.title().contains(u"5"_s));
}

void TestMetricChart::aStretchThatLeavesTheWindowIsDropped()
{
    MetricChart chart(u"CPU"_s, MetricChart::Unit::Percent, {{Metric::CpuPercent, u"CPU"_s}});
    chart.setGapThreshold(3000);
    chart.setPoints({cpuAt(10'000, 1), cpuAt(11'000, 2), cpuAt(30'000, 3)}, 0, 30'000);
    QCOMPARE(chart.segmentCount(), 2);
    // The window slides past the first stretch: it goes, and the legend stays with the line.
    chart.append(cpuAt(31'000, 4), 20'000, 31'000);
    QCOMPARE(chart.segmentCount(), 1);
    QCOMPARE(chart.pointCount(), 2);
    QCOMPARE(chart.chart()->series().size(), 1);
    QCOMPARE(visibleLegendEntries(chart), 1);
}

void TestMetricChart::withoutAThresholdEveryPointIsJoined()
{
    MetricChart chart(u"CPU"_s, MetricChart::Unit::Percent, {{Metric::CpuPercent, u"CPU"_s}});
    chart.setPoints({cpuAt(10'000, 1), cpuAt(11'000, 2), cpuAt(90'000, 3)}, 0, 90'000);
    chart.append(cpuAt(200'000, 4), 0, 200'000);
    QCOMPARE(chart.segmentCount(), 1);
    QCOMPARE(chart.pointCount(), 4);
}

RUNE_TEST_MAIN(TestMetricChart)
#include "tst_metricchart.moc"
