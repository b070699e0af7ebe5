// SPDX-License-Identifier: GPL-3.0-or-later
// The memory tuner: the recommendation rules on figures given, and whole runs against a real
// agent with a function whose time really depends on its memory (it sorts its data with a
// buffer as large as its memory allows, and fails below its working set).
#include "../common/functionfixture.h"
#include "../common/functions.h"
#include "../common/sorterfunction.h"
#include "../common/testmain.h"
#include "functions/memorytuner.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::FunctionFixture;

class TestMemoryTuner final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void planBounds();
    void strategiesPickFromFigures();
    void seedRuleTakesTheSmallestWithinTolerance();
    void failedSizesAreNeverRecommended();
    void costPerMillionFollowsThePriceTable();
    void tunesARealFunction();
    void cancelLeavesTheServingVersionAsItWas();
    void destroyingTheTunerRemovesItsTrial();
    void refusesAFunctionNotOnTheNode();

private:
    QString deploySorter(FunctionFixture &fx, int memoryMiB);
    static int trialsOn(FunctionFixture &fx, const QString &function);
};

namespace
{

const QString sorterSource = rune::test::sorterSource(3072); // 3,072 MiB unless the event says otherwise

SizeOutcome outcome(int memoryMiB, double ms, std::optional<std::int64_t> costMicros = {}, QString failure = {})
{
    SizeOutcome size;
    size.memoryMiB = memoryMiB;
    if (failure.isEmpty())
        size.warmMs = {ms, ms, ms};
    size.failure = std::move(failure);
    if (costMicros)
        size.costPerMillion = cost::Money::fromMicros(*costMicros);
    return size;
}

cost::LambdaPrice lambdaX86()
{
    cost::LambdaPrice price;
    price.name = u"x86_64"_s;
    price.perMillionRequests = *cost::UnitPrice::parse(u"0.20");
    price.durationTiers = {{std::nullopt, *cost::UnitPrice::parse(u"0.0000166667")}};
    price.freeRequests = 1'000'000;
    price.freeGbSeconds = 400'000;
    return price;
}

/** A run on node-1 long enough to be caught mid-way: 15 sizes of 20 calls. */
TuningPlan longPlan(const QString &functionId)
{
    TuningPlan plan;
    plan.functionId = functionId;
    plan.nodeId = u"node-1"_s;
    plan.minMiB = 128;
    plan.maxMiB = 1024;
    plan.callsPerSize = 20;
    return plan;
}

TuningSummary runToEnd(MemoryTuner &tuner, int timeoutMs)
{
    QSignalSpy finished(&tuner, &MemoryTuner::finished);
    tuner.start();
    if (finished.isEmpty() && !finished.wait(timeoutMs))
        return {};
    return finished.at(0).at(0).value<TuningSummary>();
}

} // namespace

void TestMemoryTuner::initTestCase()
{
    qRegisterMetaType<TuningProgress>();
    qRegisterMetaType<SizeOutcome>();
    qRegisterMetaType<TuningSummary>();
}

QString TestMemoryTuner::deploySorter(FunctionFixture &fx, int memoryMiB)
{
    const QString id = fx.create(u"sorter"_s);
    if (id.isEmpty() || !fx.saveFile(id, u"handler.py"_s, sorterSource))
        return {};
    FunctionConfig config = fx.catalog.find(id)->config;
    config.memoryMiB = memoryMiB;
    QObject context;
    bool saved = false;
    fx.workspace->saveConfig(id, config, &context, [&](Result<void> result) {
        saved = bool(result);
    });
    if (!QTest::qWaitFor(
            [&] {
                return saved;
            },
            10000))
        return {};
    DeployJob *job = fx.wait(fx.releases->deploy(id, {u"node-1"_s}));
    return job && job->succeeded() ? id : QString();
}

int TestMemoryTuner::trialsOn(FunctionFixture &fx, const QString &function)
{
    const auto reply = rune::test::controlGet(fx.agent(0), "/v1/functions/" + function.toUtf8() + "/trials");
    const auto json = rune::test::jsonOf(reply);
    return reply.status == 200 && json.contains("trials") ? int(json["trials"].size()) : -1;
}

