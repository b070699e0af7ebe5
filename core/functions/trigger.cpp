// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/trigger.h"

#include <QCoreApplication>
#include <QStringList>
#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::Trigger", text);
}

struct CronField {
    const char *name;
    int min;
    int max;
};

constexpr std::array<CronField, 5> cronFields = {{
    {"minute", 0, 59},
    {"hour", 0, 23},
    {"day-of-month", 1, 31},
    {"month", 1, 12},
    {"day-of-week", 0, 7}, // both 0 and 7 are Sunday
}};

std::optional<int> numberIn(QStringView text, const CronField &field)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    // toInt() accepts a sign and spaces; cron does not.
    if (!ok || text.isEmpty() || !text.front().isDigit() || value < field.min || value > field.max)
        return std::nullopt;
    return value;
}

/** One list item: `*`, `n`, `a-b`, each optionally followed by `/step`. */
bool isValidCronItem(QStringView item, const CronField &field)
{
    const qsizetype slash = item.indexOf(u'/');
    if (slash >= 0) {
        bool ok = false;
        const int step = item.mid(slash + 1).toInt(&ok);
        if (!ok || step < 1 || step > field.max || !item.mid(slash + 1).front().isDigit())
            return false;
        item = item.left(slash);
    }
    if (item == u"*")
        return true;
    const qsizetype dash = item.indexOf(u'-');
    if (dash < 0)
        return numberIn(item, field).has_value();
    const auto low = numberIn(item.left(dash), field);
    const auto high = numberIn(item.mid(dash + 1), field);
    return low && high && *low <= *high;
}

bool isValidCronField(QStringView text, const CronField &field)
{
    const auto items = text.split(u',');
    return std::all_of(items.cbegin(), items.cend(), [&field](QStringView item) {
        return isValidCronItem(item, field);
    });
}

} // namespace

QString triggerTypeName(TriggerType type)
{
    switch (type) {
    case TriggerType::Http:
        return u"http"_s;
    case TriggerType::Cron:
        return u"cron"_s;
    case TriggerType::Mqtt:
        return u"mqtt"_s;
    }
    return {};
}

std::optional<TriggerType> triggerTypeFromName(QStringView name)
{
    for (auto type : {TriggerType::Http, TriggerType::Cron, TriggerType::Mqtt}) {
        if (name.compare(triggerTypeName(type), Qt::CaseInsensitive) == 0)
            return type;
    }
    return std::nullopt;
}

QString cronExpressionProblem(const QString &expression)
{
    static const QStringList macros = {
        u"@yearly"_s, u"@annually"_s, u"@monthly"_s, u"@weekly"_s, u"@daily"_s, u"@midnight"_s, u"@hourly"_s};
    const QString trimmed = expression.simplified(); // tabs and runs of spaces separate fields too
    if (trimmed.startsWith(u'@')) {
        if (macros.contains(trimmed))
            return {};
        return tr("cron expression \"%1\" is not a known shorthand; use one of %2")
            .arg(expression, macros.join(u", "_s));
    }
    const QStringList fields = trimmed.split(u' ', Qt::SkipEmptyParts);
    if (fields.size() != 5)
        return tr("cron expression \"%1\" must have 5 fields (minute hour day-of-month month day-of-week), got %2")
            .arg(expression)
            .arg(fields.size());
    for (int i = 0; i < 5; ++i) {
        const CronField &field = cronFields.at(i);
        if (!isValidCronField(fields.at(i), field))
            return tr("cron expression \"%1\": the %2 field \"%3\" is not valid (numbers %4-%5, *, a-b, x/n, lists)")
                .arg(expression, QLatin1StringView(field.name), fields.at(i))
                .arg(field.min)
                .arg(field.max);
    }
    return {};
}

QString mqttTopicFilterProblem(const QString &filter)
{
    if (filter.isEmpty())
        return tr("the MQTT topic filter must not be empty");
    if (filter.toUtf8().size() > 65535)
        return tr("the MQTT topic filter must be at most 65535 bytes long");
    if (filter.contains(QChar(u'\0')))
        return tr("the MQTT topic filter \"%1\" must not contain a NUL character").arg(filter);
    const QStringList levels = filter.split(u'/');
    for (qsizetype i = 0; i < levels.size(); ++i) {
        const QString &level = levels.at(i);
        if (level.contains(u'#') && (level != u"#" || i != levels.size() - 1))
            return tr("MQTT topic filter \"%1\": '#' must be a whole level and the last one").arg(filter);
        if (level.contains(u'+') && level != u"+")
            return tr("MQTT topic filter \"%1\": '+' must be a whole level").arg(filter);
    }
    return {};
}

QString triggerProblem(const Trigger &trigger)
{
    switch (trigger.type) {
    case TriggerType::Http:
        return {};
    case TriggerType::Cron:
        return cronExpressionProblem(trigger.value);
    case TriggerType::Mqtt:
        return mqttTopicFilterProblem(trigger.value);
    }
    return {};
}

} // namespace rune
