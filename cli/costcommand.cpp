// SPDX-License-Identifier: GPL-3.0-or-later
// rune cost: a month of a workload priced on every option of the price tables, as the Cost pane
// prices it (core/cost), with the tables the window uses (shipped, or the user's edited copies).
#include "commands.h"
#include "cost/costmodel.h"
#include "cost/pricebook.h"
#include "session.h"
#include "util/background.h"

#include <QCoreApplication>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

// The Cost pane's first preset: the product's founding comparison, one billion calls a month.
constexpr char defaultRequests[] = "1 B";
constexpr char defaultDurationMs[] = "200";
constexpr char defaultMemoryMiB[] = "512";
constexpr char defaultPeak[] = "1";
// The span the Cost pane's break-even chart searches.
constexpr std::int64_t crossingsFrom = 100'000;
constexpr std::int64_t crossingsTo = 100'000'000'000;

/** The workload of the command line; nullopt after reporting what cannot be priced. */
std::optional<cost::Workload> readWorkload(Session &session)
{
    const Invocation &invocation = session.invocation();
    const QString requests = invocation.options.value(u"requests"_s, QLatin1StringView(defaultRequests));
    const QString duration = invocation.options.value(u"duration-ms"_s, QLatin1StringView(defaultDurationMs));
    const QString memory = invocation.options.value(u"memory"_s, QLatin1StringView(defaultMemoryMiB));
    const QString peak = invocation.options.value(u"peak"_s, QLatin1StringView(defaultPeak));
    cost::Workload workload;
    bool durationOk = false;
    bool memoryOk = false;
    bool peakOk = false;
    workload.requestsPerMonth = cost::parseRequestCount(requests).value_or(-1);
    workload.averageDurationMs = duration.toDouble(&durationOk);
    workload.memoryMiB = memory.toInt(&memoryOk);
    workload.peakToAverage = peak.toDouble(&peakOk);
    QStringList problems;
    if (workload.requestsPerMonth < 0)
        problems << tr("--requests takes a count such as 1000000000, 1e9, 1 B, 41 M or 950 k, not '%1'").arg(requests);
    if (!durationOk)
        problems << tr("--duration-ms takes a number of milliseconds, not '%1'").arg(duration);
    if (!memoryOk)
        problems << tr("--memory takes a whole number of MiB, not '%1'").arg(memory);
    if (!peakOk)
        problems << tr("--peak takes a number, not '%1'").arg(peak);
    if (problems.isEmpty())
        problems = workload.problems();
    if (!problems.isEmpty()) {
        session.fail(Outcome::Usage, problems.join(u"\n"_s));
        return std::nullopt;
    }
    return workload;
}

/** The first price of each table (as the Cost pane starts), or every price with --all. */
QList<cost::CostOption> chosenOptions(const cost::PriceBook &book, bool all)
{
    QList<cost::CostOption> options;
    for (const cost::PriceTable &table : book.tables) {
        const QList<cost::CostOption> ofTable = cost::costOptions({table});
        options += all ? ofTable : ofTable.mid(0, 1);
    }
    return options;
}

bool isClusterOption(const cost::CostOption &option)
{
    return option.name.startsWith(u"This cluster"_s);
}

/** Where the options' costs cross, as the Cost pane finds them (this cluster against the rest). */
QList<cost::BreakEven> crossings(const QList<cost::CostOption> &options, const cost::Workload &shape)
{
    QList<cost::BreakEven> found;
    const bool anyCluster = std::any_of(options.begin(), options.end(), isClusterOption);
    for (qsizetype a = 0; a < options.size(); ++a) {
        for (qsizetype b = a + 1; b < options.size(); ++b) {
            if (anyCluster && isClusterOption(options.at(a)) == isClusterOption(options.at(b)))
                continue;
            found += cost::breakEvens(options.at(a), options.at(b), shape, crossingsFrom, crossingsTo);
        }
    }
    return found;
}

QJsonObject estimateJson(const cost::CostEstimate &estimate)
{
    QJsonObject breakdown;
    for (const cost::CostLine &line : estimate.breakdown)
        breakdown.insert(line.component, QString((line.credit ? u"-"_s : QString()) + line.amount.toDecimal()));
    QJsonObject json {{u"option"_s, estimate.option},
        {u"total_usd"_s, estimate.total.toDecimal()},
        {u"machines"_s, estimate.machines},
        {u"breakdown"_s, breakdown}};
    if (!estimate.basis.isEmpty())
        json.insert(u"basis"_s, estimate.basis);
    if (!estimate.unavailable.isEmpty())
        json.insert(u"unavailable"_s, estimate.unavailable);
    return json;
}

void report(Session &session, const cost::PriceBook &book, const cost::Workload &workload)
{
    const QList<cost::CostOption> options = chosenOptions(book, session.invocation().isSet(u"all"_s));
    QJsonArray estimates;
    QList<QStringList> rows {{u"OPTION"_s, u"MACHINES"_s, u"TOTAL (USD/MONTH)"_s}};
    for (const cost::CostOption &option : options) {
        const cost::CostEstimate estimate = option.estimate(workload);
        estimates.append(estimateJson(estimate));
        rows.append({estimate.option,
            estimate.machines > 0 ? QString::number(estimate.machines) : u"-"_s,
            estimate.unavailable.isEmpty() ? estimate.total.toText() : estimate.unavailable});
    }
    QJsonArray sentences;
    for (const cost::BreakEven &crossing : crossings(options, workload))
        sentences.append(crossing.sentence());
    QString text = tr("%1 requests a month, %2 ms, %3 MiB, peak x%4\n\n")
                       .arg(cost::requestsText(workload.requestsPerMonth))
                       .arg(workload.averageDurationMs)
                       .arg(workload.memoryMiB)
                       .arg(workload.peakToAverage)
        + textTable(rows);
    for (const auto &sentence : std::as_const(sentences))
        text += u"\n"_s + sentence.toString();
    for (const QString &problem : book.problems)
        session.output().progress(problem);
    session.succeed(QJsonObject {{u"workload"_s,
                                     QJsonObject {{u"requests_per_month"_s, qint64(workload.requestsPerMonth)},
                                         {u"duration_ms"_s, workload.averageDurationMs},
                                         {u"memory_mib"_s, workload.memoryMiB},
                                         {u"peak_to_average"_s, workload.peakToAverage}}},
                        {u"estimates"_s, estimates},
                        {u"break_evens"_s, sentences},
                        {u"edited_tables"_s, QJsonArray::fromStringList(book.edited)}},
        text);
}

} // namespace

void runCost(Session &session)
{
    const auto workload = readWorkload(session);
    if (!workload)
        return;
    Console *console = session.console();
    if (!console)
        return;
    const FunctionServices &functions = console->services().functions;
    runInBackground(
        &session,
        [shipped = functions.pricingDir, edits = functions.pricingEditsDir] {
            return cost::loadPriceBook(shipped, edits);
        },
        [&session, shape = *workload](const Result<cost::PriceBook> &book) {
            if (!book)
                return session.fail(Outcome::Failed, book.error().message);
            report(session, *book, shape);
        });
}

} // namespace rune::cli
