// SPDX-License-Identifier: GPL-3.0-or-later
// What the console accepts of a node's answers: the newer agents' fields (a function's start
// failure, the node's isolation) against the protocol fixtures and as older agents leave them
// out, and the bounds every answer is read within (kinds, sizes, depth, numbers, text).
#include "../common/protocolfixture.h"
#include "../common/testmain.h"
#include "agent/agentclient.h"
#include "agent/agentjson.h"
#include "agent/functionagentclient.h"
#include "functions/functionlog.h"
#include "metrics/nodesample.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::protocolFixture;

class TestAgentAnswers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aFunctionThatCannotStartSaysWhy();
    void olderAgentsReportNoStartFailure();
    void isolationAndItsWarningsAreRead();
    void olderAgentsReportNoIsolation();
    void gpusAreRead();
    void aFieldOfTheWrongKindIsNamed_data();
    void aFieldOfTheWrongKindIsNamed();
    void answersPastTheirBoundsAreRefused_data();
    void answersPastTheirBoundsAreRefused();
    void absurdFiguresAreKeptWithinBounds();
    void longTextIsCutShort();
};

void TestAgentAnswers::aFunctionThatCannotStartSaysWhy()
{
    const auto functions = parseAgentFunctions(protocolFixture(u"functions-start-failure.json"_s));
    QVERIFY2(functions, functions ? "" : qPrintable(functions.error().message));
    QCOMPARE(functions->size(), 2);
    const AgentFunction &thumbnail = functions->at(0);
    QCOMPARE(thumbnail.name, u"thumbnail"_s);
    QVERIFY(thumbnail.startFailure);
    QVERIFY(thumbnail.startFailure->message.contains(u"No module named 'PIL'"_s));
    QCOMPARE(thumbnail.startFailure->failures, 3);
    QCOMPARE(thumbnail.startFailure->retryInMs, 4000);
    QVERIFY(!functions->at(1).startFailure); // the other one starts

    const auto function = parseAgentFunction(protocolFixture(u"function-start-failure.json"_s));
    QVERIFY2(function, function ? "" : qPrintable(function.error().message));
    QVERIFY(function->startFailure);
    QVERIFY(function->startFailure->message.contains(u"SyntaxError"_s));
    QCOMPARE(function->startFailure->failures, 5);
    QCOMPARE(function->startFailure->retryInMs, 16000);
    QCOMPARE(function->versions, QList<int> {1});
}

void TestAgentAnswers::olderAgentsReportNoStartFailure()
{
    const auto functions = parseAgentFunctions(protocolFixture(u"functions.json"_s));
    QVERIFY(functions);
    QVERIFY(!functions->first().startFailure);
    const auto function = parseAgentFunction(protocolFixture(u"function.json"_s));
    QVERIFY(function);
    QVERIFY(!function->startFailure);
}

void TestAgentAnswers::isolationAndItsWarningsAreRead()
{
    const auto facts = parseAgentInfo(protocolFixture(u"info-isolation.json"_s));
    QVERIFY2(facts, facts ? "" : qPrintable(facts.error().message));
    const NodeIsolation &isolation = facts->isolation;
    QVERIFY(isolation.isReported());
    QCOMPARE(isolation.users, u"agent"_s);
    QCOMPARE(isolation.memory, u"rlimit"_s);
    QCOMPARE(isolation.processes, u"subreaper"_s);
    QCOMPARE(isolation.filesystem, u"shared"_s);
    QCOMPARE(isolation.warnings.size(), 2);
    QVERIFY(isolation.warnings.at(0).startsWith(u"cgroup v2 is not available"_s));
    QCOMPARE(facts->hostname, u"compute-1"_s); // the facts an older agent gives are read as ever
}

void TestAgentAnswers::olderAgentsReportNoIsolation()
{
    // Today's answer without what agents before isolation did not send.
    QJsonObject older = QJsonDocument::fromJson(protocolFixture(u"info.json"_s)).object();
    QVERIFY(older.contains(u"isolation"_s));
    older.remove(u"isolation"_s);
    const auto facts = parseAgentInfo(QJsonDocument(older).toJson());
    QVERIFY(facts);
    QVERIFY(!facts->isolation.isReported());
    QVERIFY(facts->isolation.warnings.isEmpty());
    // Well isolated: mechanisms but no warnings.
    const auto quiet = parseAgentInfo(R"({"hostname":"h","os":"o","arch":"a","cores":1,"memory_bytes":1,
        "isolation":{"users":"per-replica","memory":"cgroup2","processes":"cgroup2","filesystem":"private","warnings":[]}})");
    QVERIFY(quiet);
    QVERIFY(quiet->isolation.isReported());
    QVERIFY(quiet->isolation.warnings.isEmpty());
}

