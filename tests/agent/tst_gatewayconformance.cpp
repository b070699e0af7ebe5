// SPDX-License-Identifier: GPL-3.0-or-later
// The controller's gateway against nodes that answer to the letter of RFC 9110/9112 and past it:
// a real compute agent, and a Python node (gatewaynode.py) that sends interim 1xx answers,
// HEAD/204/304 answers, chunked bodies with trailers and broken framings as exact bytes. Every
// answer is read by clients from outside the project (Python's http.client, curl), several calls
// one after another on one kept-alive connection, so an answer with a wrong length, or a node's
// answer handed to the wrong caller, shows up as a wrong body or a parse error.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

using namespace rune::test;

class TestGatewayConformance final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void interimAnswersAreNotTheAnswer();
    void answersWithoutABody();
    void chunkedAnswersArriveWhole();
    void hopByHopFieldsStayOnTheirHop();
    void brokenFramingIsA502_data();
    void brokenFramingIsA502();
    void strayAnswersReachNobody();
    void aCallTheNodeReceivedIsNotReplayed();
    void curlPostsALargeBodyThenOthersGetTheirOwnAnswers();
    void headBetweenCallsToARealNode();
    void cleanupTestCase();

private:
    QJsonArray call(const QJsonArray &requests);
    QJsonObject nodeStats();

    std::unique_ptr<TestAgent> m_controller;
    std::unique_ptr<TestAgent> m_compute;
    QString m_python;
    QProcess m_node;
    quint16 m_nodePort = 0;
};

namespace
{

const QString bigHandler = QStringLiteral("def handle(event, context):\n"
                                          "    body = event['body']\n"
                                          "    return str(len(body)) + ':' + body[:8]\n");

QJsonObject request(
    const QString &method, const QString &path, const QJsonArray &headers = {}, const QString &body = QString())
{
    QJsonObject object {
        {QStringLiteral("method"), method}, {QStringLiteral("path"), path}, {QStringLiteral("headers"), headers}};
    if (!body.isNull())
        object.insert(QStringLiteral("body"), body);
    return object;
}

QJsonArray header(const QString &name, const QString &value)
{
    return QJsonArray {name, value};
}

/** The value of @p name in an answer's [[name, value], ...] list; null when it is not there. */
QString headerOf(const QJsonObject &answer, const QString &name)
{
    for (const auto entry : answer.value(QStringLiteral("headers")).toArray()) {
        if (entry.toArray().at(0).toString().compare(name, Qt::CaseInsensitive) == 0)
            return entry.toArray().at(1).toString();
    }
    return {};
}

QString describe(const QJsonObject &answer)
{
    return QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Compact));
}

QString sourceFile(const char *name)
{
    return QStringLiteral(RUNE_SOURCE_DIR "/tests/agent/") + QString::fromLatin1(name);
}

} // namespace

