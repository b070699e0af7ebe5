// SPDX-License-Identifier: GPL-3.0-or-later
// The Scaling pane's item models under QAbstractItemModelTester, fed as NodeMonitor feeds them:
// the fleet table (sorted, filtered, rows coming and going) and the events list (one function's,
// newest first, the oldest dropped past the bound).
#include "../common/testmain.h"
#include "functions/functioncatalog.h"
#include "metrics/fleetmetrics.h"
#include "metrics/metrichistory.h"
#include "scaling/scalingeventsmodel.h"
#include "scaling/scalingfleet.h"
#include "scaling/scalingtablemodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::views;

namespace
{

FunctionSample functionSample(const QString &name, int replicas, double calls = 0)
{
    FunctionSample sample;
    sample.name = name;
    sample.replicas = replicas;
    sample.replicasReady = replicas;
    sample.invocationsPerSecond = calls;
    return sample;
}

AgentEvent agentEvent(quint64 seq, const QString &function, const QString &kind, const QString &detail)
{
    return AgentEvent {seq, qint64(1'800'000'000'000) + qint64(seq) * 1000, kind, function, 1, detail};
}

} // namespace

class TestScalingModels final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void fleetTableFollowsTheNodes();
    void fleetTableSortsAndFilters();
    void eventsListShowsOneFunctionNewestFirst();

private:
    void poll(const QString &nodeId, const QList<FunctionSample> &functions);
    QStringList names(const QAbstractItemModel &model) const;

    std::unique_ptr<FleetMetrics> m_metrics;
    std::unique_ptr<FunctionCatalog> m_catalog;
    std::unique_ptr<MetricHistory> m_history;
    std::unique_ptr<ScalingFleet> m_fleet;
};

void TestScalingModels::init()
{
    m_metrics = std::make_unique<FleetMetrics>();
    m_catalog = std::make_unique<FunctionCatalog>();
    Function resize;
    resize.id = u"r"_s;
    resize.project = u"demo"_s;
    resize.name = u"resize"_s;
    resize.config.maxReplicas = 3;
    m_catalog->insert(resize);
    m_history = std::make_unique<MetricHistory>(nullptr);
    m_fleet = std::make_unique<ScalingFleet>(m_metrics.get(), m_history.get(), m_catalog.get());
}

void TestScalingModels::cleanup()
{
    m_fleet.reset();
    m_history.reset();
    m_catalog.reset();
    m_metrics.reset();
}

void TestScalingModels::poll(const QString &nodeId, const QList<FunctionSample> &functions)
{
    NodeSample sample;
    sample.timeMs = QDateTime::currentMSecsSinceEpoch();
    m_metrics->setFunctionSamples(nodeId, functions);
    m_metrics->record(nodeId, sample);
}

QStringList TestScalingModels::names(const QAbstractItemModel &model) const
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names << model.index(row, ScalingTableModel::Name).data().toString();
    return names;
}

