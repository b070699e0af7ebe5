// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/mqtttest.h"

#include "functions/functioninvoker.h"
#include "topicfilter.h"

#include <QElapsedTimer>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace rune
{

std::optional<Trigger> mqttTriggerOf(const FunctionConfig &config)
{
    for (const Trigger &trigger : config.triggers) {
        if (trigger.type == TriggerType::Mqtt)
            return trigger;
    }
    return std::nullopt;
}

QString defaultTestTopic(const QString &filter)
{
    QStringList levels = filter.split(u'/');
    for (QString &level : levels) {
        if (level == u"+"_s || level == u"#"_s)
            level = u"test"_s;
    }
    return levels.join(u'/');
}

QString testTopicProblem(const QString &topic, const QString &filter)
{
    const std::string text = topic.toStdString();
    if (const auto problem = protocol::topicNameProblem(text))
        return QString::fromStdString(*problem);
    if (!protocol::topicMatches(filter.toStdString(), text))
        return MqttTestPublisher::tr("The function listens on %1, which does not match %2.").arg(filter, topic);
    return {};
}

struct MqttTestPublisher::Attempt {
    QPointer<QObject> context;
    Callback done;
    TestMessage message;
    QString functionName;
    QStringList nodes; ///< still to try, in order
    QStringList reasons; ///< why each node tried so far could not do it
    QElapsedTimer clock;
};

MqttTestPublisher::MqttTestPublisher(
    FunctionCatalog *catalog, FunctionInvoker *invoker, FunctionAgents *agents, QObject *parent)
    : QObject(parent)
    , m_catalog(catalog)
    , m_invoker(invoker)
    , m_agents(agents)
{
}

void MqttTestPublisher::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = timeout;
}

void MqttTestPublisher::publish(
    const QString &functionId, const QString &topic, const QByteArray &payload, QObject *context, Callback done)
{
    const Function *function = m_catalog->find(functionId);
    const auto trigger = function ? mqttTriggerOf(function->config) : std::nullopt;
    if (!trigger)
        return done(fail(u"mqtt.no_trigger"_s, tr("This function has no MQTT trigger to send a message to.")));
    if (const QString problem = testTopicProblem(topic, trigger->value); !problem.isEmpty())
        return done(fail(u"mqtt.bad_topic"_s, problem));
    const QStringList nodes = m_invoker->nodesFor(functionId);
    if (nodes.isEmpty())
        return done(
            fail(u"function.not_deployed"_s, tr("%1 runs on no node yet: deploy it first.").arg(function->name)));
    auto attempt = std::make_shared<Attempt>();
    attempt->context = context;
    attempt->done = std::move(done);
    attempt->message = TestMessage {topic, payload, trigger->resultTopic, int(m_timeout.count())};
    attempt->functionName = function->name;
    attempt->nodes = nodes;
    attempt->clock.start();
    tryNode(std::move(attempt));
}

void MqttTestPublisher::tryNode(std::shared_ptr<Attempt> attempt)
{
    if (!attempt->context)
        return;
    if (attempt->nodes.isEmpty()) {
        return attempt->done(fail(u"mqtt.no_broker"_s,
            tr("No node that runs %1 can publish: %2").arg(attempt->functionName, attempt->reasons.join(u"; "_s))));
    }
    const QString nodeId = attempt->nodes.takeFirst();
    const QString nodeName = m_agents->nodeName(nodeId);
    m_agents->withClient(nodeId, this, [this, attempt, nodeId, nodeName](auto client) {
        if (!client) {
            attempt->reasons << nodeName + u": "_s + client.error().message;
            return tryNode(attempt);
        }
        auto agent = *client;
        agent->fetchTriggers(this, [this, attempt, agent, nodeId, nodeName](Result<AgentTriggers> triggers) {
            QString reason;
            if (!triggers)
                reason = triggers.error().message;
            else if (!triggers->enabled)
                reason = tr("triggers do not fire there");
            else if (!triggers->broker)
                reason = tr("it has no MQTT broker");
            else if (triggers->broker->state != AgentBroker::State::Connected)
                reason = tr("its broker %1 is %2 (%3)")
                             .arg(triggers->broker->url,
                                 brokerStateName(triggers->broker->state),
                                 triggers->broker->lastError);
            if (!reason.isEmpty()) {
                attempt->reasons << nodeName + u": "_s + reason;
                return tryNode(attempt);
            }
            agent->publishTestMessage(attempt->message,
                this,
                [attempt, agent, nodeId, nodeName](Result<std::optional<BrokerMessage>> answer) {
                    if (!attempt->context)
                        return;
                    if (!answer)
                        return attempt->done(std::unexpected(answer.error()));
                    attempt->done(MqttTestOutcome {nodeId,
                        nodeName,
                        attempt->message.topic,
                        attempt->message.awaitTopic,
                        *answer,
                        attempt->clock.elapsed()});
                });
        });
    });
}

} // namespace rune
