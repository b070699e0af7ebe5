// SPDX-License-Identifier: GPL-3.0-or-later
// The placement ranking: filters with their reasons, scores from the figures that matter for the
// runtime, price and latency, deterministic ties, and a clear word when nothing fits.

#include "../common/testmain.h"
#include "placement/placement.h"

#include <QTest>
#include <cmath>

using namespace rune::placement;
using namespace Qt::StringLiterals;

namespace
{

Candidate node(const std::string &name, double single, double multi, std::int64_t freeMiB = 4096)
{
    Candidate candidate;
    candidate.name = name;
    candidate.role = "compute";
    candidate.cores = 4;
    candidate.memoryTotalMiB = 8192;
    candidate.memoryAvailableMiB = freeMiB;
    candidate.figures = {
        {"cpu.events_per_s_single", single}, {"cpu.events_per_s_multi", multi}, {"memory.read_mib_s", 10000}};
    return candidate;
}

QStringList namesOf(const std::vector<Ranked> &ranked)
{
    QStringList names;
    for (const Ranked &entry : ranked)
        names << QString::fromStdString(entry.name);
    return names;
}

QStringList rankedNames(const Requirements &requirements, const std::vector<Candidate> &nodes, const Weights &weights)
{
    const auto ranking = rankNodes(requirements, nodes, weights);
    if (!ranking)
        qWarning() << ranking.error().c_str();
    return ranking ? namesOf(ranking->ranked) : QStringList {u"error"_s};
}

const Ranked &entryFor(const Ranking &ranking, const std::string &name)
{
    static const Ranked none;
    for (const Ranked &entry : ranking.ranked) {
        if (entry.name == name)
            return entry;
    }
    return none;
}

std::string excludedReason(const Ranking &ranking, const std::string &name)
{
    for (const Excluded &entry : ranking.excluded) {
        if (entry.name == name)
            return entry.reason;
    }
    return "(not excluded)";
}

} // namespace

class TestPlacement final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runtimeDecidesWhichFigureCounts();
    void reasonNamesTheDecidingFigure();
    void tiesGoToFreeMemoryThenName();
    void missingFiguresAreNeutral();
    void filtersGiveReasons();
    void gpuFilter();
    void nothingFitsSaysWhy();
    void noCandidatesAtAll();
    void weightsChangeTheOrder();
    void unknownPriceIsNeutral();
    void badWeightsAreRefused();
    void topN();
};

void TestPlacement::runtimeDecidesWhichFigureCounts()
{
    // fast-core has the faster core, many-cores the larger total.
    const std::vector<Candidate> nodes {node("fast-core", 2000, 4000), node("many-cores", 1000, 16000)};
    Requirements python;
    QCOMPARE(rankedNames(python, nodes, {}), (QStringList {u"fast-core"_s, u"many-cores"_s}));
    Requirements node_;
    node_.runtime = "node";
    QCOMPARE(rankedNames(node_, nodes, {}), (QStringList {u"fast-core"_s, u"many-cores"_s}));
    Requirements exec;
    exec.runtime = "exec";
    QCOMPARE(rankedNames(exec, nodes, {}), (QStringList {u"many-cores"_s, u"fast-core"_s}));
}

void TestPlacement::reasonNamesTheDecidingFigure()
{
    const auto ranking = rankNodes({}, {node("a", 2000, 4000), node("b", 1000, 16000)}, {});
    QVERIFY(ranking);
    const Ranked &a = entryFor(*ranking, "a");
    QCOMPARE(a.performance, 1.0 * 0.7 + 0.25 * 0.15 + 1.0 * 0.15);
    QCOMPARE(a.score, a.performance); // only performance weighs
    QVERIFY2(a.reason.starts_with("cpu.events_per_s_single 2000 (best 2000)"), a.reason.c_str());
    // With prices weighing much more, the price decides and says so.
    auto priced = std::vector {node("a", 2000, 4000), node("b", 1000, 16000)};
    priced[0].hourlyPrice = 0.40;
    priced[1].hourlyPrice = 0.10;
    const auto byPrice = rankNodes({}, priced, Weights {1, 5, 0});
    QVERIFY(byPrice);
    QCOMPARE(namesOf(byPrice->ranked), (QStringList {u"b"_s, u"a"_s}));
    QCOMPARE(entryFor(*byPrice, "b").reason, std::string("price 0.1/h (lowest 0.1/h)"));
    QCOMPARE(entryFor(*byPrice, "a").price, 0.25);
}