void TestScalingModels::fleetTableFollowsTheNodes()
{
    ScalingTableModel model(m_fleet.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    poll(u"n1"_s, {functionSample(u"resize"_s, 3, 12.5), functionSample(u"thumbs"_s, 0)});
    poll(u"n2"_s, {functionSample(u"resize"_s, 1, 2.0)});
    m_metrics->endBatch();
    QCOMPARE(names(model), QStringList({u"resize"_s, u"thumbs"_s}));
    QCOMPARE(model.index(0, ScalingTableModel::Nodes).data().toInt(), 2);
    QCOMPARE(model.index(0, ScalingTableModel::Replicas).data().toString(), u"4 of 3 max"_s);
    QCOMPARE(model.index(0, ScalingTableModel::CallsPerSecond).data().toString(), u"14.5"_s);
    QCOMPARE(model.index(0, ScalingTableModel::State).data().toString(), u"at max replicas"_s);
    QCOMPARE(model.index(1, ScalingTableModel::State).data().toString(), u"at zero"_s);
    m_fleet->sampleTrends();
    QCOMPARE(model.index(0, ScalingTableModel::ReplicasTrend).data(ScalingTableModel::TrendRole).value<QList<float>>(),
        QList<float>({4.0f}));
    // thumbs is deleted from n1; resize's figures change.
    poll(u"n1"_s, {functionSample(u"resize"_s, 0)});
    m_metrics->endBatch();
    QCOMPARE(names(model), QStringList({u"resize"_s}));
    QCOMPARE(model.index(0, ScalingTableModel::Replicas).data().toString(), u"1 of 3 max"_s);
    m_metrics->forget(u"n1"_s);
    m_metrics->forget(u"n2"_s);
    QCOMPARE(model.rowCount(), 0);
}

void TestScalingModels::fleetTableSortsAndFilters()
{
    ScalingTableModel model(m_fleet.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    poll(u"n1"_s,
        {functionSample(u"resize"_s, 3, 1.0), functionSample(u"alpha"_s, 1, 9.0), functionSample(u"zero"_s, 0)});
    m_metrics->endBatch();
    model.sort(ScalingTableModel::Replicas, Qt::DescendingOrder);
    QCOMPARE(names(model), QStringList({u"resize"_s, u"alpha"_s, u"zero"_s}));
    model.sort(ScalingTableModel::CallsPerSecond, Qt::DescendingOrder);
    QCOMPARE(names(model), QStringList({u"alpha"_s, u"resize"_s, u"zero"_s}));
    // The figures change: the order follows.
    poll(u"n1"_s,
        {functionSample(u"resize"_s, 3, 20.0), functionSample(u"alpha"_s, 1, 9.0), functionSample(u"zero"_s, 0)});
    m_metrics->endBatch();
    QCOMPARE(names(model), QStringList({u"resize"_s, u"alpha"_s, u"zero"_s}));
    model.sort(ScalingTableModel::State, Qt::AscendingOrder);
    QCOMPARE(names(model).first(), u"zero"_s); // which functions are at zero
    model.setFilter(ScalingFilter {u"E"_s, false, false});
    QCOMPARE(names(model).size(), 2); // resize and zero
    model.setFilter(ScalingFilter {QString(), false, true});
    QCOMPARE(names(model), QStringList({u"resize"_s})); // which hit max replicas
    model.setFilter(ScalingFilter {QString(), true, false});
    QCOMPARE(names(model), QStringList({u"zero"_s}));
    // A function leaves the filter when its figures change.
    poll(u"n1"_s,
        {functionSample(u"resize"_s, 3, 20.0), functionSample(u"alpha"_s, 1, 9.0), functionSample(u"zero"_s, 1)});
    m_metrics->endBatch();
    QCOMPARE(model.rowCount(), 0);
}

void TestScalingModels::eventsListShowsOneFunctionNewestFirst()
{
    ScalingEvents events(m_metrics.get());
    ScalingEventsModel model(&events, [](const QString &id) -> QString {
        return u"node "_s + id;
    });
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFunction(u"resize"_s);
    m_metrics->addEvents(u"n1"_s,
        {agentEvent(1, u"resize"_s, u"scale_up"_s, u"0 -> 2 replicas, 4 calls in flight"_s),
            agentEvent(2, u"thumbs"_s, u"scale_up"_s, u"0 -> 1 replicas, 1 calls in flight"_s),
            agentEvent(3, u"resize"_s, u"deployed"_s, {}),
            agentEvent(4, u"resize"_s, u"scale_down"_s, u"2 -> 0 replicas, idle for 5 s"_s)},
        false);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, ScalingEventsModel::Kind).data().toString(), u"to zero"_s);
    QCOMPARE(model.index(0, ScalingEventsModel::Node).data().toString(), u"node n1"_s);
    QCOMPARE(model.index(0, ScalingEventsModel::Reason).data().toString(), u"2 -> 0 replicas, idle for 5 s"_s);
    QCOMPARE(model.index(1, ScalingEventsModel::Kind).data().toString(), u"scale up"_s);
    model.setFunction({});
    QCOMPARE(model.rowCount(), 3);
    // Past the bound the oldest go, from the list too.
    model.setFunction(u"resize"_s);
    QList<AgentEvent> burst;
    for (int i = 0; i < ScalingEvents::maxEvents; ++i)
        burst.append(agentEvent(quint64(10 + i), u"thumbs"_s, u"evicted"_s, u"memory is short"_s));
    m_metrics->addEvents(u"n1"_s, burst, false);
    QCOMPARE(events.size(), ScalingEvents::maxEvents);
    QCOMPARE(model.rowCount(), 0);
    m_metrics->addEvents(u"n2"_s, {agentEvent(1, u"resize"_s, u"replica_crashed"_s, u"replica=r1"_s)}, false);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, ScalingEventsModel::Kind).data().toString(), u"replica crashed"_s);
}

RUNE_TEST_MAIN(TestScalingModels)
#include "tst_scalingmodels.moc"
