// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/await.h"
#include "../common/protocolfixture.h"
#include "../common/testagent.h"
#include "../common/testmain.h"
#include "agent/agentclient.h"

#include <QNetworkAccessManager>
#include <QSysInfo>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::await;
using rune::test::protocolFixture;

class TestAgentClient final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheProtocolFixtures();
    void malformedOrIncompleteAnswersAreErrors();
    void readsRealHostFactsFromARealAgent();
    void wrongTokenIsRefusedInWords();
    void unreachableAgentIsReported();
};

void TestAgentClient::parsesTheProtocolFixtures()
{
    const auto info = parseAgentInfo(protocolFixture(u"info.json"_s));
    QVERIFY2(info.has_value(), info ? "" : qPrintable(info.error().message));
    QVERIFY(!info->hostname.isEmpty());
    QVERIFY(info->cores > 0);
    QVERIFY(info->memoryBytes > 0);
    QVERIFY(info->diskBytes >= info->diskFreeBytes);
    const auto health = parseAgentHealth(protocolFixture(u"health.json"_s));
    QVERIFY2(health.has_value(), health ? "" : qPrintable(health.error().message));
    QCOMPARE(health->status, u"ok"_s);
    const Error error = parseAgentError(404, protocolFixture(u"error.json"_s));
    QVERIFY(error.code.startsWith(u"agent."_s));
    QVERIFY(!error.message.isEmpty());
}

void TestAgentClient::malformedOrIncompleteAnswersAreErrors()
{
    const auto garbage = parseAgentInfo("<html>not json</html>");
    QVERIFY(!garbage);
    QCOMPARE(garbage.error().code, u"agent.bad_response"_s);
    const auto partial = parseAgentInfo(R"({"hostname":"x"})");
    QVERIFY(!partial);
    QVERIFY2(partial.error().message.contains(u"cores"_s), qPrintable(partial.error().message));
    const Error bare = parseAgentError(502, "bad gateway");
    QCOMPARE(bare.code, u"agent.http_502"_s);
}

void TestAgentClient::readsRealHostFactsFromARealAgent()
{
    test::TestAgent agent({}, u"s3cret-token"_s);
    const quint16 port = agent.waitForPort();
    QVERIFY(port != 0);
    QNetworkAccessManager network;
    HttpAgentClient client(&network, QUrl(u"http://127.0.0.1:%1"_s.arg(port)), agent.token());
    const auto facts = await<NodeFacts>([&client](QObject *context, auto done) {
        client.fetchInfo(context, std::move(done));
    });
    QVERIFY2(facts.has_value(), facts ? "" : qPrintable(facts.error().message));
    QCOMPARE(facts->hostname, QSysInfo::machineHostName());
    QCOMPARE(facts->kernel, QSysInfo::kernelVersion());
    QCOMPARE(facts->cores, QThread::idealThreadCount());
    QVERIFY(facts->memoryBytes > 512LL * 1024 * 1024);
    QVERIFY(facts->diskBytes > 0);
    QCOMPARE(facts->agentVersion, QStringLiteral(RUNE_VERSION));
}

void TestAgentClient::wrongTokenIsRefusedInWords()
{
    test::TestAgent agent({}, u"right-token"_s);
    const quint16 port = agent.waitForPort();
    QVERIFY(port != 0);
    QNetworkAccessManager network;
    HttpAgentClient client(&network, QUrl(u"http://127.0.0.1:%1"_s.arg(port)), u"wrong-token"_s);
    const auto facts = await<NodeFacts>([&client](QObject *context, auto done) {
        client.fetchInfo(context, std::move(done));
    });
    QVERIFY(!facts);
    QCOMPARE(facts.error().code, u"agent.unauthorized"_s);
    QVERIFY(!facts.error().message.isEmpty());
}

void TestAgentClient::unreachableAgentIsReported()
{
    QNetworkAccessManager network;
    const quint16 port = test::closedPort();
    HttpAgentClient client(&network, QUrl(u"http://127.0.0.1:%1"_s.arg(port)), {});
    const auto health = await<AgentHealth>([&client](QObject *context, auto done) {
        client.fetchHealth(context, std::move(done));
    });
    QVERIFY(!health);
    QCOMPARE(health.error().code, u"agent.unreachable"_s);
    QVERIFY2(health.error().message.contains(QString::number(port)), qPrintable(health.error().message));
}

RUNE_TEST_GUILESS_MAIN(TestAgentClient)
#include "tst_agentclient.moc"
