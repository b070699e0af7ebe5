// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <optional>

namespace rune
{

/** A node's connection to its MQTT broker, as its agent reports it (the "broker" of GET /v1/triggers). */
struct AgentBroker {
    enum class State { Connecting, Connected, Failed };
    QString url; ///< never holds the password
    State state = State::Connecting;
    QString lastError; ///< empty while connected
    QDateTime since; ///< when the state began, UTC
    QString source; ///< "config" (the node's mqtt_url) or "api" (sent by a console)

    bool operator==(const AgentBroker &) const = default;
};

/** "connected", "connecting" or "failed": the words the agent uses. */
QString brokerStateName(AgentBroker::State state);

/**
 * One line on a node's broker for the Node detail: "tcp://host:1883 — connected since 14:02:11",
 * "tcp://host:1883 — failed: <reason>", "none set"; @p broker nullopt means the node has none.
 */
QString describeBroker(const std::optional<AgentBroker> &broker);

/** One MQTT trigger a node fires. */
struct AgentMqttTrigger {
    QString function;
    QString filter;
    QString resultTopic;

    bool operator==(const AgentMqttTrigger &) const = default;
};

/** GET /v1/triggers: whether triggers fire on the node, its broker, and its MQTT triggers. */
struct AgentTriggers {
    bool enabled = false; ///< false on compute nodes unless their config says triggers = on
    std::optional<AgentBroker> broker; ///< none: the node has no broker
    QList<AgentMqttTrigger> mqtt;

    bool operator==(const AgentTriggers &) const = default;
};

/** Parses GET /v1/triggers and the answer of PUT /v1/triggers/broker; fails with "agent.bad_response". */
Result<AgentTriggers> parseAgentTriggers(const QByteArray &body);

/**
 * The broker a console gives a node (PUT /v1/triggers/broker). An empty url makes the node go
 * back to its own config file's mqtt_url. The password is sent once and never kept by the console.
 */
struct BrokerSettings {
    QString url;
    QString username;
    std::optional<QString> password; ///< nullopt: the node keeps the password it has; empty: none
};

/** A test message the node's agent publishes for the console (POST /v1/triggers/publish). */
struct TestMessage {
    QString topic;
    QByteArray payload;
    QString awaitTopic; ///< the first message here is the answer; empty: none awaited
    int timeoutMs = 10000;
};

/** A message that came from the broker. */
struct BrokerMessage {
    QString topic;
    QString payload; ///< bytes that were not UTF-8 show as U+FFFD
    bool payloadWasUtf8 = true;

    bool operator==(const BrokerMessage &) const = default;
};

/** Parses the answer of POST /v1/triggers/publish: the awaited message, if one was awaited. */
Result<std::optional<BrokerMessage>> parsePublishAnswer(const QByteArray &body);

} // namespace rune

Q_DECLARE_METATYPE(rune::AgentTriggers)
