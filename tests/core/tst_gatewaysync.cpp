// SPDX-License-Identifier: GPL-3.0-or-later
// GatewaySync on real agents: a controller and compute agents, functions deployed through the
// console's own paths, the controller's GET /v1/cluster and calls through its invoke port.
#include "../common/functionfixture.h"
#include "../common/functions.h"
#include "../common/testmain.h"
#include "cluster/gatewaysync.h"
#include "cluster/nodemonitor.h"
#include "demo/demoworkload.h"
#include "demo/localcluster.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::FunctionFixture;
using rune::test::TestAgent;

namespace
{

/** node name -> its sorted functions, as the controller's GET /v1/cluster lists them. */
QMap<QString, QStringList> routedBy(TestAgent &controller)
{
    QMap<QString, QStringList> routed;
    const auto reply = rune::test::controlGet(controller, "/v1/cluster");
    if (reply.status != 200)
        return {{u"error"_s, {QString::number(reply.status)}}};
    const QJsonArray nodes = QJsonDocument::fromJson(reply.body).object().value("nodes"_L1).toArray();
    for (const QJsonValue &node : nodes) {
        QStringList functions;
        for (const QJsonValue &function : node.toObject().value("functions"_L1).toArray())
            functions << function.toString();
        functions.sort();
        routed.insert(node.toObject().value("name"_L1).toString(), functions);
    }
    return routed;
}

/** The url the controller has for @p node. */
QString urlOf(TestAgent &controller, const QString &node)
{
    const auto reply = rune::test::controlGet(controller, "/v1/cluster");
    for (const QJsonValue &entry : QJsonDocument::fromJson(reply.body).object().value("nodes"_L1).toArray()) {
        if (entry.toObject().value("name"_L1).toString() == node)
            return entry.toObject().value("url"_L1).toString();
    }
    return {};
}

/**
 * A call of @p function through @p port, as curl would make it; asked again for up to 30 s while
 * the answer is not 200, since the first call of a function waits for its replica to start.
 */
rune::test::HttpReply callThrough(quint16 port, const QByteArray &function)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        auto reply = rune::test::httpRequest(port, "GET", "/function/" + function + "/?name=Grace");
        if (reply.status == 200 || timer.elapsed() > 30000)
            return reply;
        QTest::qWait(200);
    }
}

/**
 * A "controller" that answers every request with 200 and @p body: garbage no real agent sends,
 * so the fault can only be injected this way.
 */
class GarbageServer final : public QTcpServer
{
public:
    explicit GarbageServer(QByteArray body)
        : m_body(std::move(body))
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                auto received = std::make_shared<QByteArray>();
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket, received] {
                    *received += socket->readAll();
                    if (!received->contains("\r\n\r\n"))
                        return;
                    received->clear();
                    ++requests;
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + QByteArray::number(m_body.size()) + "\r\nConnection: close\r\n\r\n" + m_body);
                    socket->disconnectFromHost();
                });
            }
        });
    }

    int requests = 0;

private:
    QByteArray m_body;
};

} // namespace

class TestGatewaySync final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theRoutesFollowTheFleet();
    void routesSkipControllersAndUnreachableAddresses();
    void deploysReachTheControllerAndCallsGoThroughIt();
    void aControllerThatLostItsListGetsItAgain();
    void aFailedPutIsRetriedAndShown();
    void garbageFromTheControllerIsAnErrorInItsState();
    void theDemoClusterAnswersThroughItsController();

private:
    /** A controller agent added to @p fx's nodes; GatewaySync @p sync tuned for a quick test. */
    static QString addController(FunctionFixture &fx, TestAgent &controller);
    static void tune(GatewaySync &sync);
    static bool inStep(const GatewaySync &sync, const QString &id);
};

QString TestGatewaySync::addController(FunctionFixture &fx, TestAgent &controller)
{
    if (controller.waitForPort() == 0)
        return {};
    Node node;
    node.id = u"controller"_s;
    node.name = u"controller"_s;
    node.role = NodeRole::Controller;
    node.state = NodeState::Running;
    node.agent = AgentEndpoint {controller.port(), controller.token(), true, controller.invokePort()};
    fx.nodes.add(node);
    return node.id;
}

