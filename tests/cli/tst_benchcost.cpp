// SPDX-License-Identifier: GPL-3.0-or-later
// rune bench run|show, rune cost, rune fn tune as a user runs them: the real program, a data
// directory of its own, the real agents of the demo cluster that `rune demo up` leaves running.
#include "../common/testmain.h"
#include "runeprogram.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace
{

using Run = rune::tests::RuneRun;

/** The estimate of @p option in `rune cost`'s JSON; empty when it is not there. */
QJsonObject estimateOf(const QJsonObject &cost, const QString &option)
{
    for (const QJsonValue &estimate : cost.value(u"estimates"_s).toArray()) {
        if (estimate[u"option"_s].toString() == option)
            return estimate.toObject();
    }
    return {};
}

} // namespace

class TestBenchCost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void badNumbers_data();
    void badNumbers();
    void badNumberAnswersInJson();
    void costOfTheFoundingWorkload();
    void costOfEveryPrice();
    void completionKnowsTheCommands();
    void benchmarksAndTuningOnTheDemo();

private:
    Run rune(QStringList arguments, int timeoutMs = 30'000);
    bool demoUp();
    void checkBenchmarks();
    void checkTuning();

    std::unique_ptr<QTemporaryDir> m_home;
};

void TestBenchCost::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
}

void TestBenchCost::cleanup()
{
    rune::tests::stopDemoIn(*m_home);
    m_home.reset();
}

Run TestBenchCost::rune(QStringList arguments, int timeoutMs)
{
    return rune::tests::runRune(*m_home, std::move(arguments), timeoutMs);
}

bool TestBenchCost::demoUp()
{
    return rune::tests::demoUpIn(*m_home);
}

void TestBenchCost::badNumbers_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("reason");
    const auto row = [](const char *name, QStringList arguments, const QString &reason) {
        QTest::newRow(name) << arguments << reason;
    };
    row("seconds 0", {u"bench"_s, u"run"_s, u"--seconds"_s, u"0"_s}, u"--seconds takes a whole number from 1 to 60"_s);
    row("seconds absurd", {u"bench"_s, u"run"_s, u"--seconds"_s, u"1e30"_s}, u"not '1e30'"_s);
    row("unknown test", {u"bench"_s, u"run"_s, u"--tests"_s, u"cpu,gpu"_s}, u"unknown test 'gpu'"_s);
    row("no test", {u"bench"_s, u"run"_s, u"--tests"_s, u","_s}, u"--tests needs at least one test"_s);
    row("memory absurd", {u"cost"_s, u"--memory"_s, u"1e30"_s}, u"--memory takes a whole number of MiB"_s);
    row("memory too large", {u"cost"_s, u"--memory"_s, u"20000"_s}, u"Memory per call must be from 1 to 10240 MiB"_s);
    row("requests", {u"cost"_s, u"--requests"_s, u"lots"_s}, u"--requests takes a count"_s);
    row("requests absurd", {u"cost"_s, u"--requests"_s, u"1e30"_s}, u"not '1e30'"_s);
    row("duration 0", {u"cost"_s, u"--duration-ms"_s, u"0"_s}, u"The average duration must be more than 0"_s);
    row("peak nan", {u"cost"_s, u"--peak"_s, u"nan"_s}, u"The peak-to-average ratio must be from 1"_s);
    row("cost argument", {u"cost"_s, u"lambda"_s}, u"rune cost takes no argument 'lambda'"_s);
    row("strategy", {u"fn"_s, u"tune"_s, u"echo"_s, u"--strategy"_s, u"fast"_s}, u"--strategy takes tolerance"_s);
    row("tune without function", {u"fn"_s, u"tune"_s}, u"rune fn tune needs <function>"_s);
}

void TestBenchCost::badNumbers()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, reason);
    const Run run = rune(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(QString::fromUtf8(run.err).contains(reason), run.err.constData());
    QVERIFY(run.out.isEmpty());
}

