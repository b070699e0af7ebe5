// SPDX-License-Identifier: GPL-3.0-or-later
// The agent's HTTP framing as clients see it on the wire: request bodies it refuses to guess at
// (no smuggling), limits on every part of a request, HEAD and 1xx/204/304 without a body, HTTP/1.0
// clients, names that are not UTF-8; and a keep-alive connection read by Python's http.client.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QProcess>
#include <QTest>

using namespace rune::test;

namespace
{

const QString frameToken = QStringLiteral("frame-token");
const QByteArray frameBearer = "Authorization: Bearer frame-token";

QString writeConfig(const QTemporaryDir &dir, const QByteArray &content)
{
    QFile file(dir.filePath(QStringLiteral("agent.conf")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write the config");
    file.write(content);
    return file.fileName();
}

} // namespace

class TestHttpFraming final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void ambiguousFramingIsRefused_data();
    void ambiguousFramingIsRefused();
    void everyPartOfARequestIsLimited_data();
    void everyPartOfARequestIsLimited();
    void trailersNeverReachAFunction();
    void headAnswersCarryNoBody();
    void headNeedsTheTokenGetNeeds();
    void bodilessStatusesCarryNoBody();
    void http10GetsUnchunkedStreams();
    void http10KeepsAliveOnlyWhenAsked();
    void invalidUtf8IsBadRequest_data();
    void invalidUtf8IsBadRequest();
    void pythonClientReadsEveryAnswer();

private:
    QTemporaryDir m_scratch;
    std::unique_ptr<TestAgent> m_agent;
};

void TestHttpFraming::initTestCase()
{
    // A small body limit, so limits are reached with small requests.
    const QString config = writeConfig(m_scratch, "max_body_bytes = 4096\n");
    m_agent = std::make_unique<TestAgent>(QStringList {QStringLiteral("--config"), config}, frameToken);
    QVERIFY(m_agent->waitForPort());
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("headers"),
                 QStringLiteral("def handle(event, context):\n    return event['headers']\n"))
                 .status,
        201);
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("status"),
                 QStringLiteral("def handle(event, context):\n"
                                "    return ('a body that must not be sent', int(event['query'].split('=')[1]))\n"))
                 .status,
        201);
}

void TestHttpFraming::cleanupTestCase()
{
    m_agent.reset();
}

void TestHttpFraming::ambiguousFramingIsRefused_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QByteArray put = "PUT /v1/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n" + frameBearer + "\r\n";
    const auto badRequest = QStringLiteral("bad_request");
    QTest::newRow("gzip") << put + "Transfer-Encoding: gzip\r\n" << 400 << badRequest;
    QTest::newRow("identity") << put + "Transfer-Encoding: identity\r\n" << 400 << badRequest;
    QTest::newRow("chunked, identity") << put + "Transfer-Encoding: chunked, identity\r\n" << 400 << badRequest;
    QTest::newRow("gzip, chunked") << put + "Transfer-Encoding: gzip, chunked\r\n"
                                   << 501 << QStringLiteral("not_implemented");
    QTest::newRow("chunked on HTTP/1.0") << QByteArray(
        "PUT /v1/cluster HTTP/1.0\r\n" + frameBearer + "\r\nTransfer-Encoding: chunked\r\n")
                                         << 400 << badRequest;
    QTest::newRow("chunked with Content-Length") << put + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"
                                                 << 400 << badRequest;
    QTest::newRow("Content-Length list") << put + "Content-Length: 5, 6\r\n" << 400 << badRequest;
    QTest::newRow("two Content-Lengths") << put + "Content-Length: 5\r\nContent-Length: 5\r\n" << 400 << badRequest;
    QTest::newRow("negative Content-Length") << put + "Content-Length: -1\r\n" << 400 << badRequest;
}

void TestHttpFraming::ambiguousFramingIsRefused()
{
    QFETCH(QByteArray, head);
    QFETCH(int, status);
    QFETCH(QString, code);
    // Read as "no body", what follows would run as a request of its own.
    const QByteArray smuggled = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    HttpConnection connection(m_agent->port());
    const HttpReply reply = connection.sendRaw(head + "\r\n" + smuggled);
    QCOMPARE(reply.status, status);
    QCOMPARE(errorCodeOf(reply), code);
    QCOMPARE(reply.header("connection"), QByteArray("close"));
    QVERIFY(connection.waitForClose());
    QCOMPARE(connection.leftover(), QByteArray()); // the smuggled request got no answer
}

