// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "functions/functioncatalog.h"
#include "functions/functiontreemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::views::FunctionTreeModel;

namespace
{

Function function(const QString &id, const QString &project, const QString &name)
{
    Function f;
    f.id = id;
    f.project = project;
    f.name = name;
    return f;
}

QStringList namesUnder(const QAbstractItemModel &model, const QModelIndex &parent = {})
{
    QStringList names;
    for (int row = 0; row < model.rowCount(parent); ++row)
        names << model.index(row, 0, parent).data().toString();
    return names;
}

} // namespace

class TestFunctionTreeModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void projectsFunctionsAndFiles();
    void followsTheCatalog();
    void showsTheStateOfTheServingVersion();
};

void TestFunctionTreeModel::projectsFunctionsAndFiles()
{
    FunctionCatalog catalog;
    catalog.insert(function(u"b"_s, u"shop"_s, u"cart"_s), {}, {}, {u"handler.js"_s, u"lib/tax.js"_s});
    catalog.insert(function(u"a"_s, u"demo"_s, u"hello"_s), {}, {}, {u"handler.py"_s});
    FunctionTreeModel model(&catalog);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(namesUnder(model), QStringList({u"demo"_s, u"shop"_s}));
    const QModelIndex shop = model.index(1, 0);
    QCOMPARE(model.data(shop, FunctionTreeModel::KindRole).toInt(), int(FunctionTreeModel::Kind::Project));
    QCOMPARE(namesUnder(model, shop), QStringList({u"cart"_s}));
    const QModelIndex cart = model.index(0, 0, shop);
    QCOMPARE(cart.data(FunctionTreeModel::FunctionIdRole).toString(), u"b"_s);
    QCOMPARE(namesUnder(model, cart), QStringList({u"handler.js"_s, u"lib/tax.js"_s}));
    const QModelIndex tax = model.index(1, 0, cart);
    QCOMPARE(tax.data(FunctionTreeModel::FilePathRole).toString(), u"lib/tax.js"_s);
    QCOMPARE(tax.data(FunctionTreeModel::FunctionIdRole).toString(), u"b"_s);
    QCOMPARE(tax.data(FunctionTreeModel::ProjectRole).toString(), u"shop"_s);
    QCOMPARE(model.fileIndex(u"b"_s, u"lib/tax.js"_s), tax);
    QCOMPARE(model.functionIndex(u"a"_s).data().toString(), u"hello"_s);
    QVERIFY(!model.fileIndex(u"b"_s, u"nope"_s).isValid());
}

void TestFunctionTreeModel::followsTheCatalog()
{
    FunctionCatalog catalog;
    FunctionTreeModel model(&catalog);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

    catalog.insert(function(u"a"_s, u"demo"_s, u"hello"_s), {}, {}, {u"handler.py"_s});
    catalog.insert(function(u"c"_s, u"demo"_s, u"zeta"_s));
    catalog.insert(function(u"b"_s, u"demo"_s, u"echo"_s));
    QCOMPARE(namesUnder(model, model.index(0, 0)), QStringList({u"echo"_s, u"hello"_s, u"zeta"_s}));
    QCOMPARE(inserted.size(), 3); // the project with its first function, then two functions

    // Files come and go one row at a time, in order.
    catalog.setFiles(u"a"_s, {u"a.py"_s, u"handler.py"_s, u"z.py"_s});
    const QModelIndex hello = model.functionIndex(u"a"_s);
    QCOMPARE(namesUnder(model, hello), QStringList({u"a.py"_s, u"handler.py"_s, u"z.py"_s}));
    catalog.setFiles(u"a"_s, {u"handler.py"_s, u"y.py"_s});
    QCOMPARE(namesUnder(model, model.functionIndex(u"a"_s)), QStringList({u"handler.py"_s, u"y.py"_s}));

    // The last function of a project takes the project along.
    removed.clear();
    catalog.remove(u"b"_s);
    catalog.remove(u"c"_s);
    QCOMPARE(namesUnder(model, model.index(0, 0)), QStringList({u"hello"_s}));
    catalog.remove(u"a"_s);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(removed.size(), 3);
}

void TestFunctionTreeModel::showsTheStateOfTheServingVersion()
{
    FunctionCatalog catalog;
    Function hello = function(u"a"_s, u"demo"_s, u"hello"_s);
    catalog.insert(hello);
    FunctionTreeModel model(&catalog);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QModelIndex index = model.functionIndex(u"a"_s);
    QVERIFY(index.data(Qt::ToolTipRole).toString().contains(u"not deployed yet"_s));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    catalog.setVersions(u"a"_s, {FunctionVersion {u"a"_s, 1, {}, {}, FunctionState::Blocked, {}}});
    hello.currentVersion = 1;
    catalog.update(hello);
    QCOMPARE(changed.size(), 2);
    QCOMPARE(index.data(Qt::ToolTipRole).toString(), u"python3 · v1 BLOCKED"_s);
}

RUNE_TEST_MAIN(TestFunctionTreeModel)
#include "tst_functiontreemodel.moc"
