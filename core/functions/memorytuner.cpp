// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/memorytuner.h"

#include "agent/functionagents.h"
#include "cost/costmodel.h"
#include "functions/functioncatalog.h"
#include "util/percentile.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QPointer>
#include <algorithm>
#include <numeric>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

constexpr int stepMiB = FunctionConfig::memoryStepMiB;
/** The largest size the tuner tries: what Lambda sells, within what the agent accepts. */
constexpr int largestMiB = std::min(FunctionConfig::maxMemoryMiB, cost::Workload::maxMemoryMiB);

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::MemoryTuner", text);
}

double mean(const QList<double> &values)
{
    return values.isEmpty() ? 0 : std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
}

QList<double> sorted(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values;
}

QList<const SizeOutcome *> usable(const QList<SizeOutcome> &outcomes)
{
    QList<const SizeOutcome *> found;
    for (const SizeOutcome &outcome : outcomes) {
        if (!outcome.failed() && outcome.calls() > 0)
            found.append(&outcome);
    }
    // Smallest first, so the first of equals is the smaller size.
    std::sort(found.begin(), found.end(), [](const SizeOutcome *a, const SizeOutcome *b) {
        return a->memoryMiB < b->memoryMiB;
    });
    return found;
}

double costOf(const SizeOutcome &outcome)
{
    return outcome.costPerMillion ? double(outcome.costPerMillion->micros()) : 0.0;
}

/** Where @p value lies between @p low and @p high, 0 to 1; 0 when they are equal. */
double scaled(double value, double low, double high)
{
    return high > low ? (value - low) / (high - low) : 0.0;
}

QString mib(int value)
{
    return QLocale(QLocale::English).toString(value) + u" MiB"_s;
}

QString ms(double value)
{
    return QLocale(QLocale::English).toString(value, 'f', value < 10 ? 1 : 0) + u" ms"_s;
}

/** The agent's error code and message from a JSON error answer, or the HTTP status. */
QString failureOf(const InvokeResult &result)
{
    const QJsonObject error = QJsonDocument::fromJson(result.body).object().value(u"error"_s).toObject();
    const QString code = error.value(u"code"_s).toString();
    const QString message = error.value(u"message"_s).toString().left(300);
    if (!code.isEmpty())
        return message.isEmpty() ? code : code + u": "_s + message;
    return tr("HTTP %1 %2").arg(result.status).arg(result.reason).trimmed();
}

} // namespace

QStringList TuningPlan::problems() const
{
    QStringList problems;
    const auto inRange = [](int value) {
        return value >= stepMiB && value <= largestMiB && value % stepMiB == 0;
    };
    if (!inRange(minMiB) || !inRange(maxMiB))
        problems << tr("The sizes must be multiples of %1 MiB from %1 to %2 MiB.").arg(stepMiB).arg(largestMiB);
    else if (minMiB > maxMiB)
        problems << tr("The smallest size must not be larger than the largest.");
    else if ((maxMiB - minMiB) / stepMiB + 1 > maxSizes)
        problems << tr("At most %1 sizes can be tried at once: narrow the range.").arg(maxSizes);
    if (callsPerSize < 1 || callsPerSize > maxCallsPerSize)
        problems << tr("Calls per size must be from 1 to %1.").arg(maxCallsPerSize);
    if (functionId.isEmpty())
        problems << tr("Choose a function.");
    if (nodeId.isEmpty())
        problems << tr("Choose a node.");
    return problems;
}

QList<int> TuningPlan::sizes() const
{
    QList<int> sizes;
    if (!problems().isEmpty())
        return sizes;
    for (int size = maxMiB; size >= minMiB; size -= stepMiB)
        sizes.append(size);
    return sizes;
}

int SizeOutcome::calls() const
{
    return int(coldMs.size() + warmMs.size());
}

double SizeOutcome::meanMs() const
{
    return warmMs.isEmpty() ? mean(coldMs) : mean(warmMs);
}

double SizeOutcome::p95Ms() const
{
    return percentileOfSorted(sorted(warmMs.isEmpty() ? coldMs : warmMs), 0.95);
}

double SizeOutcome::coldMeanMs() const
{
    return mean(coldMs);
}

std::optional<cost::Money> costPerMillionCalls(const cost::LambdaPrice &price, int memoryMiB, double meanMs)
{
    cost::LambdaPrice paid = price;
    paid.freeRequests = 0;
    paid.freeGbSeconds = 0;
    cost::Workload workload;
    workload.requestsPerMonth = 1'000'000;
    workload.averageDurationMs = std::max(meanMs, 0.001);
    workload.memoryMiB = memoryMiB;
    if (!workload.problems().isEmpty())
        return std::nullopt;
    return cost::lambdaCost(paid, workload).total;
}