void TestHttpFraming::everyPartOfARequestIsLimited_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QByteArray put = "PUT /v1/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n" + frameBearer + "\r\n";
    const QByteArray chunked = put + "Transfer-Encoding: chunked\r\n\r\n";
    QByteArray fields;
    for (int index = 0; index < 100; ++index)
        fields += "X-Field-" + QByteArray::number(index) + ": v\r\n";
    QTest::newRow("100 fields more") << put + fields + "\r\n" << 431 << QStringLiteral("header_too_large");
    QTest::newRow("17 KiB header") << put + "X-Big: " + QByteArray(17 * 1024, 'h') + "\r\n\r\n"
                                   << 431 << QStringLiteral("header_too_large");
    QTest::newRow("17 KiB target") << "GET /v1/health?" + QByteArray(17 * 1024, 'q') + " HTTP/1.1\r\n\r\n"
                                   << 414 << QStringLiteral("uri_too_long");
    QTest::newRow("100 trailers") << chunked + "0\r\n" + fields + "\r\n" << 431 << QStringLiteral("header_too_large");
    QTest::newRow("17 KiB trailer") << chunked + "0\r\nX-Big: " + QByteArray(17 * 1024, 't') + "\r\n\r\n"
                                    << 431 << QStringLiteral("header_too_large");
    // The body limit is 4096 bytes: chunk extensions count against it.
    QTest::newRow("3 KiB of extensions twice")
        << chunked + QByteArray("1;" + QByteArray(3 * 1024, 'e') + "\r\nx\r\n").repeated(2) + "0\r\n\r\n"
        << 413 << QStringLiteral("payload_too_large");
    QTest::newRow("5 KiB chunked") << chunked + "1400\r\n" + QByteArray(5 * 1024, 'b') + "\r\n0\r\n\r\n"
                                   << 413 << QStringLiteral("payload_too_large");
}

void TestHttpFraming::everyPartOfARequestIsLimited()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, code);
    HttpConnection connection(m_agent->port());
    const HttpReply reply = connection.sendRaw(request);
    QCOMPARE(reply.status, status);
    QCOMPARE(errorCodeOf(reply), code);
    QVERIFY(connection.waitForClose());
    // Within the limits the same shapes are served: the agent still answers.
    QCOMPARE(httpRequest(m_agent->port(), "GET", "/v1/health").status, 200);
}

void TestHttpFraming::trailersNeverReachAFunction()
{
    HttpConnection connection(m_agent->invokePort());
    const HttpReply reply = connection.sendRaw("POST /function/headers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                               "Transfer-Encoding: chunked\r\nTrailer: X-Trailer-Secret\r\n\r\n"
                                               "4;note=1\r\nbody\r\n0\r\nX-Trailer-Secret: leaked\r\n\r\n",
        15000);
    QCOMPARE(reply.status, 200);
    const auto headers = jsonOf(reply);
    QVERIFY2(headers.is_object(), reply.body.constData());
    QVERIFY2(!headers.contains("x-trailer-secret"), reply.body.constData());
    QVERIFY2(!headers.contains("transfer-encoding"), reply.body.constData());
    QCOMPARE(textOf(headers.value("content-length", nlohmann::json())), QStringLiteral("4"));
}

void TestHttpFraming::headAnswersCarryNoBody()
{
    // One keep-alive connection: a body after any HEAD answer would be read as the next status line.
    HttpConnection connection(m_agent->port());
    const HttpReply head = connection.request("HEAD", "/v1/health");
    QCOMPARE(head.status, 200);
    QVERIFY(head.header("content-length").toInt() > 0); // the length a GET would have
    const HttpReply unknown = connection.request("HEAD", "/v1/nothing-here", {frameBearer});
    QCOMPARE(unknown.status, 404);
    const HttpReply stream = connection.request("HEAD", "/v1/events?follow=1", {frameBearer});
    QCOMPARE(stream.status, 200);
    const HttpReply get = connection.request("GET", "/v1/health");
    QCOMPARE(get.status, 200);
    QCOMPARE(jsonOf(get).value("status", ""), "ok");
    QCOMPARE(connection.leftover(), QByteArray());

    HttpConnection invoke(m_agent->invokePort());
    const HttpReply function = invoke.request("HEAD", "/function/headers");
    QCOMPARE(function.status, 200);
    QVERIFY(function.header("content-length").toInt() > 0);
    QCOMPARE(invoke.request("HEAD", "/healthz").status, 200);
    QCOMPARE(invoke.request("GET", "/healthz").status, 200);
    QCOMPARE(invoke.leftover(), QByteArray());
}

