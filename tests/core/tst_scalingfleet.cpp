// SPDX-License-Identifier: GPL-3.0-or-later
// The fleet's functions as the Scaling pane reads them: sums over the nodes that answer, the
// flags at zero and at max replicas, the sparklines' trends, the settings from the catalog and
// each function's figures per node kept in the metric history (in a real SQLite file).
#include "../common/testmain.h"
#include "functions/functioncatalog.h"
#include "metrics/fleetmetrics.h"
#include "metrics/metrichistory.h"
#include "scaling/scalingfleet.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

namespace
{

FunctionSample functionSample(const QString &name, int replicas, int ready, double calls = 0)
{
    FunctionSample sample;
    sample.name = name;
    sample.version = 1;
    sample.replicas = replicas;
    sample.replicasReady = ready;
    sample.inFlight = replicas;
    sample.queued = replicas - ready;
    sample.invocationsPerSecond = calls;
    sample.coldStarts = replicas;
    sample.coldStartsPerSecond = 0.5;
    return sample;
}

Function catalogFunction(const QString &name, int maxReplicas)
{
    Function function;
    function.id = u"id-"_s + name;
    function.project = u"demo"_s;
    function.name = name;
    function.config.minReplicas = 0;
    function.config.maxReplicas = maxReplicas;
    function.config.targetConcurrency = 2;
    function.config.idleToZeroSeconds = 5;
    return function;
}

} // namespace

class TestScalingFleet final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void sumsTheNodesThatRunAFunction();
    void aSilentNodeNoLongerCounts();
    void aFunctionGoneFromEveryNodeLeavesTheFleet();
    void aForgottenNodeTakesItsFiguresAlong();
    void trendsKeepFiveMinutes();
    void settingsFollowTheCatalog();
    void eachNodesFiguresAreKeptAndSurviveARestart();
    void theHistoryKeepsEveryChangeOfReplicas();
    void aNodeListingThousandsOfFunctionsIsBounded();

private:
    /** One poll of @p nodeId, as NodeMonitor applies it: the functions, then the sample. */
    void poll(const QString &nodeId, const QList<FunctionSample> &functions, qint64 timeMs = 0);

    std::unique_ptr<FleetMetrics> m_metrics;
    std::unique_ptr<FunctionCatalog> m_catalog;
    std::unique_ptr<MetricHistory> m_history;
    std::unique_ptr<ScalingFleet> m_fleet;
};

void TestScalingFleet::init()
{
    m_metrics = std::make_unique<FleetMetrics>();
    m_catalog = std::make_unique<FunctionCatalog>();
    m_catalog->insert(catalogFunction(u"resize"_s, 2));
    m_history = std::make_unique<MetricHistory>(nullptr);
    m_fleet = std::make_unique<ScalingFleet>(m_metrics.get(), m_history.get(), m_catalog.get());
}

void TestScalingFleet::cleanup()
{
    m_fleet.reset();
    m_history.reset();
    m_catalog.reset();
    m_metrics.reset();
}

void TestScalingFleet::poll(const QString &nodeId, const QList<FunctionSample> &functions, qint64 timeMs)
{
    NodeSample sample;
    sample.timeMs = timeMs > 0 ? timeMs : QDateTime::currentMSecsSinceEpoch();
    m_metrics->setFunctionSamples(nodeId, functions);
    m_metrics->record(nodeId, sample);
}

void TestScalingFleet::sumsTheNodesThatRunAFunction()
{
    QSignalSpy names(m_fleet.get(), &ScalingFleet::namesChanged);
    QSignalSpy figures(m_fleet.get(), &ScalingFleet::figuresChanged);
    poll(u"n1"_s, {functionSample(u"resize"_s, 2, 1, 4.0), functionSample(u"thumbs"_s, 0, 0)});
    poll(u"n2"_s, {functionSample(u"resize"_s, 1, 1, 2.5)});
    m_metrics->endBatch();
    QCOMPARE(names.size(), 1); // once per batch, not once per node
    QCOMPARE(figures.size(), 1);
    QCOMPARE(m_fleet->names(), QStringList({u"resize"_s, u"thumbs"_s}));

    const FunctionFleetRow *resize = m_fleet->row(u"resize"_s);
    QVERIFY(resize);
    QCOMPARE(resize->nodes.size(), 2);
    QCOMPARE(resize->nodes.first().nodeId, u"n1"_s);
    QCOMPARE(resize->nodes.first().starting(), 1);
    QCOMPARE(resize->replicas, 3);
    QCOMPARE(resize->ready, 2);
    QCOMPARE(resize->starting(), 1);
    QCOMPARE(resize->inFlight, 3);
    QCOMPARE(resize->queued, 1);
    QCOMPARE(resize->callsPerSecond, 6.5);
    QCOMPARE(resize->coldStarts, 3);
    QVERIFY(!resize->atZero());
    QVERIFY(resize->atMax()); // n1 runs its most, 2 replicas

    const FunctionFleetRow *thumbs = m_fleet->row(u"thumbs"_s);
    QVERIFY(thumbs->atZero());
    QVERIFY(!thumbs->atMax()); // unknown to the catalog: no limit to be at
    QVERIFY(!thumbs->limits);
}

