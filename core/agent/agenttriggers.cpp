// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/agenttriggers.h"

#include "agent/agentjson.h"
#include "protocol.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

namespace field = protocol::triggers;

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::AgentTriggers", text);
}

std::optional<AgentBroker::State> stateFromName(const QString &name)
{
    if (name == QLatin1StringView(field::stateConnected))
        return AgentBroker::State::Connected;
    if (name == QLatin1StringView(field::stateConnecting))
        return AgentBroker::State::Connecting;
    if (name == QLatin1StringView(field::stateFailed))
        return AgentBroker::State::Failed;
    return std::nullopt;
}

std::optional<AgentBroker> readBroker(const QJsonObject &object, agentjson::FieldReader &parent)
{
    agentjson::FieldReader reader(object, tr("the broker"), parent);
    AgentBroker broker;
    broker.url = reader.text(field::url);
    const QString stateName = reader.text(field::state);
    const auto state = stateFromName(stateName);
    if (!state) {
        reader.note(tr("the broker's state \"%1\" is none of connected, connecting, failed.").arg(stateName.left(40)));
        return std::nullopt;
    }
    broker.state = *state;
    broker.lastError = reader.text(field::lastError);
    broker.source = reader.text(field::source);
    broker.since = QDateTime::fromMSecsSinceEpoch(reader.count(field::sinceMs), Qt::UTC);
    return broker;
}

} // namespace

QString brokerStateName(AgentBroker::State state)
{
    switch (state) {
    case AgentBroker::State::Connected:
        return QLatin1StringView(field::stateConnected);
    case AgentBroker::State::Connecting:
        return QLatin1StringView(field::stateConnecting);
    case AgentBroker::State::Failed:
        return QLatin1StringView(field::stateFailed);
    }
    return {};
}

QString describeBroker(const std::optional<AgentBroker> &broker)
{
    if (!broker)
        return tr("none set");
    const QString since = broker->since.isValid()
        ? QLocale::system().toString(broker->since.toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s)
        : QString();
    switch (broker->state) {
    case AgentBroker::State::Connected:
        return since.isEmpty() ? tr("%1 — connected").arg(broker->url)
                               : tr("%1 — connected since %2").arg(broker->url, since);
    case AgentBroker::State::Connecting:
        return broker->lastError.isEmpty() ? tr("%1 — connecting").arg(broker->url)
                                           : tr("%1 — connecting (last: %2)").arg(broker->url, broker->lastError);
    case AgentBroker::State::Failed:
        return tr("%1 — failed: %2")
            .arg(broker->url, broker->lastError.isEmpty() ? tr("no reason given") : broker->lastError);
    }
    return broker->url;
}

Result<AgentTriggers> parseAgentTriggers(const QByteArray &body)
{
    const auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    agentjson::FieldReader reader(*object, tr("the triggers"));
    AgentTriggers triggers;
    const QJsonValue enabled = object->value(agentjson::field(field::enabled));
    if (!enabled.isBool())
        return std::unexpected(agentjson::notProtocol(tr("triggers without \"enabled\".")));
    triggers.enabled = enabled.toBool();
    if (const QJsonValue broker = object->value(agentjson::field(field::broker)); broker.isObject())
        triggers.broker = readBroker(broker.toObject(), reader);
    for (const QJsonValue &entry : reader.list(field::mqtt)) {
        agentjson::FieldReader trigger(entry.toObject(), tr("an MQTT trigger"), reader);
        triggers.mqtt.append({trigger.text("function"), trigger.text("filter"), trigger.text("result_topic")});
    }
    if (const auto error = reader.error())
        return std::unexpected(*error);
    return triggers;
}

Result<std::optional<BrokerMessage>> parsePublishAnswer(const QByteArray &body)
{
    namespace publish = protocol::publish;
    const auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    agentjson::FieldReader reader(*object, tr("the published message"));
    const QJsonValue message = object->value(agentjson::field(publish::message));
    if (!message.isObject())
        return std::optional<BrokerMessage> {};
    agentjson::FieldReader fields(message.toObject(), tr("the awaited message"), reader);
    BrokerMessage answer;
    answer.topic = fields.text(publish::topic);
    answer.payload = fields.text(publish::payload);
    answer.payloadWasUtf8 = message.toObject().value(agentjson::field(publish::payloadIsUtf8)).toBool(true);
    if (const auto error = reader.error())
        return std::unexpected(*error);
    return std::optional<BrokerMessage>(answer);
}

} // namespace rune
