// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/functionfixture.h"
#include "../common/testmain.h"
#include "functions/functionlog.h"

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::FunctionFixture;

class TestFunctionLog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheAgentsLines();
    void followsAFunctionsLinesWithTheirRequestIds();
    void reportsABrokenStream();
};

void TestFunctionLog::parsesTheAgentsLines()
{
    const auto line = parseFunctionLogLine(
        R"({"seq":7,"time_ms":1767225600000,"function":"hello","version":3,"replica":"r1","request_id":"abc","stream":"stderr","text":"boom"})",
        u"node-1"_s);
    QVERIFY(line.has_value());
    QCOMPARE(line->seq, 7u);
    QCOMPARE(line->time, QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC));
    QCOMPARE(line->requestId, u"abc"_s);
    QCOMPARE(line->version, 3);
    QCOMPARE(line->nodeId, u"node-1"_s);
    QCOMPARE(line->level(), FunctionLogLine::Level::Error);
    QCOMPARE(logLevelName(line->level()), u"error"_s);
    QVERIFY(!parseFunctionLogLine("{}", {}));
    QVERIFY(!parseFunctionLogLine("not json", {}));
}

void TestFunctionLog::followsAFunctionsLinesWithTheirRequestIds()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s}))->succeeded());
    QVERIFY(fx.saveFile(id,
        u"handler.py"_s,
        u"import sys\ndef handle(event, context):\n    print('to stdout', event['body'])\n"
        u"    print('to stderr', file=sys.stderr)\n    return 'ok'\n"_s));
    // A call before following shows up as backlog.
    QCOMPARE(fx.invoke(id, u"node-1"_s)->status, 200);

    AgentAddress address;
    fx.agents.resolve(u"node-1"_s, &fx.context, [&](Result<AgentAddress> resolved) {
        address = resolved.value();
    });
    FunctionLogFollower follower(&fx.network, address, u"hello"_s);
    QList<FunctionLogLine> lines;
    connect(&follower, &FunctionLogFollower::linesArrived, this, [&](const QList<FunctionLogLine> &more) {
        lines += more;
    });
    QSignalSpy connected(&follower, &FunctionLogFollower::connectionChanged);
    follower.start();
    QTRY_VERIFY(follower.isConnected());
    QTRY_VERIFY(!lines.isEmpty());
    QCOMPARE(lines.first().text, u"greeting world"_s);

    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s}))->succeeded());
    InvokeRequest request;
    request.body = "payload-42";
    request.requestId = u"req-follow-1"_s;
    const auto result = fx.invoke(id, u"node-1"_s, 0, request);
    QCOMPARE(result->requestId, u"req-follow-1"_s);
    QTRY_VERIFY(std::any_of(lines.cbegin(), lines.cend(), [](const FunctionLogLine &line) {
        return line.requestId == u"req-follow-1"_s && line.stream == u"stderr"_s;
    }));
    const auto out = std::find_if(lines.cbegin(), lines.cend(), [](const FunctionLogLine &line) {
        return line.requestId == u"req-follow-1"_s && line.stream == u"stdout"_s;
    });
    QVERIFY(out != lines.cend());
    QCOMPARE(out->text, u"to stdout payload-42"_s);
    QCOMPARE(out->version, 2);
    QCOMPARE(out->nodeId, u"node-1"_s);
    // Each line once.
    QSet<quint64> seqs;
    for (const FunctionLogLine &line : std::as_const(lines))
        seqs.insert(line.seq);
    QCOMPARE(seqs.size(), lines.size());
}

void TestFunctionLog::reportsABrokenStream()
{
    FunctionFixture fx(1);
    AgentAddress address;
    fx.agents.resolve(u"node-1"_s, &fx.context, [&](Result<AgentAddress> resolved) {
        address = resolved.value();
    });
    FunctionLogFollower follower(&fx.network, address, u"anything"_s);
    follower.setRetryInterval(std::chrono::milliseconds(100));
    QSignalSpy changes(&follower, &FunctionLogFollower::connectionChanged);
    follower.start();
    QTRY_VERIFY(follower.isConnected());
    // As a crash or a dropped tunnel would: the stream just ends.
    fx.agent(0).killHard();
    QTRY_VERIFY(!follower.isConnected());
    QVERIFY(changes.size() >= 2);
    QCOMPARE(changes.at(1).at(0).toBool(), false);
    QVERIFY2(changes.at(1).at(1).toString().contains(u"agent"_s), qPrintable(changes.at(1).at(1).toString()));
}

RUNE_TEST_GUILESS_MAIN(TestFunctionLog)
#include "tst_functionlog.moc"