void TestGatewayConformance::initTestCase()
{
    // Once, not per client run: a python3 on PATH may be a launcher (pyenv) that costs a second.
    QProcess interpreter;
    interpreter.start(
        QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import sys; print(sys.executable)")});
    QVERIFY2(
        interpreter.waitForFinished(30000) && interpreter.exitCode() == 0, "python3 is needed for the test's node");
    m_python = QString::fromUtf8(interpreter.readAllStandardOutput().trimmed());
    m_node.setProgram(m_python);
    m_node.setArguments({QStringLiteral("-u"), sourceFile("gatewaynode.py")});
    m_node.start();
    QVERIFY2(m_node.waitForStarted(), "python3 is needed for the test's node");
    while (!m_node.canReadLine() && m_node.waitForReadyRead(10000)) { }
    const QByteArray line = m_node.readLine().trimmed();
    QVERIFY2(line.startsWith("port "), line.constData());
    m_nodePort = quint16(line.mid(5).toUInt());

    m_compute = std::make_unique<TestAgent>();
    QVERIFY(m_compute->waitForPort());
    QCOMPARE(
        deployPython(*m_compute, QStringLiteral("big"), bigHandler, {{QStringLiteral("min_replicas"), 1}}).status, 201);
    m_controller = std::make_unique<TestAgent>(QStringList {QStringLiteral("--role"), QStringLiteral("controller")});
    QVERIFY(m_controller->waitForPort());

    // Two names for the one Python node: a call replayed on "another" node would reach it twice.
    const QString nodeUrl = QStringLiteral("http://127.0.0.1:%1").arg(m_nodePort);
    const QJsonArray nodes {QJsonObject {{QStringLiteral("name"), QStringLiteral("raw-1")},
                                {QStringLiteral("url"), nodeUrl},
                                {QStringLiteral("functions"), QJsonArray {QStringLiteral("conf")}}},
        QJsonObject {{QStringLiteral("name"), QStringLiteral("raw-2")},
            {QStringLiteral("url"), nodeUrl},
            {QStringLiteral("functions"), QJsonArray {QStringLiteral("conf")}}},
        QJsonObject {{QStringLiteral("name"), QStringLiteral("compute-1")},
            {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1").arg(m_compute->invokePort())},
            {QStringLiteral("functions"), QJsonArray {QStringLiteral("big")}}}};
    HttpConnection connection(m_controller->port());
    const auto reply = connection.request(
        "PUT", "/v1/cluster", {}, QJsonDocument(QJsonObject {{QStringLiteral("nodes"), nodes}}).toJson());
    QCOMPARE(reply.status, 200);
}

// Runs gatewayclient.py: the requests one after another on one connection to the gateway.
QJsonArray TestGatewayConformance::call(const QJsonArray &requests)
{
    QProcess client;
    client.start(m_python, {sourceFile("gatewayclient.py")});
    if (!client.waitForStarted())
        return {};
    client.write(QJsonDocument(
        QJsonObject {{QStringLiteral("port"), m_controller->invokePort()}, {QStringLiteral("requests"), requests}})
                     .toJson());
    client.closeWriteChannel();
    client.waitForFinished(60000);
    const auto answers = QJsonDocument::fromJson(client.readAllStandardOutput()).array();
    if (answers.size() != requests.size())
        qWarning() << "client:" << client.readAllStandardError();
    return answers;
}

QJsonObject TestGatewayConformance::nodeStats()
{
    const auto answers = call({request(QStringLiteral("GET"), QStringLiteral("/function/conf/stats"))});
    return QJsonDocument::fromJson(answers.at(0).toObject().value(QStringLiteral("body")).toString().toUtf8()).object();
}

// 100 Continue and 103 Early Hints are read and dropped: each caller gets its own final answer,
// also when the interim ones come in separate packets, and the connection stays usable.
void TestGatewayConformance::interimAnswersAreNotTheAnswer()
{
    const QStringList cases {QStringLiteral("continue"),
        QStringLiteral("early-hints"),
        QStringLiteral("interim-many"),
        QStringLiteral("interim-separate"),
        QStringLiteral("continue"),
        QStringLiteral("early-hints")};
    QJsonArray requests;
    for (int index = 0; index < cases.size(); ++index) {
        requests.append(request(QStringLiteral("POST"),
            QStringLiteral("/function/conf/%1?tag=caller-%2").arg(cases[index]).arg(index),
            {},
            QStringLiteral("payload")));
    }
    const auto answers = call(requests);
    QCOMPARE(answers.size(), requests.size());
    for (int index = 0; index < answers.size(); ++index) {
        const auto answer = answers[index].toObject();
        QCOMPARE(answer.value(QStringLiteral("status")).toInt(), 200);
        QCOMPARE(
            answer.value(QStringLiteral("body")).toString(), QStringLiteral("final answer for caller-%1").arg(index));
        QVERIFY2(headerOf(answer, QStringLiteral("Link")).isNull(), qPrintable(describe(answer))); // 103's fields
        QCOMPARE(answer.value(QStringLiteral("local_port")), answers[0].toObject().value(QStringLiteral("local_port")));
    }
}

// A HEAD answer with a Content-Length, a 204 and a 304 carry no body; the answers after them on
// the same connection are read correctly.
void TestGatewayConformance::answersWithoutABody()
{
    const auto answers = call({request(QStringLiteral("HEAD"), QStringLiteral("/function/conf/head")),
        request(QStringLiteral("GET"), QStringLiteral("/function/conf/head")),
        request(QStringLiteral("GET"), QStringLiteral("/function/conf/nocontent")),
        request(QStringLiteral("GET"), QStringLiteral("/function/conf/notmodified")),
        request(QStringLiteral("HEAD"), QStringLiteral("/function/conf/head-chunked")),
        request(QStringLiteral("GET"), QStringLiteral("/function/conf/echo?tag=last"))});
    QCOMPARE(answers.size(), 6);
    for (const auto entry : answers)
        QVERIFY2(!entry.toObject().contains(QStringLiteral("error")), qPrintable(describe(entry.toObject())));
    const auto head = answers[0].toObject();
    QCOMPARE(head.value(QStringLiteral("status")).toInt(), 200);
    QCOMPARE(head.value(QStringLiteral("body")).toString(), QString());
    QCOMPARE(headerOf(head, QStringLiteral("Content-Type")), QStringLiteral("text/plain"));
    QCOMPARE(answers[1].toObject().value(QStringLiteral("body")).toString(), QString(1234, QLatin1Char('h')));
    const auto noContent = answers[2].toObject();
    QCOMPARE(noContent.value(QStringLiteral("status")).toInt(), 204);
    QCOMPARE(headerOf(noContent, QStringLiteral("X-Answer")), QStringLiteral("none"));
    QVERIFY2(headerOf(noContent, QStringLiteral("Transfer-Encoding")).isNull(), qPrintable(describe(noContent)));
    const auto notModified = answers[3].toObject();
    QCOMPARE(notModified.value(QStringLiteral("status")).toInt(), 304);
    QCOMPARE(headerOf(notModified, QStringLiteral("ETag")), QStringLiteral("\"v1\""));
    QCOMPARE(answers[4].toObject().value(QStringLiteral("status")).toInt(), 200);
    const auto last = answers[5].toObject();
    QCOMPARE(last.value(QStringLiteral("status")).toInt(), 200);
    QVERIFY(last.value(QStringLiteral("body")).toString().contains(QStringLiteral("tag=last")));
    for (const auto entry : answers)
        QCOMPARE(entry.toObject().value(QStringLiteral("local_port")), head.value(QStringLiteral("local_port")));
}

// A chunked answer is passed on whole, with a length; its trailer fields are not taken for
// header fields.
void TestGatewayConformance::chunkedAnswersArriveWhole()
{
    const auto answers = call({request(QStringLiteral("GET"), QStringLiteral("/function/conf/chunked")),
        request(QStringLiteral("GET"), QStringLiteral("/function/conf/echo?tag=after"))});
    QCOMPARE(answers.size(), 2);
    const auto chunked = answers[0].toObject();
    QCOMPARE(chunked.value(QStringLiteral("status")).toInt(), 200);
    QCOMPARE(chunked.value(QStringLiteral("body")).toString(), QStringLiteral("hello world"));
    QVERIFY2(headerOf(chunked, QStringLiteral("X-Checksum")).isNull(), qPrintable(describe(chunked)));
    QVERIFY2(headerOf(chunked, QStringLiteral("Trailer")).isNull(), qPrintable(describe(chunked)));
    QVERIFY(answers[1].toObject().value(QStringLiteral("body")).toString().contains(QStringLiteral("tag=after")));
}

// RFC 9110 §7.6.1: connection-specific fields, and the fields Connection names, are not passed on
// in either direction. The node sees its own address as Host, the gateway in Via, and no Expect.
void TestGatewayConformance::hopByHopFieldsStayOnTheirHop()
{
    const QJsonArray sent {header(QStringLiteral("Connection"), QStringLiteral("X-Client-Hop")),
        header(QStringLiteral("X-Client-Hop"), QStringLiteral("secret")),
        header(QStringLiteral("Keep-Alive"), QStringLiteral("timeout=300")),
        header(QStringLiteral("TE"), QStringLiteral("trailers")),
        header(QStringLiteral("Proxy-Authorization"), QStringLiteral("Basic c2VjcmV0")),
        header(QStringLiteral("X-End-To-End"), QStringLiteral("passed"))};
    const auto answers =
        call({request(QStringLiteral("POST"), QStringLiteral("/function/conf/echo"), sent, QStringLiteral("x")),
            request(QStringLiteral("GET"), QStringLiteral("/function/conf/hop"))});
    QCOMPARE(answers.size(), 2);
    const auto echo =
        QJsonDocument::fromJson(answers[0].toObject().value(QStringLiteral("body")).toString().toUtf8()).object();
    QMap<QString, QString> received;
    for (const auto entry : echo.value(QStringLiteral("headers")).toArray())
        received.insert(entry.toArray().at(0).toString().toLower(), entry.toArray().at(1).toString());
    const QString seen = QString::fromUtf8(QJsonDocument(echo).toJson(QJsonDocument::Compact));
    for (const char *dropped : {"connection", "x-client-hop", "keep-alive", "te", "proxy-authorization", "expect"})
        QVERIFY2(!received.contains(QString::fromLatin1(dropped)), qPrintable(QString::fromLatin1(dropped) + seen));
    QCOMPARE(received.value(QStringLiteral("x-end-to-end")), QStringLiteral("passed"));
    QCOMPARE(received.value(QStringLiteral("host")), QStringLiteral("127.0.0.1:%1").arg(m_nodePort));
    QVERIFY2(received.value(QStringLiteral("via")).contains(QStringLiteral("1.1 rune-gateway")), qPrintable(seen));
    QCOMPARE(received.value(QStringLiteral("content-length")), QStringLiteral("1"));

    const auto hop = answers[1].toObject();
    QCOMPARE(hop.value(QStringLiteral("body")).toString(), QStringLiteral("ok"));
    QCOMPARE(headerOf(hop, QStringLiteral("X-End-To-End")), QStringLiteral("kept"));
    for (const char *dropped : {"X-Node-Hop", "Keep-Alive", "Proxy-Authenticate"})
        QVERIFY2(headerOf(hop, QString::fromLatin1(dropped)).isNull(), qPrintable(describe(hop)));
    QVERIFY(headerOf(hop, QStringLiteral("X-Rune-Node")).startsWith(QStringLiteral("raw-")));
}

void TestGatewayConformance::brokenFramingIsA502_data()
{
    QTest::addColumn<QString>("answer");
    QTest::addColumn<QString>("named");
    QTest::newRow("TE gzip") << "te-gzip"
                             << "'gzip' that does not end in chunked";
    QTest::newRow("TE chunked, identity") << "te-chunked-identity"
                                          << "'chunked, identity' that does not end in chunked";
    QTest::newRow("TE gzip, chunked") << "te-gzip-chunked"
                                      << "cannot decode";
    QTest::newRow("TE then CL") << "te-cl"
                                << "both Transfer-Encoding and Content-Length";
    QTest::newRow("CL then TE") << "cl-te"
                                << "both Transfer-Encoding and Content-Length";
    QTest::newRow("two Content-Lengths") << "cl-conflict"
                                         << "conflicting Content-Length";
    QTest::newRow("Content-Length list") << "cl-list-conflict"
                                         << "conflicting Content-Length";
    QTest::newRow("Content-Length +5") << "cl-invalid"
                                       << "invalid or conflicting Content-Length";
    QTest::newRow("TE on HTTP/1.0") << "te-http10"
                                    << "HTTP/1.0";
    QTest::newRow("204 with a body") << "nocontent-body"
                                     << "204 No Content that announces a body";
    QTest::newRow("1xx with a body") << "interim-with-body"
                                     << "interim 100 answer that announces a body";
    QTest::newRow("endless 1xx") << "interim-flood"
                                 << "more than 16 interim";
    QTest::newRow("101") << "switching"
                         << "101 Switching Protocols";
    QTest::newRow("cut short") << "truncated"
                               << "cut short";
}

// The 502 names the problem; the caller's connection stays usable; the node's connection is
// closed, never used for another call (the node counts calls on a connection after a bad answer).
void TestGatewayConformance::brokenFramingIsA502()
{
    QFETCH(QString, answer);
    QFETCH(QString, named);
    const int reusedBefore = nodeStats().value(QStringLiteral("reused_after_bad")).toInt();
    QJsonArray requests {request(QStringLiteral("GET"), QStringLiteral("/function/conf/") + answer)};
    for (int index = 0; index < 4; ++index)
        requests.append(request(QStringLiteral("GET"), QStringLiteral("/function/conf/echo?tag=next-%1").arg(index)));
    const auto answers = call(requests);
    QCOMPARE(answers.size(), requests.size());
    const auto broken = answers[0].toObject();
    QCOMPARE(broken.value(QStringLiteral("status")).toInt(), 502);
    const auto error = QJsonDocument::fromJson(broken.value(QStringLiteral("body")).toString().toUtf8())
                           .object()
                           .value(QStringLiteral("error"))
                           .toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_upstream_answer"));
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(named), qPrintable(describe(broken)));
    for (int index = 1; index < answers.size(); ++index) {
        const auto next = answers[index].toObject();
        QCOMPARE(next.value(QStringLiteral("status")).toInt(), 200);
        QVERIFY2(next.value(QStringLiteral("body")).toString().contains(QStringLiteral("tag=next-%1").arg(index - 1)),
            qPrintable(describe(next)));
        QCOMPARE(next.value(QStringLiteral("local_port")), broken.value(QStringLiteral("local_port")));
    }
    QCOMPARE(nodeStats().value(QStringLiteral("reused_after_bad")).toInt(), reusedBefore);
}

// A node that sends a second answer nobody asked for, at once or a moment later: no later caller
// gets it, since a connection with stray bytes is closed, not reused.
void TestGatewayConformance::strayAnswersReachNobody()
{
    for (const QString &stray : {QStringLiteral("smuggle"), QStringLiteral("smuggle-late")}) {
        QJsonArray requests {request(QStringLiteral("GET"), QStringLiteral("/function/conf/") + stray)};
        const auto first = call(requests);
        QCOMPARE(first.size(), 1);
        QCOMPARE(first[0].toObject().value(QStringLiteral("body")).toString(), QStringLiteral("first"));
        QTest::qWait(400); // the late one has arrived by now
        QJsonArray later;
        for (int index = 0; index < 6; ++index)
            later.append(request(QStringLiteral("GET"), QStringLiteral("/function/conf/echo?tag=later-%1").arg(index)));
        const auto answers = call(later);
        QCOMPARE(answers.size(), later.size());
        for (int index = 0; index < answers.size(); ++index) {
            const auto answer = answers[index].toObject();
            QVERIFY2(
                answer.value(QStringLiteral("body")).toString().contains(QStringLiteral("tag=later-%1").arg(index)),
                qPrintable(stray + QLatin1Char(' ') + describe(answer)));
        }
    }
    QCOMPARE(nodeStats().value(QStringLiteral("reused_after_bad")).toInt(), 0);
}

// The node received the call and closed the connection without answering: it may have run the
// function, so the call is not sent again (the node has two names here, so a retry "elsewhere"
// would reach it a second time). The caller gets a 502 that says so.
void TestGatewayConformance::aCallTheNodeReceivedIsNotReplayed()
{
    const int before = nodeStats().value(QStringLiteral("requests")).toObject().value(QStringLiteral("drop")).toInt();
    const auto answers =
        call({request(QStringLiteral("POST"), QStringLiteral("/function/conf/drop"), {}, QStringLiteral("pay once")),
            request(QStringLiteral("GET"), QStringLiteral("/function/conf/echo?tag=after-drop"))});
    QCOMPARE(answers.size(), 2);
    const auto dropped = answers[0].toObject();
    QCOMPARE(dropped.value(QStringLiteral("status")).toInt(), 502);
    QVERIFY2(dropped.value(QStringLiteral("body")).toString().contains(QStringLiteral("upstream_failed")),
        qPrintable(describe(dropped)));
    QVERIFY2(dropped.value(QStringLiteral("body")).toString().contains(QStringLiteral("may have run it")),
        qPrintable(describe(dropped)));
    QVERIFY(answers[1].toObject().value(QStringLiteral("body")).toString().contains(QStringLiteral("tag=after-drop")));
    const int after = nodeStats().value(QStringLiteral("requests")).toObject().value(QStringLiteral("drop")).toInt();
    QCOMPARE(after - before, 1);
}

// curl sends Expect: 100-continue with a body over 1 MiB. The agent's server answers it; the node
// (a real agent, which would answer 100 Continue itself) never sees it. The callers after it,
// on one kept-alive connection, each get their own answer, not the one before theirs.
void TestGatewayConformance::curlPostsALargeBodyThenOthersGetTheirOwnAnswers()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("body"));
    QFile body(path);
    QVERIFY(body.open(QIODevice::WriteOnly));
    body.write(QByteArray(2 << 20, 'a'));
    body.close();
    for (const QString &function : {QStringLiteral("big"), QStringLiteral("conf/echo")}) {
        QProcess curl;
        curl.start(QStringLiteral("curl"),
            {QStringLiteral("-sS"),
                QStringLiteral("-v"),
                QStringLiteral("--max-time"),
                QStringLiteral("30"),
                QStringLiteral("--data-binary"),
                QLatin1Char('@') + path,
                QStringLiteral("http://127.0.0.1:%1/function/%2").arg(m_controller->invokePort()).arg(function)});
        QVERIFY2(curl.waitForFinished(40000), "curl did not finish");
        const QByteArray trace = curl.readAllStandardError();
        const QByteArray answer = curl.readAllStandardOutput();
        QCOMPARE(curl.exitCode(), 0);
        QVERIFY2(
            trace.contains("> Expect: 100-continue") && trace.contains("< HTTP/1.1 100 Continue"), trace.constData());
        QVERIFY2(trace.contains("< HTTP/1.1 200"), trace.constData());
        if (function == QStringLiteral("big")) {
            QCOMPARE(answer, QByteArray("2097152:aaaaaaaa"));
        } else {
            const auto echo = QJsonDocument::fromJson(answer).object();
            QCOMPARE(echo.value(QStringLiteral("body_length")).toInt(), 2 << 20);
            QCOMPARE(echo.value(QStringLiteral("expect_seen")).toBool(), false);
        }
    }
    QJsonArray callers;
    for (int index = 0; index < 8; ++index) {
        callers.append(request(
            QStringLiteral("POST"), QStringLiteral("/function/big"), {}, QStringLiteral("caller-%1").arg(index)));
    }
    const auto answers = call(callers);
    QCOMPARE(answers.size(), callers.size());
    for (int index = 0; index < answers.size(); ++index) {
        const auto answer = answers[index].toObject();
        QCOMPARE(answer.value(QStringLiteral("status")).toInt(), 200);
        QCOMPARE(answer.value(QStringLiteral("body")).toString(), QStringLiteral("8:caller-%1").arg(index));
        QCOMPARE(answer.value(QStringLiteral("local_port")), answers[0].toObject().value(QStringLiteral("local_port")));
    }
}

