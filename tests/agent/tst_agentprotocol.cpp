// SPDX-License-Identifier: GPL-3.0-or-later
// The agent's real answers have exactly the shape of the fixtures the console is tested against,
// so the two sides cannot drift apart unnoticed.

#include "../common/testagent.h"

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

private:
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

// Each difference in keys or value kinds, as "path: what", recursing into objects.
static QStringList shapeDifferences(const json &expected, const json &actual, const QString &path = {})
{
    QStringList differences;
    for (const auto &[key, value] : expected.items()) {
        const QString where = path + u'/' + QString::fromStdString(key);
        if (!actual.contains(key))
            differences << where + QStringLiteral(": missing");
        else if (kindOf(value) != kindOf(actual[key]))
            differences << where + QStringLiteral(": %1 instead of %2").arg(kindOf(actual[key]), kindOf(value));
        else if (value.is_object())
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
    m_agent = std::make_unique<TestAgent>(QStringList {}, QStringLiteral("protocol-token"));
    QVERIFY(m_agent->waitForPort() != 0);
}

void TestAgentProtocol::answersMatchTheFixtures_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("fixtureName");
    QTest::newRow("health") << QByteArray("/v1/health") << 200 << QStringLiteral("health.json");
    QTest::newRow("info") << QByteArray("/v1/info") << 200 << QStringLiteral("info.json");
    QTest::newRow("not found") << QByteArray("/v1/nothing-here") << 404 << QStringLiteral("error.json");
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

QTEST_GUILESS_MAIN(TestAgentProtocol)
#include "tst_agentprotocol.moc"
