// SPDX-License-Identifier: GPL-3.0-or-later
// The gateway's reader of a node's answer (UpstreamResponseReader) on exact bytes, whole and one
// byte at a time: which answer it takes, what it keeps of it, where it stops, and whether the
// connection may carry another call afterwards.

#include "../common/testmain.h"
#include "gateway/upstreamresponse.h"

#include <QTest>

using rune::agent::UpstreamResponseReader;
namespace http = rune::agent::http;

Q_DECLARE_METATYPE(std::string)

class TestGatewayResponse final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsTheFinalAnswer_data();
    void readsTheFinalAnswer();
    void refusesBrokenFraming_data();
    void refusesBrokenFraming();
    void keepsOnlyEndToEndFields();
    void keepsTheLengthOfBodilessAnswers();
    void stopsAtTheEndOfTheAnswer();
    void aCloseEndsOnlyAnAnswerWithoutLength();
};

namespace
{

constexpr std::uint64_t responseBodyLimit = 1 << 20;

struct Read {
    UpstreamResponseReader::Progress progress;
    std::size_t consumed = 0;
    bool reusable = false;
    std::string fault;
    rune::agent::Response response;
};

// Offers @p bytes as a connection would: in pieces of @p piece bytes, unconsumed bytes again with
// the next piece; @p closeAtEnd: then the connection closes.
Read readAnswer(const std::string &bytes, bool head, std::size_t piece, bool closeAtEnd = false)
{
    UpstreamResponseReader reader(head, responseBodyLimit);
    std::string pending;
    std::size_t offered = 0;
    std::size_t consumed = 0;
    while (reader.progress() == UpstreamResponseReader::Progress::needMore && offered < bytes.size()) {
        pending += bytes.substr(offered, piece);
        offered = std::min(bytes.size(), offered + piece);
        const std::size_t used = reader.feed(pending);
        consumed += used;
        pending.erase(0, used);
    }
    if (closeAtEnd)
        reader.finish();
    Read read {reader.progress(), consumed, reader.connectionReusable(), reader.fault(), {}};
    if (read.progress == UpstreamResponseReader::Progress::complete)
        read.response = reader.takeResponse();
    return read;
}

std::string field(const rune::agent::Response &response, std::string_view name)
{
    const auto found = response.find(boost::beast::string_view(name.data(), name.size()));
    return found == response.end() ? std::string("<none>") : std::string(found->value());
}

} // namespace

