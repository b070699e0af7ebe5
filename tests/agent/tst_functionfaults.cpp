// SPDX-License-Identifier: GPL-3.0-or-later
// Everything a function or its caller can get wrong, answered through the real agent with a
// specific status and error code, and none of it able to take the agent down.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>
#include <QThread>
#include <unistd.h>

using namespace rune::test;
using json = nlohmann::json;

class TestFunctionFaults final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hangIs504AndTheReplicaIsReplaced();
    void crashIs502AndTheNextCallGetsAFreshReplica();
    void memoryHogIsStopped();
    void nodeHeapExhaustionIsReportedAsOutOfMemory();
    void forkBombIsContainedAndCleanedUp();
    void oversizeBodyIs413();
    void blockedFunctionIs423UntilUnblocked();
    void tokenFunctionsCheckTheCaller();
    void hostileArchiveIs400WithTheReason_data();
    void hostileArchiveIs400WithTheReason();
    void badConfigNamesEveryProblem();
    void malformedDeploysAreRefused();
    void emptyRunAsKeepsTheAgentsUser();
    void agentStillHealthy();

private:
    std::unique_ptr<TestAgent> m_agent;
};

namespace
{

// Processes whose command line contains @p marker, other than this test itself.
int processesWith(const QByteArray &marker)
{
    int count = 0;
    QDirIterator proc(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (proc.hasNext()) {
        const QString dir = proc.next();
        bool numeric = false;
        const qint64 pid = QFileInfo(dir).fileName().toLongLong(&numeric);
        if (!numeric || pid == getpid())
            continue;
        QFile cmdline(dir + QStringLiteral("/cmdline"));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(marker))
            ++count;
    }
    return count;
}

} // namespace

void TestFunctionFaults::initTestCase()
{
    m_agent = std::make_unique<TestAgent>(QStringList {}, QStringLiteral("faults-token"));
    QVERIFY(m_agent->waitForPort() != 0);
}

void TestFunctionFaults::hangIs504AndTheReplicaIsReplaced()
{
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("sleeper"),
                 QStringLiteral("import time, os\n"
                                "def handle(event, context):\n"
                                "    if event['body'] == 'hang':\n        time.sleep(3600)\n"
                                "    return str(os.getpid())\n"),
                 {{QStringLiteral("timeout_seconds"), 1}, {QStringLiteral("max_replicas"), 1}})
                 .status,
        201);
    const QByteArray before = callFunction(m_agent->invokePort(), "POST", "/function/sleeper", "quick").body;
    QElapsedTimer timer;
    timer.start();
    const auto hung = callFunction(m_agent->invokePort(), "POST", "/function/sleeper", "hang");
    QCOMPARE(hung.status, 504);
    QCOMPARE(errorCodeOf(hung), QStringLiteral("timeout"));
    QVERIFY2(errorMessageOf(hung).contains(QStringLiteral("1 s")), qPrintable(errorMessageOf(hung)));
    QVERIFY2(timer.elapsed() < 5000, "the deadline was not kept");
    const auto after = callFunction(m_agent->invokePort(), "POST", "/function/sleeper", "quick");
    QCOMPARE(after.status, 200);
    QVERIFY2(after.body != before, "the hung replica was not replaced");
    // The hung worker is gone, not just abandoned.
    QTRY_VERIFY(!QFile::exists(QStringLiteral("/proc/") + QString::fromUtf8(before)));
}

void TestFunctionFaults::crashIs502AndTheNextCallGetsAFreshReplica()
{
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("crasher"),
                 QStringLiteral("import os, sys\n"
                                "def handle(event, context):\n"
                                "    if event['body'] == 'segv':\n"
                                "        print('about to die', file=sys.stderr, flush=True)\n"
                                "        os.kill(os.getpid(), 11)\n"
                                "    if event['body'] == 'exit':\n        os._exit(7)\n"
                                "    return 'alive'\n"))
                 .status,
        201);
    const auto segv = callFunction(m_agent->invokePort(), "POST", "/function/crasher", "segv");
    QCOMPARE(segv.status, 502);
    QCOMPARE(errorCodeOf(segv), QStringLiteral("crashed"));
    QVERIFY2(errorMessageOf(segv).contains(QStringLiteral("SIGSEGV")), qPrintable(errorMessageOf(segv)));
    const auto exited = callFunction(m_agent->invokePort(), "POST", "/function/crasher", "exit");
    QCOMPARE(exited.status, 502);
    QVERIFY2(errorMessageOf(exited).contains(QStringLiteral("exit code 7")), qPrintable(errorMessageOf(exited)));
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/crasher", "fine").body, QByteArray("alive"));
    const json events = jsonOf(controlGet(*m_agent, "/v1/events"));
    int crashes = 0;
    for (const auto &event : events["events"])
        crashes += event["kind"] == "replica_crashed" && event["function"] == "crasher";
    QCOMPARE(crashes, 2);
}