void TestGatewaySync::tune(GatewaySync &sync)
{
    sync.setDebounce(std::chrono::milliseconds(50));
    sync.setCheckInterval(std::chrono::milliseconds(300));
    sync.setRetryDelays(std::chrono::milliseconds(100), std::chrono::milliseconds(400));
}

bool TestGatewaySync::inStep(const GatewaySync &sync, const QString &id)
{
    const GatewaySyncState state = sync.state(id);
    return state.inStep && !state.sending;
}

void TestGatewaySync::theRoutesFollowTheFleet()
{
    Node controller;
    controller.id = u"c"_s;
    controller.role = NodeRole::Controller;
    controller.agent.local = true;
    Node local;
    local.id = u"a"_s;
    local.name = u"compute-a"_s;
    local.state = NodeState::Running;
    local.agent = AgentEndpoint {7000, u"t"_s, true, 7001};
    Node remote;
    remote.id = u"b"_s;
    remote.name = u"edge-b"_s;
    remote.role = NodeRole::Edge;
    remote.state = NodeState::Undefined; // the console lost it; the controller's checks decide
    remote.ssh.host = u"10.0.0.12"_s;
    remote.agent.invokePort = 8080;
    Node suspended = remote;
    suspended.id = u"s"_s;
    suspended.state = NodeState::Suspended;
    const QHash<QString, QStringList> hosted {
        {u"a"_s, {u"echo"_s, u"hello"_s}}, {u"b"_s, {u"hello"_s}}, {u"s"_s, {u"hello"_s}}, {u"c"_s, {u"hello"_s}}};
    const auto routes = gatewayRoutes(controller, {controller, local, remote, suspended}, hosted);
    QCOMPARE(routes.size(), 2);
    QCOMPARE(
        routes.at(0), (GatewayRoute {u"a"_s, u"compute-a"_s, u"http://127.0.0.1:7001"_s, {u"echo"_s, u"hello"_s}}));
    QCOMPARE(routes.at(1), (GatewayRoute {u"b"_s, u"edge-b"_s, u"http://10.0.0.12:8080"_s, {u"hello"_s}}));
    QCOMPARE(gatewayBody(routes),
        "{\"nodes\":[{\"functions\":[\"echo\",\"hello\"],\"name\":\"compute-a\",\"url\":\"http://127.0.0.1:7001\"},"
        "{\"functions\":[\"hello\"],\"name\":\"edge-b\",\"url\":\"http://10.0.0.12:8080\"}]}"_ba);
    GatewayStatus status;
    status.nodes = {GatewayNodeStatus {u"edge-b"_s, u"http://10.0.0.12:8080"_s, {u"hello"_s}, true, 0, 0, 0},
        GatewayNodeStatus {u"compute-a"_s, u"http://127.0.0.1:7001"_s, {u"echo"_s, u"hello"_s}, false, 3, 9, 1}};
    QVERIFY(gatewayMatches(status, routes)); // health and counters are the gateway's own
    status.nodes[1].functions = {u"hello"_s};
    QVERIFY(!gatewayMatches(status, routes));
    QVERIFY(!gatewayMatches(GatewayStatus {}, routes));
}

