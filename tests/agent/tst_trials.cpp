// SPDX-License-Identifier: GPL-3.0-or-later
// Trials, the memory tuner's temporary versions: the serving code at another memory size, called
// through the control API only. The serving version never changes, callers on the invoke port
// never reach a trial, bad requests get specific errors, and trials go away when deleted, when
// their function is deleted and when the agent restarts.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestTrials final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void trialRunsTheServingCodeAtItsOwnMemory();
    void servingVersionIsUntouched();
    void invokePortCannotReachATrial();
    void badRequestsAreRefused_data();
    void badRequestsAreRefused();
    void unknownFunctionOrTrial();
    void trialsAreBounded();
    void deletingTheFunctionEndsItsTrials();
    void restartForgetsTrials();

private:
    HttpReply createTrial(const QByteArray &function, const QByteArray &body);
    HttpReply callTrial(const QByteArray &function, const QByteArray &id, const QByteArray &body = "{}");
    HttpReply deleteTrial(const QByteArray &function, const QByteArray &id);
    QByteArray newTrial(const QByteArray &function, int memoryMiB);

    std::unique_ptr<TestAgent> m_agent;
};

namespace
{

const QString trialToken = QStringLiteral("trial-token-1");

// Answers with the memory it was given and its version.
const QString sizeSource = QStringLiteral("import os\n"
                                          "def handle(event, context):\n"
                                          "    return {'memory': int(os.environ['RUNE_MEMORY_MIB']),\n"
                                          "            'version': int(os.environ['RUNE_FUNCTION_VERSION'])}\n");

} // namespace

HttpReply TestTrials::createTrial(const QByteArray &function, const QByteArray &body)
{
    return httpRequest(m_agent->port(), "POST", "/v1/functions/" + function + "/trials", trialToken, body);
}

HttpReply TestTrials::callTrial(const QByteArray &function, const QByteArray &id, const QByteArray &body)
{
    return httpRequest(
        m_agent->port(), "POST", "/v1/functions/" + function + "/trials/" + id + "/invoke", trialToken, body);
}

HttpReply TestTrials::deleteTrial(const QByteArray &function, const QByteArray &id)
{
    return httpRequest(m_agent->port(), "DELETE", "/v1/functions/" + function + "/trials/" + id, trialToken);
}

QByteArray TestTrials::newTrial(const QByteArray &function, int memoryMiB)
{
    const auto created = createTrial(function, "{\"memory_mib\": " + QByteArray::number(memoryMiB) + "}");
    if (created.status != 201)
        qWarning() << created.status << created.body;
    return textOf(jsonOf(created)["id"]).toUtf8();
}

void TestTrials::initTestCase()
{
    m_agent = std::make_unique<TestAgent>(QStringList {}, trialToken);
    QVERIFY(m_agent->waitForPort() != 0);
    QCOMPARE(
        deployPython(*m_agent, QStringLiteral("sized"), sizeSource, {{QStringLiteral("memory_mib"), 128}}).status, 201);
}

// A failed test leaves no trial behind to fail the next one.
void TestTrials::cleanup()
{
    const json listed = jsonOf(controlGet(*m_agent, "/v1/functions/sized/trials"));
    if (!listed.is_object() || !listed.contains("trials"))
        return;
    for (const json &trial : listed["trials"])
        deleteTrial("sized", textOf(trial["id"]).toUtf8());
}

void TestTrials::trialRunsTheServingCodeAtItsOwnMemory()
{
    const auto created = createTrial("sized", R"({"memory_mib": 320})");
    QCOMPARE(created.status, 201);
    const json trial = jsonOf(created);
    QCOMPARE(textOf(trial["function"]), QStringLiteral("sized"));
    QCOMPARE(trial["memory_mib"].get<int>(), 320);
    QCOMPARE(trial["version"].get<int>(), 1);
    QCOMPARE(trial["trial_idle_s"].get<int>(), 300);
    const QByteArray id = textOf(trial["id"]).toUtf8();
    QVERIFY(id.startsWith("trial-"));

    const auto first = callTrial("sized", id);
    QCOMPARE(first.status, 200);
    QCOMPARE(jsonOf(first)["memory"].get<int>(), 320);
    QCOMPARE(jsonOf(first)["version"].get<int>(), 1);
    QCOMPARE(first.header("X-Rune-Cold-Start"), QByteArray("1"));
    bool isNumber = false;
    QVERIFY(first.header("X-Rune-Duration-Us").toLongLong(&isNumber) > 0 && isNumber);

    const auto second = callTrial("sized", id);
    QCOMPARE(second.status, 200);
    QVERIFY2(second.header("X-Rune-Cold-Start").isEmpty(), "the trial's replica stays up between calls");
    QVERIFY(second.header("X-Rune-Duration-Us").toLongLong(&isNumber) > 0 && isNumber);

    const auto listed = controlGet(*m_agent, "/v1/functions/sized/trials");
    QCOMPARE(listed.status, 200);
    QCOMPARE(jsonOf(listed)["trials"].size(), std::size_t(1));
    QCOMPARE(textOf(jsonOf(listed)["trials"][0]["id"]), QString::fromUtf8(id));

    QCOMPARE(deleteTrial("sized", id).status, 200);
    QCOMPARE(callTrial("sized", id).status, 404);
    QCOMPARE(deleteTrial("sized", id).status, 404);
    QCOMPARE(jsonOf(controlGet(*m_agent, "/v1/functions/sized/trials"))["trials"].size(), std::size_t(0));
}