void TestFunctionFaults::memoryHogIsStopped()
{
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("hog"),
                 QStringLiteral("def handle(event, context):\n"
                                "    blocks = []\n"
                                "    for _ in range(64):\n        blocks.append(bytearray(32 * 1024 * 1024))\n"
                                "    return 'should not get here'\n"),
                 {{QStringLiteral("memory_mib"), 128}})
                 .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/hog");
    // With cgroup v2 the kernel's OOM killer ends the worker (502 out_of_memory); under RLIMIT_AS
    // the allocation fails inside Python (500 with MemoryError). Either way the caller is told.
    const bool killed = reply.status == 502 && errorCodeOf(reply) == QStringLiteral("out_of_memory");
    const bool refused = reply.status == 500 && reply.body.startsWith("MemoryError");
    QVERIFY2(killed || refused, reply.body.constData());
}

void TestFunctionFaults::nodeHeapExhaustionIsReportedAsOutOfMemory()
{
    const auto archive = archiveWith(QStringLiteral("handler.js"),
        QStringLiteral("exports.handle = () => {\n"
                       "  const hoard = [];\n"
                       "  for (;;) hoard.push(new Array(100000).fill({x: 1}));\n"
                       "};\n"));
    QCOMPARE(deployFunction(m_agent->port(),
                 m_agent->token(),
                 QStringLiteral("nodehog"),
                 archive,
                 {{QStringLiteral("runtime"), QStringLiteral("node")}, {QStringLiteral("memory_mib"), 128}})
                 .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/nodehog", {}, {}, 30000);
    QCOMPARE(reply.status, 502);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("out_of_memory"));
}

void TestFunctionFaults::forkBombIsContainedAndCleanedUp()
{
    // RLIMIT_NPROC counts every process of a user: the bound is exact only for a replica's own
    // user, which takes root to give (without root every function shares the test's user).
    if (::geteuid() != 0)
        QSKIP("not root: replicas share the test's user, whose other processes move the fork bomb's limit");
    TestAgent agent({}, QStringLiteral("fork-token"));
    QVERIFY(agent.waitForPort() != 0);
    QCOMPARE(deployPython(agent,
                 QStringLiteral("forker"),
                 QStringLiteral("import os, time\n"
                                "def handle(event, context):\n"
                                "    children = 0\n"
                                "    try:\n"
                                "        for _ in range(5000):\n"
                                "            if os.fork() == 0:\n"
                                "                os.execv('/bin/sleep', ['sleep', '1000.4242'])\n"
                                "            children += 1\n"
                                "    except OSError as error:\n"
                                "        return 'stopped after %d: %s' % (children, error.strerror)\n"
                                "    return 'forked %d' % children\n"))
                 .status,
        201);
    const auto reply = callFunction(agent.invokePort(), "GET", "/function/forker");
    QCOMPARE(reply.status, 200);
    QVERIFY2(reply.body.startsWith("stopped after"), reply.body.constData());
    // max_processes_per_replica (64) counts the worker too.
    const int forked = processesWith("1000.4242");
    QVERIFY2(forked > 0 && forked < 64, qPrintable(QString::number(forked)));
    QCOMPARE(controlGet(agent, "/v1/health").status, 200);
    // Deleting the function takes its replicas and everything they started with it.
    QCOMPARE(httpRequest(agent.port(), "DELETE", "/v1/functions/forker", agent.token()).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(processesWith("1000.4242"), 0, 10000);
}

void TestFunctionFaults::oversizeBodyIs413()
{
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("small"),
                 QStringLiteral("def handle(e, c):\n    return str(len(e['body']))\n"),
                 {{QStringLiteral("max_payload_bytes"), 1024}})
                 .status,
        201);
    QCOMPARE(
        callFunction(m_agent->invokePort(), "POST", "/function/small", QByteArray(1024, 'a')).body, QByteArray("1024"));
    const auto tooBig = callFunction(m_agent->invokePort(), "POST", "/function/small", QByteArray(1025, 'a'));
    QCOMPARE(tooBig.status, 413);
    QCOMPARE(errorCodeOf(tooBig), QStringLiteral("payload_too_large"));
    QVERIFY2(errorMessageOf(tooBig).contains(QStringLiteral("1024")), qPrintable(errorMessageOf(tooBig)));
    QCOMPARE(controlPost(*m_agent, "/v1/functions/small/invoke", QByteArray(5000, 'b')).status, 413);
}

