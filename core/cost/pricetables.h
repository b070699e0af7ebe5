// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cost/money.h"
#include "util/result.h"

#include <QDate>
#include <QList>
#include <QString>
#include <optional>

namespace rune::cost
{

/** Where a price was read, and when: every price carries it. */
struct PriceSource {
    QString source; ///< a URL or the document it comes from
    QDate readOn;
};

/** One step of Lambda's duration price: up to @c upToGbSeconds a month (none: the rest). */
struct DurationTier {
    std::optional<std::int64_t> upToGbSeconds;
    UnitPrice perGbSecond;
};

/** A function-as-a-service price: AWS Lambda for one architecture and region. */
struct LambdaPrice {
    QString name;
    QString region;
    QString architecture;
    UnitPrice perMillionRequests;
    QList<DurationTier> durationTiers; ///< in order; the last has no bound
    std::int64_t freeRequests = 0; ///< a month
    std::int64_t freeGbSeconds = 0; ///< a month
    PriceSource from;
};

/** A machine rented by the hour: an EC2 instance type, or a PaaS instance class. */
struct InstancePrice {
    QString name;
    QString region;
    double vcpus = 0; ///< cores that serve calls at once (a PaaS class's share of a core)
    double memoryGiB = 0;
    UnitPrice hourly;
    PriceSource from;
};

/** One of this cluster's machines, owned or rented, with what it costs to keep it running. */
struct ClusterNodePrice {
    QString name;
    int cores = 0;
    double memoryGiB = 0;
    std::optional<Money> purchase; ///< bought: spread over amortisationMonths
    int amortisationMonths = 0;
    std::optional<Money> monthlyRent; ///< or rented
    int watts = 0; ///< average power draw
    UnitPrice perKwh;
    Money bandwidthPerMonth;
    double adminHoursPerMonth = 0;
    Money adminHourlyRate;
    PriceSource from;
};

/** What a price table describes. */
enum class TableKind { Lambda, Instances, Cluster };

/** One provider's prices, as read from one file of resources/pricing/. */
struct PriceTable {
    QString file; ///< the file name, e.g. "aws-lambda.json"
    QString provider; ///< "AWS Lambda", "AWS EC2", "Google App Engine", "This cluster"
    TableKind kind = TableKind::Lambda;
    QString currency; ///< "USD"
    QList<LambdaPrice> lambda;
    QList<InstancePrice> instances;
    QList<ClusterNodePrice> cluster;
};

/**
 * Reads a price table. A malformed or incomplete one fails with "cost.bad_table" and a message
 * that names the file, the entry and the problem: `aws-lambda.json: entry 2 ("arm64"):
 * "per_million_requests" must be a decimal amount such as "0.20"`.
 */
Result<PriceTable> parsePriceTable(const QString &fileName, const QByteArray &json);

/** The table as JSON, in the shape parsePriceTable() reads (for the user's edited copies). */
QByteArray priceTableJson(const PriceTable &table);

} // namespace rune::cost