TuningAdvice recommendByStrategy(const QList<SizeOutcome> &outcomes, TuningStrategy strategy, double speedWeight)
{
    const auto candidates = usable(outcomes);
    if (candidates.isEmpty())
        return {0, tr("No size answered every call.")};
    const bool priced = std::all_of(candidates.begin(), candidates.end(), [](const SizeOutcome *outcome) {
        return outcome->costPerMillion.has_value();
    });
    if (strategy != TuningStrategy::Speed && !priced)
        return {0, tr("Without a price for every size, only the speed strategy can choose.")};
    const auto [fastest, slowest] =
        std::minmax_element(candidates.begin(), candidates.end(), [](const SizeOutcome *a, const SizeOutcome *b) {
            return a->meanMs() < b->meanMs();
        });
    const auto [cheapest, dearest] =
        std::minmax_element(candidates.begin(), candidates.end(), [](const SizeOutcome *a, const SizeOutcome *b) {
            return costOf(*a) < costOf(*b);
        });
    const double weight = std::clamp(speedWeight, 0.0, 1.0);
    const auto score = [&](const SizeOutcome *outcome) {
        switch (strategy) {
        case TuningStrategy::Speed:
            return outcome->meanMs();
        case TuningStrategy::Cost:
            return costOf(*outcome);
        case TuningStrategy::Balanced:
            break;
        }
        return weight * scaled(outcome->meanMs(), (*fastest)->meanMs(), (*slowest)->meanMs())
            + (1 - weight) * scaled(costOf(*outcome), costOf(**cheapest), costOf(**dearest));
    };
    // min_element keeps the first of equals: the smaller size.
    const SizeOutcome *best = *std::min_element(candidates.begin(), candidates.end(), [&](auto *a, auto *b) {
        return score(a) < score(b);
    });
    const QString cost = best->costPerMillion ? best->costPerMillion->toText(4) : QString();
    switch (strategy) {
    case TuningStrategy::Speed:
        return {best->memoryMiB, tr("Fastest: %1 a call at %2.").arg(ms(best->meanMs()), mib(best->memoryMiB))};
    case TuningStrategy::Cost:
        return {best->memoryMiB,
            tr("Cheapest: $%1 per million calls at %2 (%3 a call).")
                .arg(cost, mib(best->memoryMiB), ms(best->meanMs()))};
    case TuningStrategy::Balanced:
        break;
    }
    return {best->memoryMiB,
        tr("Balanced (%1 % speed, %2 % cost): %3, %4 a call, $%5 per million calls.")
            .arg(qRound(weight * 100))
            .arg(100 - qRound(weight * 100))
            .arg(mib(best->memoryMiB), ms(best->meanMs()), cost)};
}

TuningAdvice smallestWithinTolerance(const QList<SizeOutcome> &outcomes, double tolerance)
{
    const auto candidates = usable(outcomes);
    if (candidates.isEmpty())
        return {0, tr("No size answered every call.")};
    const SizeOutcome *fastest =
        *std::min_element(candidates.begin(), candidates.end(), [](const SizeOutcome *a, const SizeOutcome *b) {
            return a->meanMs() < b->meanMs();
        });
    const double limit = fastest->meanMs() * (1 + std::max(tolerance, 0.0));
    // Candidates are smallest first: the first within the limit is the answer.
    for (const SizeOutcome *outcome : candidates) {
        if (outcome == fastest) {
            return {outcome->memoryMiB,
                tr("%1 is the fastest (%2 a call), and no smaller size is within %3 % of it.")
                    .arg(mib(outcome->memoryMiB),
                        ms(outcome->meanMs()),
                        QLocale(QLocale::English).toString(tolerance * 100, 'g', 3))};
        }
        if (outcome->meanMs() <= limit) {
            return {outcome->memoryMiB,
                tr("Smallest within %1 % of the fastest (%2 at %3): %4 at %5.")
                    .arg(QLocale(QLocale::English).toString(tolerance * 100, 'g', 3),
                        ms(fastest->meanMs()),
                        mib(fastest->memoryMiB),
                        ms(outcome->meanMs()),
                        mib(outcome->memoryMiB))};
        }
    }
    return {fastest->memoryMiB, {}};
}

MemoryTuner::MemoryTuner(FunctionCatalog *catalog,
    FunctionAgents *agents,
    TuningPlan plan,
    std::optional<cost::LambdaPrice> price,
    QObject *parent)
    : QObject(parent)
    , m_catalog(catalog)
    , m_agents(agents)
    , m_plan(std::move(plan))
    , m_price(std::move(price))
{
}

MemoryTuner::~MemoryTuner()
{
    m_calls.reset();
    removeTrial();
}

bool MemoryTuner::isRunning() const
{
    return m_running;
}

const TuningPlan &MemoryTuner::plan() const
{
    return m_plan;
}

const QList<SizeOutcome> &MemoryTuner::outcomes() const
{
    return m_outcomes;
}

void MemoryTuner::report(const QString &step)
{
    const int planned = int(m_plan.sizes().size()) * m_plan.callsPerSize;
    const int done =
        m_sizes.isEmpty() && !m_running ? planned : int(m_outcomes.size()) * m_plan.callsPerSize + m_current.calls();
    Q_EMIT progress({std::min(done, planned), planned, m_current.memoryMiB, step});
}

