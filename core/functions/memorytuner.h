// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/functionagentclient.h"
#include "cost/money.h"
#include "cost/pricetables.h"

#include <QList>
#include <QObject>
#include <QStringList>
#include <memory>
#include <optional>

namespace rune
{

class FunctionAgents;
class FunctionCatalog;

/** What the memory tuner is to try: one function on one node, at each size of a range. */
struct TuningPlan {
    static constexpr int maxCallsPerSize = 100;
    static constexpr int maxSizes = 64;

    QString functionId;
    QString nodeId;
    int minMiB = 128;
    int maxMiB = 1024;
    int callsPerSize = 5; ///< the first call of a size starts its replica: it is reported apart, as cold
    InvokeRequest request; ///< the sample event: body and headers; the function is filled in

    /** Every setting out of its bounds, one sentence each. */
    QStringList problems() const;
    /** The sizes to try, largest first, in steps of 64 MiB. */
    QList<int> sizes() const;
};

/** What one memory size did. */
struct SizeOutcome {
    int memoryMiB = 0;
    QList<double> coldMs; ///< calls that started the replica
    QList<double> warmMs; ///< calls a running replica took
    QString failure; ///< why a call or the trial failed ("out_of_memory: …"); empty when every call answered 2xx
    std::optional<cost::Money> costPerMillion; ///< a million calls at the mean time, free tier left out

    bool failed() const
    {
        return !failure.isEmpty();
    }
    /** Calls measured: cold and warm. */
    int calls() const;
    /** Warm calls' mean time; the cold calls' when no warm call was made. 0 without calls. */
    double meanMs() const;
    double p95Ms() const;
    double coldMeanMs() const;
};

/** How to pick a size. */
enum class TuningStrategy {
    Cost, ///< the cheapest per call
    Speed, ///< the fastest
    Balanced, ///< the best weighted mix of time and cost, each scaled to the range seen
};

/** A recommended size and why. */
struct TuningAdvice {
    int memoryMiB = 0; ///< 0: nothing measured
    QString reason;
};

/**
 * The size @p strategy picks among the sizes that did not fail. Balanced weighs time by
 * @p speedWeight (0: cost only, 1: time only) and cost by the rest. Ties go to the smaller size.
 */
TuningAdvice recommendByStrategy(const QList<SizeOutcome> &outcomes, TuningStrategy strategy, double speedWeight = 0.5);
/** The smallest size that did not fail whose mean time is within @p tolerance (0.05: 5 %) of the best. */
TuningAdvice smallestWithinTolerance(const QList<SizeOutcome> &outcomes, double tolerance = 0.05);

/** A million calls at @p memoryMiB for @p meanMs each under @p price, without the free tier. */
std::optional<cost::Money> costPerMillionCalls(const cost::LambdaPrice &price, int memoryMiB, double meanMs);

/** Where a tuning run is. */
struct TuningProgress {
    int callsDone = 0;
    int callsPlanned = 0;
    int memoryMiB = 0; ///< the size being tried
    QString step; ///< "Starting a trial at 512 MiB", "Call 3 of 5 at 512 MiB", …
};

/** How a tuning run ended. */
struct TuningSummary {
    QList<SizeOutcome> outcomes; ///< largest first, as tried
    bool cancelled = false;
    QString error; ///< why it could not run at all (not deployed there, unreachable); empty otherwise
    QString stoppedBecause; ///< "512 MiB failed: out_of_memory …; smaller sizes were not tried"
};

/**
 * Runs a function at decreasing memory sizes on one node and measures each: for every size the
 * agent makes a trial (the serving code with that memory, reachable only by the tuner), the
 * tuner calls it callsPerSize times one after another with the sample event, then removes the
 * trial. The serving version is never touched, so nothing needs restoring when the run is
 * cancelled, fails or the console quits: a trial still out is removed by cancel(), by the
 * destructor, and in any case by the agent once nobody calls it. A size whose calls fail (out of
 * memory, timeout, crash) is marked and no smaller size is tried. Never blocks the thread it
 * lives on.
 */
class MemoryTuner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MemoryTuner)

public:
    MemoryTuner(FunctionCatalog *catalog,
        FunctionAgents *agents,
        TuningPlan plan,
        std::optional<cost::LambdaPrice> price,
        QObject *parent = nullptr);
    ~MemoryTuner() override;

    void start();
    /** Stops at once: the call in flight is dropped, the trial removed; finished() follows. */
    void cancel();
    bool isRunning() const;
    const TuningPlan &plan() const;
    const QList<SizeOutcome> &outcomes() const;

Q_SIGNALS:
    void progress(const rune::TuningProgress &progress);
    void sizeMeasured(const rune::SizeOutcome &outcome);
    void finished(const rune::TuningSummary &summary);

private:
    void nextSize();
    void callTrial();
    void answered(const Result<InvokeResult> &result);
    void endSize(const QString &failure);
    void removeTrial();
    void finish(const QString &error = {});
    void report(const QString &step);

    FunctionCatalog *m_catalog;
    FunctionAgents *m_agents;
    TuningPlan m_plan;
    std::optional<cost::LambdaPrice> m_price;
    QList<int> m_sizes;
    QString m_functionName;
    std::shared_ptr<FunctionAgentClient> m_client;
    std::optional<AgentTrial> m_trial;
    SizeOutcome m_current;
    QList<SizeOutcome> m_outcomes;
    TuningSummary m_summary;
    int m_callTimeoutMs = 35000;
    int m_generation = 0; ///< moves on at cancel: a trial made for an earlier run is removed
    bool m_running = false;
    /** Parent of every request's callback context: deleting it drops the answers still out. */
    std::unique_ptr<QObject> m_calls;
};

} // namespace rune

Q_DECLARE_METATYPE(rune::TuningProgress)
Q_DECLARE_METATYPE(rune::SizeOutcome)
Q_DECLARE_METATYPE(rune::TuningSummary)
