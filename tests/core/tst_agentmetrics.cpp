// SPDX-License-Identifier: GPL-3.0-or-later
// The console's reading of /v1/metrics, /v1/functions and /v1/events: the fixtures captured from
// a real agent, rates derived from two answers, and a real agent under real calls.
#include "../common/await.h"
#include "../common/functions.h"
#include "../common/protocolfixture.h"
#include "../common/testagent.h"
#include "../common/testmain.h"
#include "agent/agentclient.h"
#include "metrics/nodesample.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::await;
using rune::test::protocolFixture;

class TestAgentMetrics final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheProtocolFixtures();
    void toleratesMissingAndUnknownFields();
    void ratesAreCounterDeltasOverTheAgentsClock();
    void aRestartedAgentGivesNoNegativeRates();
    void p99IsOfTheRecentWindowWhenTheAgentSaysIt();
    void realAgentCountsRealCalls();
};

void TestAgentMetrics::parsesTheProtocolFixtures()
{
    const auto metrics = parseAgentMetrics(protocolFixture(u"metrics.json"_s));
    QVERIFY2(metrics, metrics ? "" : qPrintable(metrics.error().message));
    QCOMPARE(metrics->role, u"compute"_s);
    QVERIFY(metrics->timeMs > 0);
    QVERIFY(metrics->memoryTotalBytes > metrics->memoryAvailableBytes);
    QVERIFY(metrics->diskTotalBytes > metrics->diskFreeBytes);
    QCOMPARE(metrics->functions.size(), 1);
    const FunctionCounters &resize = metrics->functions.first();
    QCOMPARE(resize.name, u"resize"_s);
    QVERIFY(resize.deployed);
    QCOMPARE(resize.version, 1);
    QCOMPARE(resize.invocations, 5);
    QCOMPARE(resize.coldStarts, 1);
    QCOMPARE(resize.latency.count, 4);
    QVERIFY(resize.latency.p99Ms > 0);
    QVERIFY(resize.recentLatency);
    QCOMPARE(resize.recentLatency->count, 3);
    QCOMPARE(resize.recentLatency->windowSeconds, 10.2);
    QCOMPARE(resize.recentLatency->p99Ms, 0.4955);
    QCOMPARE(resize.replicas, 1);
    QCOMPARE(resize.replicasReady, 1);
    QCOMPARE(resize.scaleUps, 1);
    QCOMPARE(resize.scaleDowns, 0);

    const auto functions = parseAgentFunctions(protocolFixture(u"functions.json"_s));
    QVERIFY2(functions, functions ? "" : qPrintable(functions.error().message));
    QCOMPARE(functions->size(), 1);
    QCOMPARE(functions->first().state, u"PUBLISHED"_s);
    QCOMPARE(functions->first().runtime, u"python3"_s);
    QCOMPARE(functions->first().replicasReady, 1);

    const auto events = parseAgentEvents(protocolFixture(u"events.json"_s));
    QVERIFY2(events, events ? "" : qPrintable(events.error().message));
    QCOMPARE(events->size(), 3);
    QCOMPARE(events->at(0).kind, u"deployed"_s);
    QCOMPARE(events->at(0).seq, 1u);
    QCOMPARE(events->at(1).detail, u"0 -> 1 replicas, 1 calls in flight"_s);
    QCOMPARE(events->at(2).detail, u"replica=resize-v1-r1"_s);
}

void TestAgentMetrics::toleratesMissingAndUnknownFields()
{
    // A future agent with more fields and a deleted function it still counts.
    const auto metrics = parseAgentMetrics(R"({"time_ms": 5, "node": {"cpu_percent": 12.5, "gpu_percent": 3},
        "functions": [{"name": "gone", "invocations": 3}], "new_thing": [1, 2]})");
    QVERIFY(metrics);
    QCOMPARE(metrics->cpuPercent, 12.5);
    QCOMPARE(metrics->memoryTotalBytes, 0);
    QCOMPARE(metrics->functions.size(), 1);
    QVERIFY(!metrics->functions.first().deployed);
    // An agent that does not say how many replicas are ready: all of them.
    const auto older = parseAgentMetrics(R"({"node": {}, "functions": [{"name": "f", "version": 1, "replicas": 2}]})");
    QVERIFY(older);
    QCOMPARE(older->functions.first().replicasReady, 2);
    const auto noNode = parseAgentMetrics(R"({"time_ms": 5})");
    QVERIFY(!noNode);
    QCOMPARE(noNode.error().code, u"agent.bad_response"_s);
    QVERIFY(!parseAgentEvents("[]"));
    QVERIFY(!parseAgentFunctions(R"({"functions": 3})"));
}

