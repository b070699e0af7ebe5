// SPDX-License-Identifier: GPL-3.0-or-later
// A caller's credentials never reach a function: the Authorization header (on the control API it
// is the agent's own token, which the console sends) and Proxy-Authorization (hop-by-hop) are
// dropped on both call paths, whatever the function's auth. Cookies are the function's business.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestInvokeSecrets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void controlApiInvokeHidesTheControlToken();
    void invokePortHidesCredentials_data();
    void invokePortHidesCredentials();
    void execSeesNoAuthorizationEither();

private:
    std::unique_ptr<TestAgent> m_agent;
};

namespace
{

const QString controlToken = QStringLiteral("control-secret-4711");

// Answers with every header it received, names in lower case.
const QString echoSource = QStringLiteral("def handle(event, context):\n"
                                          "    return event['headers']\n");

void verifyNoSecrets(const HttpReply &reply)
{
    QCOMPARE(reply.status, 200);
    const json headers = jsonOf(reply);
    QVERIFY2(headers.is_object(), reply.body.constData());
    QVERIFY2(!headers.contains("authorization"), reply.body.constData());
    QVERIFY2(!headers.contains("proxy-authorization"), reply.body.constData());
    QVERIFY2(!reply.body.contains(controlToken.toUtf8()), reply.body.constData());
    QVERIFY2(!reply.body.contains("proxy-secret"), reply.body.constData());
    QCOMPARE(textOf(headers["cookie"]), QStringLiteral("session=abc")); // the function's own business
    QCOMPARE(textOf(headers["x-other"]), QStringLiteral("kept"));
}

} // namespace

void TestInvokeSecrets::initTestCase()
{
    m_agent = std::make_unique<TestAgent>(QStringList {}, controlToken);
    QVERIFY(m_agent->waitForPort() != 0);
    QCOMPARE(deployPython(*m_agent, QStringLiteral("echo"), echoSource).status, 201);
    QCOMPARE(deployPython(
                 *m_agent, QStringLiteral("guarded"), echoSource, {{QStringLiteral("auth"), QStringLiteral("token")}})
                 .status,
        201);
}

void TestInvokeSecrets::controlApiInvokeHidesTheControlToken()
{
    HttpConnection connection(m_agent->port());
    const auto reply = connection.request("POST",
        "/v1/functions/echo/invoke",
        {"Authorization: Bearer " + controlToken.toUtf8(),
            "Proxy-Authorization: Basic proxy-secret",
            "Cookie: session=abc",
            "X-Other: kept"},
        "x");
    verifyNoSecrets(reply);
}

void TestInvokeSecrets::invokePortHidesCredentials_data()
{
    QTest::addColumn<QByteArray>("function");
    QTest::addColumn<QByteArray>("authorization");
    QTest::newRow("public function, some token") << QByteArray("echo") << QByteArray("Bearer someone-elses-token");
    QTest::newRow("public function, the control token") << QByteArray("echo") << "Bearer " + controlToken.toUtf8();
    QTest::newRow("token function, the right token") << QByteArray("guarded") << "Bearer " + controlToken.toUtf8();
}

void TestInvokeSecrets::invokePortHidesCredentials()
{
    QFETCH(QByteArray, function);
    QFETCH(QByteArray, authorization);
    const auto reply = callFunction(m_agent->invokePort(),
        "POST",
        "/function/" + function,
        "x",
        {"Authorization: " + authorization,
            "Proxy-Authorization: Basic proxy-secret",
            "Cookie: session=abc",
            "X-Other: kept"});
    verifyNoSecrets(reply);
}

void TestInvokeSecrets::execSeesNoAuthorizationEither()
{
    const auto archive =
        archiveWith(QStringLiteral("run"), QStringLiteral("#!/bin/sh\nenv | grep '^Http_' | sort\n"), 0755);
    QCOMPARE(
        deployFunction(m_agent->port(),
            m_agent->token(),
            QStringLiteral("envecho"),
            archive,
            {{QStringLiteral("runtime"), QStringLiteral("exec")}, {QStringLiteral("handler"), QStringLiteral("run")}})
            .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(),
        "GET",
        "/function/envecho",
        {},
        {"Authorization: Bearer " + controlToken.toUtf8(), "Proxy-Authorization: Basic proxy-secret", "X-Other: kept"});
    QCOMPARE(reply.status, 200);
    QVERIFY2(reply.body.contains("Http_X_Other=kept"), reply.body.constData());
    QVERIFY2(!reply.body.contains(controlToken.toUtf8()), reply.body.constData());
    QVERIFY2(!reply.body.contains("proxy-secret"), reply.body.constData());
}

RUNE_TEST_GUILESS_MAIN(TestInvokeSecrets)
#include "tst_invokesecrets.moc"