void TestScalingFleet::aSilentNodeNoLongerCounts()
{
    poll(u"n1"_s, {functionSample(u"resize"_s, 2, 2)});
    poll(u"n2"_s, {functionSample(u"resize"_s, 1, 1)});
    m_metrics->endBatch();
    QCOMPARE(m_fleet->row(u"resize"_s)->replicas, 3);
    m_metrics->markSilent(u"n1"_s);
    poll(u"n2"_s, {functionSample(u"resize"_s, 0, 0)});
    m_metrics->endBatch();
    QCOMPARE(m_fleet->row(u"resize"_s)->replicas, 0);
    QVERIFY(m_fleet->row(u"resize"_s)->atZero());
    QVERIFY(!m_fleet->row(u"resize"_s)->atMax());
}

void TestScalingFleet::aFunctionGoneFromEveryNodeLeavesTheFleet()
{
    poll(u"n1"_s, {functionSample(u"resize"_s, 1, 1), functionSample(u"thumbs"_s, 1, 1)});
    m_metrics->endBatch();
    QSignalSpy names(m_fleet.get(), &ScalingFleet::namesChanged);
    poll(u"n1"_s, {functionSample(u"resize"_s, 1, 1)}); // thumbs was deleted
    m_metrics->endBatch();
    QCOMPARE(names.size(), 1);
    QCOMPARE(m_fleet->names(), QStringList({u"resize"_s}));
    QVERIFY(!m_fleet->row(u"thumbs"_s));
}

void TestScalingFleet::aForgottenNodeTakesItsFiguresAlong()
{
    poll(u"n1"_s, {functionSample(u"resize"_s, 2, 2)});
    poll(u"n2"_s, {functionSample(u"resize"_s, 1, 1), functionSample(u"thumbs"_s, 1, 1)});
    m_metrics->endBatch();
    m_metrics->forget(u"n2"_s);
    QCOMPARE(m_fleet->names(), QStringList({u"resize"_s}));
    QCOMPARE(m_fleet->row(u"resize"_s)->nodes.size(), 1);
    QCOMPARE(m_fleet->row(u"resize"_s)->replicas, 2);
}

void TestScalingFleet::trendsKeepFiveMinutes()
{
    poll(u"n1"_s, {functionSample(u"resize"_s, 2, 2, 8.0)});
    m_metrics->endBatch();
    m_fleet->sampleTrends();
    poll(u"n1"_s, {functionSample(u"resize"_s, 1, 1, 3.0)});
    m_metrics->endBatch();
    m_fleet->sampleTrends();
    const FunctionFleetRow *row = m_fleet->row(u"resize"_s);
    QCOMPARE(row->replicasTrend, QList<float>({2.0f, 1.0f}));
    QCOMPARE(row->loadTrend, QList<float>({8.0f, 3.0f}));
    for (int i = 0; i < ScalingFleet::trendPoints + 10; ++i)
        m_fleet->sampleTrends();
    QCOMPARE(m_fleet->row(u"resize"_s)->replicasTrend.size(), ScalingFleet::trendPoints);
    QCOMPARE(m_fleet->row(u"resize"_s)->replicasTrend.last(), 1.0f);
}

void TestScalingFleet::settingsFollowTheCatalog()
{
    poll(u"n1"_s, {functionSample(u"resize"_s, 2, 2)});
    m_metrics->endBatch();
    QCOMPARE(m_fleet->row(u"resize"_s)->limits->maxReplicas, 2);
    QCOMPARE(m_fleet->row(u"resize"_s)->limits->functionId, u"id-resize"_s);
    QCOMPARE(m_fleet->row(u"resize"_s)->limits->idleToZeroSeconds, 5);
    QSignalSpy figures(m_fleet.get(), &ScalingFleet::figuresChanged);
    m_catalog->update(catalogFunction(u"resize"_s, 8));
    QCOMPARE(figures.size(), 1);
    QCOMPARE(figures.first().first().toStringList(), QStringList({u"resize"_s}));
    QCOMPARE(m_fleet->row(u"resize"_s)->limits->maxReplicas, 8);
    QVERIFY(!m_fleet->row(u"resize"_s)->atMax());
}

