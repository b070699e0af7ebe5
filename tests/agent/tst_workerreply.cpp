// SPDX-License-Identifier: GPL-3.0-or-later
// The one decoder of what a function answered (runtime/reply): whatever a worker or an exec
// program sends becomes a valid HTTP response or a 502 naming the field, never an exception and
// never a response that splits or smuggles.

#include "../common/testmain.h"
#include "runtime/reply.h"
#include "utf8text.h"

#include <QTest>

using namespace rune;
using namespace rune::agent;
using json = nlohmann::json;

Q_DECLARE_METATYPE(json)

class TestWorkerReply final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wellFormedResultsPass();
    void malformedResultsNameTheField_data();
    void malformedResultsNameTheField();
    void outOfMemoryIsMarked();
    void framingHeadersAreDropped();
    void noBodyOn204And304();
    void cgiOutputIsCheckedLikeAnyAnswer_data();
    void cgiOutputIsCheckedLikeAnyAnswer();
    void utf8HelpersNeverSplitACharacter();
};

namespace
{

json result(json fields)
{
    json header = {{"type", "result"}, {"id", "r1"}, {"status", 200}, {"headers", json::array()}};
    for (auto &[key, value] : fields.items())
        header[key] = value;
    return header;
}

} // namespace

void TestWorkerReply::wellFormedResultsPass()
{
    const auto decoded = decodeWorkerResult(
        result({{"status", 201},
            {"headers", json::array({json::array({"Content-Type", "text/plain"}), json::array({"X-A", "b\tc"})})}}),
        "body",
        "r1");
    QVERIFY2(decoded, decoded ? "" : decoded.error().message.c_str());
    QCOMPARE(decoded->status, 201);
    QCOMPARE(decoded->headers.size(), std::size_t(2));
    QCOMPARE(decoded->body, std::string("body"));
    QVERIFY(!decoded->functionError);

    const auto failed =
        decodeWorkerResult(result({{"status", 500}, {"error", "ValueError: x"}}), "ValueError: x", "r1");
    QVERIFY(failed);
    QCOMPARE(failed->status, 500);
    QVERIFY(failed->functionError);
}

void TestWorkerReply::malformedResultsNameTheField_data()
{
    QTest::addColumn<json>("header");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("named");
    const QString protocol = QStringLiteral("protocol_error");
    const QString bad = QStringLiteral("bad_response");
    QTest::newRow("status as text") << result({{"status", "200"}}) << protocol << "\"status\"";
    QTest::newRow("status as float") << result({{"status", 200.5}}) << protocol << "\"status\"";
    QTest::newRow("status as bool") << result({{"status", true}}) << protocol << "\"status\"";
    QTest::newRow("status missing") << json {{"type", "result"}, {"id", "r1"}, {"headers", json::array()}} << protocol
                                    << "\"status\"";
    QTest::newRow("status 1xx") << result({{"status", 101}}) << bad << "101";
    QTest::newRow("status 99") << result({{"status", 99}}) << bad << "99";
    QTest::newRow("status 600") << result({{"status", 600}}) << bad << "600";
    QTest::newRow("status negative") << result({{"status", -200}}) << bad << "-200";
    QTest::newRow("status huge") << result({{"status", 18446744073709551615ull}}) << bad << "18446744073709551615";
    QTest::newRow("headers as object") << result({{"headers", {{"a", "b"}}}}) << protocol << "\"headers\"";
    QTest::newRow("headers missing") << json {{"type", "result"}, {"id", "r1"}, {"status", 200}} << protocol
                                     << "\"headers\"";
    QTest::newRow("header pair of three")
        << result({{"headers", json::array({json::array({"a", "b", "c"})})}}) << protocol << "\"headers\"[0]";
    QTest::newRow("header value number") << result({{"headers", json::array({json::array({"a", 1})})}}) << protocol
                                         << "\"headers\"[0]";
    QTest::newRow("error as number") << result({{"error", 5}}) << protocol << "\"error\"";
    QTest::newRow("id of another call") << result({{"id", "r2"}}) << protocol << "\"id\"";
    QTest::newRow("id missing") << json {{"type", "result"}, {"status", 200}, {"headers", json::array()}} << protocol
                                << "\"id\"";
    QTest::newRow("header value with CRLF")
        << result({{"headers", json::array({json::array({"X-Evil", "a\r\nSet-Cookie: x=1"})})}}) << bad << "'X-Evil'";
    QTest::newRow("header value with NUL")
        << result({{"headers", json::array({json::array({"X-Nul", std::string("a\0b", 3)})})}}) << bad << "'X-Nul'";
    QTest::newRow("header name with space")
        << result({{"headers", json::array({json::array({"Bad Name", "x"})})}}) << bad << "'Bad Name'";
    QTest::newRow("header name empty") << result({{"headers", json::array({json::array({"", "x"})})}}) << bad
                                       << "header name";
    QTest::newRow("header name with colon")
        << result({{"headers", json::array({json::array({"A:B", "x"})})}}) << bad << "'A:B'";
}

void TestWorkerReply::malformedResultsNameTheField()
{
    QFETCH(json, header);
    QFETCH(QString, code);
    QFETCH(QString, named);
    const auto decoded = decodeWorkerResult(header, "body", "r1");
    QVERIFY(!decoded);
    QCOMPARE(QString::fromStdString(decoded.error().code), code);
    QCOMPARE(decoded.error().httpStatus, 502);
    QVERIFY2(QString::fromStdString(decoded.error().message).contains(named), decoded.error().message.c_str());
}

