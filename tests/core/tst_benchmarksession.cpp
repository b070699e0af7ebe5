// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark runs against real agents: a plan's runs are stored with their figures, rtt builds
// the node × node matrix, Cancel stops the runs on the agents, and the agent's refusals (409
// busy, 400 past a limit) reach the console in the agent's words.
#include "../common/await.h"
#include "../common/testagent.h"
#include "../common/testmain.h"
#include "agent/agentdirectory.h"
#include "agent/functionagents.h"
#include "benchmarks/benchmarkclient.h"
#include "benchmarks/benchmarkresults.h"
#include "benchmarks/benchmarksession.h"
#include "benchprotocol.h"
#include "cluster/nodelist.h"
#include "store/store.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

namespace
{

namespace p = protocol::benchparams;
namespace t = protocol::benchtests;

QString latin(const char *text)
{
    return QString::fromLatin1(text);
}

/** A node of the fleet that is @p agent, reached as a demo node is. */
Node nodeOf(const QString &name, test::TestAgent &agent)
{
    Node node;
    node.id = u"id-"_s + name;
    node.name = name;
    node.agent.local = true;
    node.agent.controlPort = agent.port();
    node.agent.invokePort = agent.invokePort();
    node.agent.token = agent.token();
    node.state = NodeState::Running;
    return node;
}

/** Parameters that keep a run short. */
QJsonObject quick(const QString &test)
{
    QJsonObject parameters {{latin(p::seconds), 1}};
    if (test == latin(t::cpu))
        parameters.insert(latin(p::maxPrime), 2000);
    if (test == latin(t::memory))
        parameters.insert(latin(p::bufferMiB), protocol::benchlimits::minBufferMiB);
    if (test == latin(t::rtt))
        parameters.insert(latin(p::probes), 5);
    return parameters;
}

} // namespace

class TestBenchmarkSession final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void runsAreStoredWithTheirFigures();
    void rttMeasuresEveryPair();
    void cancelStopsTheRunsOnTheAgents();
    void busyAgentIsAnErrorNamingTheRun();
    void parameterPastItsLimitIsRefusedInWords();

private:
    BenchmarkClient clientFor(test::TestAgent &agent);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<test::TestAgent> m_first;
    std::unique_ptr<test::TestAgent> m_second;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<NodeList> m_nodes;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<FunctionAgents> m_agents;
    std::unique_ptr<BenchmarkResults> m_results;
    std::unique_ptr<BenchmarkSession> m_session;
};

void TestBenchmarkSession::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_first = std::make_unique<test::TestAgent>(QStringList {}, u"first-token"_s);
    m_second = std::make_unique<test::TestAgent>(QStringList {}, u"second-token"_s);
    QVERIFY(m_first->waitForPort() && m_second->waitForPort());
    auto store = Store::open(m_dir->filePath(u"rune.db"_s));
    QVERIFY2(store, store ? "" : qPrintable(store.error().message));
    m_store = std::move(*store);
    m_nodes = std::make_unique<NodeList>();
    m_nodes->add(nodeOf(u"alpha"_s, *m_first));
    m_nodes->add(nodeOf(u"beta"_s, *m_second));
    m_network = std::make_unique<QNetworkAccessManager>();
    // Demo-style nodes only: no remote route is needed.
    m_agents = std::make_unique<FunctionAgents>(m_nodes.get(), m_network.get(), AgentDirectory(nullptr));
    m_results = std::make_unique<BenchmarkResults>(m_store.get());
    m_session = std::make_unique<BenchmarkSession>(m_agents.get(), m_results.get());
    m_session->setPollInterval(std::chrono::milliseconds(100));
}

void TestBenchmarkSession::cleanup()
{
    m_session.reset();
    m_results.reset();
    m_agents.reset();
    m_network.reset();
    m_nodes.reset();
    m_store.reset();
    m_second.reset();
    m_first.reset();
    m_dir.reset();
}

BenchmarkClient TestBenchmarkSession::clientFor(test::TestAgent &agent)
{
    return BenchmarkClient(
        m_network.get(), AgentAddress {{}, QUrl(u"http://127.0.0.1:%1"_s.arg(agent.port())), {}, agent.token()});
}