void TestBenchCost::badNumberAnswersInJson()
{
    const Run run = rune({u"cost"_s, u"--duration-ms"_s, u"1e30"_s, u"--output"_s, u"json"_s});
    QCOMPARE(run.exitCode, 2);
    const QJsonObject error = run.json().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"usage"_s);
    QVERIFY(error.value(u"message"_s).toString().contains(u"at most 900000 ms"_s));
}

void TestBenchCost::costOfTheFoundingWorkload()
{
    // The default workload is the Cost pane's first: a billion calls of 512 MiB for 200 ms. With
    // the shipped price: 999 M paid requests at $0.20 a million and 99.6 M GB-seconds past the
    // free tier at $0.0000166667: $199.80 + $1,660.00332.
    const Run run = rune({u"cost"_s, u"--output"_s, u"json"_s});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject cost = run.json();
    QCOMPARE(cost[u"workload"_s][u"requests_per_month"_s].toInteger(), 1'000'000'000);
    const QJsonObject lambda = estimateOf(cost, u"AWS Lambda x86_64, us-east-1"_s);
    QCOMPARE(lambda.value(u"total_usd"_s).toString(), u"1859.80332"_s);
    QCOMPARE(lambda[u"breakdown"_s][u"requests"_s].toString(), u"200"_s);
    // One option of each table, as the pane starts, and where this cluster wins or loses.
    QCOMPARE(cost.value(u"estimates"_s).toArray().size(), 4);
    QVERIFY(!cost.value(u"break_evens"_s).toArray().isEmpty());
    // The same month in text, with the workload's own numbers changed: half the time, twice the memory.
    const Run text =
        rune({u"cost"_s, u"--duration-ms"_s, u"100"_s, u"--memory"_s, u"1024"_s, u"--requests"_s, u"1 B"_s});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("AWS Lambda x86_64, us-east-1") && text.out.contains("1,859.80"), text.out.constData());
}

void TestBenchCost::costOfEveryPrice()
{
    const Run first = rune({u"cost"_s, u"--output"_s, u"json"_s});
    const Run all = rune({u"cost"_s, u"--all"_s, u"--requests"_s, u"41M"_s, u"--output"_s, u"json"_s});
    QCOMPARE(all.exitCode, 0);
    QVERIFY(all.json()[u"estimates"_s].toArray().size() > first.json()[u"estimates"_s].toArray().size());
    QVERIFY(!estimateOf(all.json(), u"AWS Lambda arm64, us-east-1"_s).isEmpty());
    QCOMPARE(all.json()[u"workload"_s][u"requests_per_month"_s].toInteger(), 41'000'000);
}

