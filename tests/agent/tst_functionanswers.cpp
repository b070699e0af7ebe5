// SPDX-License-Identifier: GPL-3.0-or-later
// What a function answers goes through one strict decoder on the real agent, for python3, node
// and exec alike: a malformed answer is a 502 naming the field at once (not a 504 after the
// timeout), a header cannot split the response, and memory exhaustion is 502 out_of_memory.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestFunctionAnswers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void forgedResultsAre502AtOnce_data();
    void forgedResultsAre502AtOnce();
    void invalidHttpIs502NamingIt_data();
    void invalidHttpIs502NamingIt();
    void noContentHasNoBodyAndKeepsTheConnection();
    void framingHeadersFromAFunctionAreDropped();
    void pythonMemoryErrorIsOutOfMemory_data();
    void pythonMemoryErrorIsOutOfMemory();
    void nodeAllocationFailureIsOutOfMemory();
    void nodeHeaderInjectionIs502();
    void execCgiHeadersAreChecked_data();
    void execCgiHeadersAreChecked();

private:
    std::unique_ptr<TestAgent> m_agent;
};

namespace
{

// Writes a result message of its own to the agent's socket (fd 3), as a hostile function can.
const QString forgerSource =
    QStringLiteral("import json, os, struct, time\n"
                   "def handle(event, context):\n"
                   "    kind = event['body']\n"
                   "    if kind == 'fine':\n"
                   "        return 'fine'\n"
                   "    header = {'type': 'result', 'id': context.request_id, 'status': 200, 'headers': []}\n"
                   "    if kind == 'status-text': header['status'] = '200'\n"
                   "    if kind == 'headers-object': header['headers'] = {'a': 'b'}\n"
                   "    if kind == 'header-number': header['headers'] = [['a', 1]]\n"
                   "    if kind == 'type-number': header['type'] = 5\n"
                   "    if kind == 'no-status': del header['status']\n"
                   "    if kind == 'array': header = [1, 2]\n"
                   "    head = json.dumps(header).encode()\n"
                   "    os.write(3, struct.pack('>I', len(head)) + head + struct.pack('>I', 0))\n"
                   "    time.sleep(60)\n");

const QString answersSource = QStringLiteral(
    "def handle(event, context):\n"
    "    kind = event['body']\n"
    "    if kind == 'crlf': return ('x', 200, {'X-Evil': 'a\\r\\nSet-Cookie: pwned=1'})\n"
    "    if kind == 'lf': return ('x', 200, {'X-Evil': 'a\\nSet-Cookie: pwned=1'})\n"
    "    if kind == 'nul': return ('x', 200, {'X-Nul': 'a\\x00b'})\n"
    "    if kind == 'badname': return ('x', 200, {'Bad Name': 'x'})\n"
    "    if kind == 'crlf-name': return ('x', 200, {'X-A\\r\\nSet-Cookie': 'x'})\n"
    "    if kind == '150': return ('x', 150)\n"
    "    if kind == '600': return ('x', 600)\n"
    "    if kind == '99': return ('x', 99)\n"
    "    if kind == '204': return ('must not be sent', 204)\n"
    "    if kind == '304': return ('must not be sent', 304)\n"
    "    if kind == 'framing': return ('hello', 200, {'Content-Length': '1', 'Transfer-Encoding': 'chunked',\n"
    "                                                'Connection': 'close', 'X-Kept': 'yes'})\n"
    "    if kind == 'grow': return bytearray(8 * 1024 ** 3)\n"
    "    if kind == 'raise': raise MemoryError()\n"
    "    return 'ok'\n");

QJsonObject python(int timeoutSeconds = 20)
{
    return {{QStringLiteral("timeout_seconds"), timeoutSeconds}, {QStringLiteral("max_replicas"), 1}};
}

} // namespace

void TestFunctionAnswers::initTestCase()
{
    m_agent = std::make_unique<TestAgent>(QStringList {}, QStringLiteral("answers-token"));
    QVERIFY(m_agent->waitForPort() != 0);
    QCOMPARE(deployPython(*m_agent, QStringLiteral("forger"), forgerSource, python()).status, 201);
    QCOMPARE(deployPython(*m_agent, QStringLiteral("answers"), answersSource, python()).status, 201);
}

