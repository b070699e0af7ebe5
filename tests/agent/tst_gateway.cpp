// SPDX-License-Identifier: GPL-3.0-or-later
// The controller's gateway with three real agents on loopback (a controller and two compute
// nodes): calls spread over both nodes, a node killed and restarted under load costs no call that
// did not reach it, and a function's own error comes back as it is, without a retry elsewhere.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QTest>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace rune::test;
using json = nlohmann::json;

class TestGateway final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void callsSpreadOverTheNodes();
    void functionErrorsAreNotRetried();
    void aKilledNodeCostsNoCall();
    void clusterEndpointChecksItsInput();

private:
    void pushCluster();

    std::unique_ptr<TestAgent> m_controller;
    std::vector<std::unique_ptr<TestAgent>> m_computes;
    std::vector<quint16> m_invokePorts;
};

namespace
{

const QString nodeHandler = QStringLiteral("import time\n"
                                           "def handle(event, context):\n"
                                           "    if event['path'] == '/fail':\n"
                                           "        return 'broken on purpose', 500\n"
                                           "    if event['body'] == 'slow':\n        time.sleep(0.02)\n"
                                           "    return 'ok'\n");

int eventCount(TestAgent &agent, const std::string &kind)
{
    int count = 0;
    const json events = jsonOf(controlGet(agent, "/v1/events"));
    for (const auto &event : events["events"])
        count += event.value("kind", "") == kind;
    return count;
}

} // namespace

void TestGateway::initTestCase()
{
    m_controller = std::make_unique<TestAgent>(QStringList {QStringLiteral("--role"), QStringLiteral("controller")});
    QVERIFY(m_controller->waitForPort());
    for (int index = 0; index < 2; ++index) {
        // A fixed invoke port, so the node can come back where the gateway expects it.
        const quint16 port = closedPort();
        m_invokePorts.push_back(port);
        m_computes.push_back(std::make_unique<TestAgent>(
            QStringList {QStringLiteral("--invoke-listen"), QStringLiteral("127.0.0.1:%1").arg(port)}));
        QVERIFY(m_computes.back()->waitForPort());
        QCOMPARE(m_computes.back()->invokePort(), port);
        QCOMPARE(deployPython(
                     *m_computes.back(), QStringLiteral("spread"), nodeHandler, {{QStringLiteral("min_replicas"), 2}})
                     .status,
            201);
    }
    pushCluster();
}

void TestGateway::pushCluster()
{
    QJsonArray nodes;
    for (std::size_t index = 0; index < m_computes.size(); ++index) {
        nodes.append(QJsonObject {{QStringLiteral("name"), QStringLiteral("compute-%1").arg(index + 1)},
            {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1").arg(m_invokePorts[index])},
            {QStringLiteral("functions"), QJsonArray {QStringLiteral("spread")}}});
    }
    HttpConnection connection(m_controller->port());
    const auto reply = connection.request(
        "PUT", "/v1/cluster", {}, QJsonDocument(QJsonObject {{QStringLiteral("nodes"), nodes}}).toJson());
    QCOMPARE(reply.status, 200);
}

void TestGateway::callsSpreadOverTheNodes()
{
    QMap<QByteArray, int> byNode;
    for (int call = 0; call < 40; ++call) {
        const auto reply = callFunction(m_controller->invokePort(), "GET", "/function/spread");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body, QByteArray("ok"));
        ++byNode[reply.header("x-rune-node")];
    }
    QCOMPARE(byNode.keys(), QList<QByteArray>({"compute-1", "compute-2"}));
    QVERIFY2(byNode["compute-1"] >= 10 && byNode["compute-2"] >= 10, "calls were not spread");
    const json status = jsonOf(controlGet(*m_controller, "/v1/cluster"));
    QCOMPARE(status["nodes"].size(), std::size_t(2));
    QVERIFY(status["nodes"][0]["healthy"].get<bool>());
}

void TestGateway::functionErrorsAreNotRetried()
{
    const auto before = jsonOf(controlGet(*m_controller, "/v1/cluster"));
    const auto reply = callFunction(m_controller->invokePort(), "GET", "/function/spread/fail");
    QCOMPARE(reply.status, 500);
    QCOMPARE(reply.body, QByteArray("broken on purpose"));
    const auto after = jsonOf(controlGet(*m_controller, "/v1/cluster"));
    int forwarded = 0;
    for (std::size_t index = 0; index < 2; ++index)
        forwarded += after["nodes"][index]["forwarded"].get<int>() - before["nodes"][index]["forwarded"].get<int>();
    QCOMPARE(forwarded, 1); // one node asked, once
}

