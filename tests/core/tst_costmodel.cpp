// SPDX-License-Identifier: GPL-3.0-or-later
// The cost model's arithmetic against published figures, and its break-even search.
#include "../common/testmain.h"
#include "cost/costmodel.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune::cost;

namespace rune::cost
{
char *toString(const Money &money)
{
    return qstrdup(qPrintable(money.toDecimal()));
}
} // namespace rune::cost

namespace
{

UnitPrice price(const char *decimal)
{
    const auto parsed = UnitPrice::parse(QString::fromLatin1(decimal));
    Q_ASSERT(parsed);
    return *parsed;
}

Money money(const char *decimal)
{
    const auto parsed = Money::parse(QString::fromLatin1(decimal));
    Q_ASSERT(parsed);
    return *parsed;
}

LambdaPrice lambdaAt(const char *perGbSecond)
{
    LambdaPrice lambda;
    lambda.name = u"x86_64"_s;
    lambda.perMillionRequests = price("0.20");
    lambda.durationTiers = {{std::nullopt, price(perGbSecond)}};
    lambda.freeRequests = 1'000'000;
    lambda.freeGbSeconds = 400'000;
    return lambda;
}

Workload workload(std::int64_t requests, double ms, int mib)
{
    Workload w;
    w.requestsPerMonth = requests;
    w.averageDurationMs = ms;
    w.memoryMiB = mib;
    return w;
}

Money line(const CostEstimate &estimate, const QString &component)
{
    for (const CostLine &line : estimate.breakdown) {
        if (line.component == component)
            return line.amount;
    }
    return Money::tooLarge();
}

PriceTable shipped(const QString &file)
{
    QFile in(QStringLiteral(RUNE_SOURCE_DIR "/resources/pricing/") + file);
    if (!in.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file));
    auto table = parsePriceTable(file, in.readAll());
    if (!table)
        qFatal("%s", qPrintable(table.error().message));
    return *table;
}

} // namespace

class TestCostModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void moneyParsesAndPrintsExactly();
    void unitPriceRoundsHalfUpToMicros();
    void arithmeticSaturatesInsteadOfWrapping();
    void lambdaAtPublishedPrices();
    void lambdaReproducesTheOneBillionRequestFigure();
    void lambdaFreeTierCoversSmallMonths();
    void lambdaDurationTiers();
    void instancesFollowThePeak();
    void instanceTooSmallForACall();
    void clusterOwnedAndRented();
    void clusterUsesMeasuredThroughput();
    void workloadBounds();
    void breakEvenIsExactToOneRequest();
    void breakEvenNamesTheCheaperOption();
    void requestCountsAsText();
};