void TestFunctionAnswers::forgedResultsAre502AtOnce_data()
{
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<QString>("named");
    QTest::newRow("status as text") << QByteArray("status-text") << "\"status\"";
    QTest::newRow("status missing") << QByteArray("no-status") << "\"status\"";
    QTest::newRow("headers as object") << QByteArray("headers-object") << "\"headers\"";
    QTest::newRow("header value a number") << QByteArray("header-number") << "\"headers\"[0]";
    QTest::newRow("type a number") << QByteArray("type-number") << "untyped message";
    QTest::newRow("header not an object") << QByteArray("array") << "not a JSON object";
}

void TestFunctionAnswers::forgedResultsAre502AtOnce()
{
    QFETCH(QByteArray, kind);
    QFETCH(QString, named);
    // The function's timeout is 20 s and the client waits 15 s: a 504 would show as no answer.
    const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/forger", kind, {}, 15000);
    QCOMPARE(reply.status, 502);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("protocol_error"));
    QVERIFY2(errorMessageOf(reply).contains(named), qPrintable(errorMessageOf(reply)));
    // The worker that broke the protocol is replaced; the function keeps serving.
    const auto next = callFunction(m_agent->invokePort(), "POST", "/function/forger", "fine");
    QCOMPARE(next.status, 200);
    QCOMPARE(next.body, QByteArray("fine"));
}

void TestFunctionAnswers::invalidHttpIs502NamingIt_data()
{
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<QString>("named");
    QTest::newRow("CRLF in a value") << QByteArray("crlf") << "'X-Evil'";
    QTest::newRow("LF in a value") << QByteArray("lf") << "'X-Evil'";
    QTest::newRow("NUL in a value") << QByteArray("nul") << "'X-Nul'";
    QTest::newRow("space in a name") << QByteArray("badname") << "'Bad Name'";
    QTest::newRow("CRLF in a name") << QByteArray("crlf-name") << "not an HTTP token";
    QTest::newRow("status 150") << QByteArray("150") << "150";
    QTest::newRow("status 600") << QByteArray("600") << "600";
    QTest::newRow("status 99") << QByteArray("99") << "99";
}

void TestFunctionAnswers::invalidHttpIs502NamingIt()
{
    QFETCH(QByteArray, kind);
    QFETCH(QString, named);
    const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/answers", kind);
    QCOMPARE(reply.status, 502);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("bad_response"));
    QVERIFY2(errorMessageOf(reply).contains(named), qPrintable(errorMessageOf(reply)));
    QVERIFY(!reply.headers.contains("set-cookie")); // the response was not split
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/answers", "plain").status, 200);
}

void TestFunctionAnswers::noContentHasNoBodyAndKeepsTheConnection()
{
    for (const QByteArray &kind : {QByteArray("204"), QByteArray("304")}) {
        HttpConnection connection(m_agent->invokePort());
        const auto empty = connection.request("POST", "/function/answers", {}, kind);
        QCOMPARE(empty.status, kind.toInt());
        QVERIFY2(empty.body.isEmpty(), empty.body.constData());
        // Were the body sent anyway, it would be read as the start of the next response.
        const auto next = connection.request("POST", "/function/answers", {}, "plain");
        QCOMPARE(next.status, 200);
        QCOMPARE(next.body, QByteArray("ok"));
    }
}

void TestFunctionAnswers::framingHeadersFromAFunctionAreDropped()
{
    HttpConnection connection(m_agent->invokePort());
    const auto reply = connection.request("POST", "/function/answers", {}, "framing");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("hello"));
    QCOMPARE(reply.header("x-kept"), QByteArray("yes"));
    QVERIFY(reply.header("connection") != QByteArray("close"));
    QCOMPARE(connection.request("POST", "/function/answers", {}, "plain").status, 200);
}

void TestFunctionAnswers::pythonMemoryErrorIsOutOfMemory_data()
{
    QTest::addColumn<QByteArray>("kind");
    QTest::newRow("allocation past the limit") << QByteArray("grow");
    QTest::newRow("MemoryError raised") << QByteArray("raise");
}