void TestGatewaySync::routesSkipControllersAndUnreachableAddresses()
{
    Node controller;
    controller.id = u"c"_s;
    controller.role = NodeRole::Controller;
    controller.ssh.host = u"10.0.0.1"_s;
    Node other = controller; // another controller: listed, it would forward the call once more
    other.id = u"c2"_s;
    other.state = NodeState::Running;
    Node demo; // on the console's loopback, which a remote controller cannot reach
    demo.id = u"d"_s;
    demo.state = NodeState::Running;
    demo.agent = AgentEndpoint {7000, u"t"_s, true, 7001};
    Node v6;
    v6.id = u"v6"_s;
    v6.name = u"v6"_s;
    v6.state = NodeState::Running;
    v6.ssh.host = u"fd00::7"_s;
    v6.agent.invokePort = 8081;
    Node failed = v6;
    failed.id = u"f"_s;
    failed.state = NodeState::Failed;
    const QHash<QString, QStringList> hosted {
        {u"c2"_s, {u"x"_s}}, {u"d"_s, {u"x"_s}}, {u"v6"_s, {u"x"_s}}, {u"f"_s, {u"x"_s}}};
    const auto routes = gatewayRoutes(controller, {controller, other, demo, v6, failed}, hosted);
    QCOMPARE(routes.size(), 1);
    QCOMPARE(routes.at(0).url, u"http://[fd00::7]:8081"_s);
}

void TestGatewaySync::deploysReachTheControllerAndCallsGoThroughIt()
{
    FunctionFixture fx(2);
    TestAgent controllerAgent({u"--role"_s, u"controller"_s}, u"token-controller"_s);
    const QString controller = addController(fx, controllerAgent);
    QVERIFY(!controller.isEmpty());
    QVERIFY(fx.load());
    GatewaySync sync(&fx.nodes, &fx.catalog, &fx.agents);
    tune(sync);
    sync.start();
    QCOMPARE(sync.controllers(), QStringList {controller});

    const QString hello = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(hello, {u"node-1"_s, u"node-2"_s}))->succeeded());
    QTRY_COMPARE_WITH_TIMEOUT(routedBy(controllerAgent),
        (QMap<QString, QStringList> {{u"node-1"_s, {u"hello"_s}}, {u"node-2"_s, {u"hello"_s}}}),
        10000);
    QCOMPARE(urlOf(controllerAgent, u"node-2"_s), u"http://127.0.0.1:%1"_s.arg(fx.agent(1).invokePort()));
    QTRY_VERIFY_WITH_TIMEOUT(inStep(sync, controller), 5000);

    // A call to the controller's invoke port runs on a compute node.
    const auto answer = callThrough(controllerAgent.invokePort(), "hello");
    QCOMPARE(answer.status, 200);
    QVERIFY2(answer.body.contains("Grace"), answer.body.constData());
    QVERIFY(QByteArrayList({"node-1", "node-2"}).contains(answer.header("X-Rune-Node")));

    // A second function on one node; then removed everywhere.
    const QString echo = fx.create(u"echo"_s, u"node"_s);
    QVERIFY(fx.wait(fx.releases->deploy(echo, {u"node-1"_s}))->succeeded());
    QTRY_COMPARE_WITH_TIMEOUT(routedBy(controllerAgent),
        (QMap<QString, QStringList> {{u"node-1"_s, {u"echo"_s, u"hello"_s}}, {u"node-2"_s, {u"hello"_s}}}),
        10000);
    QTRY_COMPARE_WITH_TIMEOUT(
        callThrough(controllerAgent.invokePort(), "echo").header("X-Rune-Node"), "node-1"_ba, 10000);
    QVERIFY(fx.call<void>([&](auto done) {
        fx.releases->removeEverywhere(echo, &fx.context, done);
    }));
    QTRY_COMPARE_WITH_TIMEOUT(routedBy(controllerAgent),
        (QMap<QString, QStringList> {{u"node-1"_s, {u"hello"_s}}, {u"node-2"_s, {u"hello"_s}}}),
        10000);

    // Suspending a node and failing another in one burst: one list, without either.
    QTRY_VERIFY_WITH_TIMEOUT(inStep(sync, controller), 5000);
    const int accepted = sync.state(controller).accepted;
    Node second = *fx.nodes.find(u"node-2"_s);
    second.state = NodeState::Suspended;
    fx.nodes.update(second);
    Node first = *fx.nodes.find(u"node-1"_s);
    first.state = NodeState::Failed;
    fx.nodes.update(first);
    QTRY_COMPARE_WITH_TIMEOUT(routedBy(controllerAgent), (QMap<QString, QStringList> {}), 10000);
    QTest::qWait(1000); // checks of an unchanged list send nothing more
    QCOMPARE(sync.state(controller).accepted, accepted + 1);

    // Resumed: routed again.
    second.state = NodeState::Running;
    fx.nodes.update(second);
    QTRY_COMPARE_WITH_TIMEOUT(
        routedBy(controllerAgent), (QMap<QString, QStringList> {{u"node-2"_s, {u"hello"_s}}}), 10000);
    QCOMPARE(callThrough(controllerAgent.invokePort(), "hello").header("X-Rune-Node"), "node-2"_ba);
}

