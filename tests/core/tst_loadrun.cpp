// SPDX-License-Identifier: GPL-3.0-or-later
// A burst of calls from the console against a real agent: bounded by its plan, measured, and
// cancellable even while calls hang.
#include "../common/functionfixture.h"
#include "../common/testmain.h"
#include "functions/loadrun.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::FunctionFixture;

class TestLoadRun final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sendsThePlannedCallsAndMeasuresThem();
    void cancelEndsEvenWhileCallsHang();
    void refusesAnAbsurdPlan();
    void countsCallsThatFindNoNode();

private:
    /** Deploys @p handler as the function's handler.py on node-1 and returns its id. */
    QString deployed(FunctionFixture &fx, const QString &name, const QString &handler);
    LoadSummary run(LoadRun &load, int timeoutMs);
};

void TestLoadRun::initTestCase()
{
    qRegisterMetaType<LoadProgress>();
    qRegisterMetaType<LoadSummary>();
}

QString TestLoadRun::deployed(FunctionFixture &fx, const QString &name, const QString &handler)
{
    const QString id = fx.create(name);
    if (id.isEmpty() || !fx.saveFile(id, u"handler.py"_s, handler))
        return {};
    DeployJob *job = fx.wait(fx.releases->deploy(id, {u"node-1"_s}));
    return job && job->succeeded() ? id : QString();
}

LoadSummary TestLoadRun::run(LoadRun &load, int timeoutMs)
{
    QSignalSpy finished(&load, &LoadRun::finished);
    load.start();
    if (!finished.wait(timeoutMs))
        return {};
    return finished.at(0).at(0).value<LoadSummary>();
}

void TestLoadRun::sendsThePlannedCallsAndMeasuresThem()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = deployed(fx, u"echo"_s, u"def handle(event, context):\n    return 'ok'\n"_s);
    QVERIFY(!id.isEmpty());
    LoadPlan plan;
    plan.callsPerSecond = 40;
    plan.seconds = 2;
    plan.inFlight = 4;
    LoadRun load(fx.invoker.get(), id, u"node-1"_s, plan);
    QSignalSpy progress(&load, &LoadRun::progress);
    const LoadSummary summary = run(load, 30000);
    // Never more than the plan, and every call sent was answered well.
    QVERIFY2(summary.totals.sent > 0 && summary.totals.sent <= 80, qPrintable(summary.sentence()));
    QCOMPARE(summary.totals.succeeded, summary.totals.sent);
    QCOMPARE(summary.totals.failed, 0);
    QCOMPARE(summary.totals.inFlight, 0);
    QVERIFY(summary.failures.isEmpty());
    QVERIFY(!summary.cancelled);
    QVERIFY(summary.refused.isEmpty());
    QVERIFY(summary.succeededPerSecond > 0);
    QVERIFY(summary.p50Ms <= summary.p95Ms && summary.p95Ms <= summary.p99Ms);
    QVERIFY(summary.coldStarts >= 1); // the first call woke the function from zero
    QVERIFY(progress.count() > 10);
    QVERIFY(summary.sentence().contains(u"calls/s answered"_s));
    QVERIFY(!load.isRunning());
}

void TestLoadRun::cancelEndsEvenWhileCallsHang()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = deployed(
        fx, u"slow"_s, u"import time\n\ndef handle(event, context):\n    time.sleep(8)\n    return 'late'\n"_s);
    QVERIFY(!id.isEmpty());
    LoadPlan plan;
    plan.callsPerSecond = 20;
    plan.seconds = 60;
    plan.inFlight = 3;
    LoadRun load(fx.invoker.get(), id, u"node-1"_s, plan);
    QSignalSpy finished(&load, &LoadRun::finished);
    load.start();
    QTRY_COMPARE(load.isRunning(), true);
    QTest::qWait(500);
    load.cancel();
    QVERIFY(finished.wait(LoadRun::cancelGraceMs + 3000));
    const auto summary = finished.at(0).at(0).value<LoadSummary>();
    QVERIFY(summary.cancelled);
    QCOMPARE(summary.totals.sent, 3); // the three at once; none came back to make room for more
    QCOMPARE(summary.failures.value(u"cancelled in flight"_s), 3);
    QCOMPARE(summary.totals.inFlight, 0);
    QVERIFY(summary.sentence().endsWith(u"(cancelled)"_s));
}

void TestLoadRun::refusesAnAbsurdPlan()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    LoadPlan plan;
    plan.callsPerSecond = 0;
    plan.seconds = 100000;
    plan.inFlight = -1;
    QCOMPARE(plan.problems().size(), 3);
    LoadRun load(fx.invoker.get(), u"nothing"_s, u"node-1"_s, plan);
    const LoadSummary summary = run(load, 5000);
    QCOMPARE(summary.totals.sent, 0);
    QVERIFY(summary.refused.contains(u"calls a second"_s));
}

void TestLoadRun::countsCallsThatFindNoNode()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = deployed(fx, u"hello"_s, u"def handle(event, context):\n    return 'hi'\n"_s);
    QVERIFY(!id.isEmpty());
    fx.addDeadNode(u"gone"_s);
    LoadPlan plan;
    plan.callsPerSecond = 10;
    plan.seconds = 1;
    LoadRun load(fx.invoker.get(), id, u"gone"_s, plan);
    const LoadSummary summary = run(load, 30000);
    QVERIFY(summary.totals.sent > 0);
    QCOMPARE(summary.totals.failed, summary.totals.sent);
    QCOMPARE(summary.totals.succeeded, 0);
    QVERIFY(!summary.failures.isEmpty());
}

RUNE_TEST_GUILESS_MAIN(TestLoadRun)
#include "tst_loadrun.moc"
