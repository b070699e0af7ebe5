// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/brokerpush.h"

#include <QCoreApplication>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::BrokerPush", text);
}

} // namespace

BrokerSettings brokerFromSettings(const Settings &settings, std::optional<QString> password)
{
    return BrokerSettings {settings.value(Settings::Key::MqttBrokerUrl).toString(),
        settings.value(Settings::Key::MqttUsername).toString(),
        std::move(password)};
}

void pushBroker(FunctionAgents *agents,
    const QStringList &nodeIds,
    const BrokerSettings &broker,
    QObject *context,
    std::function<void(QList<BrokerPushResult>)> done)
{
    struct Pending {
        QList<BrokerPushResult> results;
        qsizetype left = 0;
        std::function<void(QList<BrokerPushResult>)> done;
    };
    auto pending = std::make_shared<Pending>();
    pending->left = nodeIds.size();
    pending->done = std::move(done);
    for (const QString &nodeId : nodeIds)
        pending->results.append({nodeId, agents->nodeName(nodeId), fail(u"agent.pending"_s, {})});
    if (nodeIds.isEmpty())
        return pending->done({});
    for (qsizetype index = 0; index < nodeIds.size(); ++index) {
        const auto finish = [pending, index](Result<AgentTriggers> answer) {
            pending->results[index].answer = std::move(answer);
            if (--pending->left == 0)
                pending->done(pending->results);
        };
        agents->withClient(
            nodeIds.at(index), context, [broker, context, finish](Result<std::shared_ptr<FunctionAgentClient>> client) {
                if (!client)
                    return finish(std::unexpected(client.error()));
                // The client lives until its answer came.
                (*client)->setBroker(broker, context, [finish, keep = *client](Result<AgentTriggers> answer) {
                    finish(std::move(answer));
                });
            });
    }
}

QString describePush(const QList<BrokerPushResult> &results)
{
    QStringList lines;
    for (const BrokerPushResult &result : results) {
        QString line;
        if (!result.answer)
            line = result.answer.error().message;
        else if (!result.answer->enabled)
            line = tr("kept; triggers are off on this node");
        else if (!result.answer->broker)
            line = tr("no broker");
        else
            line = tr("%1 (%2)").arg(result.answer->broker->url, brokerStateName(result.answer->broker->state));
        lines << result.nodeName + u": "_s + line;
    }
    return lines.join(u'\n');
}

} // namespace rune
