// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agenttriggers.h"
#include "agent/functionagents.h"
#include "settings/settings.h"

#include <QList>
#include <QObject>
#include <functional>

namespace rune
{

/** How one node took the broker it was sent. */
struct BrokerPushResult {
    QString nodeId;
    QString nodeName;
    Result<AgentTriggers> answer; ///< the node's triggers after the change, or why it refused
};

/** The broker the settings name (url and user), with @p password sent once if given. */
BrokerSettings brokerFromSettings(const Settings &settings, std::optional<QString> password);

/**
 * Sends @p broker to every node of @p nodeIds at once (PUT /v1/triggers/broker) and calls @p done
 * once with every node's answer, in the order of @p nodeIds. Nodes connect without a restart.
 * The password goes over the same channel as every control call (the SSH tunnel for a remote
 * node) and only the node keeps it.
 */
void pushBroker(FunctionAgents *agents,
    const QStringList &nodeIds,
    const BrokerSettings &broker,
    QObject *context,
    std::function<void(QList<BrokerPushResult>)> done);

/** One line per node: "edge-1: connecting to tcp://…", "compute-1: triggers are off there", or the error. */
QString describePush(const QList<BrokerPushResult> &results);

} // namespace rune
