// SPDX-License-Identifier: GPL-3.0-or-later
// The item models of the fleet's panes, each under QAbstractItemModelTester while its sources
// change: what a user reads in the Overview, the provisioning panel and Node detail's tables.
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "fleet/nodeeventsmodel.h"
#include "fleet/nodefilterproxy.h"
#include "fleet/nodefunctionsmodel.h"
#include "fleet/overviewmodel.h"
#include "fleet/provisioningmodel.h"
#include "metrics/fleetmetrics.h"
#include "provision/nodeoperations.h"
#include "widgets/meterdelegate.h"

#include <QAbstractItemModelTester>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::views;

class TestFleetModels final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void overviewFollowsNodesAndFigures();
    void overviewSortsByNumbersAndShowsDashesWithoutFigures();
    void filterByRoleStateLabelAndText();
    void provisioningFollowsTheOperations();
    void functionsMergeListAndRates();
    void eventsNewestFirstAndOnlyOnce();
};

static Node makeNode(const QString &id, NodeRole role, NodeState state, const QStringList &labels = {})
{
    Node node;
    node.id = id;
    node.name = id;
    node.role = role;
    node.state = state;
    node.labels = labels;
    node.ssh = {u"10.0.0.%1"_s.arg(id.size()), 22, u"ops"_s, {}};
    node.facts.agentVersion = u"0.1.0"_s;
    return node;
}

static NodeSample sample(double cpu, double calls, double errors, qint64 usedMemory = 4LL << 30)
{
    NodeSample s;
    s.cpuPercent = cpu;
    s.invocationsPerSecond = calls;
    s.errorsPerSecond = errors;
    s.memoryTotalBytes = 16LL << 30;
    s.memoryUsedBytes = usedMemory;
    s.diskTotalBytes = 100LL << 30;
    s.diskUsedBytes = 25LL << 30;
    return s;
}

void TestFleetModels::overviewFollowsNodesAndFigures()
{
    NodeList nodes;
    FleetMetrics metrics;
    OverviewModel model(&nodes, &metrics);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    nodes.add(makeNode(u"a"_s, NodeRole::Compute, NodeState::Running));
    nodes.add(makeNode(u"b"_s, NodeRole::Edge, NodeState::Creating));
    QCOMPARE(model.rowCount(), 2);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    metrics.record(u"a"_s, sample(37, 12.4, 0.5));
    metrics.record(u"b"_s, sample(5, 0, 0));
    QCOMPARE(changed.size(), 0); // nothing until the batch is complete
    metrics.endBatch();
    QCOMPARE(changed.size(), 1); // one signal for the whole table
    const auto text = [&model](int row, int column) {
        return model.index(row, column).data().toString();
    };
    QCOMPARE(text(0, OverviewModel::Cpu), u"37 %"_s);
    QCOMPARE(model.index(0, OverviewModel::Cpu).data(MeterDelegate::ValueRole).toDouble(), 37.0);
    QCOMPARE(model.index(0, OverviewModel::Memory).data(MeterDelegate::ValueRole).toDouble(), 25.0);
    QCOMPARE(text(0, OverviewModel::Memory), u"4.0 GiB of 16.0 GiB"_s);
    QCOMPARE(text(0, OverviewModel::Invocations), u"12"_s);
    QCOMPARE(text(0, OverviewModel::Errors), u"4.0 %"_s);
    QCOMPARE(text(0, OverviewModel::Agent), u"0.1.0"_s);
    QVERIFY(!model.index(0, OverviewModel::State).data(Qt::DecorationRole).isNull());
    // A node that stops answering loses its figures: dashes, no meter.
    metrics.markSilent(u"a"_s);
    metrics.endBatch();
    QCOMPARE(text(0, OverviewModel::Cpu), u"—"_s);
    QVERIFY(!model.index(0, OverviewModel::Cpu).data(MeterDelegate::ValueRole).isValid());
    Node failed = nodes.at(1);
    failed.state = NodeState::Failed;
    nodes.update(failed);
    QCOMPARE(text(1, OverviewModel::State), u"Failed"_s);
    nodes.remove(u"a"_s);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 0).data(OverviewModel::NodeIdRole).toString(), u"b"_s);
    nodes.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestFleetModels::overviewSortsByNumbersAndShowsDashesWithoutFigures()
{
    NodeList nodes;
    FleetMetrics metrics;
    OverviewModel model(&nodes, &metrics);
    NodeFilterProxy proxy(&nodes, OverviewModel::SortRole);
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const QString &id : {u"nine"_s, u"ten"_s, u"quiet"_s, u"eighty"_s})
        nodes.add(makeNode(id, NodeRole::Compute, NodeState::Running));
    metrics.record(u"nine"_s, sample(9, 9, 0));
    metrics.record(u"ten"_s, sample(10, 100, 0));
    metrics.record(u"eighty"_s, sample(80, 2000, 0));
    metrics.endBatch();
    proxy.sort(OverviewModel::Invocations, Qt::DescendingOrder);
    QStringList order;
    for (int row = 0; row < proxy.rowCount(); ++row)
        order << proxy.index(row, 0).data().toString();
    // "2.0 k" > "100" > "9" by number, not by text; the silent node last.
    QCOMPARE(order, (QStringList {u"eighty"_s, u"ten"_s, u"nine"_s, u"quiet"_s}));
    QCOMPARE(proxy.index(0, OverviewModel::Invocations).data().toString(), u"2.0 k"_s);
    // Figures that change re-sort the table.
    metrics.record(u"nine"_s, sample(9, 5000, 0));
    metrics.endBatch();
    QCOMPARE(proxy.index(0, 0).data().toString(), u"nine"_s);
}

