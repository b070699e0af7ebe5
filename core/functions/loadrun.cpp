// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/loadrun.h"

#include "functions/functioninvoker.h"
#include "util/percentile.h"

#include <QLocale>
#include <QTimer>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

constexpr int tickMs = 20;

} // namespace

QStringList LoadPlan::problems() const
{
    QStringList problems;
    if (callsPerSecond < 1 || callsPerSecond > maxCallsPerSecond)
        problems << u"The rate must be from 1 to %1 calls a second."_s.arg(maxCallsPerSecond);
    if (seconds < 1 || seconds > maxSeconds)
        problems << u"The duration must be from 1 to %1 seconds."_s.arg(maxSeconds);
    if (inFlight < 1 || inFlight > maxInFlight)
        problems << u"Calls at once must be from 1 to %1."_s.arg(maxInFlight);
    return problems;
}

QString LoadSummary::sentence() const
{
    const QLocale english(QLocale::English);
    return u"%1 calls in %2 s: %3 calls/s answered, p50 %4 ms, p99 %5 ms, %6 failed%7"_s.arg(
        english.toString(totals.sent),
        english.toString(double(totals.elapsedMs) / 1000.0, 'f', 1),
        english.toString(succeededPerSecond, 'f', 1),
        english.toString(p50Ms, 'f', 0),
        english.toString(p99Ms, 'f', 0),
        english.toString(totals.failed),
        cancelled ? u" (cancelled)"_s : QString());
}

LoadRun::LoadRun(FunctionInvoker *invoker, QString functionId, QString nodeId, LoadPlan plan, QObject *parent)
    : QObject(parent)
    , m_invoker(invoker)
    , m_functionId(std::move(functionId))
    , m_nodeId(std::move(nodeId))
    , m_plan(std::move(plan))
    , m_ticker(new QTimer(this))
    , m_calls(std::make_unique<QObject>())
{
    m_ticker->setInterval(tickMs);
    m_ticker->setTimerType(Qt::PreciseTimer);
    connect(m_ticker, &QTimer::timeout, this, &LoadRun::tick);
}

LoadRun::~LoadRun() = default;

void LoadRun::start()
{
    if (m_running)
        return;
    m_progress = {};
    m_progress.plannedMs = qint64(m_plan.seconds) * 1000;
    m_latencies.clear();
    m_failures.clear();
    m_coldStarts = 0;
    m_cancelled = false;
    m_running = true;
    m_sending = m_plan.problems().isEmpty();
    if (!m_sending) {
        QTimer::singleShot(0, this, &LoadRun::finishIfDone);
        return;
    }
    m_clock.start();
    m_ticker->start();
    tick();
}

void LoadRun::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true;
    m_sending = false;
    m_ticker->stop();
    if (m_progress.inFlight > 0)
        QTimer::singleShot(cancelGraceMs, m_calls.get(), [this] {
            abandonInFlight();
        });
    finishIfDone();
}

void LoadRun::abandonInFlight()
{
    // Destroying the calls' context aborts them and drops their callbacks.
    m_calls = std::make_unique<QObject>();
    m_progress.failed += m_progress.inFlight;
    if (m_progress.inFlight > 0)
        m_failures[u"cancelled in flight"_s] += m_progress.inFlight;
    m_progress.inFlight = 0;
    finishIfDone();
}

bool LoadRun::isRunning() const
{
    return m_running;
}

void LoadRun::tick()
{
    m_progress.elapsedMs = m_clock.elapsed();
    if (m_progress.elapsedMs >= m_progress.plannedMs) {
        m_sending = false;
        m_ticker->stop();
        finishIfDone();
        return;
    }
    // As many calls as the rate allows by now, as long as no more than inFlight are out.
    const auto due = qint64(double(m_plan.callsPerSecond) * double(m_progress.elapsedMs + tickMs) / 1000.0);
    while (m_progress.sent < due && m_progress.inFlight < m_plan.inFlight)
        send();
    Q_EMIT progress(m_progress);
}

void LoadRun::send()
{
    ++m_progress.sent;
    ++m_progress.inFlight;
    InvokeRequest request = m_plan.request;
    request.requestId.clear();
    m_invoker->invoke(
        m_functionId, m_nodeId, m_plan.number, request, m_calls.get(), [this](const Result<InvokeResult> &result) {
            answered(result);
        });
}

void LoadRun::answered(const Result<InvokeResult> &result)
{
    --m_progress.inFlight;
    if (result && result->status >= 200 && result->status < 300) {
        ++m_progress.succeeded;
        m_latencies.append(result->latencyMs);
        m_coldStarts += result->coldStart ? 1 : 0;
    } else {
        ++m_progress.failed;
        ++m_failures[result ? u"HTTP %1"_s.arg(result->status) : result.error().code];
    }
    if (!m_sending)
        finishIfDone();
}

void LoadRun::finishIfDone()
{
    if (!m_running || m_sending || m_progress.inFlight > 0)
        return;
    m_running = false;
    m_progress.elapsedMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    LoadSummary summary;
    summary.totals = m_progress;
    summary.cancelled = m_cancelled;
    summary.refused = m_plan.problems().join(u' ');
    summary.failures = m_failures;
    summary.coldStarts = m_coldStarts;
    std::sort(m_latencies.begin(), m_latencies.end());
    if (!m_latencies.isEmpty()) {
        double total = 0;
        for (qint64 latency : std::as_const(m_latencies))
            total += double(latency);
        summary.meanMs = total / double(m_latencies.size());
    }
    summary.p50Ms = percentileOfSorted(m_latencies, 0.50);
    summary.p95Ms = percentileOfSorted(m_latencies, 0.95);
    summary.p99Ms = percentileOfSorted(m_latencies, 0.99);
    if (m_progress.elapsedMs > 0)
        summary.succeededPerSecond = double(m_progress.succeeded) * 1000.0 / double(m_progress.elapsedMs);
    Q_EMIT progress(m_progress);
    Q_EMIT finished(summary);
}

} // namespace rune
