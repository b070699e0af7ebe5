// SPDX-License-Identifier: GPL-3.0-or-later
// rune fn tune: the memory tuner of the window's Tune memory dialog (core/functions/memorytuner),
// run against one node that serves the function, with the first Lambda price of the tables.
#include "agent/functionagents.h"
#include "cluster/nodelist.h"
#include "commands.h"
#include "cost/pricebook.h"
#include "functions/function.h"
#include "functions/functioninvoker.h"
#include "functions/memorytuner.h"
#include "session.h"
#include "shell/functionservices.h"
#include "util/background.h"

#include <QCoreApplication>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

/** The whole number of option @p name (default @p fallback); nullopt after reporting. */
std::optional<int> wholeNumber(Session &session, const QString &name, int fallback)
{
    const QString text = session.invocation().options.value(name, QString::number(fallback));
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok) {
        session.fail(Outcome::Usage, tr("--%1 takes a whole number, not '%2'").arg(name, text));
        return std::nullopt;
    }
    return value;
}

/** The strategy named by --strategy; nullopt for the smallest-within-5 % rule (the default). */
std::expected<std::optional<TuningStrategy>, QString> readStrategy(const QString &text)
{
    if (text.isEmpty() || text == u"tolerance"_s)
        return std::optional<TuningStrategy>();
    if (text == u"cost"_s)
        return std::optional(TuningStrategy::Cost);
    if (text == u"speed"_s)
        return std::optional(TuningStrategy::Speed);
    if (text == u"balanced"_s)
        return std::optional(TuningStrategy::Balanced);
    return std::unexpected(tr("--strategy takes tolerance, cost, speed or balanced, not '%1'").arg(text));
}

/** The plan of the command line for @p function; nullopt after reporting. */
std::optional<TuningPlan> readPlan(Session &session, const FunctionServices &functions, const Function &function)
{
    TuningPlan plan;
    const auto minMiB = wholeNumber(session, u"min-memory"_s, plan.minMiB);
    const auto maxMiB = minMiB ? wholeNumber(session, u"max-memory"_s, plan.maxMiB) : std::nullopt;
    const auto calls = maxMiB ? wholeNumber(session, u"calls"_s, plan.callsPerSize) : std::nullopt;
    if (!calls)
        return std::nullopt;
    const QStringList serving = functions.invoker->nodesFor(function.id);
    QString nodeId = serving.value(0);
    if (session.invocation().isSet(u"node"_s)) {
        const QString text = session.invocation().options.value(u"node"_s);
        const Node *node = findNode(*functions.nodes, text);
        if (!node) {
            session.fail(Outcome::NotFound, tr("No node %1; see rune node list").arg(text));
            return std::nullopt;
        }
        nodeId = node->id;
        if (!serving.contains(nodeId)) {
            session.fail(Outcome::Refused, tr("%1 does not run on %2").arg(function.name, node->name));
            return std::nullopt;
        }
    }
    if (nodeId.isEmpty()) {
        session.fail(Outcome::Refused, tr("%1 is not deployed on any node").arg(function.name));
        return std::nullopt;
    }
    plan.functionId = function.id;
    plan.nodeId = nodeId;
    plan.minMiB = *minMiB;
    plan.maxMiB = *maxMiB;
    plan.callsPerSize = *calls;
    plan.request.body = session.invocation().options.value(u"data"_s).toUtf8();
    if (const QStringList problems = plan.problems(); !problems.isEmpty()) {
        session.fail(Outcome::Usage, problems.join(u"\n"_s));
        return std::nullopt;
    }
    return plan;
}

/** The first Lambda price of the tables, as the dialog offers first; none: time only. */
std::optional<cost::LambdaPrice> firstLambdaPrice(const Result<cost::PriceBook> &book)
{
    if (!book)
        return std::nullopt;
    for (const cost::PriceTable &table : book->tables) {
        if (!table.lambda.isEmpty())
            return table.lambda.first();
    }
    return std::nullopt;
}

QJsonObject outcomeJson(const SizeOutcome &outcome)
{
    QJsonObject json {{u"memory_mib"_s, outcome.memoryMiB},
        {u"calls"_s, outcome.calls()},
        {u"mean_ms"_s, outcome.meanMs()},
        {u"p95_ms"_s, outcome.p95Ms()},
        {u"cold_mean_ms"_s, outcome.coldMeanMs()}};
    if (outcome.costPerMillion)
        json.insert(u"cost_per_million_usd"_s, outcome.costPerMillion->toDecimal());
    if (outcome.failed())
        json.insert(u"failure"_s, outcome.failure);
    return json;
}