void TestBenchmarkSession::runsAreStoredWithTheirFigures()
{
    BenchmarkPlan plan;
    plan.nodeIds = {u"id-alpha"_s, u"id-beta"_s};
    plan.tests = {latin(t::cpu), latin(t::memory)};
    for (const QString &test : std::as_const(plan.tests))
        plan.parameters.insert(test, quick(test));
    QSignalSpy finished(m_session.get(), &BenchmarkSession::finished);
    QSignalSpy recorded(m_results.get(), &BenchmarkResults::recorded);
    QVERIFY(m_session->start(plan));
    QVERIFY(m_session->isRunning());
    QVERIFY(!m_session->start(plan)); // one plan at a time
    QVERIFY(finished.wait(60000));
    for (const BenchmarkSession::Step &step : m_session->steps())
        QVERIFY2(step.state == BenchmarkSession::StepState::Done, qPrintable(step.nodeId + u": "_s + step.error));
    QTRY_COMPARE_WITH_TIMEOUT(recorded.size(), 4, 10000);

    const auto latest = m_store->latestBenchmarks(u"id-alpha"_s);
    QVERIFY2(latest, latest ? "" : qPrintable(latest.error().message));
    QStringList metrics;
    for (const BenchmarkRecord &record : *latest) {
        metrics << record.metric;
        QVERIFY(record.value > 0);
        QCOMPARE(record.nodeName, u"alpha"_s);
        QVERIFY(!record.runId.isEmpty());
        QVERIFY(!record.agentVersion.isEmpty());
        QVERIFY(record.started.isValid());
        QVERIFY(record.durationMs > 0);
        QVERIFY(record.parameters.contains("\"seconds\":1"));
    }
    metrics.sort();
    QCOMPARE(metrics,
        QStringList({latin(protocol::benchmetrics::cpuMulti),
            latin(protocol::benchmetrics::cpuSingle),
            latin(protocol::benchmetrics::memoryRead),
            latin(protocol::benchmetrics::memoryWrite)}));
    QCOMPARE(m_store->latestBenchmarks(u"id-beta"_s)->size(), 4);
    QCOMPARE(m_session->records().size(), 8);

    // A second run adds to the history; the latest figures are the second run's.
    plan.tests = {latin(t::cpu)};
    QVERIFY(m_session->start(plan));
    QVERIFY(finished.wait(60000));
    m_results->flush();
    const auto history =
        m_store->benchmarkHistory(u"id-alpha"_s, latin(t::cpu), latin(protocol::benchmetrics::cpuSingle));
    QVERIFY(history);
    QCOMPARE(history->size(), 2);
    QVERIFY(history->at(0).runId != history->at(1).runId);
    QTRY_VERIFY_WITH_TIMEOUT(m_store->latestBenchmarks(u"id-alpha"_s)->size() == 4, 5000);
    bool newest = false;
    const auto latestAgain = m_store->latestBenchmarks(u"id-alpha"_s);
    QVERIFY(latestAgain);
    for (const BenchmarkRecord &record : *latestAgain)
        newest |= record.runId == history->at(1).runId;
    QVERIFY(newest);
}

void TestBenchmarkSession::rttMeasuresEveryPair()
{
    BenchmarkPlan plan;
    plan.nodeIds = {u"id-alpha"_s, u"id-beta"_s};
    plan.tests = {latin(t::rtt)};
    plan.parameters.insert(latin(t::rtt), quick(latin(t::rtt)));
    QSignalSpy finished(m_session.get(), &BenchmarkSession::finished);
    QVERIFY(m_session->start(plan));
    QVERIFY(finished.wait(60000));
    for (const BenchmarkSession::Step &step : m_session->steps())
        QVERIFY2(step.state == BenchmarkSession::StepState::Done, qPrintable(step.error));
    m_results->flush();
    const auto latest = m_store->latestBenchmarks();
    QVERIFY(latest);
    QSet<QString> pairs;
    for (const BenchmarkRecord &record : *latest) {
        if (record.metric != latin(protocol::benchmetrics::rttAvg))
            continue;
        QVERIFY(record.value > 0);
        pairs.insert(record.nodeId + u"->"_s + record.peerNodeId);
    }
    QCOMPARE(pairs, QSet<QString>({u"id-alpha->id-beta"_s, u"id-beta->id-alpha"_s}));
    // Each node was asked for the other's invoke port, as the loopback reaches it.
    QCOMPARE(BenchmarkSession::peerAddress(*m_nodes->find(u"id-alpha"_s), *m_nodes->find(u"id-beta"_s)),
        u"127.0.0.1:%1"_s.arg(m_second->invokePort()));
}

