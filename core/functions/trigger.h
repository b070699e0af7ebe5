// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaType>
#include <QString>
#include <optional>
#include <utility>

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
    Trigger() = default;
    Trigger(TriggerType triggerType, QString triggerValue, QString mqttResultTopic = {}, int mqttQos = 0)
        : type(triggerType)
        , value(std::move(triggerValue))
        , resultTopic(std::move(mqttResultTopic))
        , qos(mqttQos)
    {
    }

    TriggerType type = TriggerType::Http;
    QString value; ///< cron schedule, MQTT topic filter, or unused (http)
    QString resultTopic; ///< mqtt: where a 2xx answer is published; empty: nowhere
    int qos = 0; ///< mqtt: 0 or 1

    bool operator==(const Trigger &) const = default;
};

/**
 * Checks a cron schedule as the agent does (remote-agent/protocol/cronexpression.h): five fields
 * with lists, ranges, steps and month and day names, or a shorthand such as `@hourly`.
 *
 * @return empty if valid, else the agent's sentence naming the problem.
 */
QString cronExpressionProblem(const QString &expression);

/**
 * Checks an MQTT topic filter as the agent does (MQTT 3.1.1 4.7): `+` only as a whole level, `#`
 * only as the whole last level, no NUL, at most 65535 bytes.
 *
 * @return empty if valid, else the agent's sentence naming the problem.
 */
QString mqttTopicFilterProblem(const QString &filter);

} // namespace rune

Q_DECLARE_METATYPE(rune::TriggerType)