QString outcomesTable(const QList<SizeOutcome> &outcomes)
{
    QList<QStringList> rows {
        {u"MEMORY"_s, u"CALLS"_s, u"MEAN"_s, u"P95"_s, u"COLD"_s, u"USD/1M CALLS"_s, u"FAILURE"_s}};
    for (const SizeOutcome &outcome : outcomes) {
        rows.append({u"%1 MiB"_s.arg(outcome.memoryMiB),
            QString::number(outcome.calls()),
            u"%1 ms"_s.arg(outcome.meanMs(), 0, 'f', 1),
            u"%1 ms"_s.arg(outcome.p95Ms(), 0, 'f', 1),
            u"%1 ms"_s.arg(outcome.coldMeanMs(), 0, 'f', 1),
            outcome.costPerMillion ? outcome.costPerMillion->toText(4) : u"-"_s,
            outcome.failed() ? outcome.failure : u"-"_s});
    }
    return textTable(rows);
}

void report(Session &session, const Function &function, const TuningSummary &summary)
{
    if (!summary.error.isEmpty())
        return session.fail(Outcome::Failed, summary.error);
    const auto strategy = readStrategy(session.invocation().options.value(u"strategy"_s));
    const TuningAdvice advice =
        *strategy ? recommendByStrategy(summary.outcomes, **strategy) : smallestWithinTolerance(summary.outcomes);
    QJsonArray outcomes;
    for (const SizeOutcome &outcome : summary.outcomes)
        outcomes.append(outcomeJson(outcome));
    QString text = outcomesTable(summary.outcomes) + u"\n"_s + advice.reason + u"\n"_s;
    if (!summary.stoppedBecause.isEmpty())
        text += summary.stoppedBecause + u"\n"_s;
    session.output().endProgress();
    session.output().result(QJsonObject {{u"function"_s, QString(function.project + u'/' + function.name)},
                                {u"sizes"_s, outcomes},
                                {u"recommended_mib"_s, advice.memoryMiB},
                                {u"reason"_s, advice.reason},
                                {u"stopped_because"_s, summary.stoppedBecause},
                                {u"cancelled"_s, summary.cancelled}},
        text);
    const bool measured = advice.memoryMiB > 0 && !summary.cancelled;
    if (!measured && session.output().mode() == OutputMode::Text)
        session.output().error(Outcome::Failed, summary.cancelled ? tr("cancelled") : tr("no size could be measured"));
    session.finish(exitCode(measured ? Outcome::Ok : Outcome::Failed));
}

void startTuner(Session &session,
    const FunctionServices &functions,
    const Function &function,
    const TuningPlan &plan,
    std::optional<cost::LambdaPrice> price)
{
    auto *tuner = new MemoryTuner(functions.catalog, functions.agents, plan, std::move(price), &session);
    QObject::connect(tuner, &MemoryTuner::progress, &session, [&session](const TuningProgress &progress) {
        session.output().progress(
            u"%1 (%2/%3)"_s.arg(progress.step).arg(progress.callsDone).arg(progress.callsPlanned));
    });
    QObject::connect(tuner, &MemoryTuner::finished, &session, [&session, function](const TuningSummary &summary) {
        report(session, function, summary);
    });
    session.onStopSignal([tuner] {
        tuner->cancel();
    });
    tuner->start();
}

} // namespace

void runFunctionTune(Session &session)
{
    if (const auto strategy = readStrategy(session.invocation().options.value(u"strategy"_s)); !strategy)
        return session.fail(Outcome::Usage, strategy.error());
    withFunction(session, [&session](const FunctionServices &functions, const Function &function) {
        const auto plan = readPlan(session, functions, function);
        if (!plan)
            return;
        runInBackground(
            &session,
            [shipped = functions.pricingDir, edits = functions.pricingEditsDir] {
                return cost::loadPriceBook(shipped, edits);
            },
            [&session, &functions, function, plan = *plan](const Result<cost::PriceBook> &book) {
                startTuner(session, functions, function, plan, firstLambdaPrice(book));
            });
    });
}

} // namespace rune::cli
