// SPDX-License-Identifier: GPL-3.0-or-later
// The agent's HTTP request reader without a socket: where each request ends (RFC 9112 6), what
// framing it refuses and with which status, the limits on every part of a request, trailers that
// never reach a handler, pipelining, and that any split of the bytes gives the same requests.

#include "../common/testmain.h"
#include "httprequestreader.h"
#include "router.h"

#include <QTest>

using namespace rune::agent;
using Step = HttpRequestReader::Step;

namespace
{

constexpr std::uint64_t roomyLimit = 1 << 20;

struct Result {
    std::vector<Request> requests;
    std::optional<RequestFailure> failure;
    bool incomplete = false;
};

// Feeds @p input in pieces of @p piece bytes (0: all at once) and reads every request in it.
Result readAll(std::string_view input,
    std::size_t piece = 0,
    std::uint64_t bodyLimit = roomyLimit,
    RequestLimits limits = {},
    std::function<bool(std::uint64_t)> mayGrowTo = {})
{
    HttpRequestReader reader(limits);
    Result result;
    std::size_t offset = 0;
    for (;;) {
        switch (reader.next()) {
        case Step::needMore: {
            if (offset == input.size()) {
                result.incomplete = true;
                return result;
            }
            const std::size_t size = piece == 0 ? input.size() - offset : std::min(piece, input.size() - offset);
            reader.append(input.substr(offset, size));
            offset += size;
            break;
        }
        case Step::headerReady:
            reader.acceptBody(bodyLimit, mayGrowTo);
            break;
        case Step::complete:
            result.requests.push_back(reader.take());
            break;
        case Step::failed:
            result.failure = reader.failure();
            return result;
        }
    }
}

std::string header(const Request &request, http::field field)
{
    return std::string(request[field]);
}

} // namespace

class TestHttpRequestReader final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everySplitGivesTheSameRequests();
    void framingIsRefused_data();
    void framingIsRefused();
    void chunkedBodyIsJoined();
    void trailersNeverReachTheHandler();
    void limitsCoverEveryPart_data();
    void limitsCoverEveryPart();
    void chunkedBodyAsksTheBudget();
    void keepAliveFollowsTheVersion_data();
    void keepAliveFollowsTheVersion();
    void refusedRequestWithoutBodyIsSkipped();
    void absoluteFormIsServedAsOriginForm();
    void idleOnlyBetweenRequests();
    void invalidUtf8IsFound_data();
    void invalidUtf8IsFound();
};

void TestHttpRequestReader::everySplitGivesTheSameRequests()
{
    const std::string input = "\r\nPOST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                              "PUT /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "3;name=value\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Sum: 1\r\n\r\n"
                              "GET /c HTTP/1.0\r\n\r\n";
    for (std::size_t piece : {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(7), std::size_t(64)}) {
        const Result result = readAll(input, piece);
        QVERIFY(!result.failure);
        QVERIFY(result.incomplete);
        QCOMPARE(result.requests.size(), std::size_t(3));
        QCOMPARE(result.requests[0].method(), http::verb::post);
        QCOMPARE(std::string(result.requests[0].target()), std::string("/a?x=1"));
        QCOMPARE(result.requests[0].body(), std::string("hello"));
        QCOMPARE(result.requests[1].body(), std::string("abc0123456789abcdef"));
        QCOMPARE(std::string(result.requests[2].target()), std::string("/c"));
        QCOMPARE(result.requests[2].version(), 10u);
    }
}

