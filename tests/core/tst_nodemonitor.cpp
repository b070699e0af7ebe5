// SPDX-License-Identifier: GPL-3.0-or-later
// The monitor against real agents: poll rates by visibility, unreachable and back, live figures,
// the focused node's functions and events, and each node's MQTT broker (a real Mosquitto).
#include "../common/functions.h"
#include "../common/mosquitto.h"
#include "../common/remoteaccess.h"
#include "../common/testagent.h"
#include "../common/testmain.h"
#include "cluster/nodemonitor.h"
#include "metrics/fleetmetrics.h"

#include <QLocale>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestNodeMonitor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nodesOnScreenArePolledFasterThanTheRest();
    void unreachableWithinThreePollsAndBackWhenItAnswers();
    void liveFiguresFollowRealCalls();
    void theFocusedNodeShowsFunctionsAndEvents();
    void aRemovedNodeIsNoLongerPolled();
    void eachNodesBrokerIsReported();
    void brokerLineNamesTheState();
};

static Node localNode(const QString &id, const test::TestAgent &agent)
{
    Node node;
    node.id = id;
    node.name = id;
    node.agent = AgentEndpoint {agent.port(), agent.token(), true, agent.invokePort()};
    node.state = NodeState::Creating;
    node.targetAction = NodeAction::Provision;
    node.targetSince = QDateTime::currentDateTimeUtc();
    return node;
}

void TestNodeMonitor::nodesOnScreenArePolledFasterThanTheRest()
{
    test::TestAgent shown({}, u"t1"_s);
    test::TestAgent hidden({}, u"t2"_s);
    QVERIFY(shown.waitForPort() && hidden.waitForPort());
    NodeList nodes;
    nodes.add(localNode(u"shown"_s, shown));
    nodes.add(localNode(u"hidden"_s, hidden));
    test::RemoteAccess remote(&nodes);
    FleetMetrics metrics;
    NodeMonitor monitor(&nodes, &metrics, &remote.access);
    monitor.setInterval(std::chrono::milliseconds(100));
    monitor.setBackgroundInterval(std::chrono::milliseconds(1000));
    monitor.setWatched({u"shown"_s});
    QHash<QString, int> polls;
    connect(&monitor, &NodeMonitor::polled, this, [&polls](const QString &id) {
        ++polls[id];
    });
    monitor.start();
    QTest::qWait(2100);
    QVERIFY2(polls.value(u"shown"_s) >= 12, qPrintable(QString::number(polls.value(u"shown"_s))));
    QVERIFY2(polls.value(u"hidden"_s) >= 1 && polls.value(u"hidden"_s) <= 4,
        qPrintable(QString::number(polls.value(u"hidden"_s))));
    // Both answered, so both are Running with their host facts, the provisioning target reached.
    for (const Node &node : nodes.nodes()) {
        QCOMPARE(node.state, NodeState::Running);
        QVERIFY(node.facts.cores > 0);
        QVERIFY(!node.targetAction);
    }
}

