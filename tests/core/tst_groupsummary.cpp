// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "cluster/groupsummary.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rune::NodeState;

class TestGroupSummary final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void summary_data();
    void summary();
    void orderDoesNotMatter();
};

void TestGroupSummary::summary_data()
{
    QTest::addColumn<QList<NodeState>>("states");
    QTest::addColumn<QString>("expected");
    using enum NodeState;
    QTest::newRow("empty") << QList<NodeState> {} << u"Empty"_s;
    QTest::newRow("one running") << QList {Running} << u"Running"_s;
    QTest::newRow("all running") << QList {Running, Running, Running} << u"Running"_s;
    QTest::newRow("all suspended") << QList {Suspended, Suspended} << u"Suspended"_s;
    QTest::newRow("all failed") << QList {Failed, Failed} << u"Failed"_s;
    QTest::newRow("all undefined") << QList {Undefined} << u"Undefined"_s;
    QTest::newRow("one creating") << QList {Running, Running, Creating} << u"Partial-Creating:1 (R:2/3)"_s;
    QTest::newRow("most common wins") << QList {Suspended, Creating, Suspended, Running}
                                      << u"Partial-Suspended:2 (R:1/4)"_s;
    QTest::newRow("none running") << QList {Suspended, Terminated, Terminated} << u"Partial-Terminated:2 (R:0/3)"_s;
    QTest::newRow("running is never the partial")
        << QList {Running, Running, Running, Rebooting} << u"Partial-Rebooting:1 (R:3/4)"_s;
    QTest::newRow("any failed") << QList {Running, Running, Running, Failed} << u"Partial-Failed:1 (R:3/4)"_s;
    QTest::newRow("failed beats a more common state")
        << QList {Suspended, Suspended, Suspended, Failed, Running} << u"Partial-Failed:1 (R:1/5)"_s;
    QTest::newRow("failed counted") << QList {Failed, Undefined, Failed} << u"Partial-Failed:2 (R:0/3)"_s;
    QTest::newRow("tie: enum order") << QList {Suspended, Creating, Running} << u"Partial-Creating:1 (R:1/3)"_s;
    QTest::newRow("tie: enum order, other way")
        << QList {Undefined, Terminating, Undefined, Terminating} << u"Partial-Terminating:2 (R:0/4)"_s;
}

void TestGroupSummary::summary()
{
    QFETCH(QList<NodeState>, states);
    QFETCH(QString, expected);
    QCOMPARE(rune::groupSummary(states), expected);
}

void TestGroupSummary::orderDoesNotMatter()
{
    using enum NodeState;
    QList<NodeState> states {Undefined, Creating, Running, Creating, Undefined};
    const QString expected = rune::groupSummary(states);
    QCOMPARE(expected, u"Partial-Creating:2 (R:1/5)"_s);
    std::sort(states.begin(), states.end());
    do {
        QCOMPARE(rune::groupSummary(states), expected);
    } while (std::next_permutation(states.begin(), states.end()));
}

RUNE_TEST_GUILESS_MAIN(TestGroupSummary)
#include "tst_groupsummary.moc"