void TestAgentAnswers::gpusAreRead()
{
    const auto facts = parseAgentInfo(protocolFixture(u"info.json"_s));
    QVERIFY2(facts, facts ? "" : qPrintable(facts.error().message));
    QCOMPARE(facts->gpus.size(), 1);
    QCOMPARE(facts->gpus.at(0), (NodeGpu {0, u"Tesla T4"_s, 16106127360}));
    // An agent from before GPUs were reported: none.
    const auto older = parseAgentInfo(R"({"hostname":"h","os":"o","arch":"a","cores":1,"memory_bytes":1})");
    QVERIFY(older && older->gpus.isEmpty());
    // A GPU that is not an object is named, not taken for a GPU at index 0.
    const auto broken =
        parseAgentInfo(R"({"hostname":"h","os":"o","arch":"a","cores":1,"memory_bytes":1,"gpus":["Tesla"]})");
    QVERIFY(!broken);
    QVERIFY2(broken.error().message.contains(u"GPU"_s), qPrintable(broken.error().message));
}

void TestAgentAnswers::aFieldOfTheWrongKindIsNamed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("parser");
    QTest::addColumn<QString>("named");
    const QByteArray facts = R"("os":"o","arch":"a","cores":1,"memory_bytes":1)";
    QTest::newRow("a number for a host name") << QByteArray(R"({"hostname":42,)" + facts + "}") << 0 << u"hostname"_s;
    QTest::newRow("text for cores") << QByteArray(
        R"({"hostname":"h","os":"o","arch":"a","cores":"8","memory_bytes":1})")
                                    << 0 << u"cores"_s;
    QTest::newRow("isolation as text") << QByteArray(R"({"hostname":"h",)" + facts + R"(,"isolation":"none"})") << 0
                                       << u"isolation"_s;
    QTest::newRow("a warning that is a number")
        << QByteArray(R"({"hostname":"h",)" + facts + R"(,"isolation":{"warnings":[1]}})") << 0 << u"warnings"_s;
    QTest::newRow("negative memory") << QByteArray(
        R"({"hostname":"h","os":"o","arch":"a","cores":1,"memory_bytes":-1})")
                                     << 0 << u"memory_bytes"_s;
    QTest::newRow("text for CPU") << QByteArray(R"({"node":{"cpu_percent":"high"}})") << 1 << u"cpu_percent"_s;
    QTest::newRow("a list for latency") << QByteArray(R"({"node":{},"functions":[{"name":"f","latency":[1,2]}]})") << 1
                                        << u"latency"_s;
    QTest::newRow("numbers for functions") << QByteArray(R"({"node":{},"functions":[1,2]})") << 1 << u"functions"_s;
    QTest::newRow("a start failure as text")
        << QByteArray(R"({"functions":[{"name":"f","start_failure":"crashed"}]})") << 2 << u"start_failure"_s;
    QTest::newRow("failures as text") << QByteArray(R"({"functions":[{"name":"f","start_failure":{"failures":"3"}}]})")
                                      << 2 << u"failures"_s;
    QTest::newRow("an event number as text") << QByteArray(R"({"events":[{"seq":"one"}]})") << 3 << u"seq"_s;
}

void TestAgentAnswers::aFieldOfTheWrongKindIsNamed()
{
    QFETCH(QByteArray, body);
    QFETCH(int, parser);
    QFETCH(QString, named);
    const std::optional<Error> error = [&]() -> std::optional<Error> {
        switch (parser) {
        case 0:
            if (const auto facts = parseAgentInfo(body); !facts)
                return facts.error();
            break;
        case 1:
            if (const auto metrics = parseAgentMetrics(body); !metrics)
                return metrics.error();
            break;
        case 2:
            if (const auto functions = parseAgentFunctions(body); !functions)
                return functions.error();
            break;
        default:
            if (const auto events = parseAgentEvents(body); !events)
                return events.error();
            break;
        }
        return std::nullopt;
    }();
    QVERIFY(error);
    QCOMPARE(error->code, u"agent.bad_response"_s);
    QVERIFY2(error->message.contains(u"not the agent's protocol"_s), qPrintable(error->message));
    QVERIFY2(error->message.contains(u'"' + named + u'"'), qPrintable(error->message));
}

