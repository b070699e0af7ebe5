// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/functionagentclient.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QTimer;

namespace rune
{

class FunctionInvoker;

/** A bounded burst of calls: so many a second, for so long, never more than so many at once. */
struct LoadPlan {
    static constexpr int maxCallsPerSecond = 5000;
    static constexpr int maxSeconds = 600;
    static constexpr int maxInFlight = 512;

    int callsPerSecond = 10;
    int seconds = 10;
    int inFlight = 32;
    int number = 0; ///< the version, as FunctionInvoker numbers it; 0: the one serving plain calls
    InvokeRequest request;

    /** Every setting out of its bounds, one sentence each. */
    QStringList problems() const;
};

/** Where a load run is. */
struct LoadProgress {
    qint64 elapsedMs = 0;
    qint64 plannedMs = 0;
    int sent = 0;
    int succeeded = 0; ///< answered 2xx
    int failed = 0; ///< answered otherwise, or no answer
    int inFlight = 0;
};

/** What a load run measured. */
struct LoadSummary {
    LoadProgress totals;
    bool cancelled = false;
    QString refused; ///< the plan's problems, when nothing was sent
    double succeededPerSecond = 0; ///< 2xx answers over the run's duration
    double meanMs = 0;
    double p50Ms = 0;
    double p95Ms = 0;
    double p99Ms = 0;
    int coldStarts = 0;
    /** Failures by cause: "HTTP 503", "agent.unreachable", … */
    QMap<QString, int> failures;
    /** One line: "1,000 calls in 10.0 s: 99.8 calls/s answered, p50 3 ms, p99 12 ms, 0 failed". */
    QString sentence() const;
};

/**
 * Sends a function a bounded, cancellable burst of calls from the console, evenly spread over
 * time (the rate is kept per 20 ms tick), and measures what came back: the throughput that a
 * node really serves, for the cost model and to watch a function scale. Runs on the thread it
 * lives on without blocking it: every call is asynchronous.
 */
class LoadRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadRun)

public:
    LoadRun(FunctionInvoker *invoker, QString functionId, QString nodeId, LoadPlan plan, QObject *parent = nullptr);
    ~LoadRun() override;

    /** Starts sending; a plan with problems() finishes at once with nothing sent. */
    void start();
    /**
     * Stops sending; finished() follows when the calls in flight are answered, or after
     * cancelGraceMs with those still out counted as failed ("cancelled in flight").
     */
    void cancel();
    static constexpr int cancelGraceMs = 2000;
    bool isRunning() const;

Q_SIGNALS:
    void progress(const rune::LoadProgress &progress);
    void finished(const rune::LoadSummary &summary);

private:
    void tick();
    void send();
    void answered(const Result<InvokeResult> &result);
    void finishIfDone();
    void abandonInFlight();

    FunctionInvoker *m_invoker;
    QString m_functionId;
    QString m_nodeId;
    LoadPlan m_plan;
    QTimer *m_ticker;
    QElapsedTimer m_clock;
    LoadProgress m_progress;
    QList<qint64> m_latencies;
    QMap<QString, int> m_failures;
    int m_coldStarts = 0;
    bool m_running = false;
    bool m_cancelled = false;
    bool m_sending = false;
    /** Parent of every call's callback context: deleting it drops the callbacks of calls still out. */
    std::unique_ptr<QObject> m_calls;
};

} // namespace rune

Q_DECLARE_METATYPE(rune::LoadProgress)
Q_DECLARE_METATYPE(rune::LoadSummary)
