// SPDX-License-Identifier: GPL-3.0-or-later
// The agent's real answers have exactly the shape of the fixtures the console is tested against,
// so the two sides cannot drift apart unnoticed.

#include "../common/fakegpus.h"
#include "../common/functions.h"
#include "../common/testmain.h"

#include <QFile>
#include <QTest>
#include <nlohmann/json.hpp>

using namespace rune::test;
using json = nlohmann::json;

class TestAgentProtocol final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void answersMatchTheFixtures_data();
    void answersMatchTheFixtures();
    void invokeErrorsMatchTheFixture();

private:
    FakeGpuHost m_gpus {{{QStringLiteral("Tesla T4"), 15360}}}; // so /v1/info's "gpus" has an entry
    std::unique_ptr<TestAgent> m_agent;
};

static json fixture(const QString &name)
{
    QFile file(QStringLiteral(RUNE_FIXTURES_DIR "/protocol/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(file.fileName()));
    return json::parse(file.readAll().toStdString());
}

// Integers are one kind here: a fixture's 8 and the agent's 8 may parse as different integer types.
static QString kindOf(const json &value)
{
    if (value.is_number_integer())
        return QStringLiteral("integer");
    return QString::fromUtf8(value.type_name());
}

// Each difference in keys or value kinds, as "path: what", recursing into objects and into the
// first element of lists.
static QStringList shapeDifferences(const json &expected, const json &actual, const QString &path = {})
{
    QStringList differences;
    if (expected.is_array()) {
        if (!expected.empty() && actual.empty())
            differences << path + QStringLiteral(": empty list");
        else if (!expected.empty())
            differences << shapeDifferences(expected[0], actual[0], path + QStringLiteral("[0]"));
        return differences;
    }
    if (!expected.is_object())
        return differences;
    for (const auto &[key, value] : expected.items()) {
        const QString where = path + u'/' + QString::fromStdString(key);
        if (!actual.contains(key))
            differences << where + QStringLiteral(": missing");
        else if (kindOf(value) != kindOf(actual[key]))
            differences << where + QStringLiteral(": %1 instead of %2").arg(kindOf(actual[key]), kindOf(value));
        else if (value.is_object() || value.is_array())
            differences << shapeDifferences(value, actual[key], where);
    }
    for (const auto &[key, value] : actual.items()) {
        if (!expected.contains(key))
            differences << path + u'/' + QString::fromStdString(key) + QStringLiteral(": not in the fixture");
    }
    return differences;
}

void TestAgentProtocol::initTestCase()
{
    // An edge agent with one function that was called once and then blocked: every answer below
    // has something in each of its lists.
    m_agent =
        std::make_unique<TestAgent>(QStringList {QStringLiteral("--role"), QStringLiteral("edge")} + m_gpus.agentArgs(),
            QStringLiteral("protocol-token"));
    QVERIFY(m_agent->waitForPort() != 0);
    const QJsonObject config {{QStringLiteral("runtime"), QStringLiteral("python3")},
        {QStringLiteral("triggers"),
            QJsonArray {QJsonObject {{QStringLiteral("type"), QStringLiteral("cron")},
                            {QStringLiteral("value"), QStringLiteral("0 3 * * *")}},
                QJsonObject {{QStringLiteral("type"), QStringLiteral("mqtt")},
                    {QStringLiteral("value"), QStringLiteral("cars/+/crash")},
                    {QStringLiteral("result_topic"), QStringLiteral("alerts")},
                    {QStringLiteral("qos"), 1}}}}};
    const QString handler = QStringLiteral("def handle(event, context):\n    print('called')\n    return 'x'\n");
    QCOMPARE(deployPython(*m_agent, QStringLiteral("echo"), handler, config).status, 201);
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/echo", "hi").status, 200);
    QTRY_VERIFY(!jsonOf(controlGet(*m_agent, "/v1/logs?function=echo"))["lines"].empty());
    QTest::qWait(1100); // one node sample
}

void TestAgentProtocol::answersMatchTheFixtures_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("fixtureName");
    QTest::newRow("health") << QByteArray("/v1/health") << 200 << QStringLiteral("health.json");
    QTest::newRow("info") << QByteArray("/v1/info") << 200 << QStringLiteral("info.json");
    QTest::newRow("not found") << QByteArray("/v1/nothing-here") << 404 << QStringLiteral("error.json");
    QTest::newRow("functions") << QByteArray("/v1/functions") << 200 << QStringLiteral("functions.json");
    QTest::newRow("function") << QByteArray("/v1/functions/echo") << 200 << QStringLiteral("function.json");
    QTest::newRow("metrics") << QByteArray("/v1/metrics") << 200 << QStringLiteral("metrics.json");
    QTest::newRow("logs") << QByteArray("/v1/logs?function=echo") << 200 << QStringLiteral("logs.json");
    QTest::newRow("events") << QByteArray("/v1/events") << 200 << QStringLiteral("events.json");
    QTest::newRow("triggers") << QByteArray("/v1/triggers") << 200 << QStringLiteral("triggers.json");
}

void TestAgentProtocol::answersMatchTheFixtures()
{
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    QFETCH(QString, fixtureName);
    const HttpReply reply = httpRequest(m_agent->port(), "GET", path, m_agent->token());
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    const json actual = json::parse(reply.body.toStdString(), nullptr, false);
    QVERIFY2(actual.is_object(), reply.body.constData());
    const QStringList differences = shapeDifferences(fixture(fixtureName), actual);
    QVERIFY2(differences.isEmpty(), qPrintable(differences.join(QStringLiteral("; "))));
}

void TestAgentProtocol::invokeErrorsMatchTheFixture()
{
    QCOMPARE(controlPost(*m_agent, "/v1/functions/echo:block").status, 200);
    const HttpReply reply = callFunction(m_agent->invokePort(), "GET", "/function/echo");
    QCOMPARE(reply.status, 423);
    const json actual = json::parse(reply.body.toStdString(), nullptr, false);
    const QStringList differences = shapeDifferences(fixture(QStringLiteral("invoke-error.json")), actual);
    QVERIFY2(differences.isEmpty(), qPrintable(differences.join(QStringLiteral("; "))));
    QCOMPARE(QByteArray::fromStdString(actual["error"]["request_id"].get<std::string>()), reply.header("x-request-id"));
    QCOMPARE(controlPost(*m_agent, "/v1/functions/echo:unblock").status, 200);
}

RUNE_TEST_GUILESS_MAIN(TestAgentProtocol)
#include "tst_agentprotocol.moc"
