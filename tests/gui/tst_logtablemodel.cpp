// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "functions/logfiltermodel.h"
#include "functions/logtablemodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::views::LogFilterModel;
using rune::views::LogTableModel;

namespace
{

FunctionLogLine line(quint64 seq, const QString &request, const QString &stream, const QString &text)
{
    FunctionLogLine l;
    l.seq = seq;
    l.time = QDateTime::currentDateTimeUtc();
    l.function = u"hello"_s;
    l.version = 3;
    l.requestId = request;
    l.stream = stream;
    l.text = text;
    l.nodeId = u"n1"_s;
    return l;
}

} // namespace

class TestLogTableModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void appendsAndDropsTheOldest();
    void filtersByRequestLevelAndText();
};

void TestLogTableModel::appendsAndDropsTheOldest()
{
    NodeList nodes;
    Node node;
    node.id = u"n1"_s;
    node.name = u"compute-1"_s;
    nodes.add(node);
    LogTableModel model(&nodes);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLimit(3);
    model.append({line(1, u"r1"_s, u"stdout"_s, u"one"_s), line(2, u"r1"_s, u"stderr"_s, u"two"_s)});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, LogTableModel::Node).data().toString(), u"compute-1"_s);
    QCOMPARE(model.index(0, LogTableModel::Version).data().toString(), u"v3"_s);
    QCOMPARE(model.index(1, LogTableModel::Level).data().toString(), u"error"_s);
    model.append({line(3, u"r2"_s, u"stdout"_s, u"three"_s), line(4, u"r2"_s, u"stdout"_s, u"four"_s)});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, LogTableModel::Text).data().toString(), u"two"_s);
    QCOMPARE(model.index(2, LogTableModel::Text).data().toString(), u"four"_s);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestLogTableModel::filtersByRequestLevelAndText()
{
    NodeList nodes;
    LogTableModel model(&nodes);
    LogFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append({line(1, u"abc-1"_s, u"stdout"_s, u"Greeting Ada"_s),
        line(2, u"abc-1"_s, u"stderr"_s, u"traceback"_s),
        line(3, u"def-2"_s, u"stdout"_s, u"greeting Grace"_s),
        line(4, {}, u"agent"_s, u"replica started"_s)});
    QCOMPARE(filter.rowCount(), 4);
    filter.setRequestId(u"abc-1"_s);
    QCOMPARE(filter.rowCount(), 2);
    filter.setRequestId(u"abc"_s); // the start of an id, as the table shows it
    QCOMPARE(filter.rowCount(), 2);
    filter.setLevel(FunctionLogLine::Level::Error);
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, LogTableModel::Text).data().toString(), u"traceback"_s);
    filter.setRequestId({});
    filter.setLevel(std::nullopt);
    filter.setText(u"GREETING"_s);
    QCOMPARE(filter.rowCount(), 2);
    filter.setText({});
    filter.setLevel(FunctionLogLine::Level::Warning);
    QCOMPARE(filter.rowCount(), 1);
    // New lines are filtered as they come.
    filter.setLevel(std::nullopt);
    filter.setRequestId(u"xyz"_s);
    model.append({line(5, u"xyz"_s, u"stdout"_s, u"late"_s)});
    QCOMPARE(filter.rowCount(), 1);
}

RUNE_TEST_MAIN(TestLogTableModel)
#include "tst_logtablemodel.moc"