void TestGatewaySync::aControllerThatLostItsListGetsItAgain()
{
    FunctionFixture fx(1);
    TestAgent controllerAgent({u"--role"_s, u"controller"_s}, u"token-controller"_s);
    const QString controller = addController(fx, controllerAgent);
    QVERIFY(fx.load());
    GatewaySync sync(&fx.nodes, &fx.catalog, &fx.agents);
    tune(sync);
    sync.start();
    const QString hello = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(hello, {u"node-1"_s}))->succeeded());
    const QMap<QString, QStringList> expected {{u"node-1"_s, {u"hello"_s}}};
    QTRY_COMPARE_WITH_TIMEOUT(routedBy(controllerAgent), expected, 10000);

    // Its list emptied behind the console's back, as a restart on the same address does.
    const auto emptied = rune::test::httpRequest(
        controllerAgent.port(), "PUT", "/v1/cluster", controllerAgent.token(), "{\"nodes\":[]}");
    QCOMPARE(emptied.status, 200);
    QCOMPARE(routedBy(controllerAgent), (QMap<QString, QStringList> {}));
    QTRY_COMPARE_WITH_TIMEOUT(routedBy(controllerAgent), expected, 10000);

    // Killed and started again (on other ports): the console sees it come back and sends the list.
    controllerAgent.killHard();
    Node node = *fx.nodes.find(controller);
    node.state = NodeState::Undefined;
    fx.nodes.update(node);
    controllerAgent.start();
    QVERIFY(controllerAgent.waitForPort() != 0);
    QCOMPARE(routedBy(controllerAgent), (QMap<QString, QStringList> {}));
    node.state = NodeState::Running;
    node.agent.controlPort = controllerAgent.port();
    node.agent.invokePort = controllerAgent.invokePort();
    fx.nodes.update(node);
    QTRY_COMPARE_WITH_TIMEOUT(routedBy(controllerAgent), expected, 10000);
    QCOMPARE(callThrough(controllerAgent.invokePort(), "hello").header("X-Rune-Node"), "node-1"_ba);
}

void TestGatewaySync::aFailedPutIsRetriedAndShown()
{
    FunctionFixture fx(1);
    Node node;
    node.id = u"controller"_s;
    node.name = u"controller"_s;
    node.role = NodeRole::Controller;
    node.state = NodeState::Running;
    const quint16 port = rune::test::closedPort();
    node.agent = AgentEndpoint {port, u"token-controller"_s, true, rune::test::closedPort()};
    fx.nodes.add(node);
    QVERIFY(fx.load());
    GatewaySync sync(&fx.nodes, &fx.catalog, &fx.agents);
    tune(sync);
    sync.start();
    const QString hello = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(hello, {u"node-1"_s}))->succeeded());
    QTRY_VERIFY_WITH_TIMEOUT(sync.state(node.id).failures >= 3, 10000);
    GatewaySyncState state = sync.state(node.id);
    QVERIFY(!state.inStep);
    QVERIFY(state.problem);
    QCOMPARE(state.problem->code, u"agent.unreachable"_s);
    QVERIFY(state.nextAttempt.isValid());

    // The controller comes up at that port: the next attempt gets through.
    TestAgent controllerAgent(
        {u"--role"_s, u"controller"_s, u"--listen"_s, u"127.0.0.1:%1"_s.arg(port)}, u"token-controller"_s);
    QVERIFY(controllerAgent.waitForPort() == port);
    QTRY_VERIFY_WITH_TIMEOUT(inStep(sync, node.id), 10000);
    QVERIFY(!sync.state(node.id).problem);
    QCOMPARE(routedBy(controllerAgent), (QMap<QString, QStringList> {{u"node-1"_s, {u"hello"_s}}}));
}

