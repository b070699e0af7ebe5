// SPDX-License-Identifier: GPL-3.0-or-later
// A function that cannot start is not restarted in a tight loop: the agent backs off, callers
// get 503 start_failed at once with the reason and Retry-After, listings show start_failure,
// and a start that succeeds (or a redeploy) clears it.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestStartBackoff final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void failingImportBacksOff();
    void missingExecutableBacksOff();
    void successfulStartClearsTheFailure();
    void redeployClearsTheFailure();

private:
    json functionJson(const QByteArray &name);
    int startFailedEvents(const std::string &function);

    std::unique_ptr<TestAgent> m_agent;
};

json TestStartBackoff::functionJson(const QByteArray &name)
{
    return jsonOf(controlGet(*m_agent, "/v1/functions/" + name));
}

int TestStartBackoff::startFailedEvents(const std::string &function)
{
    int count = 0;
    const json events = jsonOf(controlGet(*m_agent, "/v1/events?since=0&limit=2000"));
    for (const json &event : events["events"]) {
        if (event.value("kind", std::string()) == "start_failed" && event.value("function", std::string()) == function)
            ++count;
    }
    return count;
}

void TestStartBackoff::initTestCase()
{
    m_agent = std::make_unique<TestAgent>(QStringList {}, QStringLiteral("backoff-token"));
    QVERIFY(m_agent->waitForPort() != 0);
}

void TestStartBackoff::failingImportBacksOff()
{
    QCOMPARE(
        deployPython(*m_agent, QStringLiteral("crashy"), QStringLiteral("raise RuntimeError('the database is gone')\n"))
            .status,
        201);
    // The call that waited for the start hears what went wrong.
    const auto first = callFunction(m_agent->invokePort(), "GET", "/function/crashy");
    QCOMPARE(first.status, 502);
    QCOMPARE(errorCodeOf(first), QStringLiteral("init_failed"));
    // The next ones are refused at once with the reason, until the backoff is over.
    const auto refused = callFunction(m_agent->invokePort(), "GET", "/function/crashy");
    QCOMPARE(refused.status, 503);
    QCOMPARE(errorCodeOf(refused), QStringLiteral("start_failed"));
    QVERIFY2(
        errorMessageOf(refused).contains(QStringLiteral("the database is gone")), qPrintable(errorMessageOf(refused)));
    QVERIFY(refused.header("retry-after").toInt() >= 1);

    const json listed = functionJson("crashy");
    QVERIFY2(listed.contains("start_failure"), listed.dump().c_str());
    QVERIFY(textOf(listed["start_failure"]["message"]).contains(QStringLiteral("the database is gone")));
    QVERIFY(listed["start_failure"]["failures"].get<int>() >= 1);
    QVERIFY(listed["start_failure"]["retry_in_ms"].is_number_integer());
    bool inList = false;
    const json all = jsonOf(controlGet(*m_agent, "/v1/functions"));
    for (const json &function : all["functions"])
        inList = inList || (function["name"] == "crashy" && function.contains("start_failure"));
    QVERIFY(inList);

    // Callers hammering it for two seconds cause a few starts, not one per call: without the
    // backoff every call here would start (and fail) a worker.
    QElapsedTimer hammering;
    hammering.start();
    int calls = 0;
    while (hammering.elapsed() < 2000) {
        const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/crashy");
        QVERIFY(reply.status == 502 || reply.status == 503);
        ++calls;
        QTest::qWait(20);
    }
    QVERIFY(calls > 20);
    const int starts = startFailedEvents("crashy");
    QVERIFY2(starts <= 5, qPrintable(QStringLiteral("%1 failed starts for %2 calls").arg(starts).arg(calls)));
    QVERIFY(functionJson("crashy")["start_failure"]["failures"].get<int>() == starts);
}

void TestStartBackoff::missingExecutableBacksOff()
{
    const auto archive = archiveWith(QStringLiteral("other.sh"), QStringLiteral("#!/bin/sh\necho hi\n"), 0755);
    QCOMPARE(deployFunction(m_agent->port(),
                 m_agent->token(),
                 QStringLiteral("noexe"),
                 archive,
                 {{QStringLiteral("runtime"), QStringLiteral("exec")},
                     {QStringLiteral("handler"), QStringLiteral("missing.sh")}})
                 .status,
        201);
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/noexe").status, 502);
    const auto refused = callFunction(m_agent->invokePort(), "GET", "/function/noexe");
    QCOMPARE(refused.status, 503);
    QCOMPARE(errorCodeOf(refused), QStringLiteral("start_failed"));
    QVERIFY2(errorMessageOf(refused).contains(QStringLiteral("missing.sh")), qPrintable(errorMessageOf(refused)));
    QVERIFY(functionJson("noexe").contains("start_failure"));
}

void TestStartBackoff::successfulStartClearsTheFailure()
{
    // Starts once a file appears: the fault goes away without a redeploy. Not below /tmp, of
    // which every function has a private one.
    const QString flag = QStringLiteral("/var/tmp/rune-startbackoff-%1").arg(QCoreApplication::applicationPid());
    QFile::remove(flag);
    const auto removeFlag = qScopeGuard([&flag] {
        QFile::remove(flag);
    });
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("waiter"),
                 QStringLiteral("import os\n"
                                "if not os.path.exists('%1'):\n"
                                "    raise RuntimeError('not ready yet')\n"
                                "def handle(event, context):\n"
                                "    return 'up'\n")
                     .arg(flag))
                 .status,
        201);
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/waiter").status, 502);
    QVERIFY(functionJson("waiter").contains("start_failure"));
    QFile file(flag);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QFile::setPermissions(flag, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    // Once the backoff (half a second for the first failure) is over, the next call starts it.
    QVERIFY(QTest::qWaitFor(
        [&] {
            return callFunction(m_agent->invokePort(), "GET", "/function/waiter").status == 200;
        },
        10000));
    QVERIFY(!functionJson("waiter").contains("start_failure"));
}

void TestStartBackoff::redeployClearsTheFailure()
{
    QCOMPARE(
        deployPython(*m_agent, QStringLiteral("fixable"), QStringLiteral("raise ImportError('typo')\n")).status, 201);
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/fixable").status, 502);
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/fixable").status, 503);
    QCOMPARE(
        deployPython(
            *m_agent, QStringLiteral("fixable"), QStringLiteral("def handle(event, context):\n    return 'fixed'\n"))
            .status,
        201);
    QVERIFY(!functionJson("fixable").contains("start_failure"));
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/fixable");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("fixed"));
}

RUNE_TEST_GUILESS_MAIN(TestStartBackoff)
#include "tst_startbackoff.moc"
