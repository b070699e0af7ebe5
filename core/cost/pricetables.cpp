// SPDX-License-Identifier: GPL-3.0-or-later
#include "cost/pricetables.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <cmath>

using namespace Qt::StringLiterals;

namespace rune::cost
{

namespace
{

constexpr qsizetype maxEntries = 1000;
constexpr qsizetype maxTextLength = 1000;
constexpr double maxCount = 1e15; // counts stay exact in a JSON number

/** Reads the fields of one JSON object, remembering the first problem with its place. */
class FieldReader
{
public:
    FieldReader(const QJsonObject &object, QString place)
        : m_object(object)
        , m_place(std::move(place))
    {
    }

    QString text(const char *key)
    {
        const QString text = m_object.value(QLatin1StringView(key)).toString().trimmed();
        if (text.isEmpty())
            problem(key, u"must be a non-empty text"_s);
        else if (text.size() > maxTextLength)
            problem(key, u"is longer than %1 characters"_s.arg(maxTextLength));
        else
            return text;
        return QString();
    }

    UnitPrice price(const char *key)
    {
        const auto parsed = UnitPrice::parse(m_object.value(QLatin1StringView(key)).toString());
        if (!m_object.value(QLatin1StringView(key)).isString() || !parsed)
            problem(key,
                u"must be a decimal amount such as \"0.20\" (in quotes, at most 12 decimal places, 0 to %1)"_s.arg(
                    UnitPrice::maxUnits));
        return parsed.value_or(UnitPrice());
    }

    std::optional<Money> optionalMoney(const char *key)
    {
        if (!m_object.contains(QLatin1StringView(key)))
            return std::nullopt;
        return money(key);
    }

    Money money(const char *key)
    {
        const auto parsed = Money::parse(m_object.value(QLatin1StringView(key)).toString());
        if (!m_object.value(QLatin1StringView(key)).isString() || !parsed)
            problem(key, u"must be a decimal amount such as \"1500.00\" (in quotes, at most 6 decimal places)"_s);
        return parsed.value_or(Money());
    }

    std::int64_t count(const char *key, double min, double max)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number != std::floor(number) || number < min || number > max) {
            problem(key, u"must be a whole number from %1 to %2"_s.arg(qlonglong(min)).arg(qlonglong(max)));
            return 0;
        }
        return std::int64_t(number);
    }

    double number(const char *key, double min, double max)
    {
        const QJsonValue value = m_object.value(QLatin1StringView(key));
        const double number = value.toDouble(-1);
        if (!value.isDouble() || !(number >= min && number <= max)) {
            problem(key, u"must be a number from %1 to %2"_s.arg(min).arg(max));
            return 0;
        }
        return number;
    }

    PriceSource source()
    {
        PriceSource from;
        from.source = text("source");
        const QString date = text("read_on");
        from.readOn = QDate::fromString(date, Qt::ISODate);
        if (!date.isEmpty() && !from.readOn.isValid())
            problem("read_on", u"must be a date such as \"2026-12-04\""_s);
        return from;
    }

    bool has(const char *key) const
    {
        return m_object.contains(QLatin1StringView(key));
    }
    QJsonValue value(const char *key) const
    {
        return m_object.value(QLatin1StringView(key));
    }

    void problem(const char *key, const QString &what)
    {
        if (m_problem.isEmpty())
            m_problem = u"%1: \"%2\" %3"_s.arg(m_place, QLatin1StringView(key), what);
    }
    void problem(const QString &what)
    {
        if (m_problem.isEmpty())
            m_problem = u"%1: %2"_s.arg(m_place, what);
    }
    const QString &firstProblem() const
    {
        return m_problem;
    }

private:
    QJsonObject m_object;
    QString m_place;
    QString m_problem;
};