void TestPlacement::tiesGoToFreeMemoryThenName()
{
    // Same figures: the one with more free memory first, then by name whatever the input order.
    const std::vector<Candidate> nodes {
        node("charlie", 1000, 4000, 2048), node("bravo", 1000, 4000, 4096), node("alpha", 1000, 4000, 2048)};
    QCOMPARE(rankedNames({}, nodes, {}), (QStringList {u"bravo"_s, u"alpha"_s, u"charlie"_s}));
    const std::vector<Candidate> reversed {nodes.rbegin(), nodes.rend()};
    QCOMPARE(rankedNames({}, reversed, {}), (QStringList {u"bravo"_s, u"alpha"_s, u"charlie"_s}));
    // All weights 0: nothing scores, free memory and name decide, and the reason says so.
    const auto unweighted = rankNodes({}, nodes, Weights {0, 0, 0});
    QVERIFY(unweighted);
    QCOMPARE(namesOf(unweighted->ranked), (QStringList {u"bravo"_s, u"alpha"_s, u"charlie"_s}));
    QCOMPARE(unweighted->ranked.front().reason, std::string("all weights are 0: ordered by free memory"));
}

void TestPlacement::missingFiguresAreNeutral()
{
    Candidate fresh = node("fresh", 0, 0, 8192);
    fresh.figures.clear();
    Candidate partly = node("partly", 1000, 4000);
    partly.figures.erase("cpu.events_per_s_multi");
    const auto ranking = rankNodes({}, {node("measured", 1000, 4000), fresh, partly}, {});
    QVERIFY(ranking);
    const Ranked &unmeasured = entryFor(*ranking, "fresh");
    QCOMPARE(unmeasured.performance, 0.5);
    QVERIFY2(unmeasured.reason.find("no benchmark yet") != std::string::npos, unmeasured.reason.c_str());
    // A missing figure counts 0.5 of its share, a best one 1: below the fully measured node.
    const Ranked &half = entryFor(*ranking, "partly");
    QCOMPARE(half.performance, 0.7 + 0.15 * 0.5 + 0.15);
    QVERIFY2(half.reason.find("no benchmark yet of cpu.events_per_s_multi") != std::string::npos, half.reason.c_str());
    QCOMPARE(namesOf(ranking->ranked), (QStringList {u"measured"_s, u"partly"_s, u"fresh"_s}));
    QVERIFY2(entryFor(*ranking, "measured").reason.find("no benchmark") == std::string::npos,
        entryFor(*ranking, "measured").reason.c_str());
}