void TestHttpRequestReader::framingIsRefused_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("status");
    const QByteArray post = "POST /x HTTP/1.1\r\nHost: h\r\n";
    const QByteArray next = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
    QTest::newRow("gzip alone") << post + "Transfer-Encoding: gzip\r\n\r\n" + next << 400;
    QTest::newRow("identity") << post + "Transfer-Encoding: identity\r\n\r\n" + next << 400;
    QTest::newRow("chunked then identity") << post + "Transfer-Encoding: chunked, identity\r\n\r\n" + next << 400;
    QTest::newRow("chunked twice") << post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                   << 400;
    QTest::newRow("chunked with a parameter") << post + "Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n" << 400;
    QTest::newRow("empty coding") << post + "Transfer-Encoding: \r\n\r\n" + next << 400;
    QTest::newRow("gzip before chunked") << post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" << 501;
    QTest::newRow("gzip field then chunked field")
        << post + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        << 501;
    QTest::newRow("chunked on HTTP/1.0") << QByteArray(
        "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                         << 400;
    QTest::newRow("length and chunked") << post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                        << 400;
    QTest::newRow("chunked and length") << post + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"
                                        << 400;
    QTest::newRow("two lengths") << post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc" << 400;
    QTest::newRow("length list") << post + "Content-Length: 3, 3\r\n\r\nabc" << 400;
    QTest::newRow("signed length") << post + "Content-Length: +3\r\n\r\nabc" << 400;
    QTest::newRow("huge length") << post + "Content-Length: 99999999999999999999\r\n\r\n" << 400;
    QTest::newRow("space before colon") << post + "Content-Length : 3\r\n\r\nabc" << 400;
    QTest::newRow("folded line") << post + "X-A: 1\r\n 2\r\n\r\n" << 400;
    QTest::newRow("bare LF") << QByteArray("GET /x HTTP/1.1\nHost: h\n\n") << 400;
    QTest::newRow("two hosts") << QByteArray("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("HTTP/1.1 without Host") << QByteArray("GET /x HTTP/1.1\r\nAccept: */*\r\n\r\n") << 400;
    QTest::newRow("NUL in a value") << post + QByteArray("X-A: a\0b\r\n\r\n", 12) << 400;
    QTest::newRow("space in target") << QByteArray("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("HTTP/2") << QByteArray("GET /x HTTP/2.0\r\nHost: h\r\n\r\n") << 505;
    QTest::newRow("HTTP/0.9") << QByteArray("GET /x HTTP/0.9\r\n\r\n") << 505;
    QTest::newRow("lower-case version") << QByteArray("GET /x http/1.1\r\nHost: h\r\n\r\n") << 400;
    QTest::newRow("not HTTP") << QByteArray("this is not HTTP at all\r\n\r\n") << 400;
    QTest::newRow("bad chunk size") << post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" << 400;
    QTest::newRow("chunk size of 17 digits") << post + "Transfer-Encoding: chunked\r\n\r\n00000000000000001\r\na\r\n"
                                             << 400;
    QTest::newRow("chunk without CRLF") << post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n" << 400;
    QTest::newRow("extension without semicolon") << post + "Transfer-Encoding: chunked\r\n\r\n3 x\r\nabc\r\n" << 400;
}

void TestHttpRequestReader::framingIsRefused()
{
    QFETCH(QByteArray, input);
    QFETCH(int, status);
    const Result result = readAll(std::string_view(input.constData(), std::size_t(input.size())));
    QVERIFY(result.failure);
    QCOMPARE(int(result.failure->status), status);
    QVERIFY(!result.failure->code.empty());
    QVERIFY(!result.failure->message.empty());
    // Nothing after the refused request is taken for a request of its own.
    QVERIFY(result.requests.empty());
}

void TestHttpRequestReader::chunkedBodyIsJoined()
{
    const Result result = readAll("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
                                  "5\r\nhello\r\n1 ; a=\"b\"\r\n!\r\n0\r\n\r\n");
    QVERIFY(!result.failure);
    QCOMPARE(result.requests.size(), std::size_t(1));
    QCOMPARE(result.requests[0].body(), std::string("hello!"));
    // The handler sees a body of known length, not a coding it would have to undo.
    QCOMPARE(header(result.requests[0], http::field::transfer_encoding), std::string());
    QCOMPARE(header(result.requests[0], http::field::content_length), std::string("6"));
}

void TestHttpRequestReader::trailersNeverReachTheHandler()
{
    const Result result = readAll("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
                                  "2\r\nhi\r\n0\r\nX-Sum: 42\r\nAuthorization: Bearer smuggled\r\n\r\n");
    QVERIFY(!result.failure);
    QCOMPARE(result.requests.size(), std::size_t(1));
    QCOMPARE(header(result.requests[0], http::field::authorization), std::string());
    QCOMPARE(std::string(result.requests[0]["X-Sum"]), std::string());
}

void TestHttpRequestReader::limitsCoverEveryPart_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("status");
    const QByteArray chunked = "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    QByteArray fields;
    for (int index = 0; index < 101; ++index)
        fields += "X-" + QByteArray::number(index) + ": v\r\n";
    QByteArray trailers;
    for (int index = 0; index < 99; ++index)
        trailers += "X-" + QByteArray::number(index) + ": v\r\n";
    QTest::newRow("101 fields") << "GET /x HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n" << 431;
    QTest::newRow("header past 16 KiB") << "GET /x HTTP/1.1\r\nHost: h\r\nX-Big: " + QByteArray(17000, 'a') + "\r\n\r\n"
                                        << 431;
    QTest::newRow("header past 16 KiB, unterminated") << "GET /x HTTP/1.1\r\nX-Big: " + QByteArray(17000, 'a') << 431;
    QTest::newRow("request line past 16 KiB") << "GET /" + QByteArray(17000, 'a') + " HTTP/1.1\r\n" << 414;
    QTest::newRow("empty lines past the limit") << QByteArray(17000, '\n').replace("\n", "\r\n") << 414;
    // Trailers count against the same field limit as the header (1 Host + 1 TE + 99 > 100).
    QTest::newRow("trailers past the field count") << chunked + "0\r\n" + trailers + "\r\n" << 431;
    QTest::newRow("trailers past 16 KiB") << chunked + "0\r\nX-Big: " + QByteArray(17000, 'a') + "\r\n\r\n" << 431;
    // The body limit is 1024 here: extensions count against it too.
    QTest::newRow("extensions past the body limit") << chunked + "1;" + QByteArray(2000, 'e') + "\r\na\r\n0\r\n\r\n"
                                                    << 413;
    QTest::newRow("many extensions past the body limit")
        << chunked + QByteArray("1;" + QByteArray(200, 'e') + "\r\na\r\n").repeated(6) + "0\r\n\r\n"
        << 413;
    QTest::newRow("chunk line past 4 KiB") << chunked + "1;" + QByteArray(5000, 'e') << 400;
    QTest::newRow("chunks past the body limit") << chunked + "400\r\n" + QByteArray(1024, 'a')
            + "\r\n1\r\nb\r\n0\r\n\r\n" << 413;
    QTest::newRow("length past the body limit")
        << QByteArray("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1025\r\n\r\n") << 413;
}

void TestHttpRequestReader::limitsCoverEveryPart()
{
    QFETCH(QByteArray, input);
    QFETCH(int, status);
    const Result result = readAll(std::string_view(input.constData(), std::size_t(input.size())), 0, 1024);
    QVERIFY(result.failure);
    QCOMPARE(int(result.failure->status), status);
    // Byte by byte the same: no limit depends on how the bytes arrived.
    const Result trickled = readAll(std::string_view(input.constData(), std::size_t(input.size())), 1, 1024);
    QVERIFY(trickled.failure);
    QCOMPARE(int(trickled.failure->status), status);
}

void TestHttpRequestReader::chunkedBodyAsksTheBudget()
{
    std::vector<std::uint64_t> asked;
    const auto budget = [&asked](std::uint64_t total) {
        asked.push_back(total);
        return total <= 10;
    };
    const Result result = readAll("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  "4\r\nabcd\r\n4\r\nefgh\r\n4\r\nijkl\r\n0\r\n\r\n",
        0,
        roomyLimit,
        {},
        budget);
    QVERIFY(result.failure);
    QCOMPARE(int(result.failure->status), 503);
    QCOMPARE(result.failure->code, std::string("overloaded"));
    QCOMPARE(asked, (std::vector<std::uint64_t> {4, 8, 12}));
}

void TestHttpRequestReader::keepAliveFollowsTheVersion_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("keepAlive");
    QTest::newRow("1.1") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n\r\n") << true;
    QTest::newRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Close\r\n\r\n")
                               << false;
    QTest::newRow("1.0") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false;
    QTest::newRow("1.0 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << true;
    QTest::newRow("1.2 is read as 1.1") << QByteArray("GET / HTTP/1.2\r\nHost: h\r\n\r\n") << true;
}

void TestHttpRequestReader::keepAliveFollowsTheVersion()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, keepAlive);
    HttpRequestReader reader;
    reader.append(std::string_view(input.constData(), std::size_t(input.size())));
    QCOMPARE(reader.next(), Step::headerReady);
    QCOMPARE(reader.keepAlive(), keepAlive);
}

void TestHttpRequestReader::refusedRequestWithoutBodyIsSkipped()
{
    HttpRequestReader reader;
    reader.append("GET /refused HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n");
    QCOMPARE(reader.next(), Step::headerReady);
    QVERIFY(!reader.hasBody());
    reader.abandon();
    QCOMPARE(reader.next(), Step::headerReady);
    QCOMPARE(std::string(reader.header().target()), std::string("/next"));
}

void TestHttpRequestReader::absoluteFormIsServedAsOriginForm()
{
    const Result result = readAll("GET http://agent:7470/v1/health?x=1 HTTP/1.1\r\nHost: agent\r\n\r\n"
                                  "GET HTTP://agent?y=2 HTTP/1.1\r\nHost: agent\r\n\r\n");
    QCOMPARE(result.requests.size(), std::size_t(2));
    QCOMPARE(std::string(result.requests[0].target()), std::string("/v1/health?x=1"));
    QCOMPARE(std::string(result.requests[1].target()), std::string("/?y=2"));
}

void TestHttpRequestReader::idleOnlyBetweenRequests()
{
    HttpRequestReader reader;
    QVERIFY(reader.idle());
    reader.append("GET / HTTP/1.1\r\n");
    QCOMPARE(reader.next(), Step::needMore);
    QVERIFY(!reader.idle());
    reader.append("Host: h\r\n\r\n");
    QCOMPARE(reader.next(), Step::headerReady);
    reader.acceptBody(0);
    QCOMPARE(reader.next(), Step::complete);
    reader.take();
    QVERIFY(reader.idle());
    QCOMPARE(reader.bufferedBytes(), std::size_t(0));
}

void TestHttpRequestReader::invalidUtf8IsFound_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<bool>("valid");
    QTest::newRow("ascii") << QByteArray("/v1/functions/resize?x=a+b") << true;
    QTest::newRow("two-byte") << QByteArray("/v1/functions/caf%C3%A9") << true;
    QTest::newRow("four-byte") << QByteArray("/v1/logs?function=%F0%9F%98%80") << true;
    QTest::newRow("raw UTF-8") << QByteArray("/v1/functions/caf\xc3\xa9") << true;
    QTest::newRow("invalid byte") << QByteArray("/v1/functions/%ff") << false;
    QTest::newRow("stray continuation") << QByteArray("/v1/functions/a%80b") << false;
    QTest::newRow("overlong slash") << QByteArray("/v1/functions/%C0%AF") << false;
    QTest::newRow("overlong three-byte") << QByteArray("/v1/functions/%E0%80%AF") << false;
    QTest::newRow("surrogate") << QByteArray("/v1/functions/%ED%A0%80") << false;
    QTest::newRow("above U+10FFFF") << QByteArray("/v1/functions/%F4%90%80%80") << false;
    QTest::newRow("F5 lead") << QByteArray("/v1/functions/%F5%80%80%80") << false;
    QTest::newRow("truncated") << QByteArray("/v1/functions/%E2%82") << false;
    QTest::newRow("truncated at the end of the query") << QByteArray("/v1/logs?function=%F0%9F%98") << false;
    QTest::newRow("in a query name") << QByteArray("/v1/logs?%ff=1") << false;
    QTest::newRow("raw invalid byte") << QByteArray("/v1/functions/\xff") << false;
    QTest::newRow("NUL in the path") << QByteArray("/v1/functions/a%00b") << false;
}

void TestHttpRequestReader::invalidUtf8IsFound()
{
    QFETCH(QByteArray, target);
    QFETCH(bool, valid);
    const auto problem = targetTextProblem(std::string_view(target.constData(), std::size_t(target.size())));
    QCOMPARE(!problem.has_value(), valid);
}

RUNE_TEST_GUILESS_MAIN(TestHttpRequestReader)
#include "tst_httprequestreader.moc"