void TestTrials::servingVersionIsUntouched()
{
    const QByteArray id = newTrial("sized", 512);
    QVERIFY(!id.isEmpty());
    QCOMPARE(callTrial("sized", id).status, 200);
    // The function's own answer, its listing and its versions are what the deploy made.
    const auto served = callFunction(m_agent->invokePort(), "POST", "/function/sized", "{}");
    QCOMPARE(served.status, 200);
    QCOMPARE(jsonOf(served)["memory"].get<int>(), 128);
    const json function = jsonOf(controlGet(*m_agent, "/v1/functions/sized"));
    QCOMPARE(function["version"].get<int>(), 1);
    QVERIFY(function["versions"] == json::array({1}));
    QCOMPARE(function["config"]["memory_mib"].get<int>(), 128);
    const json list = jsonOf(controlGet(*m_agent, "/v1/functions"));
    QCOMPARE(list["functions"].size(), std::size_t(1));
    // Trial calls are not the function's traffic.
    const json metrics = jsonOf(controlGet(*m_agent, "/v1/metrics"));
    for (const json &entry : metrics["functions"]) {
        if (entry["name"] == "sized")
            QCOMPARE(entry["invocations"].get<int>(), 1);
    }
    QCOMPARE(deleteTrial("sized", id).status, 200);
}

void TestTrials::invokePortCannotReachATrial()
{
    const QByteArray id = newTrial("sized", 256);
    QVERIFY(!id.isEmpty());
    const QList<QByteArray> paths {QByteArray("/function/sized/trials/") + id + "/invoke",
        QByteArray("/function/") + id,
        QByteArray("/v1/functions/sized/trials/") + id + "/invoke",
        QByteArray("/function/sized@") + id};
    for (const QByteArray &path : paths) {
        const auto reply = callFunction(m_agent->invokePort(), "POST", path, "{}");
        const json body = jsonOf(reply);
        const bool servedByTheFunction = reply.status == 200 && body.is_object() && body.value("memory", 0) == 128;
        QVERIFY2(reply.status == 404 || reply.status == 401 || servedByTheFunction,
            QByteArray(path + ": " + QByteArray::number(reply.status) + " " + reply.body).constData());
        QVERIFY2(!(body.is_object() && body.value("memory", 0) == 256), path.constData());
    }
    // Nor without the control token.
    const auto anonymous = httpRequest(
        m_agent->port(), "POST", "/v1/functions/sized/trials/" + id + "/invoke", QString(), QByteArray("{}"));
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(
        httpRequest(m_agent->port(), "POST", "/v1/functions/sized/trials", QString(), R"({"memory_mib": 256})").status,
        401);
    QCOMPARE(deleteTrial("sized", id).status, 200);
}

