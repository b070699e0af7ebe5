// SPDX-License-Identifier: GPL-3.0-or-later
// What placement sees of a node: facts, free memory, GPUs, the latest figures, the round trip to
// the reference node.
#include "../common/testmain.h"
#include "metrics/nodesample.h"
#include "placement/placementinputs.h"

#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace rune;

class TestPlacementInputs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requirementsComeFromTheConfiguration();
    void candidateCarriesFactsAndLiveMemory();
    void latestFigureWinsAndOthersNodesAreIgnored();
    void roundTripToTheReferenceNode();
};

namespace
{

Node computeNode(const QString &id)
{
    Node node;
    node.id = id;
    node.name = id;
    node.role = NodeRole::Compute;
    node.state = NodeState::Running;
    node.facts.cores = 8;
    node.facts.memoryBytes = qint64(16) << 30;
    node.labels = {u"ssd"_s};
    return node;
}

BenchmarkRecord record(const QString &node,
    const QString &test,
    const QString &metric,
    double value,
    int minute,
    const QString &peerNode = {})
{
    BenchmarkRecord r;
    r.nodeId = node;
    r.test = test;
    r.metric = metric;
    r.value = value;
    r.peerNodeId = peerNode;
    r.started = QDateTime(QDate(2026, 12, 4), QTime(12, minute), QTimeZone::utc());
    return r;
}

} // namespace

void TestPlacementInputs::requirementsComeFromTheConfiguration()
{
    FunctionConfig config;
    config.runtime = FunctionRuntime::Exec;
    config.memoryMiB = 512;
    config.gpuCount = 1;
    config.gpuMemoryMiB = 4096;
    const placement::Requirements requirements = placementRequirements(config);
    QCOMPARE(requirements.runtime, std::string("exec"));
    QCOMPARE(requirements.memoryMiB, 512);
    QCOMPARE(requirements.gpuCount, 1);
    QCOMPARE(requirements.gpuMemoryMiB, 4096);
}

void TestPlacementInputs::candidateCarriesFactsAndLiveMemory()
{
    Node node = computeNode(u"n1"_s);
    node.state = NodeState::Suspended;
    node.facts.gpus = {NodeGpu {0, u"Tesla T4"_s, qint64(16) << 30}};
    placement::Candidate candidate = placementCandidate(node, nullptr, {}, {});
    QCOMPARE(candidate.name, std::string("n1"));
    QCOMPARE(candidate.role, std::string("compute"));
    QVERIFY(!candidate.running);
    QCOMPARE(candidate.cores, 8);
    QCOMPARE(candidate.memoryAvailableMiB, 16384); // no sample yet: all of it
    QCOMPARE(candidate.gpus.size(), size_t(1));
    QCOMPARE(candidate.gpus.at(0).memoryMiB, 16384);
    QCOMPARE(candidate.labels, std::vector<std::string>({"ssd"}));
    NodeSample sample;
    sample.memoryTotalBytes = qint64(16) << 30;
    sample.memoryUsedBytes = qint64(12) << 30;
    candidate = placementCandidate(node, &sample, {}, {});
    QCOMPARE(candidate.memoryAvailableMiB, 4096);
    QVERIFY(candidate.figures.empty());
    QVERIFY(!candidate.rttMs);
    QVERIFY(!candidate.hourlyPrice); // not set
    node.hourlyPrice = u"0.085"_s;
    QCOMPARE(placementCandidate(node, nullptr, {}, {}).hourlyPrice, std::optional<double>(0.085));
    node.hourlyPrice = u"cheap"_s;
    QVERIFY(!placementCandidate(node, nullptr, {}, {}).hourlyPrice);
}

void TestPlacementInputs::latestFigureWinsAndOthersNodesAreIgnored()
{
    const QList<BenchmarkRecord> records = {
        record(u"n1"_s, u"cpu"_s, u"events_per_s_single"_s, 900, 30),
        record(u"n1"_s, u"cpu"_s, u"events_per_s_single"_s, 700, 10),
        record(u"n2"_s, u"cpu"_s, u"events_per_s_single"_s, 5000, 40),
        record(u"n1"_s, u"memory"_s, u"read_mib_s"_s, 12000, 20),
    };
    const placement::Candidate candidate = placementCandidate(computeNode(u"n1"_s), nullptr, records, {});
    QCOMPARE(candidate.figures.size(), size_t(2));
    QCOMPARE(candidate.figures.at("cpu.events_per_s_single"), 900.0);
    QCOMPARE(candidate.figures.at("memory.read_mib_s"), 12000.0);
}

void TestPlacementInputs::roundTripToTheReferenceNode()
{
    const QList<BenchmarkRecord> records = {
        record(u"n1"_s, u"rtt"_s, u"rtt_avg_ms"_s, 0.8, 10, u"ctl"_s),
        record(u"n1"_s, u"rtt"_s, u"rtt_avg_ms"_s, 0.5, 20, u"ctl"_s),
        record(u"n1"_s, u"rtt"_s, u"rtt_p99_ms"_s, 3, 20, u"ctl"_s),
        record(u"n1"_s, u"rtt"_s, u"rtt_avg_ms"_s, 9, 30, u"edge"_s),
    };
    QCOMPARE(placementCandidate(computeNode(u"n1"_s), nullptr, records, u"ctl"_s).rttMs, std::optional<double>(0.5));
    QCOMPARE(placementCandidate(computeNode(u"n1"_s), nullptr, records, u"edge"_s).rttMs, std::optional<double>(9));
    QVERIFY(!placementCandidate(computeNode(u"n1"_s), nullptr, records, u"other"_s).rttMs);
    QCOMPARE(placementCandidate(computeNode(u"ctl"_s), nullptr, records, u"ctl"_s).rttMs, std::optional<double>(0));
    // rtt figures are not performance figures.
    QVERIFY(placementCandidate(computeNode(u"n1"_s), nullptr, records, u"ctl"_s).figures.empty());
}

RUNE_TEST_GUILESS_MAIN(TestPlacementInputs)
#include "tst_placementinputs.moc"