QList<DurationTier> readTiers(FieldReader &entry)
{
    QList<DurationTier> tiers;
    const QJsonValue value = entry.value("duration_tiers");
    if (!value.isArray() || value.toArray().isEmpty() || value.toArray().size() > 10) {
        entry.problem("duration_tiers", u"must be a list of 1 to 10 tiers"_s);
        return tiers;
    }
    const QJsonArray array = value.toArray();
    std::int64_t previous = 0;
    for (qsizetype i = 0; i < array.size(); ++i) {
        FieldReader tier(array.at(i).toObject(), u"duration_tiers[%1]"_s.arg(i));
        DurationTier read;
        read.perGbSecond = tier.price("per_gb_second");
        const bool last = i == array.size() - 1;
        if (!last) {
            read.upToGbSeconds = tier.count("up_to_gb_seconds", double(previous + 1), maxCount);
            previous = *read.upToGbSeconds;
        } else if (tier.has("up_to_gb_seconds")) {
            tier.problem("up_to_gb_seconds", u"must be left out of the last tier, which has no bound"_s);
        }
        if (!array.at(i).isObject())
            tier.problem(u"must be an object"_s);
        if (!tier.firstProblem().isEmpty())
            entry.problem(tier.firstProblem());
        tiers.append(read);
    }
    return tiers;
}

LambdaPrice readLambda(FieldReader &entry)
{
    LambdaPrice price;
    price.name = entry.text("name");
    price.region = entry.text("region");
    price.architecture = entry.text("architecture");
    price.perMillionRequests = entry.price("per_million_requests");
    price.durationTiers = readTiers(entry);
    price.freeRequests = entry.count("free_requests", 0, maxCount);
    price.freeGbSeconds = entry.count("free_gb_seconds", 0, maxCount);
    price.from = entry.source();
    return price;
}

InstancePrice readInstance(FieldReader &entry)
{
    InstancePrice price;
    price.name = entry.text("name");
    price.region = entry.text("region");
    price.vcpus = entry.number("vcpus", 0.01, 4096);
    price.memoryGiB = entry.number("memory_gib", 0.01, 65536);
    price.hourly = entry.price("hourly");
    price.from = entry.source();
    return price;
}

ClusterNodePrice readClusterNode(FieldReader &entry)
{
    ClusterNodePrice price;
    price.name = entry.text("name");
    price.cores = int(entry.count("cores", 1, 4096));
    price.memoryGiB = entry.number("memory_gib", 0.01, 65536);
    price.purchase = entry.optionalMoney("purchase");
    price.monthlyRent = entry.optionalMoney("monthly_rent");
    if (price.purchase.has_value() == price.monthlyRent.has_value())
        entry.problem(u"needs either \"purchase\" (with \"amortisation_months\") or \"monthly_rent\", not both"_s);
    if (price.purchase)
        price.amortisationMonths = int(entry.count("amortisation_months", 1, 600));
    price.watts = int(entry.count("watts", 0, 100000));
    price.perKwh = entry.price("per_kwh");
    price.bandwidthPerMonth = entry.money("bandwidth_per_month");
    price.adminHoursPerMonth = entry.number("admin_hours_per_month", 0, 744);
    price.adminHourlyRate = entry.money("admin_hourly_rate");
    price.from = entry.source();
    return price;
}

std::optional<TableKind> kindNamed(const QString &name)
{
    if (name == u"lambda")
        return TableKind::Lambda;
    if (name == u"instances")
        return TableKind::Instances;
    if (name == u"cluster")
        return TableKind::Cluster;
    return std::nullopt;
}

QString kindName(TableKind kind)
{
    switch (kind) {
    case TableKind::Lambda:
        return u"lambda"_s;
    case TableKind::Instances:
        return u"instances"_s;
    case TableKind::Cluster:
        break;
    }
    return u"cluster"_s;
}

/** Reads entry @p index into @p table; returns its name ("" when it has none). */
QString readEntry(PriceTable &table, FieldReader &entry)
{
    switch (table.kind) {
    case TableKind::Lambda:
        table.lambda.append(readLambda(entry));
        return table.lambda.last().name;
    case TableKind::Instances:
        table.instances.append(readInstance(entry));
        return table.instances.last().name;
    case TableKind::Cluster:
        break;
    }
    table.cluster.append(readClusterNode(entry));
    return table.cluster.last().name;
}

std::unexpected<Error> badTable(const QString &fileName, const QString &problem)
{
    return fail(u"cost.bad_table"_s, u"%1: %2"_s.arg(fileName, problem));
}

QJsonObject sourceJson(const PriceSource &from)
{
    return {{u"source"_s, from.source}, {u"read_on"_s, from.readOn.toString(Qt::ISODate)}};
}

