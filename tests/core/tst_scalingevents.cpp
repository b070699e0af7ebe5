// SPDX-License-Identifier: GPL-3.0-or-later
// The scaling events: which of the agent's events are about scaling (with the agent's own
// words, as tst_functionmetrics sees a real agent write them), and the bounded list the
// Scaling pane reads, fed by FleetMetrics as NodeMonitor feeds it.
#include "../common/testmain.h"
#include "metrics/fleetmetrics.h"
#include "scaling/scalingevents.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

namespace
{

AgentEvent agentEvent(quint64 seq, const QString &kind, const QString &detail, const QString &function = u"resize"_s)
{
    return AgentEvent {seq, qint64(1'800'000'000'000) + qint64(seq) * 1000, kind, function, 1, detail};
}

} // namespace

class TestScalingEvents final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kindsOfTheAgentsEvents_data();
    void kindsOfTheAgentsEvents();
    void keepsTheScalingEventsOfEveryNode();
    void keepsTheNewestOnly();
};

void TestScalingEvents::kindsOfTheAgentsEvents_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<int>("expected"); // -1: not a scaling event
    QTest::newRow("up") << u"scale_up"_s << u"0 -> 2 replicas, 5 calls in flight"_s << int(ScalingKind::ScaleUp);
    QTest::newRow("down") << u"scale_down"_s << u"3 -> 1 replicas, idle for 5 s"_s << int(ScalingKind::ScaleDown);
    QTest::newRow("to zero") << u"scale_down"_s << u"2 -> 0 replicas, idle for 5 s"_s << int(ScalingKind::ToZero);
    QTest::newRow("ten to one is not zero")
        << u"scale_down"_s << u"10 -> 1 replicas, idle for 5 s"_s << int(ScalingKind::ScaleDown);
    QTest::newRow("evicted") << u"evicted"_s << u"memory is short"_s << int(ScalingKind::Evicted);
    QTest::newRow("crashed") << u"replica_crashed"_s << u"replica=resize-v1-r3"_s << int(ScalingKind::Crashed);
    QTest::newRow("timeout") << u"call_timeout"_s << u"replica=r1 req-1"_s << int(ScalingKind::CallTimeout);
    QTest::newRow("start failed") << u"start_failed"_s << u"no such handler"_s << int(ScalingKind::StartFailed);
    QTest::newRow("deployed") << u"deployed"_s << QString() << -1;
    QTest::newRow("replica started") << u"replica_started"_s << QString() << -1;
}

void TestScalingEvents::kindsOfTheAgentsEvents()
{
    QFETCH(QString, kind);
    QFETCH(QString, detail);
    QFETCH(int, expected);
    const auto found = scalingKindOf(agentEvent(1, kind, detail));
    QCOMPARE(found ? int(*found) : -1, expected);
    if (found)
        QVERIFY(!scalingKindName(*found).isEmpty());
}

void TestScalingEvents::keepsTheScalingEventsOfEveryNode()
{
    FleetMetrics metrics;
    ScalingEvents events(&metrics);
    QSignalSpy appending(&events, &ScalingEvents::aboutToAppend);
    metrics.addEvents(u"n1"_s,
        {agentEvent(1, u"deployed"_s, {}),
            agentEvent(2, u"scale_up"_s, u"0 -> 1 replicas, 1 calls in flight"_s),
            agentEvent(3, u"replica_started"_s, {})},
        false);
    metrics.addEvents(
        u"n2"_s, {agentEvent(1, u"scale_down"_s, u"1 -> 0 replicas, idle for 5 s"_s, u"thumbs"_s)}, false);
    // A poll that brings an event already seen adds nothing.
    metrics.addEvents(u"n1"_s, {agentEvent(2, u"scale_up"_s, u"0 -> 1 replicas, 1 calls in flight"_s)}, false);
    QCOMPARE(events.size(), 2);
    QCOMPARE(appending.size(), 2);
    QCOMPARE(events.at(0).kind, ScalingKind::ScaleUp);
    QCOMPARE(events.at(0).nodeId, u"n1"_s);
    QCOMPARE(events.at(0).function, u"resize"_s);
    QCOMPARE(events.at(0).reason, u"0 -> 1 replicas, 1 calls in flight"_s);
    QCOMPARE(events.at(0).timeMs, qint64(1'800'000'002'000));
    QCOMPARE(events.at(1).kind, ScalingKind::ToZero);
    QCOMPARE(events.at(1).nodeId, u"n2"_s);
    // The agent restarted: its numbers begin again, and its new events are new.
    metrics.addEvents(u"n1"_s, {agentEvent(1, u"evicted"_s, u"memory is short"_s)}, true);
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(2).kind, ScalingKind::Evicted);
}

void TestScalingEvents::keepsTheNewestOnly()
{
    FleetMetrics metrics;
    ScalingEvents events(&metrics);
    QSignalSpy dropping(&events, &ScalingEvents::aboutToDropOldest);
    QList<AgentEvent> burst;
    for (int i = 1; i <= ScalingEvents::maxEvents + 7; ++i)
        burst.append(agentEvent(quint64(i), u"scale_up"_s, u"0 -> 1 replicas, %1 calls in flight"_s.arg(i)));
    events.add(u"n1"_s, burst);
    QCOMPARE(events.size(), ScalingEvents::maxEvents);
    QCOMPARE(events.at(0).reason, u"0 -> 1 replicas, 8 calls in flight"_s);
    events.add(u"n1"_s, {agentEvent(9999, u"scale_down"_s, u"1 -> 0 replicas, idle for 5 s"_s)});
    QCOMPARE(events.size(), ScalingEvents::maxEvents);
    QCOMPARE(dropping.size(), 1);
    QCOMPARE(dropping.first().first().value<qsizetype>(), 1);
    QCOMPARE(events.at(0).reason, u"0 -> 1 replicas, 9 calls in flight"_s);
    QCOMPARE(events.at(events.size() - 1).kind, ScalingKind::ToZero);
}

RUNE_TEST_GUILESS_MAIN(TestScalingEvents)
#include "tst_scalingevents.moc"