void TestMemoryTuner::planBounds()
{
    TuningPlan plan;
    plan.functionId = u"f"_s;
    plan.nodeId = u"n"_s;
    plan.minMiB = 128;
    plan.maxMiB = 512;
    QVERIFY(plan.problems().isEmpty());
    QCOMPARE(plan.sizes(), (QList<int> {512, 448, 384, 320, 256, 192, 128}));
    plan.minMiB = 100;
    QVERIFY(plan.problems().join(u' ').contains(u"multiples of 64"_s));
    QVERIFY(plan.sizes().isEmpty());
    plan.minMiB = 1024;
    QVERIFY(plan.problems().join(u' ').contains(u"not be larger"_s));
    plan.minMiB = 64;
    plan.maxMiB = 10240;
    QVERIFY(plan.problems().join(u' ').contains(u"At most 64 sizes"_s));
    plan.maxMiB = 16384; // the agent takes it, Lambda sells no such size
    QVERIFY(plan.problems().join(u' ').contains(u"to 10240 MiB"_s));
    plan.maxMiB = 512;
    plan.callsPerSize = 0;
    QVERIFY(plan.problems().join(u' ').contains(u"Calls per size"_s));
    plan.callsPerSize = 101;
    QVERIFY(!plan.problems().isEmpty());
}

void TestMemoryTuner::strategiesPickFromFigures()
{
    // Time falls with memory; cost is lowest in the middle.
    const QList<SizeOutcome> sizes {outcome(1024, 100, 1'900'000),
        outcome(512, 120, 1'200'000),
        outcome(256, 400, 1'000'000),
        outcome(128, 600, 1'450'000)};
    QCOMPARE(recommendByStrategy(sizes, TuningStrategy::Speed).memoryMiB, 1024);
    QCOMPARE(recommendByStrategy(sizes, TuningStrategy::Cost).memoryMiB, 256);
    QVERIFY(recommendByStrategy(sizes, TuningStrategy::Cost).reason.contains(u"$1.0000 per million"_s));
    // Balanced at the ends is cost or speed; in the middle 512 gives up little of either.
    QCOMPARE(recommendByStrategy(sizes, TuningStrategy::Balanced, 0.0).memoryMiB, 256);
    QCOMPARE(recommendByStrategy(sizes, TuningStrategy::Balanced, 1.0).memoryMiB, 1024);
    QCOMPARE(recommendByStrategy(sizes, TuningStrategy::Balanced, 0.5).memoryMiB, 512);
    QVERIFY(recommendByStrategy(sizes, TuningStrategy::Balanced, 0.5).reason.contains(u"50 % speed"_s));
    // Ties go to the smaller size.
    const QList<SizeOutcome> tied {outcome(512, 100, 500'000), outcome(256, 100, 500'000)};
    QCOMPARE(recommendByStrategy(tied, TuningStrategy::Speed).memoryMiB, 256);
    QCOMPARE(recommendByStrategy(tied, TuningStrategy::Cost).memoryMiB, 256);
    // Without prices only speed can choose.
    const QList<SizeOutcome> unpriced {outcome(512, 100), outcome(256, 150)};
    QCOMPARE(recommendByStrategy(unpriced, TuningStrategy::Speed).memoryMiB, 512);
    QCOMPARE(recommendByStrategy(unpriced, TuningStrategy::Cost).memoryMiB, 0);
    QCOMPARE(recommendByStrategy({}, TuningStrategy::Speed).memoryMiB, 0);
}

void TestMemoryTuner::seedRuleTakesTheSmallestWithinTolerance()
{
    const QList<SizeOutcome> sizes {
        outcome(1024, 100), outcome(768, 103), outcome(512, 104.9), outcome(256, 106), outcome(128, 300)};
    QCOMPARE(smallestWithinTolerance(sizes).memoryMiB, 512);
    QVERIFY(smallestWithinTolerance(sizes).reason.contains(u"within 5 %"_s));
    QCOMPARE(smallestWithinTolerance(sizes, 0.10).memoryMiB, 256);
    QCOMPARE(smallestWithinTolerance(sizes, 0.0).memoryMiB, 1024);
    QCOMPARE(smallestWithinTolerance(sizes, 5.0).memoryMiB, 128);
    // Cold calls count only when no warm call was made.
    SizeOutcome coldOnly;
    coldOnly.memoryMiB = 64;
    coldOnly.coldMs = {90};
    QCOMPARE(coldOnly.meanMs(), 90.0);
    SizeOutcome both = outcome(64, 50);
    both.coldMs = {900};
    QCOMPARE(both.meanMs(), 50.0);
    QCOMPARE(both.coldMeanMs(), 900.0);
    QCOMPARE(both.calls(), 4);
}