void TestNodeMonitor::unreachableWithinThreePollsAndBackWhenItAnswers()
{
    const quint16 port = test::closedPort();
    test::TestAgent agent({u"--listen"_s, u"127.0.0.1:%1"_s.arg(port)}, u"t"_s);
    QCOMPARE(agent.waitForPort(), port);
    NodeList nodes;
    nodes.add(localNode(u"n"_s, agent));
    FleetMetrics metrics;
    test::RemoteAccess remote(&nodes);
    NodeMonitor monitor(&nodes, &metrics, &remote.access);
    monitor.setInterval(std::chrono::milliseconds(200));
    monitor.setWatched({u"n"_s});
    QSignalSpy polled(&monitor, &NodeMonitor::polled);
    monitor.start();
    QTRY_COMPARE_WITH_TIMEOUT(nodes.find(u"n"_s)->state, NodeState::Running, 5000);
    QVERIFY(metrics.latest(u"n"_s));

    QVERIFY(agent.stop());
    polled.clear();
    QTRY_COMPARE_WITH_TIMEOUT(nodes.find(u"n"_s)->state, NodeState::Undefined, 5000);
    QVERIFY2(polled.size() <= 3, qPrintable(QString::number(polled.size())));
    QVERIFY(!metrics.latest(u"n"_s)); // no stale figures for a silent node

    agent.start();
    QCOMPARE(agent.waitForPort(), port);
    QTRY_COMPARE_WITH_TIMEOUT(nodes.find(u"n"_s)->state, NodeState::Running, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(metrics.latest(u"n"_s), 5000);
}

void TestNodeMonitor::liveFiguresFollowRealCalls()
{
    test::TestAgent agent({}, u"t"_s);
    QVERIFY(agent.waitForPort());
    QCOMPARE(test::deployPython(agent, u"hello"_s, u"def handle(event, context):\n    return 'hi'\n"_s).status, 201);
    NodeList nodes;
    nodes.add(localNode(u"n"_s, agent));
    FleetMetrics metrics;
    test::RemoteAccess remote(&nodes);
    NodeMonitor monitor(&nodes, &metrics, &remote.access);
    monitor.setInterval(std::chrono::milliseconds(200));
    monitor.setWatched({u"n"_s});
    QList<NodeSample> samples;
    connect(&metrics, &FleetMetrics::sampled, this, [&samples](const QString &, const NodeSample &sample) {
        samples << sample;
    });
    monitor.start();
    QTRY_VERIFY_WITH_TIMEOUT(samples.size() >= 2, 5000);
    // Calls while the monitor watches: the node's rate goes up and the fleet totals with it.
    QElapsedTimer timer;
    timer.start();
    bool seen = false;
    while (timer.elapsed() < 5000 && !seen) {
        QCOMPARE(test::callFunction(agent.invokePort(), "GET", "/function/hello").status, 200);
        QCoreApplication::processEvents();
        seen = metrics.latest(u"n"_s) && metrics.latest(u"n"_s)->invocationsPerSecond > 0;
    }
    QVERIFY(seen);
    QVERIFY(metrics.totals().invocationsPerSecond > 0);
    QCOMPARE(metrics.totals().reporting, 1);
    QVERIFY(metrics.latest(u"n"_s)->memoryTotalBytes > 0);
    QCOMPARE(metrics.latest(u"n"_s)->functions, 1);
}

void TestNodeMonitor::theFocusedNodeShowsFunctionsAndEvents()
{
    test::TestAgent agent({}, u"t"_s);
    QVERIFY(agent.waitForPort());
    QCOMPARE(test::deployPython(agent, u"resize"_s, u"def handle(event, context):\n    return 'ok'\n"_s).status, 201);
    NodeList nodes;
    nodes.add(localNode(u"n"_s, agent));
    FleetMetrics metrics;
    test::RemoteAccess remote(&nodes);
    NodeMonitor monitor(&nodes, &metrics, &remote.access);
    monitor.setInterval(std::chrono::milliseconds(200));
    monitor.start();
    QTest::qWait(300);
    QVERIFY(metrics.functions(u"n"_s).isEmpty()); // not in focus: only the figures are read
    monitor.setFocus(u"n"_s);
    QTRY_COMPARE_WITH_TIMEOUT(metrics.functions(u"n"_s).size(), 1, 5000);
    QCOMPARE(metrics.functions(u"n"_s).first().state, u"PUBLISHED"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!metrics.events(u"n"_s).isEmpty(), 5000);
    QCOMPARE(metrics.events(u"n"_s).first().kind, u"deployed"_s);
    const qsizetype before = metrics.events(u"n"_s).size();
    // A new event is picked up once, not again at every poll.
    QCOMPARE(test::controlPost(agent, "/v1/functions/resize:block").status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(metrics.events(u"n"_s).size(), before + 1, 5000);
    QCOMPARE(metrics.events(u"n"_s).last().kind, u"blocked"_s);
    QTRY_COMPARE_WITH_TIMEOUT(metrics.functions(u"n"_s).first().state, u"BLOCKED"_s, 5000);
    QTest::qWait(500);
    QCOMPARE(metrics.events(u"n"_s).size(), before + 1);
}

void TestNodeMonitor::eachNodesBrokerIsReported()
{
    if (!test::MosquittoBroker::available())
        QSKIP("mosquitto is not installed (Debian's mosquitto package)");
    test::MosquittoBroker mosquitto;
    // An edge node whose config names the broker, as provisioning writes it, and a node with none.
    QTemporaryDir dir;
    QFile config(dir.filePath(u"edge.conf"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("mqtt_url = " + mosquitto.url().toUtf8() + "\n");
    config.close();
    test::TestAgent edge({u"--role"_s, u"edge"_s, u"--config"_s, config.fileName()}, u"e"_s);
    test::TestAgent plain({}, u"p"_s);
    QVERIFY(edge.waitForPort() && plain.waitForPort());
    NodeList nodes;
    nodes.add(localNode(u"edge"_s, edge));
    nodes.add(localNode(u"plain"_s, plain));
    test::RemoteAccess remote(&nodes);
    FleetMetrics metrics;
    NodeMonitor monitor(&nodes, &metrics, &remote.access);
    monitor.setInterval(std::chrono::milliseconds(100));
    monitor.setBackgroundInterval(std::chrono::milliseconds(500));
    monitor.setWatched({u"edge"_s, u"plain"_s});
    QSignalSpy changed(&metrics, &FleetMetrics::triggersChanged);
    monitor.start();

    const auto edgeState = [&metrics] {
        const AgentTriggers *triggers = metrics.triggers(u"edge"_s);
        return triggers && triggers->broker ? brokerStateName(triggers->broker->state) : QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(edgeState(), u"connected"_s, 10000);
    QCOMPARE(metrics.triggers(u"edge"_s)->broker->url, mosquitto.url());
    QVERIFY(describeBroker(metrics.triggers(u"edge"_s)->broker).startsWith(mosquitto.url() + u" — connected since "_s));
    QTRY_VERIFY_WITH_TIMEOUT(metrics.triggers(u"plain"_s), 5000);
    QVERIFY(!metrics.triggers(u"plain"_s)->broker);
    QCOMPARE(describeBroker(metrics.triggers(u"plain"_s)->broker), u"none set"_s);
    const FleetMetrics::BrokerCounts counts = metrics.brokerCounts();
    QCOMPARE(counts.connected, 1);
    QCOMPARE(counts.failed + counts.connecting, 0);
    QCOMPARE(counts.none, 1);

    // The broker goes away: the node's line follows at the background rate.
    mosquitto.stop();
    QTRY_VERIFY_WITH_TIMEOUT(edgeState() == u"connecting"_s || edgeState() == u"failed"_s, 15000);
    QVERIFY(!metrics.triggers(u"edge"_s)->broker->lastError.isEmpty());
    QVERIFY(changed.size() >= 3);
}

void TestNodeMonitor::brokerLineNamesTheState()
{
    AgentBroker broker;
    broker.url = u"tcp://b.example:1883"_s;
    broker.state = AgentBroker::State::Failed;
    broker.lastError = u"not authorized"_s;
    QCOMPARE(describeBroker(broker), u"tcp://b.example:1883 — failed: not authorized"_s);
    broker.state = AgentBroker::State::Connecting;
    QCOMPARE(describeBroker(broker), u"tcp://b.example:1883 — connecting (last: not authorized)"_s);
    broker.state = AgentBroker::State::Connected;
    broker.lastError.clear();
    broker.since = QDateTime::fromString(u"2026-12-05T03:04:05Z"_s, Qt::ISODate);
    QCOMPARE(describeBroker(broker),
        u"tcp://b.example:1883 — connected since "_s
            + QLocale::system().toString(broker.since.toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s));
    QCOMPARE(describeBroker(std::nullopt), u"none set"_s);
}

void TestNodeMonitor::aRemovedNodeIsNoLongerPolled()
{
    test::TestAgent agent({}, u"t"_s);
    QVERIFY(agent.waitForPort());
    NodeList nodes;
    nodes.add(localNode(u"n"_s, agent));
    FleetMetrics metrics;
    test::RemoteAccess remote(&nodes);
    NodeMonitor monitor(&nodes, &metrics, &remote.access);
    monitor.setInterval(std::chrono::milliseconds(100));
    monitor.setWatched({u"n"_s});
    monitor.start();
    QTRY_VERIFY_WITH_TIMEOUT(metrics.latest(u"n"_s), 5000);
    QSignalSpy polled(&monitor, &NodeMonitor::polled);
    nodes.remove(u"n"_s);
    QVERIFY(!metrics.latest(u"n"_s));
    QTest::qWait(400);
    QCOMPARE(polled.size(), 0);
}

RUNE_TEST_GUILESS_MAIN(TestNodeMonitor)
#include "tst_nodemonitor.moc"