void TestWorkerReply::outOfMemoryIsMarked()
{
    const auto decoded = decodeWorkerResult(
        result({{"status", 500}, {"error", "MemoryError"}, {"error_code", "out_of_memory"}}), "", "r1");
    QVERIFY(!decoded);
    QCOMPARE(decoded.error().code, std::string("out_of_memory"));
    QCOMPARE(decoded.error().httpStatus, 502);
}

void TestWorkerReply::framingHeadersAreDropped()
{
    const json headers = json::array({json::array({"Content-Length", "1"}),
        json::array({"transfer-encoding", "chunked"}),
        json::array({"Connection", "close"}),
        json::array({"Keep-Alive", "timeout=5"}),
        json::array({"Upgrade", "h2c"}),
        json::array({"TE", "trailers"}),
        json::array({"Trailer", "X"}),
        json::array({"Proxy-Authenticate", "Basic"}),
        json::array({"Set-Cookie", "a=1"})});
    const auto decoded = decodeWorkerResult(result({{"headers", headers}}), "hello", "r1");
    QVERIFY(decoded);
    QCOMPARE(decoded->headers.size(), std::size_t(1));
    QCOMPARE(decoded->headers[0].first, std::string("Set-Cookie"));
}

void TestWorkerReply::noBodyOn204And304()
{
    for (const int status : {204, 304}) {
        const auto decoded = decodeWorkerResult(result({{"status", status}}), "must not be sent", "r1");
        QVERIFY(decoded);
        QCOMPARE(decoded->status, status);
        QVERIFY(decoded->body.empty());
    }
}

void TestWorkerReply::cgiOutputIsCheckedLikeAnyAnswer_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<int>("status"); // 0: refused
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("bare body") << QByteArray("hello") << 200 << QByteArray("hello");
    QTest::newRow("status and type") << QByteArray("Status: 201 Created\nContent-Type: text/plain\n\nmade") << 201
                                     << QByteArray("made");
    QTest::newRow("crlf block") << QByteArray("Content-Type: text/plain\r\nX-A: b\r\n\r\nbody") << 200
                                << QByteArray("body");
    QTest::newRow("204 drops the body") << QByteArray("Status: 204\n\nignored") << 204 << QByteArray();
    QTest::newRow("status word") << QByteArray("Status: abc\n\nx") << 0 << QByteArray();
    QTest::newRow("status 1xx") << QByteArray("Status: 100 Continue\n\nx") << 0 << QByteArray();
    QTest::newRow("status 4 digits") << QByteArray("Status: 2000\n\nx") << 0 << QByteArray();
    QTest::newRow("lone CR in a value") << QByteArray("Content-Type: text/plain\nX-A: a\rb\n\nx") << 0 << QByteArray();
    QTest::newRow("NUL in a value") << QByteArray("Content-Type: text/plain\nX-A: a") + '\0' + QByteArray("b\n\nx") << 0
                                    << QByteArray();
    QTest::newRow("line without colon") << QByteArray("Content-Type: text/plain\nnonsense\n\nx") << 0 << QByteArray();
    QTest::newRow("name with space") << QByteArray("Content-Type: text/plain\nBad Name: x\n\nx") << 0 << QByteArray();
}

void TestWorkerReply::cgiOutputIsCheckedLikeAnyAnswer()
{
    QFETCH(QByteArray, output);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    const auto decoded = decodeCgiOutput(output.toStdString());
    if (status == 0) {
        QVERIFY(!decoded);
        QCOMPARE(decoded.error().code, std::string("bad_response"));
        QCOMPARE(decoded.error().httpStatus, 502);
        return;
    }
    QVERIFY2(decoded, decoded ? "" : decoded.error().message.c_str());
    QCOMPARE(decoded->status, status);
    QCOMPARE(QByteArray::fromStdString(decoded->body), body);
}

void TestWorkerReply::utf8HelpersNeverSplitACharacter()
{
    const std::string e = "\xc3\xa9"; // é
    std::string text;
    for (int i = 0; i < 10; ++i)
        text += e;
    for (std::size_t limit = 1; limit < text.size(); ++limit) {
        const std::size_t cut = utf8CutPoint(text, limit);
        QVERIFY(cut <= limit);
        QVERIFY(isValidUtf8(std::string_view(text).substr(0, cut)));
        QVERIFY(isValidUtf8(std::string_view(text).substr(cut)));
    }
    QCOMPARE(validUtf8("a\xff"
                       "b"),
        std::string("a\xef\xbf\xbd"
                    "b"));
    QCOMPARE(validUtf8("\xed\xa0\x80"), std::string("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd")); // a surrogate
    QCOMPARE(validUtf8("\xc0\xaf"), std::string("\xef\xbf\xbd\xef\xbf\xbd")); // overlong '/'
    QVERIFY(!isValidUtf8("\xf4\x90\x80\x80")); // past U+10FFFF
    QCOMPARE(textExcerpt(std::string(30000, 'A'), 40), std::string(40, 'A') + "...");
}

RUNE_TEST_GUILESS_MAIN(TestWorkerReply)
#include "tst_workerreply.moc"