void TestFunctionAnswers::pythonMemoryErrorIsOutOfMemory()
{
    QFETCH(QByteArray, kind);
    const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/answers", kind);
    QCOMPARE(reply.status, 502);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("out_of_memory"));
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/answers", "plain").status, 200);
}

void TestFunctionAnswers::nodeAllocationFailureIsOutOfMemory()
{
    const auto archive = archiveWith(QStringLiteral("index.js"),
        QStringLiteral("exports.handle = async (event) => {\n"
                       "  if (event.body === 'grow') return Buffer.from(new ArrayBuffer(64 * 1024 ** 3));\n"
                       "  return 'ok';\n"
                       "};\n"));
    QCOMPARE(deployFunction(m_agent->port(),
                 m_agent->token(),
                 QStringLiteral("nodegrow"),
                 archive,
                 {{QStringLiteral("runtime"), QStringLiteral("node")},
                     {QStringLiteral("handler"), QStringLiteral("index.handle")},
                     {QStringLiteral("memory_mib"), 128}})
                 .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/nodegrow", "grow");
    QCOMPARE(reply.status, 502);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("out_of_memory"));
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/nodegrow", "plain").status, 200);
}

void TestFunctionAnswers::nodeHeaderInjectionIs502()
{
    const auto archive = archiveWith(QStringLiteral("index.js"),
        QStringLiteral("exports.handle = async (event, context) =>\n"
                       "  context.response('x', 200, {'X-Evil': 'a\\r\\nSet-Cookie: pwned=1'});\n"));
    QCOMPARE(deployFunction(m_agent->port(),
                 m_agent->token(),
                 QStringLiteral("nodeevil"),
                 archive,
                 {{QStringLiteral("runtime"), QStringLiteral("node")},
                     {QStringLiteral("handler"), QStringLiteral("index.handle")}})
                 .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/nodeevil");
    QCOMPARE(reply.status, 502);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("bad_response"));
    QVERIFY(!reply.headers.contains("set-cookie"));
}

void TestFunctionAnswers::execCgiHeadersAreChecked_data()
{
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expected"); // the body, or what the error message names
    QTest::newRow("status word") << QByteArray("word") << 502 << "does not start with a three-digit status";
    QTest::newRow("CR inside a value") << QByteArray("cr") << 502 << "'X-A'";
    QTest::newRow("status 204") << QByteArray("nocontent") << 204 << "";
    QTest::newRow("fine") << QByteArray("fine") << 201 << "made";
}

void TestFunctionAnswers::execCgiHeadersAreChecked()
{
    QFETCH(QByteArray, kind);
    QFETCH(int, status);
    QFETCH(QString, expected);
    static bool deployed = false;
    if (!deployed) {
        const auto archive = archiveWith(QStringLiteral("run"),
            QStringLiteral("#!/bin/sh\n"
                           "kind=$(cat)\n"
                           "case \"$kind\" in\n"
                           "word) printf 'Status: abc\\n\\nx' ;;\n"
                           "cr) printf 'Content-Type: text/plain\\nX-A: a\\rb\\n\\nx' ;;\n"
                           "nocontent) printf 'Status: 204\\nContent-Type: text/plain\\n\\nnot sent' ;;\n"
                           "*) printf 'Status: 201 Created\\nContent-Type: text/plain\\n\\nmade' ;;\n"
                           "esac\n"),
            0755);
        QCOMPARE(deployFunction(m_agent->port(),
                     m_agent->token(),
                     QStringLiteral("cgicheck"),
                     archive,
                     {{QStringLiteral("runtime"), QStringLiteral("exec")},
                         {QStringLiteral("handler"), QStringLiteral("run")}})
                     .status,
            201);
        deployed = true;
    }
    const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/cgicheck", kind);
    QCOMPARE(reply.status, status);
    if (status == 502) {
        QCOMPARE(errorCodeOf(reply), QStringLiteral("bad_response"));
        QVERIFY2(errorMessageOf(reply).contains(expected), qPrintable(errorMessageOf(reply)));
    } else {
        QCOMPARE(QString::fromUtf8(reply.body), expected);
    }
}

RUNE_TEST_GUILESS_MAIN(TestFunctionAnswers)
#include "tst_functionanswers.moc"