void TestBenchCost::completionKnowsTheCommands()
{
    const auto words = [this](QStringList typed) {
        return QString::fromUtf8(rune(QStringList {u"__complete"_s} + typed).out).split(u'\n', Qt::SkipEmptyParts);
    };
    QVERIFY(words({}).contains(u"bench"_s));
    QVERIFY(words({}).contains(u"cost"_s));
    QCOMPARE(words({u"bench"_s}), (QStringList {u"run"_s, u"show"_s}));
    QVERIFY(words({u"cost"_s}).contains(u"--requests"_s));
    QVERIFY(words({u"fn"_s, u"tune"_s}).contains(u"--min-memory"_s));
    const Run help = rune({u"cost"_s, u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.startsWith("Usage: rune cost [options]"));
}

void TestBenchCost::benchmarksAndTuningOnTheDemo()
{
    QVERIFY(demoUp());
    checkBenchmarks();
    checkTuning();
}

void TestBenchCost::checkBenchmarks()
{
    const Run nodes = rune({u"node"_s, u"list"_s, u"--output"_s, u"json"_s});
    QSet<QString> ids;
    for (const QJsonValue &node : nodes.json()[u"nodes"_s].toArray())
        ids.insert(node[u"id"_s].toString());
    QVERIFY(ids.size() >= 2);
    const Run run =
        rune({u"bench"_s, u"run"_s, u"--tests"_s, u"cpu"_s, u"--seconds"_s, u"1"_s, u"--output"_s, u"json"_s}, 120'000);
    QVERIFY2(run.exitCode == 0, run.out.constData());
    QVERIFY2(run.err.contains("cpu: done"), run.err.constData()); // progress on stderr
    QSet<QString> measured;
    for (const QJsonValue &step : run.json()[u"steps"_s].toArray()) {
        QCOMPARE(step[u"state"_s].toString(), u"done"_s);
        measured.insert(step[u"node_id"_s].toString());
    }
    QCOMPARE(measured, ids);
    const QJsonArray results = run.json()[u"results"_s].toArray();
    QCOMPARE(results.size(), 2 * ids.size()); // single-core and all-core events a second
    for (const QJsonValue &result : results)
        QVERIFY(result[u"value"_s].toDouble() > 0);
    // Stored as the window stores them: bench show reads them back from the store.
    const Run show = rune({u"bench"_s, u"show"_s, u"--output"_s, u"json"_s});
    QCOMPARE(show.exitCode, 0);
    QCOMPARE(show.json()[u"results"_s].toArray().size(), results.size());
    const QString oneNode = *ids.begin();
    const Run ofOne = rune({u"bench"_s, u"show"_s, u"--node"_s, oneNode, u"--output"_s, u"json"_s});
    QCOMPARE(ofOne.json()[u"results"_s].toArray().size(), 2);
    const Run table = rune({u"bench"_s, u"show"_s});
    QVERIFY2(table.out.contains("events_per_s_single"), table.out.constData());
    QCOMPARE(rune({u"bench"_s, u"show"_s, u"--node"_s, u"nowhere"_s}).exitCode, 3);
    QCOMPARE(rune({u"bench"_s, u"run"_s, u"--nodes"_s, u"nowhere"_s}).exitCode, 3);
}

void TestBenchCost::checkTuning()
{
    const QString dir = m_home->filePath(u"tuned"_s);
    QCOMPARE(rune({u"fn"_s, u"new"_s, u"tuned"_s, u"--dir"_s, dir}).exitCode, 0);
    const Run deploy = rune({u"fn"_s, u"deploy"_s, dir}, 120'000);
    QVERIFY2(deploy.exitCode == 0, deploy.err.constData());
    const Run outOfRange = rune({u"fn"_s, u"tune"_s, u"tuned"_s, u"--min-memory"_s, u"100"_s});
    QCOMPARE(outOfRange.exitCode, 2);
    QVERIFY2(outOfRange.err.contains("multiples of 64 MiB"), outOfRange.err.constData());
    QCOMPARE(rune({u"fn"_s, u"tune"_s, u"nothing"_s}).exitCode, 3);
    const Run tune = rune({u"fn"_s,
                              u"tune"_s,
                              u"tuned"_s,
                              u"--min-memory"_s,
                              u"128"_s,
                              u"--max-memory"_s,
                              u"192"_s,
                              u"--calls"_s,
                              u"2"_s,
                              u"--output"_s,
                              u"json"_s},
        180'000);
    QVERIFY2(tune.exitCode == 0, tune.out.constData());
    const QJsonArray sizes = tune.json()[u"sizes"_s].toArray();
    QCOMPARE(sizes.size(), 2);
    QCOMPARE(sizes.at(0)[u"memory_mib"_s].toInt(), 192); // largest first
    QCOMPARE(sizes.at(1)[u"memory_mib"_s].toInt(), 128);
    for (const QJsonValue &size : sizes) {
        QCOMPARE(size[u"calls"_s].toInt(), 2);
        QVERIFY(size[u"mean_ms"_s].toDouble() > 0);
        QVERIFY(!size[u"cost_per_million_usd"_s].toString().isEmpty());
    }
    const int recommended = tune.json()[u"recommended_mib"_s].toInt();
    QVERIFY(recommended == 128 || recommended == 192);
    QVERIFY(!tune.json()[u"reason"_s].toString().isEmpty());
}

RUNE_TEST_GUILESS_MAIN(TestBenchCost)
#include "tst_benchcost.moc"
