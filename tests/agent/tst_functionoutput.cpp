// SPDX-License-Identifier: GPL-3.0-or-later
// Whatever bytes a function prints, its calls are answered and its log stays readable: lines
// that are not UTF-8 come out with U+FFFD, long lines are split where a character starts, and
// the log store, log and event followers and the event list never choke on them.

#include "../common/functions.h"
#include "../common/testmain.h"
#include "utf8text.h"

#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestFunctionOutput final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void invalidUtf8LinesAreAnsweredAndLogged_data();
    void invalidUtf8LinesAreAnsweredAndLogged();
    void longNonAsciiLinesSplitAtCharacters();
    void followersGetValidJson();
    void startFailureQuotingBadBytesIsAnEvent();

private:
    std::unique_ptr<TestAgent> m_agent;
};

namespace
{

constexpr char replacement[] = "\xef\xbf\xbd";

const QString printerSource = QStringLiteral("import sys\n"
                                             "def handle(event, context):\n"
                                             "    if event['body'] == 'long':\n"
                                             "        print('\\u00e9' * 20000, flush=True)\n"
                                             "    else:\n"
                                             "        sys.stdout.buffer.write(b'bad \\xff\\xfe bytes\\n')\n"
                                             "        sys.stdout.buffer.write(b'cut \\xe2\\x82\\n')\n"
                                             "        sys.stdout.flush()\n"
                                             "        sys.stderr.buffer.write(b'\\xc0\\xaf overlong\\n')\n"
                                             "        sys.stderr.flush()\n"
                                             "    return 'answered'\n");

std::vector<json> logLinesOf(TestAgent &agent, const QByteArray &requestId)
{
    const auto reply = controlGet(agent, "/v1/logs?request_id=" + requestId);
    const json body = jsonOf(reply);
    if (!body.is_object() || !body["lines"].is_array())
        return {};
    return body["lines"].get<std::vector<json>>();
}

// The NDJSON lines found in a chunked stream read so far.
std::vector<json> ndjsonLines(const QByteArray &stream)
{
    std::vector<json> lines;
    for (const QByteArray &line : stream.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (!trimmed.startsWith('{'))
            continue;
        const auto parsed = json::parse(trimmed.toStdString(), nullptr, false);
        if (!parsed.is_discarded())
            lines.push_back(parsed);
    }
    return lines;
}

} // namespace

void TestFunctionOutput::initTestCase()
{
    m_agent = std::make_unique<TestAgent>(QStringList {}, QStringLiteral("output-token"));
    QVERIFY(m_agent->waitForPort() != 0);
    QCOMPARE(deployPython(*m_agent, QStringLiteral("printer"), printerSource).status, 201);
}

void TestFunctionOutput::invalidUtf8LinesAreAnsweredAndLogged_data()
{
    QTest::addColumn<QString>("runtime");
    QTest::newRow("python3") << QStringLiteral("python3");
    QTest::newRow("node") << QStringLiteral("node");
    QTest::newRow("exec") << QStringLiteral("exec");
}

void TestFunctionOutput::invalidUtf8LinesAreAnsweredAndLogged()
{
    QFETCH(QString, runtime);
    QString name = QStringLiteral("printer");
    if (runtime == QStringLiteral("node")) {
        name = QStringLiteral("nodeprinter");
        const auto archive = archiveWith(QStringLiteral("index.js"),
            QStringLiteral("exports.handle = async () => {\n"
                           "  process.stdout.write(Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0x0a]));\n"
                           "  process.stderr.write(Buffer.from([0xe2, 0x82, 0x0a]));\n"
                           "  return 'answered';\n"
                           "};\n"));
        QCOMPARE(
            deployFunction(m_agent->port(),
                m_agent->token(),
                name,
                archive,
                {{QStringLiteral("runtime"), runtime}, {QStringLiteral("handler"), QStringLiteral("index.handle")}})
                .status,
            201);
    } else if (runtime == QStringLiteral("exec")) {
        name = QStringLiteral("execprinter");
        const auto archive = archiveWith(QStringLiteral("run"),
            QStringLiteral("#!/bin/sh\nprintf 'bad \\377 bytes\\n' >&2\nprintf answered\n"),
            0755);
        QCOMPARE(deployFunction(m_agent->port(),
                     m_agent->token(),
                     name,
                     archive,
                     {{QStringLiteral("runtime"), runtime}, {QStringLiteral("handler"), QStringLiteral("run")}})
                     .status,
            201);
    }
    const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/" + name.toUtf8(), "bytes");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("answered"));
    std::vector<json> lines;
    QVERIFY(QTest::qWaitFor([&] {
        lines = logLinesOf(*m_agent, reply.header("x-request-id"));
        return !lines.empty();
    }));
    bool replaced = false;
    for (const json &line : lines) {
        const std::string text = line.value("text", std::string());
        QVERIFY2(rune::isValidUtf8(text), text.c_str());
        replaced = replaced || text.find(replacement) != std::string::npos;
    }
    QVERIFY(replaced);
    // The replica that printed it still serves.
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/" + name.toUtf8(), "bytes").status, 200);
}