void TestFunctionFaults::blockedFunctionIs423UntilUnblocked()
{
    QCOMPARE(
        deployPython(*m_agent, QStringLiteral("gate"), QStringLiteral("def handle(e, c):\n    return 'open'\n")).status,
        201);
    const auto blocked = controlPost(*m_agent, "/v1/functions/gate:block");
    QCOMPARE(blocked.status, 200);
    QCOMPARE(textOf(jsonOf(blocked)["state"]), QStringLiteral("BLOCKED"));
    const auto refused = callFunction(m_agent->invokePort(), "GET", "/function/gate");
    QCOMPARE(refused.status, 423);
    QCOMPARE(errorCodeOf(refused), QStringLiteral("blocked"));
    QCOMPARE(controlPost(*m_agent, "/v1/functions/gate/invoke").status, 423);
    QCOMPARE(controlPost(*m_agent, "/v1/functions/gate:unblock").status, 200);
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/gate").body, QByteArray("open"));
    QCOMPARE(controlPost(*m_agent, "/v1/functions/nothing-here:block").status, 404);
}

void TestFunctionFaults::tokenFunctionsCheckTheCaller()
{
    QCOMPARE(
        deployPython(*m_agent,
            QStringLiteral("private"),
            QStringLiteral("def handle(e, c):\n    return e['headers'].get('authorization', 'no credentials seen')\n"),
            {{QStringLiteral("auth"), QStringLiteral("token")}})
            .status,
        201);
    const auto anonymous = callFunction(m_agent->invokePort(), "GET", "/function/private");
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(errorCodeOf(anonymous), QStringLiteral("unauthorized"));
    QCOMPARE(
        callFunction(m_agent->invokePort(), "GET", "/function/private", {}, {"Authorization: Bearer wrong"}).status,
        401);
    const auto allowed =
        callFunction(m_agent->invokePort(), "GET", "/function/private", {}, {"Authorization: Bearer faults-token"});
    QCOMPARE(allowed.status, 200);
    QCOMPARE(allowed.body, QByteArray("no credentials seen")); // the token is not handed to the function
    QCOMPARE(
        deployPython(*m_agent, QStringLiteral("open"), QStringLiteral("def handle(e, c):\n    return 'hi'\n")).status,
        201);
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/open").status, 200);
}

void TestFunctionFaults::hostileArchiveIs400WithTheReason_data()
{
    QTest::addColumn<QJsonArray>("entries");
    QTest::addColumn<QString>("reason");
    QTest::newRow("parent dir") << QJsonArray {file(QStringLiteral("../evil.py"), QStringLiteral("x"))}
                                << QStringLiteral("../evil.py");
    QTest::newRow("absolute") << QJsonArray {file(QStringLiteral("/etc/cron.d/evil"), QStringLiteral("x"))}
                              << QStringLiteral("/etc/cron.d/evil");
    QTest::newRow("symlink out") << QJsonArray {entry(
        QStringLiteral("link"), QStringLiteral("symlink"), QStringLiteral("/etc"))}
                                 << QStringLiteral("link");
    QTest::newRow("device") << QJsonArray {entry(QStringLiteral("null"), QStringLiteral("chardev"))}
                            << QStringLiteral("null");
}

void TestFunctionFaults::hostileArchiveIs400WithTheReason()
{
    QFETCH(QJsonArray, entries);
    QFETCH(QString, reason);
    const auto reply =
        deployFunction(m_agent->port(), m_agent->token(), QStringLiteral("hostile"), makeArchive(entries));
    QCOMPARE(reply.status, 400);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("bad_archive"));
    QVERIFY2(errorMessageOf(reply).contains(reason), qPrintable(errorMessageOf(reply)));
    QCOMPARE(controlGet(*m_agent, "/v1/functions/hostile").status, 404); // nothing half-deployed
    QVERIFY(!QFile::exists(QStringLiteral("/etc/cron.d/evil")));
}

