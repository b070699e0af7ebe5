// SPDX-License-Identifier: GPL-3.0-or-later
// Deploys as an operator relies on them: atomic even when the agent is killed mid-way, kept
// across restarts, and never cutting off a call that is already running.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QDir>
#include <QTest>
#include <future>

using namespace rune::test;
using json = nlohmann::json;

class TestDeployLifecycle final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killDuringDeployLeavesOneWholeVersion_data();
    void killDuringDeployLeavesOneWholeVersion();
    void functionsSurviveARestart();
    void callsInFlightFinishOnTheOldVersion();
    void deleteRemovesEverything();
    void olderVersionsCanBeRemoved();
};

namespace
{

QString versionSource(const QString &tag)
{
    // Two files, so a mix of versions would show as a mismatch between them.
    return QStringLiteral("from helper import TAG\n"
                          "def handle(event, context):\n"
                          "    return '%1/' + TAG\n")
        .arg(tag);
}

QByteArray versionArchive(const QString &tag)
{
    return makeArchive(QJsonArray {file(QStringLiteral("handler.py"), versionSource(tag)),
        file(QStringLiteral("helper.py"), QStringLiteral("TAG = '%1'\n").arg(tag))});
}

bool waitForStderr(QProcess &process, const QByteArray &text, int timeoutMs)
{
    QByteArray seen;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs && process.state() == QProcess::Running) {
        process.waitForReadyRead(100);
        seen += process.readAllStandardError();
        if (seen.contains(text))
            return true;
    }
    return false;
}

} // namespace

void TestDeployLifecycle::killDuringDeployLeavesOneWholeVersion_data()
{
    QTest::addColumn<QString>("step");
    QTest::addColumn<QByteArray>("serving");
    QTest::newRow("archive unpacked") << QStringLiteral("staged") << QByteArray("one/one");
    QTest::newRow("version directory in place") << QStringLiteral("renamed") << QByteArray("one/one");
    QTest::newRow("new link made, not switched") << QStringLiteral("linked") << QByteArray("one/one");
}

void TestDeployLifecycle::killDuringDeployLeavesOneWholeVersion()
{
    QFETCH(QString, step);
    QFETCH(QByteArray, serving);
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    QCOMPARE(
        deployFunction(agent.port(), agent.token(), QStringLiteral("atomic"), versionArchive(QStringLiteral("one")))
            .status,
        201);
    agent.stop();
    // The agent built for this test (deploypauseagent.cpp) stops the deploy after the step.
    agent.setProgram(QStringLiteral(RUNE_DEPLOY_PAUSE_AGENT));
    agent.start({}, {QStringLiteral("--pause-after-deploy-step"), step});
    QVERIFY(agent.waitForPort());
    // The deploy never answers: the agent stops at the step and is killed there.
    auto pending = std::async(std::launch::async, [port = agent.port()] {
        return deployFunction(
            port, QStringLiteral("t"), QStringLiteral("atomic"), versionArchive(QStringLiteral("two")));
    });
    QVERIFY(waitForStderr(agent.process(), "deploy paused after step " + step.toUtf8(), 10000));
    agent.killHard();
    pending.wait();

    agent.setProgram({});
    agent.start();
    QVERIFY(agent.waitForPort());
    const auto reply = callFunction(agent.invokePort(), "GET", "/function/atomic");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, serving);
    // What the interrupted deploy left is gone, and the next deploy takes the next number.
    const QStringList entries = QDir(agent.stateDir() + QStringLiteral("/functions/atomic"))
                                    .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    QCOMPARE(entries, QStringList({QStringLiteral("current"), QStringLiteral("v1")}));
    const auto redeployed =
        deployFunction(agent.port(), agent.token(), QStringLiteral("atomic"), versionArchive(QStringLiteral("two")));
    QCOMPARE(redeployed.status, 201);
    QCOMPARE(jsonOf(redeployed)["version"].get<int>(), 2);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/atomic").body, QByteArray("two/two"));
}

