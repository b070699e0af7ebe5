// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "fleet/nodetablemodel.h"
#include "metrics/fleetmetrics.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::views::NodeTableModel;

class TestNodeTableModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void followsTheNodeListRowByRow();
    void showsFactsInWords();
    void sortsNumbersAsNumbers();
};

static Node makeNode(const QString &id, int cores, qint64 memory)
{
    Node node;
    node.id = id;
    node.name = id;
    node.role = NodeRole::Edge;
    node.ssh = {u"10.1.2.3"_s, 2222, u"ops"_s, {}};
    node.facts.cores = cores;
    node.facts.memoryBytes = memory;
    node.state = NodeState::Running;
    return node;
}

void TestNodeTableModel::followsTheNodeListRowByRow()
{
    NodeList nodes;
    FleetMetrics metrics;
    NodeTableModel model(&nodes, &metrics);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

    nodes.add(makeNode(u"a"_s, 2, 1LL << 30));
    nodes.add(makeNode(u"b"_s, 4, 2LL << 30));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(inserted.count(), 2);

    Node updated = nodes.at(1);
    updated.state = NodeState::Failed;
    nodes.update(updated);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(1, NodeTableModel::State).data().toString(), u"Failed"_s);

    nodes.remove(u"a"_s);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, NodeTableModel::Name).data(NodeTableModel::NodeIdRole).toString(), u"b"_s);
    nodes.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestNodeTableModel::showsFactsInWords()
{
    NodeList nodes;
    FleetMetrics metrics;
    NodeTableModel model(&nodes, &metrics);
    Node node = makeNode(u"edge-7"_s, 8, 16LL << 30);
    node.facts.diskBytes = 100LL << 30;
    node.facts.diskFreeBytes = 40LL << 30;
    nodes.add(node);
    nodes.add(makeNode(u"fresh"_s, 0, 0));
    auto text = [&model](int row, int column) {
        return model.index(row, column).data().toString();
    };
    QCOMPARE(text(0, NodeTableModel::Name), u"edge-7"_s);
    QCOMPARE(text(0, NodeTableModel::Role), u"edge"_s);
    QCOMPARE(text(0, NodeTableModel::Address), u"ops@10.1.2.3:2222"_s);
    QCOMPARE(text(0, NodeTableModel::State), u"Running"_s);
    QCOMPARE(text(0, NodeTableModel::Cores), u"8"_s);
    QCOMPARE(text(0, NodeTableModel::Memory), u"16.0 GiB"_s);
    QCOMPARE(text(0, NodeTableModel::Disk), u"40.0 GiB free of 100 GiB"_s);
    // Facts not known yet read as a dash, not as zero.
    QCOMPARE(text(1, NodeTableModel::Cores), u"—"_s);
    QCOMPARE(text(1, NodeTableModel::Memory), u"—"_s);
    QVERIFY(!model.index(0, NodeTableModel::State).data(Qt::DecorationRole).isNull());
    QCOMPARE(model.headerData(NodeTableModel::Memory, Qt::Horizontal).toString(), u"Memory"_s);
}

void TestNodeTableModel::sortsNumbersAsNumbers()
{
    NodeList nodes;
    FleetMetrics metrics;
    NodeTableModel model(&nodes, &metrics);
    nodes.add(makeNode(u"small"_s, 2, 900LL << 20));
    nodes.add(makeNode(u"big"_s, 16, 64LL << 30));
    const auto sortValue = [&model](int row) {
        return model.index(row, NodeTableModel::Memory).data(NodeTableModel::SortRole).toLongLong();
    };
    QVERIFY(sortValue(0) < sortValue(1));
    QCOMPARE(model.index(1, NodeTableModel::Cores).data(NodeTableModel::SortRole).toInt(), 16);
}

RUNE_TEST_MAIN(TestNodeTableModel)
#include "tst_nodetablemodel.moc"