void TestMemoryTuner::failedSizesAreNeverRecommended()
{
    const QList<SizeOutcome> sizes {
        outcome(512, 100, 900'000), outcome(256, 90, 400'000, u"out_of_memory: killed"_s), outcome(128, 95, 300'000)};
    QCOMPARE(smallestWithinTolerance(sizes).memoryMiB, 128);
    QCOMPARE(recommendByStrategy(sizes, TuningStrategy::Cost).memoryMiB, 128);
    const QList<SizeOutcome> allFailed {outcome(512, 0, {}, u"timeout"_s)};
    QCOMPARE(smallestWithinTolerance(allFailed).memoryMiB, 0);
    QCOMPARE(recommendByStrategy(allFailed, TuningStrategy::Speed).memoryMiB, 0);
}

void TestMemoryTuner::costPerMillionFollowsThePriceTable()
{
    // A million calls of 100 ms at 1,024 MiB: 100,000 GB-s at $0.0000166667 = $1.66667, plus $0.20;
    // the free tier is left out, as this is the price of the calls, not of a month.
    const auto cost = costPerMillionCalls(lambdaX86(), 1024, 100);
    QVERIFY(cost);
    QCOMPARE(cost->toDecimal(), u"1.86667"_s);
    // Billed per millisecond, rounded up.
    QCOMPARE(costPerMillionCalls(lambdaX86(), 1024, 99.2)->toDecimal(), u"1.86667"_s);
    QCOMPARE(costPerMillionCalls(lambdaX86(), 512, 100)->toDecimal(), u"1.033335"_s);
    QVERIFY(!costPerMillionCalls(lambdaX86(), 20480, 100));
}

void TestMemoryTuner::tunesARealFunction()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = deploySorter(fx, 256);
    QVERIFY(!id.isEmpty());
    const int servingVersion = fx.catalog.find(id)->currentVersion;

    TuningPlan plan;
    plan.functionId = id;
    plan.nodeId = u"node-1"_s;
    plan.minMiB = 64;
    plan.maxMiB = 512;
    plan.callsPerSize = 3;
    plan.request.body = R"({"data_mib": 384})"; // without it, 3,072
    MemoryTuner tuner(&fx.catalog, &fx.agents, plan, lambdaX86());
    QSignalSpy measured(&tuner, &MemoryTuner::sizeMeasured);
    QSignalSpy progress(&tuner, &MemoryTuner::progress);
    const TuningSummary summary = runToEnd(tuner, 180000);
    QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
    QVERIFY(!summary.cancelled);
    for (const SizeOutcome &size : summary.outcomes) {
        QStringList warm;
        for (const double ms : size.warmMs)
            warm << QString::number(ms, 'f', 0);
        qInfo("%d MiB: cold %s ms, warm %s ms%s",
            size.memoryMiB,
            qPrintable(size.coldMs.isEmpty() ? u"-"_s : QString::number(size.coldMs.first(), 'f', 0)),
            qPrintable(warm.join(u", "_s)),
            qPrintable(size.failed() ? u" (" + size.failure + u')' : QString()));
    }

    // Every size from 512 down was tried, largest first, 3 calls each; 64 MiB is below the
    // working set and failed, and it is marked with the reason.
    QList<int> tried;
    for (const SizeOutcome &size : summary.outcomes)
        tried << size.memoryMiB;
    QCOMPARE(tried, (QList<int> {512, 448, 384, 320, 256, 192, 128, 64}));
    QCOMPARE(measured.count(), 8);
    for (const SizeOutcome &size : summary.outcomes.first(7)) {
        QVERIFY2(!size.failed(), qPrintable(size.failure));
        QCOMPARE(size.calls(), 3);
        QCOMPARE(size.coldMs.size(), 1); // each trial starts its own replica
        QVERIFY(size.costPerMillion.has_value());
    }
    const SizeOutcome &smallest = summary.outcomes.last();
    QVERIFY(smallest.failed());
    QVERIFY2(summary.stoppedBecause.contains(u"64 MiB failed"_s), qPrintable(summary.stoppedBecause));

    // Less memory, more passes: one at 512 MiB (the event's 384 MiB of data arrived, or it would
    // take eight), twelve at 128 MiB.
    const double at512 = summary.outcomes.at(0).meanMs();
    const double at128 = summary.outcomes.at(6).meanMs();
    const QString times = u"%1 ms at 512 MiB, %2 ms at 128 MiB"_s.arg(at512).arg(at128);
    QVERIFY2(at512 >= 400 && at512 < 2000 && at128 >= 4800, qPrintable(times));
    QVERIFY2(at128 > 2.5 * at512, qPrintable(times));
    QVERIFY(summary.outcomes.at(6).p95Ms() >= 4800);
    QVERIFY(summary.outcomes.at(6).coldMeanMs() >= 4800);

    // The seed's rule and speed pick 512 MiB, twice as fast as the next size; cost picks the size
    // whose million calls cost least, never one that failed.
    const TuningAdvice seed = smallestWithinTolerance(summary.outcomes);
    QVERIFY2(seed.memoryMiB == 512, qPrintable(seed.reason));
    QCOMPARE(recommendByStrategy(summary.outcomes, TuningStrategy::Speed).memoryMiB, 512);
    const int cheapest = recommendByStrategy(summary.outcomes, TuningStrategy::Cost).memoryMiB;
    const auto chosen = std::find_if(summary.outcomes.begin(), summary.outcomes.end(), [&](const SizeOutcome &size) {
        return size.memoryMiB == cheapest;
    });
    QVERIFY(chosen != summary.outcomes.end() && !chosen->failed());
    for (const SizeOutcome &size : summary.outcomes) {
        if (!size.failed())
            QVERIFY(*chosen->costPerMillion <= *size.costPerMillion);
    }

    // Progress went from nothing to everything.
    QVERIFY(progress.count() > 8);
    const auto last = progress.last().at(0).value<TuningProgress>();
    QCOMPARE(last.callsDone, last.callsPlanned);
    QCOMPARE(last.callsPlanned, 8 * 3);

    // Nothing of the tuner is left on the node, and the serving version is what it was.
    QTRY_COMPARE_WITH_TIMEOUT(trialsOn(fx, u"sorter"_s), 0, 5000);
    QCOMPARE(fx.catalog.find(id)->currentVersion, servingVersion);
    QCOMPARE(fx.catalog.find(id)->config.memoryMiB, 256);
    const auto served = rune::test::jsonOf(rune::test::controlGet(fx.agent(0), "/v1/functions/sorter"));
    QCOMPARE(served["config"]["memory_mib"].get<int>(), 256);
    QCOMPARE(served["versions"].size(), std::size_t(1));
}

void TestMemoryTuner::cancelLeavesTheServingVersionAsItWas()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = deploySorter(fx, 192);
    QVERIFY(!id.isEmpty());
    MemoryTuner tuner(&fx.catalog, &fx.agents, longPlan(id), lambdaX86());
    QSignalSpy finished(&tuner, &MemoryTuner::finished);
    tuner.start();
    QTRY_COMPARE_WITH_TIMEOUT(trialsOn(fx, u"sorter"_s), 1, 20000);
    tuner.cancel();
    QCOMPARE(finished.count(), 1);
    const auto summary = finished.at(0).at(0).value<TuningSummary>();
    QVERIFY(summary.cancelled);
    QVERIFY(!tuner.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(trialsOn(fx, u"sorter"_s), 0, 5000);
    const auto served = rune::test::jsonOf(rune::test::controlGet(fx.agent(0), "/v1/functions/sorter"));
    QCOMPARE(served["config"]["memory_mib"].get<int>(), 192);
    QCOMPARE(served["version"].get<int>(), 1);
    const auto call =
        rune::test::callFunction(fx.agent(0).invokePort(), "POST", "/function/sorter", R"({"data_mib": 96})");
    QCOMPARE(call.status, 200);
}

void TestMemoryTuner::destroyingTheTunerRemovesItsTrial()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = deploySorter(fx, 128);
    QVERIFY(!id.isEmpty());
    auto tuner = std::make_unique<MemoryTuner>(&fx.catalog, &fx.agents, longPlan(id), std::nullopt);
    tuner->start();
    QTRY_COMPARE_WITH_TIMEOUT(trialsOn(fx, u"sorter"_s), 1, 20000);
    tuner.reset(); // as when the console quits mid-run
    QTRY_COMPARE_WITH_TIMEOUT(trialsOn(fx, u"sorter"_s), 0, 5000);
}

void TestMemoryTuner::refusesAFunctionNotOnTheNode()
{
    FunctionFixture fx(2);
    QVERIFY(fx.load());
    const QString id = deploySorter(fx, 128);
    QVERIFY(!id.isEmpty());
    TuningPlan plan;
    plan.functionId = id;
    plan.nodeId = u"node-2"_s;
    plan.minMiB = 128;
    plan.maxMiB = 256;
    MemoryTuner tuner(&fx.catalog, &fx.agents, plan, lambdaX86());
    const TuningSummary summary = runToEnd(tuner, 5000);
    QVERIFY2(summary.error.contains(u"does not run on node-2"_s), qPrintable(summary.error));
    QVERIFY(summary.outcomes.isEmpty());
    QCOMPARE(trialsOn(fx, u"sorter"_s), 0);
}

RUNE_TEST_GUILESS_MAIN(TestMemoryTuner)
#include "tst_memorytuner.moc"