void TestGatewayResponse::readsTheFinalAnswer_data()
{
    QTest::addColumn<std::string>("bytes");
    QTest::addColumn<bool>("head");
    QTest::addColumn<int>("status");
    QTest::addColumn<std::string>("body");
    QTest::addColumn<bool>("reusable");
    QTest::newRow("plain") << std::string("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << false << 200
                           << std::string("hello") << true;
    QTest::newRow("100 then 200") << std::string("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                                                 "Content-Length: 2\r\n\r\nok")
                                  << false << 201 << std::string("ok") << true;
    QTest::newRow("100, 102, 103 then 200")
        << std::string("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
                       "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                       "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")
        << false << 200 << std::string("abc") << true;
    QTest::newRow("HEAD with a length") << std::string("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n") << true << 200
                                        << std::string() << true;
    QTest::newRow("HEAD chunked") << std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") << true << 200
                                  << std::string() << true;
    QTest::newRow("204") << std::string("HTTP/1.1 204 No Content\r\n\r\n") << false << 204 << std::string() << true;
    QTest::newRow("304 with a length") << std::string("HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\n\r\n")
                                       << false << 304 << std::string() << true;
    QTest::newRow("chunked with trailers") << std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                          "6;x=y\r\nhello \r\n5\r\nworld\r\n0\r\nX-Sum: 1\r\n\r\n")
                                           << false << 200 << std::string("hello world") << true;
    QTest::newRow("Connection: close") << std::string(
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n"
        "x") << false << 200 << std::string("x")
                                       << false;
    QTest::newRow("HTTP/1.0 kept") << std::string(
        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n"
        "x") << false << 200 << std::string("x")
                                   << true;
    QTest::newRow("HTTP/1.0 not kept") << std::string("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx") << false << 200
                                       << std::string("x") << false;
    QTest::newRow("equal lengths") << std::string("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok") << false << 200
                                   << std::string("ok") << true;
}

void TestGatewayResponse::readsTheFinalAnswer()
{
    QFETCH(std::string, bytes);
    QFETCH(bool, head);
    QFETCH(int, status);
    QFETCH(std::string, body);
    QFETCH(bool, reusable);
    for (const std::size_t piece : {bytes.size(), std::size_t(1), std::size_t(7)}) {
        const Read read = readAnswer(bytes, head, piece);
        QVERIFY2(read.progress == UpstreamResponseReader::Progress::complete, read.fault.c_str());
        QCOMPARE(read.response.result_int(), unsigned(status));
        QCOMPARE(read.response.body(), body);
        QCOMPARE(read.reusable, reusable);
        QCOMPARE(read.consumed, bytes.size());
    }
}

void TestGatewayResponse::refusesBrokenFraming_data()
{
    QTest::addColumn<std::string>("bytes");
    QTest::addColumn<QString>("named");
    QTest::newRow("TE gzip") << std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx")
                             << "'gzip' that does not end in chunked";
    QTest::newRow("TE over two fields") << std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                                                       "Transfer-Encoding: gzip\r\n\r\n")
                                        << "a Transfer-Encoding after chunked";
    QTest::newRow("TE gzip, chunked") << std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                                                     "0\r\n\r\n")
                                      << "cannot decode";
    QTest::newRow("TE and CL") << std::string(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nxx")
                               << "both Transfer-Encoding and Content-Length";
    QTest::newRow("conflicting CL") << std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n")
                                    << "conflicting Content-Length";
    QTest::newRow("negative CL") << std::string("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")
                                 << "invalid or conflicting Content-Length";
    QTest::newRow("101") << std::string("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n")
                         << "101 Switching Protocols";
    QTest::newRow("204 with a length") << std::string("HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\nabc")
                                       << "204 No Content that announces a body";
    QTest::newRow("body over the limit") << std::string("HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n")
                                         << "larger than 1 MiB";
    QTest::newRow("bad chunk") << std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzzzz\r\n")
                               << "broken chunked body";
    QTest::newRow("status 99") << std::string("HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n") << "not an HTTP status";
}

void TestGatewayResponse::refusesBrokenFraming()
{
    QFETCH(std::string, bytes);
    QFETCH(QString, named);
    for (const std::size_t piece : {bytes.size(), std::size_t(1)}) {
        const Read read = readAnswer(bytes, false, piece, true);
        QVERIFY(read.progress == UpstreamResponseReader::Progress::failed);
        QVERIFY2(QString::fromStdString(read.fault).contains(named), read.fault.c_str());
        QVERIFY(!read.reusable);
    }
}

void TestGatewayResponse::keepsOnlyEndToEndFields()
{
    const Read read = readAnswer("HTTP/1.1 200 Fine\r\nConnection: X-Hop, keep-alive\r\nX-Hop: 1\r\nKeep-Alive: 5\r\n"
                                 "Proxy-Authenticate: Basic\r\nUpgrade: h2c\r\nTrailer: X-Sum\r\n"
                                 "Transfer-Encoding: chunked\r\nX-Kept: yes\r\n\r\n1\r\nx\r\n0\r\nX-Sum: 9\r\n\r\n",
        false,
        1);
    QVERIFY2(read.progress == UpstreamResponseReader::Progress::complete, read.fault.c_str());
    QCOMPARE(field(read.response, "X-Kept"), std::string("yes"));
    QCOMPARE(std::string(read.response.reason()), std::string("Fine"));
    for (const char *dropped : {"Connection",
             "X-Hop",
             "Keep-Alive",
             "Proxy-Authenticate",
             "Upgrade",
             "Trailer",
             "Transfer-Encoding",
             "X-Sum",
             "Content-Length"})
        QVERIFY2(field(read.response, dropped) == "<none>", dropped);
}

// What a GET would carry, for HEAD and 304; every other answer is measured when sent on.
void TestGatewayResponse::keepsTheLengthOfBodilessAnswers()
{
    const Read head = readAnswer("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", true, 1);
    QCOMPARE(field(head.response, "Content-Length"), std::string("1234"));
    const Read notModified = readAnswer("HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\n\r\n", false, 1);
    QCOMPARE(field(notModified.response, "Content-Length"), std::string("42"));
    const Read noContent = readAnswer("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", false, 1);
    QCOMPARE(field(noContent.response, "Content-Length"), std::string("<none>"));
}

// Bytes after the answer are not consumed: the gateway sees them and closes the connection.
void TestGatewayResponse::stopsAtTheEndOfTheAnswer()
{
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst";
    const std::string stray = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled";
    UpstreamResponseReader reader(false, responseBodyLimit);
    QCOMPARE(reader.feed(answer + stray), answer.size());
    QVERIFY(reader.progress() == UpstreamResponseReader::Progress::complete);
    QCOMPARE(reader.takeResponse().body(), std::string("first"));
    // A HEAD answer ends with its header, whatever its Content-Length says.
    UpstreamResponseReader head(true, responseBodyLimit);
    const std::string headAnswer = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
    QCOMPARE(head.feed(headAnswer + "hello"), headAnswer.size());
}

void TestGatewayResponse::aCloseEndsOnlyAnAnswerWithoutLength()
{
    const Read delimited = readAnswer("HTTP/1.1 200 OK\r\n\r\nuntil the close", false, 3, true);
    QVERIFY(delimited.progress == UpstreamResponseReader::Progress::complete);
    QCOMPARE(delimited.response.body(), std::string("until the close"));
    QVERIFY(!delimited.reusable);
    const Read cut = readAnswer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", false, 3, true);
    QVERIFY(cut.progress == UpstreamResponseReader::Progress::failed);
    QVERIFY2(cut.fault.find("cut short") != std::string::npos, cut.fault.c_str());
    const Read interimOnly = readAnswer("HTTP/1.1 100 Continue\r\n\r\n", false, 3, true);
    QVERIFY(interimOnly.progress == UpstreamResponseReader::Progress::failed);
    QVERIFY2(interimOnly.fault.find("no final answer") != std::string::npos, interimOnly.fault.c_str());
}

RUNE_TEST_GUILESS_MAIN(TestGatewayResponse)
#include "tst_gatewayresponse.moc"