void TestFleetModels::filterByRoleStateLabelAndText()
{
    NodeList nodes;
    FleetMetrics metrics;
    OverviewModel model(&nodes, &metrics);
    NodeFilterProxy proxy(&nodes, OverviewModel::SortRole);
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    nodes.add(makeNode(u"gate"_s, NodeRole::Edge, NodeState::Running, {u"camera"_s, u"north"_s}));
    nodes.add(makeNode(u"worker-1"_s, NodeRole::Compute, NodeState::Running, {u"rack-1"_s}));
    nodes.add(makeNode(u"worker-2"_s, NodeRole::Compute, NodeState::Undefined, {u"rack-2"_s}));
    nodes.add(makeNode(u"brain"_s, NodeRole::Controller, NodeState::Running));
    proxy.setRoleFilter(NodeRole::Compute);
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setStateFilter(NodeState::Undefined);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), u"worker-2"_s);
    proxy.setRoleFilter(std::nullopt);
    proxy.setStateFilter(std::nullopt);
    proxy.setTextFilter(u"NORTH"_s); // a label, any case
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), u"gate"_s);
    proxy.setTextFilter(u"rack"_s);
    QCOMPARE(proxy.rowCount(), 2);
    // A node added while a filter is on appears only if it passes.
    nodes.add(makeNode(u"worker-3"_s, NodeRole::Compute, NodeState::Running, {u"rack-3"_s}));
    nodes.add(makeNode(u"gate-2"_s, NodeRole::Edge, NodeState::Running));
    QCOMPARE(proxy.rowCount(), 3);
    proxy.setTextFilter({});
    QCOMPARE(proxy.rowCount(), 6);
}

void TestFleetModels::provisioningFollowsTheOperations()
{
    NodeList nodes;
    nodes.add(makeNode(u"n1"_s, NodeRole::Compute, NodeState::Undefined));
    nodes.add(makeNode(u"n2"_s, NodeRole::Edge, NodeState::Undefined));
    QNetworkAccessManager network;
    NodeOperations operations(&nodes, nullptr, &network, nullptr, ProvisionOptions {});
    ProvisioningModel model(&nodes, &operations);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.track({u"n1"_s, u"n2"_s}, NodeAction::Provision);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, ProvisioningModel::Progress).data().toString(), u"queued"_s);
    Q_EMIT operations.stepStarted(u"n1"_s, ProvisionStep::Upload);
    Q_EMIT operations.progress(u"n1"_s, 40);
    Q_EMIT operations.logLine(u"n1"_s, u"uploading rune-agent"_s);
    QCOMPARE(model.index(0, ProvisioningModel::Step).data().toString(), u"Uploading"_s);
    QCOMPARE(model.index(0, ProvisioningModel::Progress).data().toString(), u"40 %"_s);
    QCOMPARE(model.index(0, ProvisioningModel::Progress).data(MeterDelegate::ValueRole).toInt(), 40);
    Q_EMIT operations.nodeFinished(u"n1"_s, NodeAction::Provision, Result<void>());
    Q_EMIT operations.nodeFinished(u"n2"_s,
        NodeAction::Provision,
        fail(u"ssh.auth_failed"_s, u"Detecting the system failed on n2: the key was refused\nmore"_s));
    QCOMPARE(model.index(0, ProvisioningModel::Progress).data().toString(), u"done"_s);
    QCOMPARE(model.index(1, ProvisioningModel::Progress).data().toString(), u"failed"_s);
    QCOMPARE(model.index(1, ProvisioningModel::Step).data().toString(),
        u"Detecting the system failed on n2: the key was refused"_s);
    QVERIFY(model.at(0).log.contains(u"uploading rune-agent"_s));
    QCOMPARE(model.count(ProvisioningModel::Outcome::Failed), 1);
    // A job the console resumed on its own (no track()) gets its row from its first signal.
    nodes.add(makeNode(u"n3"_s, NodeRole::Compute, NodeState::Rebooting));
    Node n3 = *nodes.find(u"n3"_s);
    n3.targetAction = NodeAction::Reboot;
    nodes.update(n3);
    Q_EMIT operations.stepStarted(u"n3"_s, ProvisionStep::Restart);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(2, ProvisioningModel::Action).data().toString(), u"Reboot"_s);
    model.clearFinished();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.at(0).nodeId, u"n3"_s);
}