void TestGatewaySync::garbageFromTheControllerIsAnErrorInItsState()
{
    FunctionFixture fx(1);
    GarbageServer garbage("{\"nodes\": [{\"name\": 7, \"url\": [\"x\"]}]}");
    Node node;
    node.id = u"controller"_s;
    node.name = u"controller"_s;
    node.role = NodeRole::Controller;
    node.state = NodeState::Running;
    node.agent = AgentEndpoint {garbage.serverPort(), u"token"_s, true, rune::test::closedPort()};
    fx.nodes.add(node);
    QVERIFY(fx.load());
    GatewaySync sync(&fx.nodes, &fx.catalog, &fx.agents);
    tune(sync);
    sync.setWatchedInterval(std::chrono::milliseconds(200));
    QObject viewer;
    sync.watch(&viewer);
    sync.start();
    QTRY_VERIFY_WITH_TIMEOUT(sync.state(node.id).status.has_value(), 10000);
    const GatewaySyncState state = sync.state(node.id);
    QVERIFY(!*state.status);
    QCOMPARE(state.status->error().code, u"agent.bad_response"_s);
    // Asked again at the watched rate (every 200 ms here), without a storm of requests.
    const int before = garbage.requests;
    QTest::qWait(2000);
    QVERIFY2(garbage.requests - before >= 3 && garbage.requests - before <= 20,
        qPrintable(QString::number(garbage.requests - before)));

    QCOMPARE(parseGatewayStatus("[]").error().code, u"agent.bad_response"_s);
    QVERIFY(!parseGatewayStatus("{\"nodes\":[{\"name\":\"a\",\"url\":\"http://a:1\",\"healthy\":\"yes\"}]}"));
    QVERIFY(!parseGatewayStatus("{\"nodes\":[{\"name\":\"a\",\"url\":\"http://a:1\",\"in_flight\":-1}]}"));
    const auto fine = parseGatewayStatus(
        "{\"nodes\":[{\"name\":\"a\",\"url\":\"http://"
        "a:1\",\"functions\":[\"z\",\"b\"],\"healthy\":true,\"in_flight\":2,\"forwarded\":5,\"errors\":1}]}");
    QVERIFY(fine);
    QCOMPARE(fine->nodes.size(), 1);
    QCOMPARE(fine->nodes.at(0).functions, (QStringList {u"b"_s, u"z"_s}));
    QCOMPARE(fine->nodes.at(0).inFlight, 2);
    QVERIFY(fine->nodes.at(0).healthy);
    QCOMPARE(fine->haproxy.state, QString()); // an agent that does not say

    // The controller's HAProxy, when it says.
    const auto withHaproxy =
        parseGatewayStatus(R"({"nodes":[],"haproxy":{"state":"running","listen":"0.0.0.0:8088","pid":42,"reloads":3,)"
                           R"("restarts":1,"generation":4,"last_error":"haproxy -c ended with exit code 1"}})");
    QVERIFY(withHaproxy);
    QCOMPARE(withHaproxy->haproxy.state, u"running"_s);
    QCOMPARE(withHaproxy->haproxy.listen, u"0.0.0.0:8088"_s);
    QCOMPARE(withHaproxy->haproxy.pid, 42);
    QCOMPARE(withHaproxy->haproxy.reloads, 3);
    QCOMPARE(withHaproxy->haproxy.restarts, 1);
    QCOMPARE(withHaproxy->haproxy.generation, 4);
    QCOMPARE(withHaproxy->haproxy.lastError, u"haproxy -c ended with exit code 1"_s);
    const auto off = parseGatewayStatus(R"({"nodes":[],"haproxy":{"state":"off"}})");
    QVERIFY(off);
    QCOMPARE(off->haproxy.state, u"off"_s);
    QCOMPARE(off->haproxy.pid, 0);
    for (const QByteArray &bad : {R"({"nodes":[],"haproxy":{"state":"exploded"}})"_ba,
             R"({"nodes":[],"haproxy":{"state":"running","reloads":-1}})"_ba,
             R"({"nodes":[],"haproxy":{"state":"running","listen":7}})"_ba,
             R"({"nodes":[],"haproxy":"running"})"_ba}) {
        const auto parsed = parseGatewayStatus(bad);
        QVERIFY2(!parsed, bad.constData());
        QCOMPARE(parsed.error().code, u"agent.bad_response"_s);
    }
}

