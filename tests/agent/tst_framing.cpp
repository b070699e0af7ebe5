// SPDX-License-Identifier: GPL-3.0-or-later
// The agent <-> worker wire format: frames survive any split of the byte stream, and a peer
// that announces too much or sends a header that is not JSON is refused, not believed.

#include "../common/testmain.h"
#include "runtime/framing.h"

#include <QTest>

using namespace rune::agent;

class TestFraming final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void framesSurviveEverySplit();
    void messagesPairHeaderAndBody();
    void bodiesAreRawBytes();
    void oversizeFramesAreRefused();
    void headerMustBeAJsonObject();
    void jsonStringsAreAlwaysValid_data();
    void jsonStringsAreAlwaysValid();
};

void TestFraming::framesSurviveEverySplit()
{
    std::string stream;
    appendFrame(stream, "first");
    appendFrame(stream, "");
    appendFrame(stream, std::string(70000, 'z'));
    QCOMPARE(stream.size(), std::size_t(3 * frameLengthBytes + 5 + 70000));
    for (std::size_t chunk : {std::size_t(1), std::size_t(3), std::size_t(4), std::size_t(4096), stream.size()}) {
        FrameDecoder decoder(1 << 20);
        std::vector<std::string> frames;
        for (std::size_t offset = 0; offset < stream.size(); offset += chunk) {
            decoder.feed(std::string_view(stream).substr(offset, chunk));
            for (auto frame = decoder.next(); frame && *frame; frame = decoder.next())
                frames.push_back(**frame);
        }
        QCOMPARE(frames.size(), std::size_t(3));
        QCOMPARE(frames[0], std::string("first"));
        QVERIFY(frames[1].empty());
        QCOMPARE(frames[2], std::string(70000, 'z'));
        QCOMPARE(decoder.bufferedBytes(), std::size_t(0));
    }
}

void TestFraming::messagesPairHeaderAndBody()
{
    const std::string body = "hello";
    std::string stream = encodeMessageHead({{"type", "result"}, {"status", 201}}, body.size()) + body;
    stream += encodeMessageHead({{"type", "ready"}}, 0);
    MessageDecoder decoder(1024);
    decoder.feed(stream);
    auto first = decoder.next();
    QVERIFY(first && *first);
    QCOMPARE((*first)->header["status"].get<int>(), 201);
    QCOMPARE((*first)->body, body);
    auto second = decoder.next();
    QVERIFY(second && *second);
    QCOMPARE((*second)->header["type"].get<std::string>(), std::string("ready"));
    auto none = decoder.next();
    QVERIFY(none && !*none);
}

void TestFraming::bodiesAreRawBytes()
{
    const std::string binary("\0\xff\x01{\"not\":json", 14);
    MessageDecoder decoder(64);
    decoder.feed(encodeMessageHead({{"type", "invoke"}}, binary.size()) + binary);
    auto message = decoder.next();
    QVERIFY(message && *message);
    QCOMPARE((*message)->body, binary);
}

void TestFraming::oversizeFramesAreRefused()
{
    MessageDecoder decoder(100);
    decoder.feed(encodeMessageHead({{"type", "result"}}, 101));
    const auto refused = decoder.next();
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, std::string("frame_too_large"));
    QVERIFY(!decoder.next()); // the stream stays refused

    // A header frame is bounded on its own, whatever the body limit.
    FrameDecoder frames(maxHeaderFrameBytes);
    frames.feed(std::string("\xff\xff\xff\xff", 4));
    QVERIFY(!frames.next());
}

void TestFraming::headerMustBeAJsonObject()
{
    for (const std::string header : {"[1,2]", "not json", "\"text\""}) {
        MessageDecoder decoder(100);
        std::string stream;
        appendFrame(stream, header);
        appendFrame(stream, "");
        decoder.feed(stream);
        const auto message = decoder.next();
        QVERIFY(!message);
        QCOMPARE(message.error().code, std::string("bad_header"));
    }
}

void TestFraming::jsonStringsAreAlwaysValid_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("decoded");
    QTest::newRow("plain") << QByteArray("abc") << QByteArray("abc");
    QTest::newRow("quotes and backslashes") << QByteArray("a\"b\\c") << QByteArray("a\"b\\c");
    QTest::newRow("control characters") << QByteArray("line\nnext\ttab\x01", 14)
                                        << QByteArray("line\nnext\ttab\x01", 14);
    QTest::newRow("utf-8 kept") << QByteArray("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80")
                                << QByteArray("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80");
    // Bytes that are not UTF-8 would make the whole header unreadable: they become U+FFFD.
    QTest::newRow("latin-1 byte") << QByteArray("caf\xe9") << QByteArray("caf\xef\xbf\xbd");
    QTest::newRow("truncated sequence") << QByteArray("x\xe2\x82") << QByteArray("x\xef\xbf\xbd\xef\xbf\xbd");
    QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << QByteArray("\xef\xbf\xbd\xef\xbf\xbd");
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << QByteArray("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

void TestFraming::jsonStringsAreAlwaysValid()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, decoded);
    std::string json;
    appendJsonString(json, std::string_view(text.constData(), std::size_t(text.size())));
    const auto parsed = nlohmann::json::parse(json, nullptr, false);
    QVERIFY2(parsed.is_string(), json.c_str());
    QCOMPARE(QByteArray::fromStdString(parsed.get<std::string>()), decoded);
}

RUNE_TEST_GUILESS_MAIN(TestFraming)
#include "tst_framing.moc"
