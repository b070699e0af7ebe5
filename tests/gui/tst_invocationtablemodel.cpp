// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "functions/invocationtablemodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::views::InvocationTableModel;

class TestInvocationTableModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newestFirstWithStatusColours();
};

void TestInvocationTableModel::newestFirstWithStatusColours()
{
    NodeList nodes;
    InvocationTableModel model(&nodes);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    InvokeResult ok;
    ok.nodeId = u"n1"_s;
    ok.requestId = u"r-ok"_s;
    ok.status = 200;
    ok.latencyMs = 12;
    ok.agentVersion = 4;
    ok.at = QDateTime::currentDateTimeUtc();
    InvokeResult blocked = ok;
    blocked.requestId = u"r-blocked"_s;
    blocked.status = 423;
    model.add(ok);
    model.add(blocked);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, InvocationTableModel::Request).data().toString(), u"r-blocked"_s);
    QCOMPARE(model.index(0, InvocationTableModel::Status).data().toInt(), 423);
    QCOMPARE(model.index(1, InvocationTableModel::Latency).data().toString(), u"12 ms"_s);
    QCOMPARE(model.index(1, InvocationTableModel::Version).data().toString(), u"v4"_s);
    QCOMPARE(model.index(1, 0).data(InvocationTableModel::RequestIdRole).toString(), u"r-ok"_s);
    const auto colour = [&model](int row) {
        return model.index(row, InvocationTableModel::Status).data(Qt::ForegroundRole).value<QColor>();
    };
    QVERIFY(colour(0) != colour(1));
    for (int i = 0; i < 250; ++i)
        model.add(ok);
    QCOMPARE(model.rowCount(), 200); // the oldest go
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

RUNE_TEST_MAIN(TestInvocationTableModel)
#include "tst_invocationtablemodel.moc"