void TestBenchmarkSession::cancelStopsTheRunsOnTheAgents()
{
    BenchmarkPlan plan;
    plan.nodeIds = {u"id-alpha"_s, u"id-beta"_s};
    plan.tests = {latin(t::cpu), latin(t::memory)};
    plan.parameters.insert(latin(t::cpu), QJsonObject {{latin(p::seconds), 30}});
    plan.parameters.insert(latin(t::memory), quick(latin(t::memory)));
    QSignalSpy finished(m_session.get(), &BenchmarkSession::finished);
    QVERIFY(m_session->start(plan));
    QVERIFY(QTest::qWaitFor(
        [this] {
            return !m_session->step(u"id-alpha"_s, latin(t::cpu)).runId.isEmpty()
                && !m_session->step(u"id-beta"_s, latin(t::cpu)).runId.isEmpty();
        },
        10000));
    const QString runId = m_session->step(u"id-alpha"_s, latin(t::cpu)).runId;
    m_session->cancel();
    // Far sooner than the 60 s the cpu runs would take.
    QVERIFY(finished.wait(15000));
    for (const QString &node : {u"id-alpha"_s, u"id-beta"_s}) {
        QCOMPARE(m_session->step(node, latin(t::cpu)).state, BenchmarkSession::StepState::Cancelled);
        QCOMPARE(m_session->step(node, latin(t::memory)).state, BenchmarkSession::StepState::Cancelled);
    }
    // The agent says so too, and is free for the next run.
    BenchmarkClient client = clientFor(*m_first);
    const auto run = test::await<BenchmarkRun>([&](QObject *context, auto done) {
        client.fetch(runId, context, done);
    });
    QVERIFY2(run, run ? "" : qPrintable(run.error().message));
    QCOMPARE(run->state, BenchmarkRun::State::Cancelled);
    m_results->flush();
    QVERIFY(m_store->latestBenchmarks()->isEmpty());
    const auto next = test::await<BenchmarkRun>([&](QObject *context, auto done) {
        client.start(latin(t::cpu), quick(latin(t::cpu)), context, done);
    });
    QVERIFY2(next, next ? "" : qPrintable(next.error().message));
}

void TestBenchmarkSession::busyAgentIsAnErrorNamingTheRun()
{
    BenchmarkClient client = clientFor(*m_first);
    const auto running = test::await<BenchmarkRun>([&](QObject *context, auto done) {
        client.start(latin(t::cpu), QJsonObject {{latin(p::seconds), 20}}, context, done);
    });
    QVERIFY2(running, running ? "" : qPrintable(running.error().message));
    const auto second = test::await<BenchmarkRun>([&](QObject *context, auto done) {
        client.start(latin(t::memory), quick(latin(t::memory)), context, done);
    });
    QVERIFY(!second);
    QCOMPARE(second.error().code, u"agent.busy"_s);
    QVERIFY2(second.error().message.contains(running->id), qPrintable(second.error().message));

    // The session shows it as that node's failure; the other node is measured all the same.
    BenchmarkPlan plan;
    plan.nodeIds = {u"id-alpha"_s, u"id-beta"_s};
    plan.tests = {latin(t::memory)};
    plan.parameters.insert(latin(t::memory), quick(latin(t::memory)));
    QSignalSpy finished(m_session.get(), &BenchmarkSession::finished);
    QVERIFY(m_session->start(plan));
    QVERIFY(finished.wait(30000));
    const BenchmarkSession::Step busy = m_session->step(u"id-alpha"_s, latin(t::memory));
    QCOMPARE(busy.state, BenchmarkSession::StepState::Failed);
    QVERIFY2(busy.error.contains(running->id), qPrintable(busy.error));
    QCOMPARE(m_session->step(u"id-beta"_s, latin(t::memory)).state, BenchmarkSession::StepState::Done);

    const auto cancelled = test::await<BenchmarkRun>([&](QObject *context, auto done) {
        client.cancel(running->id, context, done);
    });
    QVERIFY2(cancelled, cancelled ? "" : qPrintable(cancelled.error().message));
}

void TestBenchmarkSession::parameterPastItsLimitIsRefusedInWords()
{
    BenchmarkClient client = clientFor(*m_first);
    const auto refused = test::await<BenchmarkRun>([&](QObject *context, auto done) {
        client.start(
            latin(t::cpu), QJsonObject {{latin(p::seconds), protocol::benchlimits::maxSeconds + 1}}, context, done);
    });
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, u"agent.bad_request"_s);
    QVERIFY2(refused.error().message.contains(latin(p::seconds))
            && refused.error().message.contains(QString::number(protocol::benchlimits::maxSeconds)),
        qPrintable(refused.error().message));

    // A node that is gone from the fleet fails its steps in words, without a crash.
    BenchmarkPlan plan;
    plan.nodeIds = {u"id-gone"_s};
    plan.tests = {latin(t::cpu)};
    QSignalSpy finished(m_session.get(), &BenchmarkSession::finished);
    QVERIFY(m_session->start(plan));
    QVERIFY(finished.wait(5000));
    QCOMPARE(m_session->step(u"id-gone"_s, latin(t::cpu)).state, BenchmarkSession::StepState::Failed);
    QVERIFY(!m_session->step(u"id-gone"_s, latin(t::cpu)).error.isEmpty());
}

RUNE_TEST_GUILESS_MAIN(TestBenchmarkSession)
#include "tst_benchmarksession.moc"