void TestFleetModels::functionsMergeListAndRates()
{
    FleetMetrics metrics;
    NodeFunctionsModel model(&metrics);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNode(u"n"_s);
    QCOMPARE(model.rowCount(), 0);
    metrics.setFunctions(u"n"_s,
        {AgentFunction {u"resize"_s, 3, u"PUBLISHED"_s, u"python3"_s, 2, 1, 1, 0, {}},
            AgentFunction {u"thumb"_s, 1, u"BLOCKED"_s, u"node"_s, 0, 0, 0, 0, {}}});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, NodeFunctionsModel::Replicas).data().toString(), u"1 of 2"_s);
    QCOMPARE(model.index(0, NodeFunctionsModel::Version).data().toString(), u"v3"_s);
    QCOMPARE(model.index(0, NodeFunctionsModel::Latency).data().toString(), u"—"_s);
    FunctionSample rates;
    rates.name = u"resize"_s;
    rates.invocationsPerSecond = 42;
    rates.meanLatencyMs = 3.24;
    rates.p99LatencyMs = 12;
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    metrics.setFunctionSamples(u"n"_s, {rates});
    QCOMPARE(reset.size(), 0); // same functions: figures change in place
    QCOMPARE(model.index(0, NodeFunctionsModel::Calls).data().toString(), u"42"_s);
    QCOMPARE(model.index(0, NodeFunctionsModel::Latency).data().toString(), u"3.2 ms"_s);
    QCOMPARE(
        model.index(1, NodeFunctionsModel::State).data(Qt::ForegroundRole).value<QColor>(), QColor(0xdc, 0x3c, 0x3c));
    model.setNode(u"other"_s);
    QCOMPARE(model.rowCount(), 0);
}

void TestFleetModels::eventsNewestFirstAndOnlyOnce()
{
    FleetMetrics metrics;
    NodeEventsModel model(&metrics);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNode(u"n"_s);
    const auto event = [](quint64 seq, const QString &kind) {
        return AgentEvent {seq, 1'700'000'000'000LL + qint64(seq) * 1000, kind, u"resize"_s, 1, {}};
    };
    metrics.addEvents(u"n"_s, {event(1, u"deployed"_s), event(2, u"scale_up"_s)}, false);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, NodeEventsModel::Kind).data().toString(), u"scale up"_s);
    // The same events again (a poll that overlapped) add nothing; a new one goes on top.
    metrics.addEvents(u"n"_s, {event(2, u"scale_up"_s), event(3, u"replica_crashed"_s)}, false);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, NodeEventsModel::Kind).data().toString(), u"replica crashed"_s);
    QCOMPARE(model.index(0, NodeEventsModel::Kind).data(Qt::ForegroundRole).value<QColor>(), QColor(0xdc, 0x3c, 0x3c));
    // The agent restarted and numbers its events from 1 again: they still count.
    metrics.addEvents(u"n"_s, {event(1, u"deployed"_s)}, true);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.index(0, NodeEventsModel::Kind).data().toString(), u"deployed"_s);
    metrics.addEvents(u"other"_s, {event(9, u"blocked"_s)}, false);
    QCOMPARE(model.rowCount(), 4);
}

RUNE_TEST_MAIN(TestFleetModels)
#include "tst_fleetmodels.moc"