static AgentMetrics metricsAt(qint64 timeMs, double uptime, qint64 invocations, qint64 errors, double meanMs)
{
    AgentMetrics metrics;
    metrics.timeMs = timeMs;
    metrics.receivedMs = timeMs;
    metrics.uptimeSeconds = uptime;
    metrics.memoryTotalBytes = 1000;
    metrics.memoryAvailableBytes = 250;
    metrics.diskTotalBytes = 400;
    metrics.diskFreeBytes = 100;
    FunctionCounters function;
    function.name = u"f"_s;
    function.deployed = true;
    function.version = 2;
    function.replicas = 3;
    function.replicasReady = 2;
    function.inFlight = 1;
    function.invocations = invocations;
    function.coldStarts = invocations / 10;
    function.errors = errors;
    function.latency = {invocations, meanMs, meanMs, meanMs, meanMs * 2, 0};
    metrics.functions = {function};
    return metrics;
}

void TestAgentMetrics::ratesAreCounterDeltasOverTheAgentsClock()
{
    const AgentMetrics first = metricsAt(10'000, 10, 100, 2, 10.0);
    // 2 s later: 50 more calls, 5 more errors, and those 50 took 40 ms each.
    const AgentMetrics second = metricsAt(12'000, 12, 150, 7, (100 * 10.0 + 50 * 40.0) / 150);
    const NodeSample firstSample = deriveSample(nullptr, first);
    QCOMPARE(firstSample.invocationsPerSecond, 0.0); // nothing to compare with yet
    QCOMPARE(firstSample.memoryPercent(), 75.0);
    QCOMPARE(firstSample.diskPercent(), 75.0);
    const NodeSample sample = deriveSample(&first, second);
    QCOMPARE(sample.invocationsPerSecond, 25.0);
    QCOMPARE(sample.errorsPerSecond, 2.5);
    QCOMPARE(sample.errorRate(), 0.1);
    QVERIFY(qAbs(sample.meanLatencyMs - 40.0) < 1e-9);
    QCOMPARE(sample.functions, 1);
    QCOMPARE(sample.replicas, 3);
    QCOMPARE(sample.inFlight, 1);
    const QList<FunctionSample> functions = deriveFunctionSamples(&first, second);
    QCOMPARE(functions.size(), 1);
    QCOMPARE(functions.first().invocationsPerSecond, 25.0);
    QCOMPARE(functions.first().version, 2);
    QCOMPARE(functions.first().replicasReady, 2);
    QCOMPARE(functions.first().coldStarts, 15);
    QCOMPARE(functions.first().coldStartsPerSecond, 2.5); // 5 more in 2 s
}

void TestAgentMetrics::p99IsOfTheRecentWindowWhenTheAgentSaysIt()
{
    const AgentMetrics first = metricsAt(10'000, 10, 100, 0, 10.0);
    AgentMetrics second = metricsAt(12'000, 12, 150, 0, 10.0);
    // Without recent_latency (an older agent): the p99 since the start.
    QCOMPARE(deriveSample(&first, second).p99LatencyMs, 20.0);
    // With it: the window's, and 0 for a window without calls, though the start had some.
    second.functions[0].recentLatency = LatencySummary {50, 4.0, 3.0, 5.0, 7.5, 2.0};
    QCOMPARE(deriveSample(&first, second).p99LatencyMs, 7.5);
    QCOMPARE(deriveFunctionSamples(&first, second).first().p99LatencyMs, 7.5);
    second.functions[0].recentLatency = LatencySummary {};
    QCOMPARE(deriveSample(&first, second).p99LatencyMs, 0.0);
    QCOMPARE(deriveFunctionSamples(&first, second).first().p99LatencyMs, 0.0);
}

void TestAgentMetrics::aRestartedAgentGivesNoNegativeRates()
{
    const AgentMetrics before = metricsAt(10'000, 500, 9000, 20, 5.0);
    const AgentMetrics restarted = metricsAt(11'000, 1, 3, 0, 5.0);
    const NodeSample sample = deriveSample(&before, restarted);
    QCOMPARE(sample.invocationsPerSecond, 0.0);
    QCOMPARE(sample.errorsPerSecond, 0.0);
}

void TestAgentMetrics::realAgentCountsRealCalls()
{
    test::TestAgent agent({}, u"metrics-token"_s);
    QVERIFY(agent.waitForPort() != 0);
    QNetworkAccessManager network;
    HttpAgentClient client(&network, QUrl(u"http://127.0.0.1:%1"_s.arg(agent.port())), agent.token());
    QCOMPARE(test::deployPython(agent, u"echo"_s, u"def handle(event, context):\n    return 'ok'\n"_s).status, 201);
    const auto before = await<AgentMetrics>([&client](QObject *context, auto done) {
        client.fetchMetrics(context, 0, std::move(done));
    });
    QVERIFY2(before, before ? "" : qPrintable(before.error().message));
    for (int call = 0; call < 6; ++call)
        QCOMPARE(test::callFunction(agent.invokePort(), "GET", "/function/echo").status, 200);
    QTest::qWait(50);
    const auto after = await<AgentMetrics>([&client](QObject *context, auto done) {
        client.fetchMetrics(context, 0, std::move(done));
    });
    QVERIFY(after);
    const NodeSample sample = deriveSample(&*before, *after);
    QVERIFY2(sample.invocationsPerSecond > 0, qPrintable(QString::number(sample.invocationsPerSecond)));
    QVERIFY(sample.meanLatencyMs > 0);
    QVERIFY(sample.memoryTotalBytes > 0);
    QCOMPARE(sample.functions, 1);
    // The window asked for reaches the agent: 3 s after the calls, the last second has none of them.
    QVERIFY(after->functions.first().recentLatency);
    QCOMPARE(after->functions.first().recentLatency->count, 5); // the first call was the cold start
    QTest::qWait(3000);
    const auto quiet = await<AgentMetrics>([&client](QObject *context, auto done) {
        client.fetchMetrics(context, 1, std::move(done));
    });
    QVERIFY(quiet && quiet->functions.first().recentLatency);
    QCOMPARE(quiet->functions.first().recentLatency->count, 0);
    QVERIFY(quiet->functions.first().recentLatency->windowSeconds >= 1);
    QVERIFY(quiet->functions.first().recentLatency->windowSeconds < 3.5);
    QCOMPARE(quiet->functions.first().latency.count, 5);

    const auto functions = await<QList<AgentFunction>>([&client](QObject *context, auto done) {
        client.fetchFunctions(context, std::move(done));
    });
    QVERIFY(functions);
    QCOMPARE(functions->size(), 1);
    QCOMPARE(functions->first().name, u"echo"_s);
    const auto events = await<QList<AgentEvent>>([&client](QObject *context, auto done) {
        client.fetchEvents(0, 100, context, std::move(done));
    });
    QVERIFY(events);
    QVERIFY(!events->isEmpty());
    QCOMPARE(events->first().kind, u"deployed"_s);
    const auto newer = await<QList<AgentEvent>>([&client, &events](QObject *context, auto done) {
        client.fetchEvents(events->constLast().seq, 100, context, std::move(done));
    });
    QVERIFY(newer);
    QVERIFY(newer->isEmpty());
}

RUNE_TEST_GUILESS_MAIN(TestAgentMetrics)
#include "tst_agentmetrics.moc"
