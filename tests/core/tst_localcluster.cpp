// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/remoteaccess.h"
#include "cluster/nodemonitor.h"
#include "demo/localcluster.h"
#include "metrics/fleetmetrics.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <csignal>
#include <sys/types.h>

using namespace Qt::StringLiterals;
using namespace rune;

class TestLocalCluster final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demoAgentsComeUpRunningWithRealFacts();
    void aKilledAgentTurnsUndefinedWithinThreePolls();
    void agentsStopWithTheCluster();
    void aMissingBinaryIsReported();
    void basePortFixesThePorts();

private:
    static bool allRunning(const NodeList &nodes, int expected);
};

bool TestLocalCluster::allRunning(const NodeList &nodes, int expected)
{
    if (nodes.count() != expected)
        return false;
    return std::all_of(nodes.nodes().begin(), nodes.nodes().end(), [](const Node &node) {
        return node.state == NodeState::Running && node.facts.cores > 0;
    });
}

void TestLocalCluster::demoAgentsComeUpRunningWithRealFacts()
{
    QTemporaryDir dir;
    NodeList nodes;
    test::RemoteAccess remote(&nodes);
    FleetMetrics metrics;
    NodeMonitor monitor(&nodes, &metrics, &remote.access);
    monitor.setInterval(std::chrono::milliseconds(100));
    LocalCluster cluster(&nodes, QStringLiteral(RUNE_AGENT_BINARY), dir.path());
    cluster.start(LocalCluster::defaultLayout());
    monitor.start();
    QTRY_VERIFY_WITH_TIMEOUT(allRunning(nodes, 4), 15000);

    const Node *controller = nodes.find(LocalCluster::nodeId(u"controller"_s));
    QVERIFY(controller);
    QCOMPARE(controller->role, NodeRole::Controller);
    QCOMPARE(controller->facts.hostname, QSysInfo::machineHostName());
    QCOMPARE(controller->facts.cores, QThread::idealThreadCount());
    QVERIFY(!controller->targetAction.has_value()); // Provision reached
    QCOMPARE(nodes.find(LocalCluster::nodeId(u"edge-1"_s))->role, NodeRole::Edge);
    // Every agent has its own port, state directory and 0600 token.
    QSet<quint16> ports;
    for (const Node &node : nodes.nodes())
        ports.insert(node.agent.controlPort);
    QCOMPARE(ports.size(), 4);
    const QFileInfo token(dir.filePath(u"compute-1/token"_s));
    QVERIFY(token.exists());
    QCOMPARE(token.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
}

void TestLocalCluster::aKilledAgentTurnsUndefinedWithinThreePolls()
{
    QTemporaryDir dir;
    NodeList nodes;
    test::RemoteAccess remote(&nodes);
    FleetMetrics metrics;
    NodeMonitor monitor(&nodes, &metrics, &remote.access);
    monitor.setInterval(std::chrono::milliseconds(100));
    LocalCluster cluster(&nodes, QStringLiteral(RUNE_AGENT_BINARY), dir.path());
    cluster.start({{u"solo"_s, NodeRole::Compute}});
    monitor.start();
    QTRY_VERIFY_WITH_TIMEOUT(allRunning(nodes, 1), 15000);

    const QString id = LocalCluster::nodeId(u"solo"_s);
    monitor.stop();
    QVERIFY(::kill(pid_t(cluster.processId(id)), SIGKILL) == 0);
    QTRY_COMPARE_WITH_TIMEOUT(cluster.runningCount(), 0, 5000);
    QSignalSpy polled(&monitor, &NodeMonitor::polled);
    for (int poll = 0; poll < 3 && nodes.find(id)->state != NodeState::Undefined; ++poll) {
        monitor.pollAll();
        QVERIFY(polled.wait(5000));
    }
    QCOMPARE(nodes.find(id)->state, NodeState::Undefined);
}

void TestLocalCluster::agentsStopWithTheCluster()
{
    QTemporaryDir dir;
    NodeList nodes;
    QList<qint64> pids;
    {
        LocalCluster cluster(&nodes, QStringLiteral(RUNE_AGENT_BINARY), dir.path());
        cluster.start(LocalCluster::defaultLayout());
        QTRY_COMPARE_WITH_TIMEOUT(cluster.runningCount(), 4, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(nodes.nodes().begin(),
                                     nodes.nodes().end(),
                                     [](const Node &node) {
                                         return node.agent.controlPort != 0;
                                     }),
            15000);
        for (const Node &node : nodes.nodes())
            pids << cluster.processId(node.id);
    }
    for (qint64 pid : pids)
        QVERIFY2(::kill(pid_t(pid), 0) != 0, "an agent outlived its cluster");
}

void TestLocalCluster::aMissingBinaryIsReported()
{
    QTemporaryDir dir;
    NodeList nodes;
    LocalCluster cluster(&nodes, dir.filePath(u"no-such-agent"_s), dir.path());
    QSignalSpy failed(&cluster, &LocalCluster::agentFailed);
    cluster.start({{u"solo"_s, NodeRole::Compute}});
    QVERIFY(failed.wait(5000));
    QVERIFY2(failed.at(0).at(1).toString().contains(u"no-such-agent"_s), qPrintable(failed.at(0).at(1).toString()));
}

/** The first of @p count consecutive loopback ports that are free now, from 21000 up. */
static quint16 freePorts(int count)
{
    for (int base = 21000; base < 40000; base += 16) {
        bool free = true;
        for (int port = base; port < base + count && free; ++port) {
            QTcpServer probe;
            free = probe.listen(QHostAddress::LocalHost, quint16(port));
        }
        if (free)
            return quint16(base);
    }
    return 0;
}

void TestLocalCluster::basePortFixesThePorts()
{
    const quint16 base = freePorts(4);
    QVERIFY(base != 0);
    QTemporaryDir dir;
    NodeList nodes;
    LocalCluster cluster(&nodes, QStringLiteral(RUNE_AGENT_BINARY), dir.path());
    cluster.setBasePort(base);
    cluster.start({{u"first"_s, NodeRole::Compute}, {u"second"_s, NodeRole::Edge}});
    const auto portsOf = [&nodes](const QString &name) {
        const Node *node = nodes.find(LocalCluster::nodeId(name));
        return node ? std::pair(node->agent.controlPort, node->agent.invokePort) : std::pair<quint16, quint16>();
    };
    QTRY_VERIFY_WITH_TIMEOUT(portsOf(u"first"_s).first != 0 && portsOf(u"second"_s).first != 0, 15000);
    QCOMPARE(portsOf(u"first"_s), std::pair(base, quint16(base + 1)));
    QCOMPARE(portsOf(u"second"_s), std::pair(quint16(base + 2), quint16(base + 3)));
}

QTEST_GUILESS_MAIN(TestLocalCluster)
#include "tst_localcluster.moc"