void TestHttpFraming::headNeedsTheTokenGetNeeds()
{
    HttpConnection connection(m_agent->port());
    const HttpReply anonymous = connection.request("HEAD", "/v1/info");
    QCOMPARE(anonymous.status, 401);
    QCOMPARE(connection.request("HEAD", "/v1/functions").status, 401);
    QCOMPARE(connection.request("HEAD", "/v1/info", {frameBearer}).status, 200);
    // Where GET is allowed, so is HEAD, and 405 says so.
    const HttpReply wrong = connection.request("POST", "/v1/info", {frameBearer});
    QCOMPARE(wrong.status, 405);
    QCOMPARE(wrong.header("allow"), QByteArray("GET, HEAD"));
    QCOMPARE(connection.request("GET", "/v1/health").status, 200);
}

void TestHttpFraming::bodilessStatusesCarryNoBody()
{
    HttpConnection connection(m_agent->invokePort());
    for (int round = 0; round < 2; ++round) {
        const HttpReply noContent = connection.request("GET", "/function/status?s=204");
        QCOMPARE(noContent.status, 204);
        QVERIFY(!noContent.headers.contains("content-length"));
        QVERIFY(!noContent.headers.contains("transfer-encoding"));
        const HttpReply notModified = connection.request("GET", "/function/status?s=304");
        QCOMPARE(notModified.status, 304);
        // A function cannot end an exchange with an interim answer.
        const HttpReply interim = connection.request("GET", "/function/status?s=103");
        QVERIFY2(interim.status >= 500, QByteArray::number(interim.status).constData());
        const HttpReply health = connection.request("GET", "/healthz");
        QCOMPARE(health.status, 200);
        QCOMPARE(jsonOf(health).value("status", ""), "ok");
    }
    QCOMPARE(connection.leftover(), QByteArray());
}

void TestHttpFraming::http10GetsUnchunkedStreams()
{
    HttpConnection connection(m_agent->port());
    connection.socket().write(
        "GET /v1/events?follow=1 HTTP/1.0\r\nConnection: keep-alive\r\n" + frameBearer + "\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT(
        (received += connection.socket().readAll(), received.contains("\r\n\r\n") && received.contains("}\n")), 10000);
    const QByteArray head = received.left(received.indexOf("\r\n\r\n")).toLower();
    QVERIFY2(head.startsWith("http/1.1 200"), head.constData());
    QVERIFY2(!head.contains("transfer-encoding"), head.constData());
    QVERIFY2(!head.contains("content-length"), head.constData());
    QVERIFY2(head.contains("connection: close"), head.constData()); // the end of the body is the close
    // The events themselves, one JSON object a line, with no chunk sizes between them.
    const QByteArray body = received.mid(received.indexOf("\r\n\r\n") + 4);
    QVERIFY2(body.startsWith("{"), body.constData());
    const QList<QByteArray> lines = body.left(body.lastIndexOf('\n')).split('\n');
    for (const QByteArray &line : lines)
        QVERIFY2(line.isEmpty() || nlohmann::json::accept(line.toStdString()), line.constData());
}

