// SPDX-License-Identifier: GPL-3.0-or-later
// Per-node scaling on a real agent: replicas follow the calls in flight, idle ones go (to zero
// when the minimum is 0), a call at zero waits for a cold start only so long, pre-started
// interpreters make cold starts cheap, and memory pressure evicts the least recently used.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QTest>
#include <future>

using namespace rune::test;
using json = nlohmann::json;

class TestAutoscaling final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void replicasFollowTheCallsInFlight();
    void idleReplicasScaleToZero();
    void minimumStaysWarm();
    void coldStartWaitIsBounded();
    void preStartedInterpretersServeColdStarts();
    void leastRecentlyUsedIsEvictedWhenMemoryIsShort();
};

namespace
{

QString writeConfig(QTemporaryDir &dir, const QByteArray &text)
{
    QFile file(dir.filePath(QStringLiteral("agent.conf")));
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write the agent config");
    return file.fileName();
}

int replicasOf(TestAgent &agent, const QByteArray &name)
{
    const json function = jsonOf(controlGet(agent, "/v1/functions/" + name));
    return function.is_object() && function.contains("replicas") ? function["replicas"].get<int>() : -1;
}

QStringList eventKinds(TestAgent &agent, const std::string &function)
{
    QStringList kinds;
    const json events = jsonOf(controlGet(agent, "/v1/events"));
    for (const auto &event : events["events"]) {
        if (event.value("function", "") == function)
            kinds << textOf(event["kind"]);
    }
    return kinds;
}

// pids of this agent's pre-started workers that are waiting for a function.
QStringList standbyPids(const QString &stateDir)
{
    QStringList pids;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile cmdline(QStringLiteral("/proc/") + entry + QStringLiteral("/cmdline"));
        if (!cmdline.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = cmdline.readAll();
        if (text.contains(stateDir.toUtf8()) && text.contains("--standby"))
            pids << entry;
    }
    return pids;
}

const QString pidHandler = QStringLiteral("import os, time\n"
                                          "def handle(event, context):\n"
                                          "    if event['body'] == 'slow':\n        time.sleep(0.6)\n"
                                          "    return str(os.getpid())\n");

} // namespace

void TestAutoscaling::replicasFollowTheCallsInFlight()
{
    TestAgent agent;
    QVERIFY(agent.waitForPort());
    QCOMPARE(deployPython(agent,
                 QStringLiteral("wide"),
                 pidHandler,
                 {{QStringLiteral("max_replicas"), 4}, {QStringLiteral("target_concurrency"), 1}})
                 .status,
        201);
    QCOMPARE(replicasOf(agent, "wide"), 0);
    std::vector<std::future<HttpReply>> calls;
    for (int i = 0; i < 4; ++i) {
        calls.push_back(std::async(std::launch::async, [port = agent.invokePort()] {
            return callFunction(port, "POST", "/function/wide", "slow");
        }));
    }
    QSet<QByteArray> pids;
    for (auto &call : calls) {
        const auto reply = call.get();
        QCOMPARE(reply.status, 200);
        pids.insert(reply.body);
    }
    QCOMPARE(pids.size(), 4); // four at once: four replicas, not a queue behind one
    QCOMPARE(replicasOf(agent, "wide"), 4);
    QVERIFY(eventKinds(agent, "wide").contains(QStringLiteral("scale_up")));
    // A fifth concurrent call beyond max_replicas waits its turn instead of failing.
    std::vector<std::future<HttpReply>> more;
    for (int i = 0; i < 6; ++i) {
        more.push_back(std::async(std::launch::async, [port = agent.invokePort()] {
            return callFunction(port, "POST", "/function/wide", "slow");
        }));
    }
    for (auto &call : more)
        QCOMPARE(call.get().status, 200);
    QCOMPARE(replicasOf(agent, "wide"), 4);
    const json metrics = jsonOf(controlGet(agent, "/v1/metrics"));
    QVERIFY(metrics["functions"][0]["scale_ups"].get<int>() >= 4);
}

void TestAutoscaling::idleReplicasScaleToZero()
{
    TestAgent agent;
    QVERIFY(agent.waitForPort());
    QCOMPARE(
        deployPython(agent, QStringLiteral("napper"), pidHandler, {{QStringLiteral("idle_to_zero_seconds"), 1}}).status,
        201);
    const auto first = callFunction(agent.invokePort(), "GET", "/function/napper");
    QCOMPARE(first.header("x-rune-cold-start"), QByteArray("1"));
    const auto warm = callFunction(agent.invokePort(), "GET", "/function/napper");
    QVERIFY(warm.header("x-rune-cold-start").isEmpty());
    QCOMPARE(warm.body, first.body);
    QCOMPARE(replicasOf(agent, "napper"), 1);
    QTRY_COMPARE_WITH_TIMEOUT(replicasOf(agent, "napper"), 0, 5000);
    QTRY_VERIFY(!QFile::exists(QStringLiteral("/proc/") + QString::fromUtf8(first.body)));
    QVERIFY(eventKinds(agent, "napper").contains(QStringLiteral("scale_down")));
    const auto again = callFunction(agent.invokePort(), "GET", "/function/napper");
    QCOMPARE(again.status, 200);
    QCOMPARE(again.header("x-rune-cold-start"), QByteArray("1"));
    QVERIFY(again.body != first.body);
}

