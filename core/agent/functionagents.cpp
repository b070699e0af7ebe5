// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/functionagents.h"

#include "cluster/nodelist.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>

using namespace Qt::StringLiterals;

namespace rune
{

FunctionAgents::FunctionAgents(NodeList *nodes, QNetworkAccessManager *network, AgentDirectory directory)
    : m_nodes(nodes)
    , m_network(network)
    , m_directory(std::move(directory))
    , m_factory(httpFunctionAgentClients(network))
{
}

NodeList *FunctionAgents::nodes() const
{
    return m_nodes;
}

QNetworkAccessManager *FunctionAgents::network() const
{
    return m_network;
}

void FunctionAgents::setClientFactory(FunctionAgentClientFactory factory)
{
    m_factory = std::move(factory);
}

QString FunctionAgents::nodeName(const QString &nodeId) const
{
    return nodeNameOrId(m_nodes, nodeId);
}

void FunctionAgents::resolve(const QString &nodeId, QObject *context, AddressCallback done) const
{
    const Node *node = m_nodes ? m_nodes->find(nodeId) : nullptr;
    if (!node) {
        done(fail(u"agent.unknown_node"_s,
            QCoreApplication::translate("rune::FunctionAgents", "The node %1 is not part of the fleet any more.")
                .arg(nodeId)));
        return;
    }
    m_directory.resolve(*node, context, std::move(done));
}

void FunctionAgents::withClient(const QString &nodeId, QObject *context, ClientCallback done) const
{
    resolve(nodeId, context, [factory = m_factory, done = std::move(done)](Result<AgentAddress> address) {
        if (!address)
            return done(std::unexpected(address.error()));
        done(std::shared_ptr<FunctionAgentClient>(factory(*address)));
    });
}

} // namespace rune