void TestFunctionFaults::badConfigNamesEveryProblem()
{
    const auto reply = deployFunction(m_agent->port(),
        m_agent->token(),
        QStringLiteral("misconfigured"),
        archiveWith(QStringLiteral("handler.py"), QStringLiteral("def handle(e, c):\n    return 1\n")),
        {{QStringLiteral("runtime"), QStringLiteral("java")},
            {QStringLiteral("memory_mib"), 100},
            {QStringLiteral("timeout_seconds"), -4}});
    QCOMPARE(reply.status, 400);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("invalid_config"));
    const json problems = jsonOf(reply)["error"]["problems"];
    QCOMPARE(problems.size(), std::size_t(3));
    const QString all = QString::fromStdString(problems.dump());
    for (const char *field : {"runtime", "memory_mib", "timeout_seconds"})
        QVERIFY2(all.contains(QLatin1StringView(field)), qPrintable(all));
    const auto badName = deployPython(*m_agent, QStringLiteral("Bad_Name"), QStringLiteral("x = 1\n"));
    QCOMPARE(badName.status, 400);
    QCOMPARE(errorCodeOf(badName), QStringLiteral("invalid_config"));
}

void TestFunctionFaults::malformedDeploysAreRefused()
{
    HttpConnection connection(m_agent->port());
    const auto badJson = connection.request("PUT",
        "/v1/functions/whatever",
        {"Authorization: Bearer faults-token", "X-Rune-Config: {not json"},
        archiveWith(QStringLiteral("handler.py"), QStringLiteral("x = 1\n")));
    QCOMPARE(badJson.status, 400);
    QVERIFY2(errorMessageOf(badJson).contains(QStringLiteral("not valid JSON")), qPrintable(errorMessageOf(badJson)));
    const auto garbage =
        deployFunction(m_agent->port(), m_agent->token(), QStringLiteral("whatever"), QByteArray("this is no archive"));
    QCOMPARE(garbage.status, 400);
    QCOMPARE(errorCodeOf(garbage), QStringLiteral("bad_archive"));
    const auto empty = deployFunction(m_agent->port(), m_agent->token(), QStringLiteral("whatever"), QByteArray());
    QCOMPARE(empty.status, 400);
}

void TestFunctionFaults::emptyRunAsKeepsTheAgentsUser()
{
    TestAgent own({QStringLiteral("--run-as"), QString()});
    QVERIFY(own.waitForPort());
    QCOMPARE(
        deployPython(
            own, QStringLiteral("who"), QStringLiteral("import os\ndef handle(e, c):\n    return str(os.getuid())\n"))
            .status,
        201);
    QCOMPARE(callFunction(own.invokePort(), "GET", "/function/who").body, QByteArray::number(getuid()));
    // Functions never share one named user any more: an old setting is refused, saying why.
    QProcess named;
    named.start(QStringLiteral(RUNE_AGENT_BINARY), {QStringLiteral("--run-as"), QStringLiteral("nobody")});
    QVERIFY(named.waitForFinished(5000));
    QCOMPARE(named.exitCode(), 2);
    QVERIFY(named.readAllStandardError().contains("run_as must be isolated"));
    // A flag with its value missing altogether is still an error.
    QProcess bare;
    bare.start(QStringLiteral(RUNE_AGENT_BINARY), {QStringLiteral("--run-as")});
    QVERIFY(bare.waitForFinished(5000));
    QCOMPARE(bare.exitCode(), 2);
    QVERIFY(bare.readAllStandardError().contains("--run-as needs a value"));
}

void TestFunctionFaults::agentStillHealthy()
{
    QCOMPARE(controlGet(*m_agent, "/v1/health").status, 200);
    QCOMPARE(m_agent->process().state(), QProcess::Running);
    QVERIFY(m_agent->stop());
    QTRY_COMPARE(processesWith(m_agent->stateDir().toUtf8()), 0); // no worker outlives the agent
}

RUNE_TEST_GUILESS_MAIN(TestFunctionFaults)
#include "tst_functionfaults.moc"