void MemoryTuner::start()
{
    if (m_running)
        return;
    m_running = true;
    m_calls = std::make_unique<QObject>();
    if (const QStringList problems = m_plan.problems(); !problems.isEmpty())
        return finish(problems.join(u' '));
    const Function *function = m_catalog->find(m_plan.functionId);
    if (!function || function->currentVersion == 0)
        return finish(tr("The function has not been deployed yet: deploy it first."));
    if (m_catalog->agentVersion(m_plan.functionId, function->currentVersion, m_plan.nodeId) == 0) {
        return finish(tr("%1 v%2 does not run on %3; deploy it there first, or tune it on a node that runs it.")
                          .arg(function->name)
                          .arg(function->currentVersion)
                          .arg(m_agents->nodeName(m_plan.nodeId)));
    }
    m_functionName = function->name;
    // A call may take the function's whole timeout, and a cold start on top.
    m_callTimeoutMs = (function->config.timeoutSeconds + 10) * 1000;
    m_sizes = m_plan.sizes();
    report(tr("Connecting to %1").arg(m_agents->nodeName(m_plan.nodeId)));
    m_agents->withClient(m_plan.nodeId, m_calls.get(), [this](Result<std::shared_ptr<FunctionAgentClient>> client) {
        if (!client)
            return finish(client.error().message);
        m_client = *client;
        nextSize();
    });
}

void MemoryTuner::nextSize()
{
    if (m_sizes.isEmpty())
        return finish();
    m_current = SizeOutcome {};
    m_current.memoryMiB = m_sizes.takeFirst();
    report(tr("Starting a trial at %1").arg(mib(m_current.memoryMiB)));
    // The answer is awaited even if the tuner goes first (cancelled, or the console quitting):
    // a trial made for a tuner that is gone is removed at once, not left to expire.
    const QPointer<MemoryTuner> self(this);
    m_client->createTrial(m_functionName,
        m_current.memoryMiB,
        m_agents->network(),
        [self, generation = m_generation, client = m_client, name = m_functionName, network = m_agents->network()](
            Result<AgentTrial> trial) {
            if (!self || self->m_generation != generation) {
                if (trial)
                    client->removeTrial(name, trial->id, network, [](Result<void>) {});
                return;
            }
            if (!trial)
                return self->endSize(tr("the node refused a trial at this size: %1").arg(trial.error().message));
            self->m_trial = *trial;
            self->callTrial();
        });
}

void MemoryTuner::callTrial()
{
    const int call = m_current.calls() + 1;
    report(tr("Call %1 of %2 at %3").arg(call).arg(m_plan.callsPerSize).arg(mib(m_current.memoryMiB)));
    InvokeRequest request = m_plan.request;
    request.function = m_functionName;
    request.agentVersion = 0;
    request.method = u"POST"_s;
    request.trialId = m_trial->id;
    request.timeoutMs = m_callTimeoutMs;
    m_client->invoke(request, m_calls.get(), [this](Result<InvokeResult> result) {
        answered(result);
    });
}

void MemoryTuner::answered(const Result<InvokeResult> &result)
{
    if (!result)
        return endSize(result.error().message);
    if (result->status < 200 || result->status > 299)
        return endSize(failureOf(*result));
    const double took = result->agentDurationUs ? double(*result->agentDurationUs) / 1000.0 : double(result->latencyMs);
    (result->coldStart ? m_current.coldMs : m_current.warmMs).append(took);
    if (m_current.calls() < m_plan.callsPerSize)
        return callTrial();
    endSize({});
}

void MemoryTuner::endSize(const QString &failure)
{
    removeTrial();
    m_current.failure = failure;
    if (m_price && m_current.calls() > 0)
        m_current.costPerMillion = costPerMillionCalls(*m_price, m_current.memoryMiB, m_current.meanMs());
    m_outcomes.append(m_current);
    Q_EMIT sizeMeasured(m_current);
    if (m_current.failed()) {
        // Less memory would fail as well, or worse.
        m_summary.stoppedBecause =
            tr("%1 failed: %2. Smaller sizes were not tried.").arg(mib(m_current.memoryMiB), failure);
        m_sizes.clear();
    }
    nextSize();
}

void MemoryTuner::removeTrial()
{
    if (!m_trial || !m_client)
        return;
    // Outlives the tuner: the removal goes out even when the tuner is being destroyed.
    m_client->removeTrial(m_functionName, m_trial->id, m_agents->network(), [](Result<void>) {});
    m_trial.reset();
}

void MemoryTuner::cancel()
{
    if (!m_running)
        return;
    m_calls.reset(); // drops the answer still out
    ++m_generation; // and a trial still being made is removed when it is
    removeTrial();
    m_summary.cancelled = true;
    finish();
}

void MemoryTuner::finish(const QString &error)
{
    if (!m_running)
        return;
    m_running = false;
    m_summary.outcomes = m_outcomes;
    m_summary.error = error;
    report(m_summary.cancelled ? tr("Cancelled") : error.isEmpty() ? tr("Done") : tr("Failed"));
    Q_EMIT finished(m_summary);
}

} // namespace rune