void TestPlacement::filtersGiveReasons()
{
    Candidate stopped = node("stopped", 3000, 9000);
    stopped.running = false;
    Candidate edge = node("edge-1", 3000, 9000);
    edge.role = "edge";
    Candidate small = node("small", 3000, 9000, 512);
    small.cores = 2;
    Candidate unlabelled = node("unlabelled", 3000, 9000);
    Candidate fits = node("fits", 1000, 2000);
    fits.labels = {"ssd", "eu"};
    unlabelled.labels = {"eu"};
    Requirements wanted;
    wanted.memoryMiB = 1024;
    wanted.cores = 4;
    wanted.roles = {"compute", "controller"};
    wanted.labels = {"ssd"};
    const auto ranking = rankNodes(wanted, {stopped, edge, small, unlabelled, fits}, {});
    QVERIFY(ranking);
    QCOMPARE(namesOf(ranking->ranked), QStringList {u"fits"_s});
    QVERIFY(ranking->noneFits.empty());
    QCOMPARE(excludedReason(*ranking, "stopped"), std::string("not running; lacks label ssd"));
    QCOMPARE(excludedReason(*ranking, "edge-1"), std::string("role edge not wanted; lacks label ssd"));
    QCOMPARE(excludedReason(*ranking, "small"),
        std::string("lacks label ssd; needs 4 cores, has 2; 512 MiB free, needs 1024"));
    QCOMPARE(excludedReason(*ranking, "unlabelled"), std::string("lacks label ssd"));
    // The one that fits is measured against itself only: the faster excluded nodes set no bar.
    QCOMPARE(entryFor(*ranking, "fits").performance, 1.0);
}

void TestPlacement::gpuFilter()
{
    Candidate none = node("no-gpu", 3000, 9000);
    Candidate one = node("one-gpu", 1000, 2000);
    one.gpus = {{"Tesla T4", 15360}};
    Candidate two = node("two-small", 1000, 2000);
    two.gpus = {{"GTX 1650", 4096}, {"GTX 1650", 4096}};
    Candidate big = node("two-big", 1000, 2000);
    big.gpus = {{"A100", 40960}, {"A100", 40960}};
    Requirements wanted;
    wanted.gpuCount = 2;
    wanted.gpuMemoryMiB = 8192;
    const auto ranking = rankNodes(wanted, {none, one, two, big}, {});
    QVERIFY(ranking);
    QCOMPARE(namesOf(ranking->ranked), QStringList {u"two-big"_s});
    QCOMPARE(excludedReason(*ranking, "no-gpu"), std::string("needs 2 GPUs, has 0"));
    QCOMPARE(excludedReason(*ranking, "one-gpu"), std::string("needs 2 GPUs, has 1"));
    QCOMPARE(excludedReason(*ranking, "two-small"), std::string("needs 2 GPUs with 8192 MiB, has 0"));
    // Without a GPU requirement, a node with GPUs is just another node.
    QCOMPARE(rankedNames({}, {none, big}, {}), (QStringList {u"no-gpu"_s, u"two-big"_s}));
}

void TestPlacement::nothingFitsSaysWhy()
{
    Candidate stopped = node("a", 1000, 2000);
    stopped.running = false;
    Candidate alsoStopped = node("b", 1000, 2000, 128);
    alsoStopped.running = false;
    Candidate full = node("c", 1000, 2000, 128);
    Candidate noGpu = node("d", 1000, 2000);
    Requirements wanted;
    wanted.memoryMiB = 512;
    wanted.gpuCount = 1;
    const auto ranking = rankNodes(wanted, {stopped, alsoStopped, full, noGpu}, {});
    QVERIFY(ranking);
    QVERIFY(ranking->ranked.empty());
    QVERIFY(ranking->topN(3).empty());
    // Each node counted once, under the first filter that removed it.
    QCOMPARE(ranking->noneFits,
        std::string("No node fits (4 nodes): 2 not running, 1 too little free memory, 1 too few GPUs."));
    QCOMPARE(ranking->excluded.size(), std::size_t(4));
    QCOMPARE(excludedReason(*ranking, "b"), std::string("not running; 128 MiB free, needs 512; needs 1 GPU, has 0"));
}

void TestPlacement::noCandidatesAtAll()
{
    const auto ranking = rankNodes({}, {}, {});
    QVERIFY(ranking);
    QVERIFY(ranking->ranked.empty());
    QCOMPARE(ranking->noneFits, std::string("No node fits: there are no candidate nodes."));
}