// HEAD through the gateway to a real agent, between calls on one connection: whatever the node
// sends after a HEAD answer's header is not taken for the next caller's answer.
void TestGatewayConformance::headBetweenCallsToARealNode()
{
    QJsonArray requests;
    for (int index = 0; index < 4; ++index) {
        requests.append(request(QStringLiteral("HEAD"), QStringLiteral("/function/big")));
        requests.append(request(
            QStringLiteral("POST"), QStringLiteral("/function/big"), {}, QStringLiteral("after-%1").arg(index)));
    }
    const auto answers = call(requests);
    QCOMPARE(answers.size(), requests.size());
    for (int index = 0; index < answers.size(); ++index) {
        const auto answer = answers[index].toObject();
        QVERIFY2(!answer.contains(QStringLiteral("error")), qPrintable(describe(answer)));
        QCOMPARE(answer.value(QStringLiteral("status")).toInt(), 200);
        const QString expected = index % 2 == 0 ? QString() : QStringLiteral("7:after-%1").arg(index / 2);
        QCOMPARE(answer.value(QStringLiteral("body")).toString(), expected);
    }
}

void TestGatewayConformance::cleanupTestCase()
{
    m_node.kill();
    m_node.waitForFinished(5000);
}

RUNE_TEST_GUILESS_MAIN(TestGatewayConformance)
#include "tst_gatewayconformance.moc"