void TestTrials::badRequestsAreRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("says");
    QTest::newRow("empty") << QByteArray() << 400 << "bad_request"
                           << "not valid JSON";
    QTest::newRow("not JSON") << QByteArray("memory=256") << 400 << "bad_request"
                              << "not valid JSON";
    QTest::newRow("array") << QByteArray("[256]") << 400 << "bad_request"
                           << "JSON object";
    QTest::newRow("missing") << QByteArray("{}") << 400 << "bad_request"
                             << "memory_mib is missing";
    QTest::newRow("string") << QByteArray(R"({"memory_mib": "256"})") << 400 << "bad_request"
                            << "whole number";
    QTest::newRow("fraction") << QByteArray(R"({"memory_mib": 256.5})") << 400 << "bad_request"
                              << "whole number";
    QTest::newRow("negative") << QByteArray(R"({"memory_mib": -64})") << 400 << "bad_request"
                              << "between 64 and 16384";
    QTest::newRow("huge") << QByteArray(R"({"memory_mib": 18446744073709551615})") << 400 << "bad_request"
                          << "got 18446744073709551615";
    QTest::newRow("too small") << QByteArray(R"({"memory_mib": 32})") << 400 << "bad_request"
                               << "between 64";
    QTest::newRow("off step") << QByteArray(R"({"memory_mib": 100})") << 400 << "invalid_config"
                              << "multiple of 64";
    QTest::newRow("other key") << QByteArray(R"({"memory_mib": 256, "env": {}})") << 400 << "bad_request"
                               << "only memory_mib";
    QTest::newRow("not UTF-8") << QByteArray("{\"memory_mib\": 256, \"\xff\xfe\": 1}") << 400 << "bad_request"
                               << "";
    QTest::newRow("deep") << QByteArray(3000, '[') << 400 << "bad_request"
                          << "";
    QTest::newRow("oversize") << QByteArray(R"({"memory_mib": 256})") + QByteArray(5000, ' ') << 413
                              << "payload_too_large"
                              << "";
}

void TestTrials::badRequestsAreRefused()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, says);
    const auto reply = createTrial("sized", body);
    QCOMPARE(reply.status, status);
    QCOMPARE(errorCodeOf(reply), code);
    QVERIFY2(errorMessageOf(reply).contains(says), qPrintable(errorMessageOf(reply)));
    QCOMPARE(jsonOf(controlGet(*m_agent, "/v1/functions/sized/trials"))["trials"].size(), std::size_t(0));
}

void TestTrials::unknownFunctionOrTrial()
{
    QCOMPARE(createTrial("nobody", R"({"memory_mib": 256})").status, 404);
    QCOMPARE(controlGet(*m_agent, "/v1/functions/nobody/trials").status, 404);
    QCOMPARE(callTrial("sized", "trial-none").status, 404);
    QCOMPARE(errorCodeOf(callTrial("sized", "trial-none")), QStringLiteral("not_found"));
    // A trial belongs to its function: another function's name does not reach it.
    QCOMPARE(deployPython(*m_agent, QStringLiteral("other"), sizeSource).status, 201);
    const QByteArray id = newTrial("sized", 192);
    QCOMPARE(callTrial("other", id).status, 404);
    QCOMPARE(deleteTrial("other", id).status, 404);
    QCOMPARE(deleteTrial("sized", id).status, 200);
}

void TestTrials::trialsAreBounded()
{
    QList<QByteArray> ids;
    for (int i = 0; i < 4; ++i) {
        ids << newTrial("sized", 128 + 64 * i);
        QVERIFY(!ids.last().isEmpty());
    }
    const auto refused = createTrial("sized", R"({"memory_mib": 640})");
    QCOMPARE(refused.status, 409);
    QCOMPARE(errorCodeOf(refused), QStringLiteral("too_many_trials"));
    QVERIFY(errorMessageOf(refused).contains(QStringLiteral("already runs 4 trials")));
    for (const QByteArray &id : ids)
        QCOMPARE(deleteTrial("sized", id).status, 200);
    const QByteArray again = newTrial("sized", 640);
    QVERIFY(!again.isEmpty());
    QCOMPARE(deleteTrial("sized", again).status, 200);
}

void TestTrials::deletingTheFunctionEndsItsTrials()
{
    QCOMPARE(deployPython(*m_agent, QStringLiteral("doomed"), sizeSource).status, 201);
    const QByteArray id = newTrial("doomed", 256);
    QCOMPARE(callTrial("doomed", id).status, 200);
    QCOMPARE(httpRequest(m_agent->port(), "DELETE", "/v1/functions/doomed", trialToken).status, 200);
    QCOMPARE(callTrial("doomed", id).status, 404);
    QCOMPARE(deleteTrial("doomed", id).status, 404);
}

void TestTrials::restartForgetsTrials()
{
    const QByteArray id = newTrial("sized", 256);
    QCOMPARE(callTrial("sized", id).status, 200);
    m_agent->killHard();
    m_agent->start();
    QVERIFY(m_agent->waitForPort() != 0);
    QCOMPARE(callTrial("sized", id).status, 404);
    QCOMPARE(jsonOf(controlGet(*m_agent, "/v1/functions/sized/trials"))["trials"].size(), std::size_t(0));
    const auto served = callFunction(m_agent->invokePort(), "POST", "/function/sized", "{}");
    QCOMPARE(jsonOf(served)["memory"].get<int>(), 128);
}

RUNE_TEST_GUILESS_MAIN(TestTrials)
#include "tst_trials.moc"