void TestPlacement::weightsChangeTheOrder()
{
    Candidate fastFar = node("fast-far", 2000, 8000);
    fastFar.rttMs = 80;
    fastFar.hourlyPrice = 0.50;
    Candidate slowNear = node("slow-near", 1000, 4000);
    slowNear.rttMs = 2;
    slowNear.hourlyPrice = 0.50;
    Candidate cheap = node("cheap", 500, 2000);
    cheap.rttMs = 40;
    cheap.hourlyPrice = 0.05;
    const std::vector nodes {fastFar, slowNear, cheap};
    QCOMPARE(rankedNames({}, nodes, Weights {1, 0, 0}), (QStringList {u"fast-far"_s, u"slow-near"_s, u"cheap"_s}));
    QCOMPARE(rankedNames({}, nodes, Weights {0, 0, 1}), (QStringList {u"slow-near"_s, u"cheap"_s, u"fast-far"_s}));
    QCOMPARE(rankedNames({}, nodes, Weights {0, 1, 0}).front(), u"cheap"_s);
    // Latency weighing a little more than performance: the near node wins, and RTT is its reason.
    const auto mixed = rankNodes({}, nodes, Weights {1, 0, 1.5});
    QVERIFY(mixed);
    QCOMPARE(mixed->ranked.front().name, std::string("slow-near"));
    QCOMPARE(mixed->ranked.front().reason, std::string("RTT 2 ms (lowest 2 ms)"));
}

void TestPlacement::unknownPriceIsNeutral()
{
    Candidate priced = node("priced", 1000, 2000);
    priced.hourlyPrice = 0.20;
    Candidate pricier = node("pricier", 1000, 2000);
    pricier.hourlyPrice = 0.80;
    Candidate unpriced = node("unpriced", 1000, 2000);
    const auto ranking = rankNodes({}, {priced, pricier, unpriced}, Weights {0, 1, 0});
    QVERIFY(ranking);
    QCOMPARE(entryFor(*ranking, "priced").price, 1.0);
    QCOMPARE(entryFor(*ranking, "pricier").price, 0.25);
    QCOMPARE(entryFor(*ranking, "unpriced").price, 0.5);
    QVERIFY2(entryFor(*ranking, "unpriced").reason.find("no price set") != std::string::npos,
        entryFor(*ranking, "unpriced").reason.c_str());
    QCOMPARE(namesOf(ranking->ranked), (QStringList {u"priced"_s, u"unpriced"_s, u"pricier"_s}));
    // An unknown RTT is neutral the same way, and says so.
    const auto byLatency = rankNodes({}, {priced}, Weights {1, 0, 1});
    QVERIFY(byLatency);
    QCOMPARE(byLatency->ranked.front().latency, 0.5);
    QVERIFY(byLatency->ranked.front().reason.find("no RTT measured") != std::string::npos);
}

void TestPlacement::badWeightsAreRefused()
{
    const auto negative = rankNodes({}, {node("a", 1, 1)}, Weights {1, -1, 0});
    QVERIFY(!negative);
    QCOMPARE(negative.error(), std::string("the price weight must be a number of 0 or more (got -1)"));
    const auto notANumber = rankNodes({}, {node("a", 1, 1)}, Weights {std::nan(""), 0, 0});
    QVERIFY(!notANumber);
    QVERIFY(notANumber.error().starts_with("the performance weight must be a number of 0 or more"));
}

void TestPlacement::topN()
{
    const std::vector nodes {node("a", 4000, 1), node("b", 3000, 1), node("c", 2000, 1), node("d", 1000, 1)};
    const auto ranking = rankNodes({}, nodes, {});
    QVERIFY(ranking);
    QCOMPARE(namesOf(ranking->topN(2)), (QStringList {u"a"_s, u"b"_s}));
    QCOMPARE(namesOf(ranking->topN(10)), (QStringList {u"a"_s, u"b"_s, u"c"_s, u"d"_s}));
    QVERIFY(ranking->topN(0).empty());
}

RUNE_TEST_GUILESS_MAIN(TestPlacement)
#include "tst_placement.moc"