void TestFunctionOutput::longNonAsciiLinesSplitAtCharacters()
{
    const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/printer", "long");
    QCOMPARE(reply.status, 200);
    std::string joined;
    std::vector<json> lines;
    QVERIFY(QTest::qWaitFor([&] {
        lines = logLinesOf(*m_agent, reply.header("x-request-id"));
        return lines.size() >= 3;
    }));
    for (const json &line : lines) {
        const std::string text = line.value("text", std::string());
        QVERIFY(rune::isValidUtf8(text));
        QVERIFY(text.size() <= 16 * 1024);
        joined += text;
    }
    std::string expected;
    for (int i = 0; i < 20000; ++i)
        expected += "\xc3\xa9";
    QVERIFY(joined == expected); // split, but nothing lost or replaced
}

void TestFunctionOutput::followersGetValidJson()
{
    HttpConnection logs(m_agent->port());
    logs.socket().write("GET /v1/logs?follow=1&function=printer HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + m_agent->token().toUtf8() + "\r\n\r\n");
    HttpConnection events(m_agent->port());
    events.socket().write("GET /v1/events?follow=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + m_agent->token().toUtf8() + "\r\n\r\n");
    QVERIFY(logs.socket().waitForReadyRead(5000));
    const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/printer", "bytes");
    QCOMPARE(reply.status, 200);
    QByteArray stream;
    std::vector<json> lines;
    QVERIFY(QTest::qWaitFor([&] {
        logs.socket().waitForReadyRead(100);
        stream += logs.socket().readAll();
        lines = ndjsonLines(stream);
        return std::any_of(lines.begin(), lines.end(), [&](const json &line) {
            return line.value("request_id", std::string()) == reply.header("x-request-id").toStdString();
        });
    }));
    for (const json &line : lines)
        QVERIFY(rune::isValidUtf8(line.value("text", std::string())));
    // The event follower lived through it too.
    QVERIFY(events.socket().state() == QAbstractSocket::ConnectedState);
}

void TestFunctionOutput::startFailureQuotingBadBytesIsAnEvent()
{
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("badstart"),
                 QStringLiteral("import sys\n"
                                "sys.stderr.buffer.write(b'cannot start \\xff\\xfe here\\n')\n"
                                "sys.stderr.flush()\n"
                                "import os\n"
                                "os._exit(3)\n"))
                 .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/badstart");
    QCOMPARE(reply.status, 502);
    QVERIFY2(errorMessageOf(reply).contains(QStringLiteral("cannot start")), qPrintable(errorMessageOf(reply)));
    const auto events = controlGet(*m_agent, "/v1/events?since=0");
    QCOMPARE(events.status, 200);
    const json body = jsonOf(events);
    QVERIFY(body.is_object());
    bool found = false;
    for (const json &event : body["events"]) {
        if (event.value("kind", std::string()) == "start_failed"
            && event.value("function", std::string()) == "badstart")
            found = event.value("detail", std::string()).find("cannot start " + std::string(replacement))
                != std::string::npos;
    }
    QVERIFY(found);
    QCOMPARE(controlGet(*m_agent, "/v1/health").status, 200);
}

RUNE_TEST_GUILESS_MAIN(TestFunctionOutput)
#include "tst_functionoutput.moc"
