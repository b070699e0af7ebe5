// SPDX-License-Identifier: GPL-3.0-or-later
// The sums the Scaling pane charts (nodes polled at their own moments, summed on a grid) and
// the fleet table's orders and filters.
#include "../common/testmain.h"
#include "scaling/scalingseries.h"
#include "scaling/scalingsort.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

namespace
{

MetricPoint replicasAt(qint64 timeMs, float replicas)
{
    MetricPoint point;
    point.timeMs = timeMs;
    point.value(Metric::Replicas) = replicas;
    return point;
}

FunctionFleetRow row(const QString &name, int replicas, double calls, int maxReplicas = 4)
{
    FunctionFleetRow row;
    row.name = name;
    row.replicas = replicas;
    row.ready = replicas;
    row.callsPerSecond = calls;
    row.limits = ScalingLimits {u"id"_s, 0, maxReplicas, 1, 60};
    row.nodesAtMax = replicas >= maxReplicas ? 1 : 0;
    FunctionOnNode node;
    node.nodeId = u"n1"_s;
    node.sample.replicas = replicas;
    row.nodes = {node};
    return row;
}

} // namespace

class TestScalingSeries final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sumsNodesPolledAtTheirOwnMoments();
    void aNodeSilentLongerThanTheHoldCountsForNothing();
    void cellsWithoutAnyValueAreLeftOut();
    void gridsOfTheRanges();
    void ordersAndTies();
    void filters();
};

void TestScalingSeries::sumsNodesPolledAtTheirOwnMoments()
{
    // Node a answers on the second, node b half a second later.
    QList<MetricPoint> a;
    QList<MetricPoint> b;
    for (int s = 0; s < 10; ++s) {
        a.append(replicasAt(s * 1000, 2));
        b.append(replicasAt(s * 1000 + 500, s < 5 ? 1 : 3));
    }
    const auto sums = sumOnGrid({a, b}, 0, 9999, {2000, 4000});
    QCOMPARE(sums.size(), 5);
    QCOMPARE(sums.first().timeMs, 0);
    QCOMPARE(sums.first().value(Metric::Replicas), 3.0f);
    QCOMPARE(sums.last().timeMs, 8000);
    QCOMPARE(sums.last().value(Metric::Replicas), 5.0f);
}

void TestScalingSeries::aNodeSilentLongerThanTheHoldCountsForNothing()
{
    const QList<MetricPoint> a {replicasAt(0, 2), replicasAt(1000, 2)};
    QList<MetricPoint> b;
    for (int s = 0; s < 20; ++s)
        b.append(replicasAt(s * 1000, 1));
    const auto sums = sumOnGrid({a, b}, 0, 19999, {2000, 4000});
    QCOMPARE(sums.first().value(Metric::Replicas), 3.0f);
    QCOMPARE(sums.last().value(Metric::Replicas), 1.0f); // a's last value is long gone by then
}

void TestScalingSeries::cellsWithoutAnyValueAreLeftOut()
{
    const QList<MetricPoint> a {replicasAt(0, 1), replicasAt(30000, 1)};
    const auto sums = sumOnGrid({a}, 0, 31999, {2000, 4000});
    QCOMPARE(sums.size(), 3); // 0, 2 s (the value held), then nothing until 30 s
    QCOMPARE(sums.at(1).timeMs, 2000);
    QCOMPARE(sums.at(2).timeMs, 30000);
    QVERIFY(sumOnGrid({}, 0, 1000, {2000, 4000}).isEmpty());
    QVERIFY(sumOnGrid({a}, 1000, 0, {2000, 4000}).isEmpty());
}

void TestScalingSeries::gridsOfTheRanges()
{
    QCOMPARE(SeriesGrid::of(HistoryRange::OneHour).stepMs, 10000);
    QCOMPARE(SeriesGrid::of(HistoryRange::Day).stepMs, 60000);
    QVERIFY(SeriesGrid::of(HistoryRange::FiveMinutes).holdMs >= 5000); // a node out of view: every 5 s
}

void TestScalingSeries::ordersAndTies()
{
    const FunctionFleetRow idle = row(u"idle"_s, 0, 0);
    const FunctionFleetRow busy = row(u"busy"_s, 4, 50);
    const FunctionFleetRow some = row(u"Some"_s, 2, 50);
    QVERIFY(scalingRowLess(busy, idle, ScalingOrder::Name));
    QVERIFY(scalingRowLess(idle, some, ScalingOrder::Name)); // any case
    QVERIFY(scalingRowLess(idle, busy, ScalingOrder::Replicas));
    QVERIFY(scalingRowLess(busy, some, ScalingOrder::CallsPerSecond)); // a tie: by name
    QVERIFY(!scalingRowLess(some, busy, ScalingOrder::CallsPerSecond));
    QVERIFY(scalingRowLess(idle, busy, ScalingOrder::AtZero)); // at zero first
    QVERIFY(scalingRowLess(busy, idle, ScalingOrder::AtMax)); // at max first
}

void TestScalingSeries::filters()
{
    const FunctionFleetRow idle = row(u"idle-worker"_s, 0, 0);
    const FunctionFleetRow busy = row(u"busy"_s, 4, 50);
    QVERIFY(ScalingFilter {}.accepts(idle));
    QVERIFY(ScalingFilter({u"WORKER "_s, false, false}).accepts(idle));
    QVERIFY(!ScalingFilter({u"worker"_s, false, false}).accepts(busy));
    QVERIFY(ScalingFilter({QString(), true, false}).accepts(idle));
    QVERIFY(!ScalingFilter({QString(), true, false}).accepts(busy));
    QVERIFY(ScalingFilter({QString(), false, true}).accepts(busy));
    QVERIFY(!ScalingFilter({QString(), false, true}).accepts(idle));
}

RUNE_TEST_GUILESS_MAIN(TestScalingSeries)
#include "tst_scalingseries.moc"