void TestCostModel::moneyParsesAndPrintsExactly()
{
    QCOMPARE(money("1860.13").micros(), 1'860'130'000);
    QCOMPARE(money("0.000001").micros(), 1);
    QCOMPARE(money("1860.132").toText(), u"1,860.13"_s);
    QCOMPARE(money("0.005").toText(), u"0.01"_s); // half away from zero
    QCOMPARE(money("1234567.5").toText(0), u"1,234,568"_s);
    QCOMPARE(money("1860.132").toDecimal(), u"1860.132"_s);
    for (const char *bad : {"", "abc", "1e5", "-1", "1.0000001", "1,5", "1..2", "."})
        QVERIFY2(!Money::parse(QString::fromLatin1(bad)), bad);
    QCOMPARE(price("0.0000166667").picos(), 16'666'700);
    QCOMPARE(price("0.0000166667").toDecimal(), u"0.0000166667"_s);
    QVERIFY(!UnitPrice::parse(u"0.0000000000001"_s)); // thirteen places
    QVERIFY(!UnitPrice::parse(u"1000001"_s)); // above maxUnits
}

void TestCostModel::unitPriceRoundsHalfUpToMicros()
{
    // 3 GB-seconds at $0.0000166667: $0.0000500001 -> 50 micro-dollars.
    QCOMPARE(price("0.0000166667").times(3).micros(), 50);
    // 1 request at $0.20 per million: 0.2 micro-dollars -> 0; 3 of them: 0.6 -> 1.
    QCOMPARE(price("0.20").times(1, 1'000'000).micros(), 0);
    QCOMPARE(price("0.20").times(3, 1'000'000).micros(), 1);
    QCOMPARE(price("0.20").times(0).micros(), 0);
}

void TestCostModel::arithmeticSaturatesInsteadOfWrapping()
{
    const Money huge = Money::fromMicros(INT64_MAX - 1);
    QVERIFY((huge + huge).isTooLarge());
    QVERIFY(huge.times(3).isTooLarge());
    QVERIFY(price("1000000").times(Int128(1) << 100).isTooLarge());
    QVERIFY((Money::tooLarge() + money("1")).isTooLarge());
    QCOMPARE(money("5").minusAtMostTo0(money("7")).micros(), 0);
}

void TestCostModel::lambdaAtPublishedPrices()
{
    // AWS's own example arithmetic: 3 million calls a month, 512 MiB, 1 s each:
    // 1,500,000 GB-s - 400,000 free = 1,100,000 x $0.0000166667 = $18.33; 2 M requests x $0.20 = $0.40.
    const CostEstimate estimate = lambdaCost(lambdaAt("0.0000166667"), workload(3'000'000, 1000, 512));
    QCOMPARE(line(estimate, u"requests"_s).toText(), u"0.60"_s);
    QCOMPARE(line(estimate, u"compute"_s).toText(), u"25.00"_s);
    QCOMPARE(line(estimate, u"free requests"_s).toText(), u"0.20"_s);
    QCOMPARE(line(estimate, u"free compute"_s).toText(), u"6.67"_s);
    QCOMPARE(netOf(estimate, u"requests"_s).toText(), u"0.40"_s);
    QCOMPARE(netOf(estimate, u"compute"_s).toText(), u"18.33"_s);
    QCOMPARE(estimate.total.toText(), u"18.73"_s);
    QCOMPARE(estimate.total.micros(), 18'733'370);
}

void TestCostModel::lambdaReproducesTheOneBillionRequestFigure()
{
    // One billion calls a month of 512 MiB for 200 ms (10^8 GB-seconds; 1024 MiB for 100 ms is
    // the same), with the free tier, at $0.00001667 per GB-second (the price to four significant
    // figures, as it was quoted): $1,860.13.
    const Workload seed = workload(1'000'000'000, 200, 512);
    QCOMPARE(lambdaCost(lambdaAt("0.00001667"), seed).total.toText(), u"1,860.13"_s);
    QCOMPARE(lambdaCost(lambdaAt("0.00001667"), workload(1'000'000'000, 100, 1024)).total.toText(), u"1,860.13"_s);
    // At the exact price the same month costs 33 cents less.
    QCOMPARE(lambdaCost(lambdaAt("0.0000166667"), seed).total.toText(), u"1,859.80"_s);
    // The shipped table gives the same.
    const PriceTable table = shipped(u"aws-lambda.json"_s);
    QCOMPARE(lambdaCost(table.lambda.at(0), seed).total.toText(), u"1,859.80"_s);
}

void TestCostModel::lambdaFreeTierCoversSmallMonths()
{
    const CostEstimate estimate = lambdaCost(lambdaAt("0.0000166667"), workload(500'000, 100, 128));
    QCOMPARE(estimate.total.micros(), 0);
    QVERIFY(line(estimate, u"requests"_s).micros() > 0);
    QCOMPARE(line(estimate, u"free requests"_s), line(estimate, u"requests"_s));
    QCOMPARE(line(estimate, u"free compute"_s), line(estimate, u"compute"_s));
    // A fraction of a millisecond is billed as a whole one.
    QCOMPARE(line(lambdaCost(lambdaAt("0.0000166667"), workload(10'000'000, 0.2, 1024)), u"compute"_s),
        line(lambdaCost(lambdaAt("0.0000166667"), workload(10'000'000, 1, 1024)), u"compute"_s));
}

void TestCostModel::lambdaDurationTiers()
{
    const PriceTable table = shipped(u"aws-lambda.json"_s);
    // 10^10 GB-seconds: 6 x 10^9 at the first price, 4 x 10^9 at the second.
    const CostEstimate estimate = lambdaCost(table.lambda.at(0), workload(10'000'000'000, 1000, 1024));
    QCOMPARE(line(estimate, u"compute"_s), money("100000.2").times(1) + money("60000"));
}

void TestCostModel::instancesFollowThePeak()
{
    InstancePrice m5;
    m5.name = u"m5.large"_s;
    m5.vcpus = 2;
    m5.memoryGiB = 8;
    m5.hourly = price("0.096");
    Workload w = workload(1'000'000'000, 200, 512);
    // 1e9 / 2,628,000 s = 380.5 calls/s; one instance serves 2 x 5 = 10: 39 instances.
    CostEstimate estimate = instanceCost(u"AWS EC2"_s, m5, w);
    QCOMPARE(estimate.machines, 39);
    QCOMPARE(estimate.total.toText(), u"2,733.12"_s); // 39 x 730 h x $0.096
    w.peakToAverage = 3;
    QCOMPARE(instanceCost(u"AWS EC2"_s, m5, w).machines, 115);
    QVERIFY(estimate.basis.contains(u"39 instances"_s));
    // Memory, not cores, limits a large function: 8 GiB holds one call of 5000 MiB at a time.
    w = workload(1'000'000, 1000, 5000);
    const QString basis = instanceCost(u"AWS EC2"_s, m5, w).basis;
    QVERIFY2(basis.contains(u"(1 at once"_s), qPrintable(basis));
}

void TestCostModel::instanceTooSmallForACall()
{
    const PriceTable appEngine = shipped(u"google-app-engine.json"_s);
    const InstancePrice f1 =
        *std::find_if(appEngine.instances.begin(), appEngine.instances.end(), [](const InstancePrice &price) {
            return price.name.startsWith(u"F1"_s);
        });
    const CostEstimate estimate = instanceCost(appEngine.provider, f1, workload(1000, 100, 512));
    QVERIFY(estimate.total.isTooLarge());
    QVERIFY2(estimate.unavailable.contains(u"512 MiB"_s), qPrintable(estimate.unavailable));
}

void TestCostModel::clusterOwnedAndRented()
{
    const PriceTable cluster = shipped(u"this-cluster.json"_s);
    const ClusterNodePrice owned = cluster.cluster.at(0);
    // 380.5 calls/s; 16 cores x 5 calls/s = 80 per node: 5 nodes.
    const CostEstimate estimate = clusterCost(owned, workload(1'000'000'000, 200, 512));
    QCOMPARE(estimate.machines, 5);
    QCOMPARE(
        line(estimate, u"hardware"_s), money("416.666665")); // 5 x $3000 / 36, each month rounded to the micro-dollar
    QCOMPARE(line(estimate, u"power"_s), money("82.125")); // 5 x 150 W x 730 h x $0.15/kWh
    QCOMPARE(line(estimate, u"bandwidth"_s), money("100"));
    QCOMPARE(line(estimate, u"admin"_s), money("250")); // 5 x 1 h x $50
    QCOMPARE(estimate.total, money("848.791665"));
    QCOMPARE(estimate.total.toText(), u"848.79"_s);
    const CostEstimate rented = clusterCost(cluster.cluster.at(1), workload(1'000'000, 100, 128));
    QCOMPARE(rented.machines, 1);
    QCOMPARE(line(rented, u"rent"_s), money("45"));
    QCOMPARE(rented.total, money("95"));
}

void TestCostModel::clusterUsesMeasuredThroughput()
{
    const PriceTable cluster = shipped(u"this-cluster.json"_s);
    Workload w = workload(1'000'000'000, 200, 512);
    w.measuredCallsPerSecondPerNode = 100;
    const CostEstimate estimate = clusterCost(cluster.cluster.at(0), w);
    QCOMPARE(estimate.machines, 4);
    QVERIFY(estimate.basis.contains(u"measured"_s));
}

void TestCostModel::workloadBounds()
{
    QVERIFY(workload(1000, 100, 128).problems().isEmpty());
    Workload bad = workload(-1, 0, 0);
    bad.peakToAverage = 0.5;
    bad.measuredCallsPerSecondPerNode = -3;
    QCOMPARE(bad.problems().size(), 5);
    QVERIFY(!workload(Workload::maxRequestsPerMonth + 1, 1, 128).problems().isEmpty());
    QVERIFY(!workload(1, std::numeric_limits<double>::quiet_NaN(), 128).problems().isEmpty());
    // The largest workload costs more than money can count: it saturates instead of wrapping.
    const CostEstimate most = lambdaCost(lambdaAt("0.0000166667"),
        workload(Workload::maxRequestsPerMonth, Workload::maxDurationMs, Workload::maxMemoryMiB));
    QVERIFY(most.total.isTooLarge());
    QVERIFY(most.total.toText().startsWith(u"more than"_s));
}

void TestCostModel::breakEvenIsExactToOneRequest()
{
    // Lambda against one always-on node that costs a flat $95 a month (rented, 4 cores).
    const PriceTable cluster = shipped(u"this-cluster.json"_s);
    const QList<CostOption> options = costOptions({shipped(u"aws-lambda.json"_s), cluster});
    const CostOption &lambda = options.at(0);
    CostOption flat {u"flat"_s, [](const Workload &) {
                         CostEstimate e;
                         e.total = Money::fromMicros(95'000'000);
                         return e;
                     }};
    const Workload shape = workload(0, 100, 128);
    const QList<BreakEven> crossings = breakEvens(lambda, flat, shape, 1000, 100'000'000'000);
    QCOMPARE(crossings.size(), 1);
    const std::int64_t at = crossings.at(0).requestsPerMonth;
    Workload w = shape;
    w.requestsPerMonth = at;
    QVERIFY(lambda.estimate(w).total > Money::fromMicros(95'000'000));
    w.requestsPerMonth = at - 1;
    QVERIFY(lambda.estimate(w).total <= Money::fromMicros(95'000'000));
    QCOMPARE(crossings.at(0).cheaperAbove, u"flat"_s);
}

void TestCostModel::breakEvenNamesTheCheaperOption()
{
    const QList<CostOption> options = costOptions({shipped(u"aws-lambda.json"_s), shipped(u"this-cluster.json"_s)});
    QCOMPARE(options.size(), 4);
    const CostOption &cluster = options.at(2);
    QCOMPARE(cluster.name, u"This cluster: owned 16-core server"_s);
    const QList<BreakEven> crossings = breakEvens(options.at(0), cluster, workload(0, 200, 512), 1000, 10'000'000'000);
    QVERIFY(!crossings.isEmpty());
    QCOMPARE(crossings.first().cheaperAbove, cluster.name);
    QVERIFY2(
        crossings.first().sentence().startsWith(u"This cluster: owned 16-core server is cheaper than AWS Lambda"_s),
        qPrintable(crossings.first().sentence()));
}

void TestCostModel::requestCountsAsText()
{
    QCOMPARE(requestsText(41'000'000), u"41 M"_s);
    QCOMPARE(requestsText(1'200'000'000), u"1.2 B"_s);
    QCOMPARE(requestsText(950'000), u"950 k"_s);
    QCOMPARE(requestsText(999), u"999"_s);
    QCOMPARE(parseRequestCount(u"1000000000"_s), std::optional<std::int64_t>(1'000'000'000));
    QCOMPARE(parseRequestCount(u" 1,000,000,000 "_s), std::optional<std::int64_t>(1'000'000'000));
    QCOMPARE(parseRequestCount(u"1e9"_s), std::optional<std::int64_t>(1'000'000'000));
    QCOMPARE(parseRequestCount(u"1 B"_s), std::optional<std::int64_t>(1'000'000'000));
    QCOMPARE(parseRequestCount(u"41M"_s), std::optional<std::int64_t>(41'000'000));
    QCOMPARE(parseRequestCount(u"1.5k"_s), std::optional<std::int64_t>(1500));
    for (const QString &bad : {u""_s, u"lots"_s, u"-5"_s, u"1e400"_s, u"nan"_s, u"inf"_s, u"2e15"_s, u"5 X"_s})
        QVERIFY2(!parseRequestCount(bad), qPrintable(bad));
}

RUNE_TEST_GUILESS_MAIN(TestCostModel)
#include "tst_costmodel.moc"
