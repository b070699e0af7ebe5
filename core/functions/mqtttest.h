// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agenttriggers.h"
#include "agent/functionagents.h"
#include "functions/functioncatalog.h"
#include "functions/trigger.h"

#include <QObject>
#include <functional>

namespace rune
{

class FunctionInvoker;

/** What a test message to an MQTT-triggered function brought back. */
struct MqttTestOutcome {
    QString nodeId; ///< the node whose agent published it
    QString nodeName;
    QString topic; ///< where it was published
    QString resultTopic; ///< where the answer was awaited; empty: none awaited
    std::optional<BrokerMessage> answer; ///< the function's answer on resultTopic
    qint64 elapsedMs = 0;
};

/** The function's first MQTT trigger, if it has one. */
std::optional<Trigger> mqttTriggerOf(const FunctionConfig &config);

/** A topic that @p filter matches, for a test: each `+` becomes "test", a last `#` becomes "test". */
QString defaultTestTopic(const QString &filter);

/**
 * Why @p topic cannot carry a test message for a function subscribed to @p filter (a wildcard, bad
 * UTF-8, too long, or not matched by the filter), or empty.
 */
QString testTopicProblem(const QString &topic, const QString &filter);

/**
 * Publishes a test message to a function's MQTT trigger and shows what it answered, without the
 * console touching the broker: the agent of a node that runs the function and fires its triggers
 * publishes it and waits for the first message on the trigger's result topic
 * (POST /v1/triggers/publish). The nodes that run the serving version are tried in order; the
 * first whose triggers are on and whose broker is connected does it.
 */
class MqttTestPublisher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MqttTestPublisher)

public:
    using Callback = std::function<void(Result<MqttTestOutcome>)>;

    MqttTestPublisher(
        FunctionCatalog *catalog, FunctionInvoker *invoker, FunctionAgents *agents, QObject *parent = nullptr);

    /** How long the agent waits for the answer. */
    void setTimeout(std::chrono::milliseconds timeout);

    /**
     * Fails with "mqtt.no_trigger", "mqtt.bad_topic", "function.not_deployed", "mqtt.no_broker"
     * (no node that runs it has triggers on and a connected broker: each node's reason is named)
     * or the agent's error ("agent.await_timeout" when nothing came back in time).
     */
    void publish(
        const QString &functionId, const QString &topic, const QByteArray &payload, QObject *context, Callback done);

private:
    struct Attempt;
    void tryNode(std::shared_ptr<Attempt> attempt);

    FunctionCatalog *m_catalog;
    FunctionInvoker *m_invoker;
    FunctionAgents *m_agents;
    std::chrono::milliseconds m_timeout {10000};
};

} // namespace rune
