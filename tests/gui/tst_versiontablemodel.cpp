// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "functions/functioncatalog.h"
#include "functions/versiontablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::views::VersionTableModel;

namespace
{

FunctionVersion version(int number, FunctionState state, const QString &note = {})
{
    return FunctionVersion {u"f"_s, number, QDateTime(QDate(2026, 1, number), QTime(9, 30), Qt::UTC), {}, state, note};
}

} // namespace

class TestVersionTableModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newestFirstWithWhereTheyRun();
    void aDeployInsertsARowAndKeepsTheOthers();
};

void TestVersionTableModel::newestFirstWithWhereTheyRun()
{
    NodeList nodes;
    Node node;
    node.id = u"n1"_s;
    node.name = u"compute-1"_s;
    nodes.add(node);
    FunctionCatalog catalog;
    Function f;
    f.id = u"f"_s;
    f.name = u"hello"_s;
    f.currentVersion = 2;
    catalog.insert(f,
        {version(1, FunctionState::Published), version(2, FunctionState::Latest, u"faster"_s)},
        {{u"f"_s, 2, u"n1"_s, 5, {}}, {u"f"_s, 2, u"gone"_s, 1, {}}});
    VersionTableModel model(&catalog, &nodes);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFunction(u"f"_s);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, VersionTableModel::Version).data().toString(), u"v2"_s);
    QCOMPARE(model.index(0, VersionTableModel::State).data().toString(), u"LATEST"_s);
    QCOMPARE(model.index(0, VersionTableModel::Nodes).data().toString(), u"compute-1, gone"_s);
    QCOMPARE(model.index(0, VersionTableModel::Note).data().toString(), u"faster"_s);
    QVERIFY(model.index(0, VersionTableModel::Version).data(Qt::FontRole).value<QFont>().bold()); // serving
    QCOMPARE(model.index(1, 0).data(VersionTableModel::NumberRole).toInt(), 1);
    QVERIFY(model.index(1, VersionTableModel::Version).data(Qt::ToolTipRole).toString().contains(u"hello@v1"_s));
    QCOMPARE(model.rowOf(1), 1);
    model.setFunction({});
    QCOMPARE(model.rowCount(), 0);
}

void TestVersionTableModel::aDeployInsertsARowAndKeepsTheOthers()
{
    NodeList nodes;
    FunctionCatalog catalog;
    Function f;
    f.id = u"f"_s;
    catalog.insert(f, {version(1, FunctionState::Latest)});
    VersionTableModel model(&catalog, &nodes);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFunction(u"f"_s);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    catalog.setVersions(u"f"_s, {version(1, FunctionState::Latest), version(2, FunctionState::Updating)});
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    catalog.setVersions(u"f"_s, {version(1, FunctionState::Published), version(2, FunctionState::Latest)});
    QCOMPARE(model.index(1, VersionTableModel::State).data().toString(), u"PUBLISHED"_s);
    // A deploy that reached no node is withdrawn: its row goes.
    catalog.setVersions(u"f"_s, {version(1, FunctionState::Published)});
    QCOMPARE(removed.size(), 1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(reset.size(), 0);
}

RUNE_TEST_MAIN(TestVersionTableModel)
#include "tst_versiontablemodel.moc"