void TestAutoscaling::minimumStaysWarm()
{
    TestAgent agent;
    QVERIFY(agent.waitForPort());
    QCOMPARE(deployPython(agent,
                 QStringLiteral("ready"),
                 pidHandler,
                 {{QStringLiteral("min_replicas"), 2}, {QStringLiteral("idle_to_zero_seconds"), 1}})
                 .status,
        201);
    QTRY_COMPARE(replicasOf(agent, "ready"), 2); // without any call
    QTRY_COMPARE(jsonOf(controlGet(agent, "/v1/functions/ready"))["replicas_ready"].get<int>(), 2);
    const auto reply = callFunction(agent.invokePort(), "GET", "/function/ready");
    QVERIFY(reply.header("x-rune-cold-start").isEmpty());
    QTest::qWait(2500);
    QCOMPARE(replicasOf(agent, "ready"), 2);
}

void TestAutoscaling::coldStartWaitIsBounded()
{
    QTemporaryDir dir;
    TestAgent agent({QStringLiteral("--config"), writeConfig(dir, "cold_start_wait_seconds = 1\n")});
    QVERIFY(agent.waitForPort());
    QCOMPARE(deployPython(agent,
                 QStringLiteral("glacial"),
                 QStringLiteral("import time\ntime.sleep(4)\ndef handle(event, context):\n    return 'finally'\n"))
                 .status,
        201);
    QElapsedTimer timer;
    timer.start();
    const auto early = callFunction(agent.invokePort(), "GET", "/function/glacial");
    QCOMPARE(early.status, 503);
    QCOMPARE(errorCodeOf(early), QStringLiteral("cold_start_timeout"));
    QCOMPARE(early.header("retry-after"), QByteArray("1"));
    QVERIFY(timer.elapsed() < 3000);
    // The replica kept starting meanwhile; once it is up calls are served.
    QTRY_COMPARE_WITH_TIMEOUT(callFunction(agent.invokePort(), "GET", "/function/glacial").status, 200, 10000);
}

void TestAutoscaling::preStartedInterpretersServeColdStarts()
{
    TestAgent agent;
    QVERIFY(agent.waitForPort());
    QCOMPARE(deployPython(agent, QStringLiteral("quick"), pidHandler).status, 201);
    QTRY_COMPARE(standbyPids(agent.stateDir()).size(), 1);
    const QString waiting = standbyPids(agent.stateDir()).front();
    const auto reply = callFunction(agent.invokePort(), "GET", "/function/quick");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-rune-cold-start"), QByteArray("1"));
    QCOMPARE(QString::fromUtf8(reply.body), waiting); // served by the interpreter that was waiting
    // A new one takes its place (the adopted worker keeps its --standby command line).
    QTRY_COMPARE(standbyPids(agent.stateDir()).size(), 2);
    QVERIFY(standbyPids(agent.stateDir()).contains(waiting));

    // Without the pool the same call starts an interpreter of its own.
    QTemporaryDir dir;
    TestAgent plain({QStringLiteral("--config"), writeConfig(dir, "warm_pool_size = 0\n")});
    QVERIFY(plain.waitForPort());
    QCOMPARE(deployPython(plain, QStringLiteral("quick"), pidHandler).status, 201);
    QTest::qWait(500);
    QVERIFY(standbyPids(plain.stateDir()).isEmpty());
    QCOMPARE(callFunction(plain.invokePort(), "GET", "/function/quick").status, 200);
}

void TestAutoscaling::leastRecentlyUsedIsEvictedWhenMemoryIsShort()
{
    QTemporaryDir dir;
    TestAgent agent({QStringLiteral("--config"), writeConfig(dir, "memory_budget_mib = 256\n")});
    QVERIFY(agent.waitForPort());
    for (const char *name : {"older", "newer", "third"})
        QCOMPARE(deployPython(agent, QLatin1StringView(name), pidHandler, {{QStringLiteral("memory_mib"), 128}}).status,
            201);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/older").status, 200);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/newer").status, 200);
    QCOMPARE(replicasOf(agent, "older"), 1);
    QCOMPARE(replicasOf(agent, "newer"), 1);
    // A third 128 MiB replica does not fit: the least recently used idle one makes room.
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/third").status, 200);
    QTRY_COMPARE(replicasOf(agent, "older"), 0);
    QCOMPARE(replicasOf(agent, "newer"), 1);
    QCOMPARE(replicasOf(agent, "third"), 1);
    QVERIFY(eventKinds(agent, "older").contains(QStringLiteral("evicted")));
}

RUNE_TEST_GUILESS_MAIN(TestAutoscaling)
#include "tst_autoscaling.moc"