void TestAgentAnswers::answersPastTheirBoundsAreRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("said");
    QTest::newRow("10,000 deep") << QByteArray("{\"node\":" + QByteArray(10000, '[') + QByteArray(10000, ']') + "}")
                                 << u"deeper than 64"_s;
    QByteArray manyFunctions = "{\"node\":{},\"functions\":[";
    for (int i = 0; i <= agentjson::maxListEntries; ++i)
        manyFunctions += "{},";
    manyFunctions.chop(1);
    manyFunctions += "]}";
    QTest::newRow("10,001 functions") << manyFunctions << u"more than the 10000"_s;
    QTest::newRow("larger than 8 MiB") << QByteArray("{\"node\":{},\"pad\":\"" + QByteArray(9 << 20, 'x') + "\"}")
                                       << u"larger than"_s;
    QTest::newRow("invalid UTF-8") << QByteArray("{\"node\":{},\"role\":\"\xff\xfe\"}") << u"malformed JSON"_s;
    QTest::newRow("empty") << QByteArray("  ") << u"an empty answer"_s;
    QTest::newRow("a list") << QByteArray("[1]") << u"not an object"_s;
    QTest::newRow("HTML") << QByteArray("<html>It works!</html>") << u"malformed JSON"_s;
}

void TestAgentAnswers::answersPastTheirBoundsAreRefused()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, said);
    const auto metrics = parseAgentMetrics(body);
    QVERIFY(!metrics);
    QCOMPARE(metrics.error().code, u"agent.bad_response"_s);
    QVERIFY2(metrics.error().message.contains(said), qPrintable(metrics.error().message));
}

void TestAgentAnswers::absurdFiguresAreKeptWithinBounds()
{
    const QByteArray body = R"({"uptime_s": 10, "node": {"cpu_percent": 1e308, "memory_total_bytes": 1e300,
        "memory_available_bytes": 0, "disk_read_bytes_per_s": -1e300},
        "functions": [{"name": "a", "version": 1, "invocations": 9.3e18, "replicas": 4e9, "in_flight": 1e12},
                      {"name": "b", "version": 1e300, "invocations": 1e300, "replicas": 1e9}]})";
    const auto metrics = parseAgentMetrics(body);
    QVERIFY2(metrics, metrics ? "" : qPrintable(metrics.error().message));
    QCOMPARE(metrics->cpuPercent, 100.0);
    QCOMPARE(metrics->memoryTotalBytes, agentjson::maxCount);
    QCOMPARE(metrics->functions.at(0).invocations, agentjson::maxCount);
    QCOMPARE(metrics->functions.at(1).version, 1'000'000);
    // Sums over functions and rates between two answers stay finite and positive.
    AgentMetrics later = *metrics;
    later.receivedMs += 1000;
    later.functions[0].invocations = 0; // counters that went back: no negative rate
    const NodeSample sample = deriveSample(&*metrics, later);
    QVERIFY(sample.replicas > 0);
    QVERIFY(sample.inFlight > 0);
    QVERIFY(sample.invocationsPerSecond >= 0);
    QVERIFY(std::isfinite(sample.diskReadBytesPerSecond));
    QCOMPARE(metrics->diskReadBytesPerSecond, 0.0);
    QVERIFY(sample.memoryUsedBytes >= 0);
}

void TestAgentAnswers::longTextIsCutShort()
{
    const QString huge(100000, u'h');
    const QByteArray body = R"({"hostname":")" + huge.toUtf8() + R"(","os":"o","arch":"a","cores":1,"memory_bytes":1})";
    const auto facts = parseAgentInfo(body);
    QVERIFY(facts);
    QCOMPARE(facts->hostname.size(), agentjson::maxTextLength + 1);
    QVERIFY(facts->hostname.endsWith(u'…'));
    // A log line keeps its whole text (the agent's own limit is 16 KiB); past 256 KiB it is refused.
    const QString text(16 * 1024, u'x');
    const auto line = parseFunctionLogLine(R"({"seq":1,"text":")" + text.toUtf8() + "\"}", u"n"_s);
    QVERIFY(line);
    QCOMPARE(line->text, text);
    const auto tooLong = parseFunctionLogLine(R"({"seq":1,"text":")" + QByteArray(300 * 1024, 'x') + "\"}", u"n"_s);
    QVERIFY(!tooLong);
    // An event with many strange fields makes a bounded detail.
    QByteArray event = R"({"events":[{"seq":1,"kind":"k")";
    for (int i = 0; i < 50; ++i)
        event += ",\"f" + QByteArray::number(i) + "\":\"" + QByteArray(1000, 'v') + '"';
    event += "}]}";
    const auto events = parseAgentEvents(event);
    QVERIFY(events);
    QVERIFY(events->first().detail.size() <= agentjson::maxTextLength + 1);
}

RUNE_TEST_GUILESS_MAIN(TestAgentAnswers)
#include "tst_agentanswers.moc"
