// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentdirectory.h"
#include "agent/functionagentclient.h"

#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace rune
{

class NodeList;

/**
 * The agents of the fleet as the function services see them: finds a node by id, resolves how
 * to reach its agent and hands out a client for it.
 */
class FunctionAgents
{
public:
    using ClientCallback = std::function<void(Result<std::shared_ptr<FunctionAgentClient>>)>;
    using AddressCallback = std::function<void(Result<AgentAddress>)>;

    FunctionAgents(NodeList *nodes, QNetworkAccessManager *network, AgentDirectory directory);

    NodeList *nodes() const;
    QNetworkAccessManager *network() const;
    /** Replaces how clients are made (tests inject faults). */
    void setClientFactory(FunctionAgentClientFactory factory);

    /** The node's name for messages; its id when it is gone. */
    QString nodeName(const QString &nodeId) const;
    /** Resolves @p nodeId's agent; fails with "agent.unknown_node" for a node not in the list. */
    void resolve(const QString &nodeId, QObject *context, AddressCallback done) const;
    /** A client for @p nodeId's agent, once resolved. */
    void withClient(const QString &nodeId, QObject *context, ClientCallback done) const;

private:
    QPointer<NodeList> m_nodes;
    QPointer<QNetworkAccessManager> m_network;
    AgentDirectory m_directory;
    FunctionAgentClientFactory m_factory;
};

} // namespace rune