void TestHttpFraming::http10KeepsAliveOnlyWhenAsked()
{
    HttpConnection plain(m_agent->port());
    const HttpReply once = plain.sendRaw("GET /v1/health HTTP/1.0\r\n\r\n");
    QCOMPARE(once.status, 200);
    QCOMPARE(once.header("connection"), QByteArray("close"));
    QVERIFY(plain.waitForClose());

    HttpConnection kept(m_agent->port());
    for (int round = 0; round < 3; ++round) {
        const HttpReply reply = kept.sendRaw("GET /v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("connection"), QByteArray("keep-alive"));
    }
    QVERIFY(kept.isConnected());
}

void TestHttpFraming::invalidUtf8IsBadRequest_data()
{
    QTest::addColumn<bool>("invokePort");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("invalid byte in a deploy") << false << QByteArray("PUT") << QByteArray("/v1/functions/%ff");
    QTest::newRow("stray continuation") << false << QByteArray("GET") << QByteArray("/v1/functions/a%80");
    QTest::newRow("overlong") << false << QByteArray("GET") << QByteArray("/v1/functions/%C0%AF");
    QTest::newRow("surrogate") << false << QByteArray("DELETE") << QByteArray("/v1/functions/%ED%A0%80");
    QTest::newRow("above U+10FFFF") << false << QByteArray("GET") << QByteArray("/v1/functions/%F4%90%80%80");
    QTest::newRow("truncated") << false << QByteArray("GET") << QByteArray("/v1/functions/x%E2%82");
    QTest::newRow("query value") << false << QByteArray("GET") << QByteArray("/v1/logs?function=%C0%AF");
    QTest::newRow("query name") << false << QByteArray("GET") << QByteArray("/v1/events?%ff=1");
    QTest::newRow("unknown path") << false << QByteArray("GET") << QByteArray("/v1/%ff");
    QTest::newRow("function name") << true << QByteArray("POST") << QByteArray("/function/%ff");
    QTest::newRow("function path") << true << QByteArray("GET") << QByteArray("/function/headers/%ED%A0%80");
    QTest::newRow("function query") << true << QByteArray("GET") << QByteArray("/function/headers?q=%F5");
}

void TestHttpFraming::invalidUtf8IsBadRequest()
{
    QFETCH(bool, invokePort);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    HttpConnection connection(invokePort ? m_agent->invokePort() : m_agent->port());
    const HttpReply reply = connection.request(method, target, {frameBearer});
    QCOMPARE(reply.status, 400);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("bad_request"));
    QVERIFY2(errorMessageOf(reply).contains(QStringLiteral("UTF-8")), qPrintable(errorMessageOf(reply)));
    // A bad name is an answer, not a broken connection.
    QCOMPARE(connection.request("GET", invokePort ? "/healthz" : "/v1/health").status, 200);
}

void TestHttpFraming::pythonClientReadsEveryAnswer()
{
    // http.client reads each answer by its own framing rules; a stray body or a missing length
    // shows up as a wrong status or a BadStatusLine on the answer after it.
    const QString script = QStringLiteral(R"(
import http.client, json, sys
control, invoke, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
auth = {"Authorization": "Bearer " + token}
seen = []
def call(connection, method, path, body=None, headers={}, chunked=False):
    connection.request(method, path, body=body, headers=headers, encode_chunked=chunked)
    response = connection.getresponse()
    data = response.read()
    seen.append((method, path, response.status, len(data), response.getheader("Content-Length")))
    return response, data
c = http.client.HTTPConnection("127.0.0.1", control, timeout=10)
call(c, "HEAD", "/v1/health")
call(c, "HEAD", "/v1/info", headers=auth)
_, body = call(c, "GET", "/v1/health")
assert json.loads(body)["status"] == "ok", body
r, _ = call(c, "PUT", "/v1/cluster", body=iter([b'{"nodes":', b'[]}']), headers=auth, chunked=True)
assert r.status == 409, r.status
i = http.client.HTTPConnection("127.0.0.1", invoke, timeout=30)
r, body = call(i, "GET", "/function/status?s=204")
assert r.status == 204 and body == b"" and r.getheader("Content-Length") is None, seen
call(i, "HEAD", "/function/headers")
r, body = call(i, "POST", "/function/headers", body=iter([b"ab", b"cd"]), chunked=True)
assert r.status == 200 and json.loads(body)["content-length"] == "4", body
r, body = call(i, "GET", "/healthz")
assert r.status == 200 and json.loads(body)["status"] == "ok", body
expected = [200, 200, 200, 409, 204, 200, 200, 200]
assert [s[2] for s in seen] == expected, seen
assert all(s[3] == 0 for s in seen if s[0] == "HEAD"), seen
print("ok", len(seen))
)");
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
        {QStringLiteral("-c"),
            script,
            QString::number(m_agent->port()),
            QString::number(m_agent->invokePort()),
            frameToken});
    QVERIFY(python.waitForFinished(60000));
    const QByteArray errors = python.readAllStandardError();
    QVERIFY2(python.exitCode() == 0, errors.constData());
    QCOMPARE(python.readAllStandardOutput().trimmed(), QByteArray("ok 8"));
}

RUNE_TEST_GUILESS_MAIN(TestHttpFraming)
#include "tst_httpframing.moc"