// A node killed under load: every call that starts after its death is retried on the other node
// (nothing of it reached the dead one) and succeeds. A call the node had already received when it
// died may have run there, so it is not replayed elsewhere: its caller gets a 502 that says so.
void TestGateway::aKilledNodeCostsNoCall()
{
    using Clock = std::chrono::steady_clock;
    std::atomic<bool> running {true};
    std::atomic<int> answered {0};
    std::atomic<Clock::time_point> killedAt {Clock::time_point::max()};
    std::mutex failuresMutex;
    QList<QByteArray> failuresAfterKill;
    QList<QByteArray> callsLostInFlight;
    std::vector<std::thread> clients;
    for (int index = 0; index < 4; ++index) {
        clients.emplace_back([&, port = m_controller->invokePort()] {
            auto connection = std::make_unique<HttpConnection>(port);
            while (running) {
                const auto started = Clock::now();
                const auto reply = connection->request("POST", "/function/spread", {}, "slow");
                ++answered;
                if (reply.status != 200) {
                    const std::lock_guard lock(failuresMutex);
                    const QByteArray failure = QByteArray::number(reply.status) + ' ' + reply.body;
                    (started >= killedAt.load() ? failuresAfterKill : callsLostInFlight).append(failure);
                }
                if (!connection->isConnected())
                    connection = std::make_unique<HttpConnection>(port);
            }
        });
    }
    QTest::qWait(500);
    m_computes[1]->killHard();
    killedAt = Clock::now();
    QTRY_VERIFY_WITH_TIMEOUT(eventCount(*m_controller, "node_down") >= 1, 5000);
    QTest::qWait(500);
    m_computes[1]->start();
    QVERIFY(m_computes[1]->waitForPort());
    QTRY_VERIFY_WITH_TIMEOUT(eventCount(*m_controller, "node_up") >= 1, 5000);
    QTest::qWait(500);
    running = false;
    for (auto &client : clients)
        client.join();
    QVERIFY2(failuresAfterKill.isEmpty(), failuresAfterKill.value(0).constData());
    // At most the one call each client had in flight on the dying node, each told why.
    QVERIFY(callsLostInFlight.size() <= 4);
    for (const QByteArray &lost : callsLostInFlight) {
        QVERIFY2(lost.startsWith("502 ") && lost.contains("upstream_failed") && lost.contains("compute-2")
                && lost.contains("may have run it"),
            lost.constData());
    }
    QVERIFY(answered > 50);
    // Both nodes serve again.
    QSet<QByteArray> nodes;
    for (int call = 0; call < 20; ++call)
        nodes.insert(callFunction(m_controller->invokePort(), "GET", "/function/spread").header("x-rune-node"));
    QCOMPARE(nodes.size(), 2);
}

void TestGateway::clusterEndpointChecksItsInput()
{
    HttpConnection connection(m_controller->port());
    const auto notJson = connection.request("PUT", "/v1/cluster", {}, "{nope");
    QCOMPARE(notJson.status, 400);
    HttpConnection again(m_controller->port());
    const auto badUrl =
        again.request("PUT", "/v1/cluster", {}, R"({"nodes":[{"name":"x","url":"ftp://host:1","functions":["a"]}]})");
    QCOMPARE(badUrl.status, 400);
    QVERIFY2(errorMessageOf(badUrl).contains(QStringLiteral("http://")), qPrintable(errorMessageOf(badUrl)));
    HttpConnection compute(m_computes[0]->port());
    const auto notController = compute.request("PUT", "/v1/cluster", {}, R"({"nodes":[]})");
    QCOMPARE(notController.status, 409);
    // Functions the cluster does not host run on the controller itself, or are unknown.
    QCOMPARE(callFunction(m_controller->invokePort(), "GET", "/function/elsewhere").status, 404);
    QCOMPARE(callFunction(m_controller->invokePort(), "GET", "/healthz").status, 200);
}

RUNE_TEST_GUILESS_MAIN(TestGateway)
#include "tst_gateway.moc"
