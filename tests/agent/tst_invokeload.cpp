// SPDX-License-Identifier: GPL-3.0-or-later
// 10,000 calls over 32 keep-alive connections at once against a real agent: every one answered,
// every one right. A correctness test under load; speed is measured in tests/bench/invoke.sh.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QTest>
#include <atomic>
#include <thread>

using namespace rune::test;

class TestInvokeLoad final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tenThousandCallsWithoutAnError();
};

void TestInvokeLoad::tenThousandCallsWithoutAnError()
{
    TestAgent agent;
    QVERIFY(agent.waitForPort());
    QCOMPARE(deployPython(agent,
                 QStringLiteral("echo"),
                 QStringLiteral("def handle(event, context):\n    return event['body']\n"),
                 {{QStringLiteral("max_replicas"), 4}})
                 .status,
        201);
    constexpr int connections = 32;
    constexpr int calls = 10000;
    std::atomic<int> next {0};
    std::atomic<int> answered {0};
    std::atomic<int> wrong {0};
    std::vector<QByteArray> firstFailure(connections);
    std::vector<std::thread> clients;
    for (int index = 0; index < connections; ++index) {
        clients.emplace_back([&, index] {
            HttpConnection connection(agent.invokePort());
            for (int call = next++; call < calls; call = next++) {
                const QByteArray body = "call-" + QByteArray::number(call);
                const auto reply = connection.request("POST", "/function/echo", {}, body);
                ++answered;
                if (reply.status != 200 || reply.body != body) {
                    if (wrong++ == 0 || firstFailure[index].isEmpty())
                        firstFailure[index] = QByteArray::number(reply.status) + ' ' + reply.body;
                    if (!connection.isConnected())
                        return;
                }
            }
        });
    }
    for (auto &client : clients)
        client.join();
    QByteArray failures;
    for (const QByteArray &failure : firstFailure)
        failures += failure.isEmpty() ? QByteArray() : failure + '\n';
    QVERIFY2(wrong == 0, failures.constData());
    QCOMPARE(answered.load(), calls);
    const auto metrics = jsonOf(controlGet(agent, "/v1/metrics"));
    QCOMPARE(metrics["functions"][0]["by_status"]["2xx"].get<int>(), calls);
}

RUNE_TEST_GUILESS_MAIN(TestInvokeLoad)
#include "tst_invokeload.moc"