void TestDeployLifecycle::functionsSurviveARestart()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    for (const char *tag : {"one", "two"})
        QCOMPARE(deployFunction(agent.port(),
                     agent.token(),
                     QStringLiteral("kept"),
                     versionArchive(QLatin1StringView(tag)),
                     {{QStringLiteral("memory_mib"), 192},
                         {QStringLiteral("env"), QJsonObject {{QStringLiteral("A"), QStringLiteral("b")}}}})
                     .status,
            201);
    QCOMPARE(deployPython(agent, QStringLiteral("stopped"), QStringLiteral("def handle(e, c):\n    return 1\n")).status,
        201);
    QCOMPARE(controlPost(agent, "/v1/functions/stopped:block").status, 200);
    QVERIFY(agent.stop());

    agent.start();
    QVERIFY(agent.waitForPort());
    const json kept = jsonOf(controlGet(agent, "/v1/functions/kept"));
    QCOMPARE(kept["version"].get<int>(), 2);
    QVERIFY(kept["versions"] == json({1, 2}));
    QCOMPARE(kept["config"]["memory_mib"].get<int>(), 192);
    QCOMPARE(textOf(kept["config"]["env"]["A"]), QStringLiteral("b"));
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/kept").body, QByteArray("two/two"));
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/kept@v1").body, QByteArray("one/one"));
    QCOMPARE(textOf(jsonOf(controlGet(agent, "/v1/functions/stopped"))["state"]), QStringLiteral("BLOCKED"));
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/stopped").status, 423);
}

void TestDeployLifecycle::callsInFlightFinishOnTheOldVersion()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    const QString slow = QStringLiteral("import time\n"
                                        "def handle(event, context):\n"
                                        "    if event['body'] == 'slow':\n        time.sleep(1.5)\n"
                                        "    return 'old'\n");
    QCOMPARE(deployPython(agent, QStringLiteral("rolling"), slow).status, 201);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/rolling").body, QByteArray("old")); // warm
    auto inFlight = std::async(std::launch::async, [port = agent.invokePort()] {
        return callFunction(port, "POST", "/function/rolling", "slow");
    });
    // The slow call is in the worker before the new version comes.
    QTRY_COMPARE(jsonOf(controlGet(agent, "/v1/functions/rolling"))["in_flight"].get<int>(), 1);
    QCOMPARE(
        deployPython(agent, QStringLiteral("rolling"), QStringLiteral("def handle(e, c):\n    return 'new'\n")).status,
        201);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/rolling").body, QByteArray("new"));
    const auto old = inFlight.get();
    QCOMPARE(old.status, 200);
    QCOMPARE(old.body, QByteArray("old"));
    QCOMPARE(old.header("x-rune-version"), QByteArray("1"));
}

void TestDeployLifecycle::deleteRemovesEverything()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    QCOMPARE(
        deployPython(agent, QStringLiteral("doomed"), QStringLiteral("def handle(e, c):\n    return 1\n")).status, 201);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/doomed").status, 200);
    const auto deleted = httpRequest(agent.port(), "DELETE", "/v1/functions/doomed", agent.token());
    QCOMPARE(deleted.status, 200);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/doomed").status, 404);
    QCOMPARE(controlGet(agent, "/v1/functions/doomed").status, 404);
    QVERIFY(!QDir(agent.stateDir() + QStringLiteral("/functions/doomed")).exists());
    QCOMPARE(httpRequest(agent.port(), "DELETE", "/v1/functions/doomed", agent.token()).status, 404);
}

void TestDeployLifecycle::olderVersionsCanBeRemoved()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    for (const char *tag : {"one", "two"})
        QCOMPARE(deployFunction(
                     agent.port(), agent.token(), QStringLiteral("pruned"), versionArchive(QLatin1StringView(tag)))
                     .status,
            201);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/pruned@v1").body, QByteArray("one/one"));
    const auto removed = httpRequest(agent.port(), "DELETE", "/v1/functions/pruned/versions/1", agent.token());
    QCOMPARE(removed.status, 200);
    const auto gone = callFunction(agent.invokePort(), "GET", "/function/pruned@v1");
    QCOMPARE(gone.status, 404);
    QVERIFY(!QDir(agent.stateDir() + QStringLiteral("/functions/pruned/v1")).exists());
    QVERIFY(jsonOf(controlGet(agent, "/v1/functions/pruned"))["versions"] == json({2}));
    // The serving version stays, and unknown ones are said to be unknown.
    const auto serving = httpRequest(agent.port(), "DELETE", "/v1/functions/pruned/versions/2", agent.token());
    QCOMPARE(serving.status, 409);
    QCOMPARE(errorCodeOf(serving), QStringLiteral("version_serving"));
    QCOMPARE(httpRequest(agent.port(), "DELETE", "/v1/functions/pruned/versions/7", agent.token()).status, 404);
    QCOMPARE(httpRequest(agent.port(), "DELETE", "/v1/functions/pruned/versions/x", agent.token()).status, 404);
    QCOMPARE(callFunction(agent.invokePort(), "GET", "/function/pruned").body, QByteArray("two/two"));
}

RUNE_TEST_GUILESS_MAIN(TestDeployLifecycle)
#include "tst_deploylifecycle.moc"
