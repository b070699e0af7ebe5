// SPDX-License-Identifier: GPL-3.0-or-later
// The agent's call metrics: histograms subtracted to give the calls of a recent window.

#include "../common/testmain.h"
#include "metrics/functionmetrics.h"

#include <QTest>

using namespace std::chrono_literals;
using rune::agent::LatencyHistogram;
using rune::agent::MetricsRegistry;

class TestFunctionMetrics : public QObject
{
    Q_OBJECT

private slots:
    void sinceCountsOnlyTheNewCalls();
    void recentLatenciesStartAtTheNewestOldEnough();
    void windowsLongerThanTheAgentReachBackToTheStart();
    void aMinuteIsRememberedAndNoMore();
};

void TestFunctionMetrics::sinceCountsOnlyTheNewCalls()
{
    LatencyHistogram histogram;
    histogram.record(300ms);
    const auto before = histogram.copy();
    for (int call = 0; call < 99; ++call)
        histogram.record(200us);
    const auto calls = histogram.copy().since(before);
    QCOMPARE(calls.count, 99u);
    QVERIFY(calls.quantile(0.99) <= 0.00025); // the slow call is not among them
    QVERIFY(std::abs(calls.sumSeconds - 99 * 0.0002) < 1e-6);
    QVERIFY(histogram.copy().quantile(0.999) > 0.25); // it is in the whole
    QCOMPARE(histogram.copy().since(histogram.copy()).count, 0u);
}

void TestFunctionMetrics::recentLatenciesStartAtTheNewestOldEnough()
{
    MetricsRegistry registry;
    const auto start = std::chrono::steady_clock::now();
    registry.recordCall("f", 200, false, false, 300ms);
    registry.rememberLatencies(start + 1s);
    for (int call = 0; call < 3; ++call)
        registry.recordCall("f", 200, false, false, 1ms);
    registry.rememberLatencies(start + 2s);
    registry.recordCall("f", 200, false, false, 1ms);
    registry.recordCall("g", 200, false, false, 5ms); // first called after both were remembered

    const auto recent = registry.recentLatencies(1s, start + 2500ms);
    QCOMPARE(recent.from, std::optional(start + 1s));
    QCOMPARE(recent.byFunction.at("f").count, 4u);
    QVERIFY(recent.byFunction.at("f").quantile(0.99) < 0.01);
    QCOMPARE(recent.byFunction.at("g").count, 1u);
    const auto latest = registry.recentLatencies(1s, start + 3s);
    QCOMPARE(latest.from, std::optional(start + 2s));
    QCOMPARE(latest.byFunction.at("f").count, 1u);
}

void TestFunctionMetrics::windowsLongerThanTheAgentReachBackToTheStart()
{
    MetricsRegistry registry;
    const auto start = std::chrono::steady_clock::now();
    registry.recordCall("f", 200, false, false, 300ms);
    registry.rememberLatencies(start + 1s);
    registry.recordCall("f", 200, false, false, 1ms);
    const auto recent = registry.recentLatencies(10s, start + 2s);
    QVERIFY(!recent.from);
    QCOMPARE(recent.byFunction.at("f").count, 2u);
    QVERIFY(recent.byFunction.at("f").quantile(0.99) > 0.25);
}

void TestFunctionMetrics::aMinuteIsRememberedAndNoMore()
{
    MetricsRegistry registry;
    const auto start = std::chrono::steady_clock::now();
    for (int second = 0; second <= 200; ++second) {
        registry.recordCall("f", 200, false, false, 1ms);
        registry.rememberLatencies(start + std::chrono::seconds(second));
    }
    // The longest window still finds its start...
    const auto longest = registry.recentLatencies(MetricsRegistry::longestWindow, start + 200s);
    QCOMPARE(longest.from, std::optional(start + 140s));
    QCOMPARE(longest.byFunction.at("f").count, 60u);
    // ...and nothing older is kept (the API refuses windows past a minute).
    QVERIFY(!registry.recentLatencies(61s, start + 200s).from);
}

RUNE_TEST_GUILESS_MAIN(TestFunctionMetrics)
#include "tst_functionmetrics.moc"
