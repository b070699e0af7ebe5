// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/trigger.h"

#include "configkeys.h"
#include "cronexpression.h"
#include "topicfilter.h"

using namespace Qt::StringLiterals;

namespace rune
{

QString triggerTypeName(TriggerType type)
{
    switch (type) {
    case TriggerType::Http:
        return QLatin1StringView(protocol::configvalues::http);
    case TriggerType::Cron:
        return QLatin1StringView(protocol::configvalues::cron);
    case TriggerType::Mqtt:
        return QLatin1StringView(protocol::configvalues::mqtt);
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
    const auto cron = protocol::CronExpression::parse(expression.toStdString());
    return cron ? QString() : QString::fromStdString(cron.error());
}

QString mqttTopicFilterProblem(const QString &filter)
{
    const auto problem = protocol::topicFilterProblem(filter.toStdString());
    return problem ? QString::fromStdString(*problem) : QString();
}

} // namespace rune
