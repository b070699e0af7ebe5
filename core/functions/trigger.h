// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaType>
#include <QString>
#include <optional>

namespace rune
{

/** What makes a function run besides a direct invoke. */
enum class TriggerType {
    Http, ///< calls to /function/<name> on the invoke port
    Cron, ///< a schedule; value is a cron expression
    Mqtt, ///< messages on an MQTT broker; value is a topic filter
};

/** "http", "cron" or "mqtt". */
QString triggerTypeName(TriggerType type);
/** Parses a name made by triggerTypeName(), ignoring case. */
std::optional<TriggerType> triggerTypeFromName(QStringView name);

/** One trigger of a function. */
struct Trigger {
    TriggerType type = TriggerType::Http;
    QString value; ///< cron expression, MQTT topic filter, or unused (http)

    bool operator==(const Trigger &) const = default;
};

/**
 * Checks a cron expression: five fields (minute hour day-of-month month day-of-week), each `*`,
 * a number, a range `a-b`, a step `x/n`, or a comma-separated list of those; or one of
 * `@yearly @annually @monthly @weekly @daily @midnight @hourly`. Names of months and days are
 * not accepted, so every agent reads the expression the same way.
 *
 * @return empty if valid, else a sentence naming the problem.
 */
QString cronExpressionProblem(const QString &expression);

/**
 * Checks an MQTT topic filter (MQTT 3.1.1 §4.7): not empty, at most 65535 UTF-8 bytes, no NUL,
 * `+` only as a whole level, `#` only as the whole last level.
 *
 * @return empty if valid, else a sentence naming the problem.
 */
QString mqttTopicFilterProblem(const QString &filter);

/** Checks @p trigger's value for its type; empty if valid, else a sentence. */
QString triggerProblem(const Trigger &trigger);

} // namespace rune

Q_DECLARE_METATYPE(rune::TriggerType)
