// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/nodesessions.h"

namespace rune
{

NodeSessions::NodeSessions(Factory factory, QObject *parent)
    : QObject(parent)
    , m_factory(std::move(factory))
{
}

NodeSessions::~NodeSessions() = default;

RemoteShell *NodeSessions::shellFor(const Node &node)
{
    auto &session = m_sessions[node.id];
    if (!session || session->endpoint != node.ssh) {
        session = std::make_shared<Session>();
        session->endpoint = node.ssh;
        session->transport = m_factory(SshTarget {node.ssh.host, node.ssh.port, node.ssh.user, node.ssh.keyFile});
        session->shell = std::make_unique<RemoteShell>(session->transport.get());
    }
    return session->shell.get();
}

void NodeSessions::agentTunnel(const Node &node, QObject *context, SshTransport::Callback<quint16> done)
{
    shellFor(node)->transport()->openTunnel(node.agent.controlPort, context, std::move(done));
}

void NodeSessions::drop(const QString &nodeId)
{
    m_sessions.remove(nodeId);
}

} // namespace rune
