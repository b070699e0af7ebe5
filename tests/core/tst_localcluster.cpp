// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/remoteaccess.h"
#include "../common/testmain.h"
#include "agent/gatewaystatus.h"
#include "cluster/nodemonitor.h"
#include "demo/localcluster.h"
#include "metrics/fleetmetrics.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTcpServer>
#include <QTcpSocket>
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
    void theDemoControllerRunsHaproxy();

private:
    static bool allRunning(const NodeList &nodes, int expected);
};

namespace
{

/** One request on a fresh connection to 127.0.0.1:@p port; the whole answer as it came. */
QByteArray rawRequest(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(2000))
        return {};
    socket.write(request);
    QByteArray answer;
    while (socket.waitForReadyRead(2000))
        answer += socket.readAll();
    return answer + socket.readAll();
}

/** What the controller says of its gateway (GET /v1/cluster), parsed as the console parses it. */
Result<GatewayStatus> clusterOf(const Node &controller)
{
    const QByteArray answer = rawRequest(controller.agent.controlPort,
        "GET /v1/cluster HTTP/1.0\r\nAuthorization: Bearer " + controller.agent.token.toUtf8() + "\r\n\r\n");
    const qsizetype body = answer.indexOf("\r\n\r\n");
    if (!answer.startsWith("HTTP/1.1 200") || body < 0)
        return std::unexpected(Error {u"test.answer"_s, QString::fromUtf8(answer.left(300))});
    return parseGatewayStatus(answer.mid(body + 4));
}

} // namespace

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

void TestLocalCluster::theDemoControllerRunsHaproxy()
{
    const QString haproxy = u"/usr/sbin/haproxy"_s;
    if (!QFile::exists(haproxy))
        QSKIP("HAProxy is not installed (/usr/sbin/haproxy); installers/setup.sh installs it");
    QTemporaryDir dir;
    NodeList nodes;
    qint64 haproxyPid = 0;
    {
        LocalCluster cluster(&nodes, QStringLiteral(RUNE_AGENT_BINARY), dir.path());
        cluster.setHaproxyBinary(haproxy);
        cluster.start({{u"controller"_s, NodeRole::Controller}});
        QTRY_VERIFY_WITH_TIMEOUT(nodes.count() == 1 && nodes.nodes().front().agent.controlPort != 0, 15000);
        const Node controller = nodes.nodes().front();
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto status = clusterOf(controller);
                return status && status->haproxy.state == u"running";
            }(),
            15000);
        const GatewayHaproxyStatus status = clusterOf(controller)->haproxy;
        QVERIFY2(status.listen.startsWith(u"127.0.0.1:"_s), qPrintable(status.listen));
        QVERIFY(status.pid > 0);
        QCOMPARE(status.lastError, QString());
        haproxyPid = status.pid;
        // HAProxy itself answers there, in the agent's shapes.
        const quint16 port = quint16(status.listen.mid(10).toUInt());
        QVERIFY(port != 0 && port != controller.agent.invokePort);
        QVERIFY(rawRequest(port, "GET /healthz HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 200"));
        const QByteArray unknown = rawRequest(port, "GET /function/nothing HTTP/1.0\r\n\r\n");
        QVERIFY2(unknown.startsWith("HTTP/1.1 404") && unknown.contains("\"not_found\""), unknown.constData());
    }
    // HAProxy goes with the demo's controller.
    QTRY_VERIFY_WITH_TIMEOUT(::kill(pid_t(haproxyPid), 0) != 0, 5000);
}

RUNE_TEST_GUILESS_MAIN(TestLocalCluster)
#include "tst_localcluster.moc"