void TestScalingFleet::eachNodesFiguresAreKeptAndSurviveARestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"function-metrics.db"_s);
    const qint64 start = (QDateTime::currentMSecsSinceEpoch() / 10000 - 6) * 10000;
    {
        auto store = HistoryStore::open(path);
        QVERIFY(store);
        m_fleet.reset();
        m_history = std::make_unique<MetricHistory>(std::move(*store));
        m_fleet = std::make_unique<ScalingFleet>(m_metrics.get(), m_history.get(), m_catalog.get());
        for (int s = 0; s <= 30; ++s) {
            poll(u"n1"_s, {functionSample(u"resize"_s, 3, 2, 10.0)}, start + s * 1000);
            poll(u"n2"_s, {functionSample(u"resize"_s, 1, 1, 1.0)}, start + s * 1000);
        }
        m_history->flush(true);
        m_fleet.reset();
        m_history.reset(); // the console quits
    }
    auto store = HistoryStore::open(path);
    QVERIFY(store);
    MetricHistory again(std::move(*store));
    std::optional<MetricHistory::Points> points;
    QObject context;
    again.load(ScalingFleet::seriesKey(u"n1"_s, u"resize"_s), HistoryRange::OneHour, &context, [&](auto loaded) {
        points = std::move(loaded);
    });
    QTRY_VERIFY_WITH_TIMEOUT(points.has_value(), 5000);
    QCOMPARE(points->size(), 3); // three closed 10 s averages
    QCOMPARE(points->first().value(Metric::Replicas), 3.0f);
    QCOMPARE(points->first().value(Metric::ReplicasReady), 2.0f);
    QCOMPARE(points->first().value(Metric::Queued), 1.0f);
    QCOMPARE(points->first().value(Metric::InvocationsPerSecond), 10.0f);
    QCOMPARE(points->first().value(Metric::ColdStartsPerSecond), 0.5f);
    QCOMPARE(points->first().value(Metric::CpuPercent), 0.0f); // a node's figure, not a function's
}

void TestScalingFleet::theHistoryKeepsEveryChangeOfReplicas()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    poll(u"n1"_s, {functionSample(u"resize"_s, 1, 1)}, now - 3000);
    poll(u"n1"_s, {functionSample(u"resize"_s, 1, 1)}, now - 2800); // the same, soon after: not kept
    poll(u"n1"_s, {functionSample(u"resize"_s, 2, 1)}, now - 2600); // a scale up: kept at once
    poll(u"n1"_s, {functionSample(u"resize"_s, 2, 2)}, now - 500); // 2 s on: kept
    std::optional<MetricHistory::Points> points;
    QObject context;
    m_history->load(
        ScalingFleet::seriesKey(u"n1"_s, u"resize"_s), HistoryRange::FiveMinutes, &context, [&](auto loaded) {
            points = std::move(loaded);
        });
    QTRY_VERIFY_WITH_TIMEOUT(points.has_value(), 5000);
    QCOMPARE(points->size(), 3);
    QCOMPARE(points->at(1).timeMs, now - 2600);
    QCOMPARE(points->at(1).value(Metric::Replicas), 2.0f);
    QCOMPARE(points->at(2).value(Metric::ReplicasReady), 2.0f);
}

void TestScalingFleet::aNodeListingThousandsOfFunctionsIsBounded()
{
    QList<FunctionSample> many;
    for (int i = 0; i < ScalingFleet::maxFunctionsPerNode + 100; ++i)
        many.append(functionSample(u"f%1"_s.arg(i, 5, 10, QChar(u'0')), 1, 1));
    poll(u"hostile"_s, many);
    m_metrics->endBatch();
    QCOMPARE(m_fleet->names().size(), ScalingFleet::maxFunctionsPerNode);
    QVERIFY(m_fleet->row(u"f00000"_s));
    QVERIFY(!m_fleet->row(u"f00599"_s));
}

RUNE_TEST_GUILESS_MAIN(TestScalingFleet)
#include "tst_scalingfleet.moc"