void TestGatewaySync::theDemoClusterAnswersThroughItsController()
{
    FunctionFixture fx(0);
    NodeMonitor monitor(&fx.nodes, &fx.metrics, &fx.remote.access);
    monitor.setInterval(std::chrono::milliseconds(200));
    LocalCluster cluster(&fx.nodes, QStringLiteral(RUNE_AGENT_BINARY), fx.dir.filePath(u"demo"_s));
    QVERIFY(fx.load());
    GatewaySync sync(&fx.nodes, &fx.catalog, &fx.agents);
    DemoWorkload demo(
        fx.workspace.get(), fx.releases.get(), fx.invoker.get(), &fx.nodes, rune::test::functionTemplates());
    demo.setCallInterval(std::chrono::milliseconds(0));
    QSignalSpy deployed(&demo, &DemoWorkload::samplesDeployed);
    cluster.start(LocalCluster::defaultLayout());
    monitor.start();
    sync.start();
    demo.start();
    QVERIFY(deployed.wait(60000));
    const Node *controller = fx.nodes.find(LocalCluster::nodeId(u"controller"_s));
    QVERIFY(controller);
    QTRY_VERIFY_WITH_TIMEOUT(sync.state(controller->id).inStep, 10000);
    // curl http://127.0.0.1:<controller invoke port>/function/hello
    const auto answer = callThrough(controller->agent.invokePort, "hello");
    QCOMPARE(answer.status, 200);
    QVERIFY2(answer.body.contains("Grace"), answer.body.constData());
    QVERIFY(QByteArrayList({"compute-1", "compute-2"}).contains(answer.header("X-Rune-Node")));
    const auto echo = callThrough(controller->agent.invokePort, "echo");
    QCOMPARE(echo.status, 200);
    QVERIFY(QByteArrayList({"compute-1", "edge-1"}).contains(echo.header("X-Rune-Node")));

    // Where HAProxy is installed the demo's controller runs it too, with the same node list.
    if (!QFile::exists(u"/usr/sbin/haproxy"_s))
        QSKIP("HAProxy is not installed (/usr/sbin/haproxy): the built-in gateway alone was tested");
    const auto haproxyOf = [&sync, controller] {
        const auto status = sync.state(controller->id).status;
        return status && *status ? (*status)->haproxy : GatewayHaproxyStatus {};
    };
    QTRY_COMPARE_WITH_TIMEOUT(haproxyOf().state, u"running"_s, 20000);
    const QString listen = haproxyOf().listen;
    QVERIFY2(listen.startsWith(u"127.0.0.1:"_s), qPrintable(listen));
    const quint16 haproxyPort = quint16(listen.mid(10).toUInt());
    // Its health checks find the nodes within a second or two.
    QTRY_COMPARE_WITH_TIMEOUT(callThrough(haproxyPort, "hello").status, 200, 15000);
    const auto throughHaproxy = callThrough(haproxyPort, "hello");
    QVERIFY2(throughHaproxy.body.contains("Grace"), throughHaproxy.body.constData());
    QVERIFY(QByteArrayList({"compute-1", "compute-2"}).contains(throughHaproxy.header("X-Rune-Node")));
    QCOMPARE(haproxyOf().lastError, QString());
}

RUNE_TEST_GUILESS_MAIN(TestGatewaySync)
#include "tst_gatewaysync.moc"
