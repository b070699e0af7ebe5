// SPDX-License-Identifier: GPL-3.0-or-later
#include "cost/costmodel.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rune::cost
{

namespace
{

/** Lambda bills memory in MiB and time in ms; a GB-second is 1024 MiB for 1000 ms. */
constexpr std::int64_t mibMsPerGbSecond = 1024 * 1000;

std::int64_t billedMs(const Workload &workload)
{
    return std::max<std::int64_t>(1, std::int64_t(std::ceil(workload.averageDurationMs)));
}

/** The price of @p usage MiB·ms, each part at its tier's price; tiers bound the month's total. */
Money tieredCompute(const QList<DurationTier> &tiers, Int128 usage)
{
    Money total;
    Int128 start = 0;
    for (const DurationTier &tier : tiers) {
        const Int128 end = tier.upToGbSeconds ? Int128(*tier.upToGbSeconds) * mibMsPerGbSecond : usage;
        const Int128 portion = std::min(usage, end) - start;
        if (portion > 0)
            total += tier.perGbSecond.times(portion, mibMsPerGbSecond);
        start = std::max(start, std::min(usage, end));
        if (start >= usage)
            break;
    }
    return total;
}

/** How many calls one machine serves at once: one per core, as long as their memory fits. */
double concurrentCalls(double cores, double memoryGiB, int memoryMiB)
{
    const double memorySlots = std::floor(memoryGiB * 1024 / memoryMiB);
    return std::min(cores, memorySlots);
}

/** Machines for the peak, at @p callsPerSecond each; at least one. */
int machinesFor(const Workload &workload, double callsPerSecond)
{
    const double needed = std::ceil(workload.peakCallsPerSecond() / callsPerSecond);
    return int(std::clamp(needed, 1.0, 1e9));
}

QString perSecondText(double calls)
{
    return QLocale(QLocale::English).toString(calls, 'f', calls < 10 ? 1 : 0);
}

CostEstimate cannotRun(CostEstimate estimate, const QString &why)
{
    estimate.total = Money::tooLarge();
    estimate.unavailable = why;
    return estimate;
}

/** A purchase paid off in equal months, rounded half up to the micro-unit. */
Money spreadOver(Money purchase, int months)
{
    if (purchase.isTooLarge())
        return purchase;
    return Money::fromMicros((purchase.micros() + months / 2) / std::max(months, 1));
}

Money hoursAt(Money hourlyRate, double hours)
{
    // Hours to the hundredth, the rate exact: no binary fraction of money is ever summed.
    return UnitPrice::fromPicos(
        std::min(hourlyRate.micros(), std::int64_t(UnitPrice::maxUnits) * 1'000'000) * 1'000'000)
        .times(std::llround(hours * 100), 100);
}

} // namespace

Money netOf(const CostEstimate &estimate, const QString &component)
{
    Money amount;
    Money credit;
    for (const CostLine &line : estimate.breakdown) {
        if (line.component == component && !line.credit)
            amount += line.amount;
        else if (line.credit && line.component == u"free "_s + component)
            credit += line.amount;
    }
    return amount.minusAtMostTo0(credit);
}

QStringList Workload::problems() const
{
    QStringList problems;
    if (requestsPerMonth < 0 || requestsPerMonth > maxRequestsPerMonth)
        problems << u"Requests per month must be from 0 to 10^15."_s;
    if (!(averageDurationMs > 0 && averageDurationMs <= maxDurationMs))
        problems << u"The average duration must be more than 0 and at most %1 ms."_s.arg(maxDurationMs);
    if (memoryMiB < 1 || memoryMiB > maxMemoryMiB)
        problems << u"Memory per call must be from 1 to %1 MiB."_s.arg(maxMemoryMiB);
    if (!(peakToAverage >= 1 && peakToAverage <= maxPeakToAverage))
        problems << u"The peak-to-average ratio must be from 1 to %1."_s.arg(maxPeakToAverage);
    if (measuredCallsPerSecondPerNode && !(*measuredCallsPerSecondPerNode > 0 && *measuredCallsPerSecondPerNode < 1e9))
        problems << u"The measured throughput must be more than 0 calls a second."_s;
    return problems;
}

double Workload::peakCallsPerSecond() const
{
    return double(requestsPerMonth) / double(secondsPerMonth) * peakToAverage;
}

CostEstimate lambdaCost(const LambdaPrice &price, const Workload &workload)
{
    CostEstimate estimate;
    estimate.option = u"AWS Lambda %1"_s.arg(price.name);
    estimate.kind = TableKind::Lambda;
    estimate.basis = u"Billed per call: %1 ms rounded up to the millisecond at %2 MiB."_s.arg(billedMs(workload))
                         .arg(workload.memoryMiB);
    const Int128 requests = workload.requestsPerMonth;
    const Int128 usage = requests * billedMs(workload) * workload.memoryMiB;
    const Money requestCost = price.perMillionRequests.times(requests, 1'000'000);
    const Money computeCost = tieredCompute(price.durationTiers, usage);
    const Int128 freeUsage = std::min(usage, Int128(price.freeGbSeconds) * mibMsPerGbSecond);
    const Money freeRequests =
        price.perMillionRequests.times(std::min(requests, Int128(price.freeRequests)), 1'000'000);
    const Money freeCompute = tieredCompute(price.durationTiers, freeUsage);
    estimate.breakdown = {{u"requests"_s, requestCost, false},
        {u"compute"_s, computeCost, false},
        {u"free requests"_s, freeRequests, true},
        {u"free compute"_s, freeCompute, true}};
    estimate.total = requestCost.minusAtMostTo0(freeRequests) + computeCost.minusAtMostTo0(freeCompute);
    return estimate;
}

CostEstimate instanceCost(const QString &provider, const InstancePrice &price, const Workload &workload)
{
    CostEstimate estimate;
    estimate.option = u"%1 %2"_s.arg(provider, price.name);
    estimate.kind = TableKind::Instances;
    const double concurrent = concurrentCalls(price.vcpus, price.memoryGiB, workload.memoryMiB);
    if (concurrent <= 0)
        return cannotRun(estimate,
            u"A call needs %1 MiB; %2 has %3 GiB."_s.arg(workload.memoryMiB).arg(price.name).arg(price.memoryGiB));
    const double capacity = concurrent * 1000.0 / workload.averageDurationMs;
    estimate.machines = machinesFor(workload, capacity);
    estimate.basis = u"%1 at the peak of %2 calls/s; one serves %3 calls/s (%4 at once, %5 ms each)."_s
                         .arg(estimate.machines == 1 ? u"1 instance"_s : u"%1 instances"_s.arg(estimate.machines),
                             perSecondText(workload.peakCallsPerSecond()),
                             perSecondText(capacity))
                         .arg(concurrent)
                         .arg(workload.averageDurationMs);
    const Money instances = price.hourly.times(Int128(estimate.machines) * hoursPerMonth);
    estimate.breakdown = {{u"instances"_s, instances, false}};
    estimate.total = instances;
    return estimate;
}

CostEstimate clusterCost(const ClusterNodePrice &price, const Workload &workload)
{
    CostEstimate estimate;
    estimate.option = u"This cluster: %1"_s.arg(price.name);
    estimate.kind = TableKind::Cluster;
    double capacity = 0;
    if (workload.measuredCallsPerSecondPerNode) {
        capacity = *workload.measuredCallsPerSecondPerNode;
    } else {
        const double concurrent = concurrentCalls(price.cores, price.memoryGiB, workload.memoryMiB);
        if (concurrent <= 0)
            return cannotRun(estimate,
                u"A call needs %1 MiB; %2 has %3 GiB."_s.arg(workload.memoryMiB).arg(price.name).arg(price.memoryGiB));
        capacity = concurrent * 1000.0 / workload.averageDurationMs;
    }
    estimate.machines = machinesFor(workload, capacity);
    estimate.basis = u"%1 at the peak of %2 calls/s; one serves %3 calls/s (%4)."_s.arg(
        estimate.machines == 1 ? u"1 node"_s : u"%1 nodes"_s.arg(estimate.machines),
        perSecondText(workload.peakCallsPerSecond()),
        perSecondText(capacity),
        workload.measuredCallsPerSecondPerNode ? u"measured"_s : u"one call per core"_s);
    const int n = estimate.machines;
    const Money hardware =
        price.purchase ? spreadOver(*price.purchase, price.amortisationMonths) : price.monthlyRent.value_or(Money());
    const Money power = price.perKwh.times(Int128(price.watts) * hoursPerMonth, 1000);
    const Money admin = hoursAt(price.adminHourlyRate, price.adminHoursPerMonth);
    estimate.breakdown = {{price.purchase ? u"hardware"_s : u"rent"_s, hardware.times(n), false},
        {u"power"_s, power.times(n), false},
        {u"bandwidth"_s, price.bandwidthPerMonth.times(n), false},
        {u"admin"_s, admin.times(n), false}};
    for (const CostLine &line : estimate.breakdown)
        estimate.total += line.amount;
    return estimate;
}

QList<CostOption> costOptions(const QList<PriceTable> &tables)
{
    QList<CostOption> options;
    for (const PriceTable &table : tables) {
        for (const LambdaPrice &price : table.lambda)
            options.append({lambdaCost(price, {}).option, [price](const Workload &w) {
                                return lambdaCost(price, w);
                            }});
        for (const InstancePrice &price : table.instances) {
            const QString provider = table.provider;
            options.append({u"%1 %2"_s.arg(provider, price.name), [provider, price](const Workload &w) {
                                return instanceCost(provider, price, w);
                            }});
        }
        for (const ClusterNodePrice &price : table.cluster)
            options.append({u"This cluster: %1"_s.arg(price.name), [price](const Workload &w) {
                                return clusterCost(price, w);
                            }});
    }
    return options;
}

namespace
{

/** Which option is cheaper at @p requests: -1 a, +1 b, 0 neither. */
int cheaperAt(const CostOption &a, const CostOption &b, Workload workload, std::int64_t requests)
{
    workload.requestsPerMonth = requests;
    const Money costA = a.estimate(workload).total;
    const Money costB = b.estimate(workload).total;
    return costA < costB ? -1 : (costB < costA ? 1 : 0);
}

} // namespace

QList<BreakEven> breakEvens(
    const CostOption &a, const CostOption &b, const Workload &shape, std::int64_t from, std::int64_t to)
{
    QList<BreakEven> crossings;
    from = std::max<std::int64_t>(from, 1);
    to = std::min(to, Workload::maxRequestsPerMonth);
    if (from >= to)
        return crossings;
    constexpr int samples = 240; // log-spaced: twenty a decade over twelve decades
    const double ratio = std::pow(double(to) / double(from), 1.0 / samples);
    std::int64_t previous = from;
    int previousSide = cheaperAt(a, b, shape, from);
    for (int i = 1; i <= samples; ++i) {
        const std::int64_t next =
            i == samples ? to : std::max(previous + 1, std::int64_t(double(from) * std::pow(ratio, i)));
        const int side = cheaperAt(a, b, shape, next);
        if (side != 0 && previousSide != 0 && side != previousSide) {
            std::int64_t low = previous; // cheaper side is previousSide
            std::int64_t high = next; // cheaper side is side
            while (high - low > 1) {
                const std::int64_t middle = low + (high - low) / 2;
                (cheaperAt(a, b, shape, middle) == side ? high : low) = middle;
            }
            crossings.append({side < 0 ? a.name : b.name, side < 0 ? b.name : a.name, high});
        }
        if (side != 0)
            previousSide = side;
        previous = next;
    }
    return crossings;
}

QString BreakEven::sentence() const
{
    return u"%1 is cheaper than %2 above %3 requests/month"_s.arg(
        cheaperAbove, cheaperBelow, requestsText(requestsPerMonth));
}

QString requestsText(std::int64_t requests)
{
    struct Scale {
        double factor;
        const char16_t *suffix;
    };
    static constexpr Scale scales[] = {{1e12, u" T"}, {1e9, u" B"}, {1e6, u" M"}, {1e3, u" k"}};
    for (const Scale &scale : scales) {
        if (double(requests) >= scale.factor) {
            const double value = double(requests) / scale.factor;
            return QLocale(QLocale::English).toString(value, 'f', value < 10 && value != std::floor(value) ? 1 : 0)
                + QString::fromUtf16(scale.suffix);
        }
    }
    return QString::number(requests);
}

std::optional<std::int64_t> parseRequestCount(QStringView text)
{
    QString plain = text.trimmed().toString();
    plain.remove(u',').remove(u'_').remove(u' ');
    if (plain.isEmpty() || plain.size() > 40)
        return std::nullopt;
    double scale = 1;
    const QChar last = plain.back().toUpper();
    if (last == u'K' || last == u'M' || last == u'B' || last == u'G' || last == u'T') {
        scale = last == u'K' ? 1e3 : last == u'M' ? 1e6 : last == u'T' ? 1e12 : 1e9;
        plain.chop(1);
    }
    bool ok = false;
    const double value = plain.toDouble(&ok) * scale;
    if (!ok || !std::isfinite(value) || value < 0 || value > double(Workload::maxRequestsPerMonth))
        return std::nullopt;
    return std::llround(value);
}

} // namespace rune::cost
