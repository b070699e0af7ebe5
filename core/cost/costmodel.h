// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cost/money.h"
#include "cost/pricetables.h"

#include <QList>
#include <QString>
#include <functional>
#include <optional>

namespace rune::cost
{

/** The hours and seconds of the month prices are quoted for (AWS's convention: 730 hours). */
inline constexpr std::int64_t hoursPerMonth = 730;
inline constexpr std::int64_t secondsPerMonth = hoursPerMonth * 3600;

/** What is to be run in a month; the bounds keep every product of price and quantity exact. */
struct Workload {
    static constexpr std::int64_t maxRequestsPerMonth = 1'000'000'000'000'000; // 10^15
    static constexpr int maxDurationMs = 900'000; // Lambda's 15 minutes
    static constexpr int maxMemoryMiB = 10240; // Lambda's largest size
    static constexpr double maxPeakToAverage = 1000;

    std::int64_t requestsPerMonth = 0;
    double averageDurationMs = 0; ///< billed by Lambda rounded up to the millisecond
    int memoryMiB = 128;
    double peakToAverage = 1; ///< the busiest second's rate over the month's average rate
    /** Calls a second one of this cluster's nodes served in a load run of the real function. */
    std::optional<double> measuredCallsPerSecondPerNode;

    /** Every input out of its bounds, one sentence each; empty when the workload can be priced. */
    QStringList problems() const;
    /** Calls a second at the busiest moment. */
    double peakCallsPerSecond() const;
};

/**
 * One part of a monthly cost: "requests", "compute", "instances", "hardware" or "rent", "power",
 * "bandwidth", "admin"; or a credit subtracted from the part it names ("free requests" from
 * "requests", "free compute" from "compute").
 */
struct CostLine {
    QString component;
    Money amount;
    bool credit = false;
};

/** An option's monthly cost, with its breakdown and how many machines it needs. */
struct CostEstimate {
    QString option; ///< "AWS Lambda x86_64, us-east-1", "AWS EC2 m5.large, us-east-1", …
    TableKind kind = TableKind::Lambda;
    Money total;
    QList<CostLine> breakdown;
    int machines = 0; ///< instances or nodes; 0 for Lambda
    QString basis; ///< how the machines were counted, one sentence
    QString unavailable; ///< why this option cannot run the workload at all (then total is tooLarge())
};

/** What @p estimate's line @p component costs after its credit ("free " + component), if any. */
Money netOf(const CostEstimate &estimate, const QString &component);

/** Lambda: requests and GB-seconds past the free tier, priced by tier. */
CostEstimate lambdaCost(const LambdaPrice &price, const Workload &workload);
/** Machines by the hour, as many as the peak needs (one call per vCPU at a time, memory permitting). */
CostEstimate instanceCost(const QString &provider, const InstancePrice &price, const Workload &workload);
/** This cluster: nodes as the peak needs (measured throughput when there is one), owned or rented. */
CostEstimate clusterCost(const ClusterNodePrice &price, const Workload &workload);

/** Prices a workload for one option; what the break-even search varies the requests of. */
struct CostOption {
    QString name;
    std::function<CostEstimate(const Workload &)> estimate;
};

/** Every option of the tables, each priced for @p workload's shape. */
QList<CostOption> costOptions(const QList<PriceTable> &tables);

/** Where one option becomes cheaper than another as the requests per month grow. */
struct BreakEven {
    QString cheaperAbove; ///< the option that is cheaper above the crossing
    QString cheaperBelow;
    std::int64_t requestsPerMonth = 0; ///< the first monthly volume at which cheaperAbove costs less
    /** "This cluster is cheaper than AWS Lambda above 41 M requests/month". */
    QString sentence() const;
};

/**
 * The crossings of @p a's and @p b's monthly cost between @p from and @p to requests a month
 * (everything else as in @p shape), found exactly to one request by bisection.
 */
QList<BreakEven> breakEvens(
    const CostOption &a, const CostOption &b, const Workload &shape, std::int64_t from, std::int64_t to);

/** "41 M", "1.2 B", "950 k": a request count the way the charts label it. */
QString requestsText(std::int64_t requests);

/**
 * A request count as people write it: "1000000000", "1,000,000,000", "1e9", "1 B", "41M",
 * "950k" (k, M, B or G, T); nothing when it is not one, or outside 0 to Workload's bound.
 */
std::optional<std::int64_t> parseRequestCount(QStringView text);

} // namespace rune::cost