QJsonObject withSource(QJsonObject object, const PriceSource &from)
{
    const QJsonObject source = sourceJson(from);
    for (auto it = source.begin(); it != source.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QJsonObject lambdaJson(const LambdaPrice &price)
{
    QJsonArray tiers;
    for (const DurationTier &tier : price.durationTiers) {
        QJsonObject object {{u"per_gb_second"_s, tier.perGbSecond.toDecimal()}};
        if (tier.upToGbSeconds)
            object.insert(u"up_to_gb_seconds"_s, double(*tier.upToGbSeconds));
        tiers.append(object);
    }
    return withSource({{u"name"_s, price.name},
                          {u"region"_s, price.region},
                          {u"architecture"_s, price.architecture},
                          {u"per_million_requests"_s, price.perMillionRequests.toDecimal()},
                          {u"duration_tiers"_s, tiers},
                          {u"free_requests"_s, double(price.freeRequests)},
                          {u"free_gb_seconds"_s, double(price.freeGbSeconds)}},
        price.from);
}

QJsonObject instanceJson(const InstancePrice &price)
{
    return withSource({{u"name"_s, price.name},
                          {u"region"_s, price.region},
                          {u"vcpus"_s, price.vcpus},
                          {u"memory_gib"_s, price.memoryGiB},
                          {u"hourly"_s, price.hourly.toDecimal()}},
        price.from);
}

QJsonObject clusterJson(const ClusterNodePrice &price)
{
    QJsonObject object {{u"name"_s, price.name},
        {u"cores"_s, price.cores},
        {u"memory_gib"_s, price.memoryGiB},
        {u"watts"_s, price.watts},
        {u"per_kwh"_s, price.perKwh.toDecimal()},
        {u"bandwidth_per_month"_s, price.bandwidthPerMonth.toDecimal()},
        {u"admin_hours_per_month"_s, price.adminHoursPerMonth},
        {u"admin_hourly_rate"_s, price.adminHourlyRate.toDecimal()}};
    if (price.purchase) {
        object.insert(u"purchase"_s, price.purchase->toDecimal());
        object.insert(u"amortisation_months"_s, price.amortisationMonths);
    }
    if (price.monthlyRent)
        object.insert(u"monthly_rent"_s, price.monthlyRent->toDecimal());
    return withSource(object, price.from);
}

} // namespace

Result<PriceTable> parsePriceTable(const QString &fileName, const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return badTable(fileName, u"not JSON (%1 at byte %2)"_s.arg(error.errorString()).arg(error.offset));
    if (!document.isObject())
        return badTable(fileName, u"not a JSON object"_s);
    FieldReader root(document.object(), fileName);
    PriceTable table;
    table.file = fileName;
    table.provider = root.text("provider");
    table.currency = root.text("currency");
    const auto kind = kindNamed(root.value("kind").toString());
    if (!kind)
        root.problem("kind", u"must be \"lambda\", \"instances\" or \"cluster\""_s);
    if (!root.firstProblem().isEmpty())
        return fail(u"cost.bad_table"_s, root.firstProblem());
    table.kind = *kind;
    const QJsonArray entries = root.value("entries").toArray();
    if (entries.isEmpty() || entries.size() > maxEntries)
        return badTable(fileName, u"\"entries\" must be a list of 1 to %1 prices"_s.arg(maxEntries));
    QStringList names;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QJsonObject object = entries.at(i).toObject();
        const QString label = object.value(u"name"_s).isString()
            ? u"entry %1 (\"%2\")"_s.arg(i + 1).arg(object.value(u"name"_s).toString().left(80))
            : u"entry %1"_s.arg(i + 1);
        FieldReader entry(object, label);
        if (!entries.at(i).isObject())
            entry.problem(u"must be an object"_s);
        const QString name = readEntry(table, entry);
        if (!entry.firstProblem().isEmpty())
            return badTable(fileName, entry.firstProblem());
        if (names.contains(name))
            return badTable(fileName, u"%1: the name is used by an earlier entry"_s.arg(label));
        names.append(name);
    }
    return table;
}

QByteArray priceTableJson(const PriceTable &table)
{
    QJsonArray entries;
    for (const LambdaPrice &price : table.lambda)
        entries.append(lambdaJson(price));
    for (const InstancePrice &price : table.instances)
        entries.append(instanceJson(price));
    for (const ClusterNodePrice &price : table.cluster)
        entries.append(clusterJson(price));
    const QJsonObject root {{u"provider"_s, table.provider},
        {u"kind"_s, kindName(table.kind)},
        {u"currency"_s, table.currency},
        {u"entries"_s, entries}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace rune::cost
