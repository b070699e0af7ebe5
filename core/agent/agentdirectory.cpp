// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/agentdirectory.h"

#include "agent/remoteagentaccess.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QUrl loopback(quint16 port)
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(port));
}

} // namespace

AgentDirectory::AgentDirectory(RemoteAgentAccess *remote)
    : m_remote(remote)
{
}

void AgentDirectory::resolve(const Node &node, QObject *context, Callback done) const
{
    if (node.agent.local) {
        if (node.agent.controlPort == 0) {
            done(fail(u"agent.unreachable"_s,
                QCoreApplication::translate("rune::AgentDirectory", "The agent of %1 has not started yet.")
                    .arg(node.name)));
            return;
        }
        done(AgentAddress {node.id,
            loopback(node.agent.controlPort),
            node.agent.invokePort ? loopback(node.agent.invokePort) : QUrl(),
            node.agent.token});
        return;
    }
    const QString id = node.id;
    const QString token = node.agent.token;
    m_remote->openTunnel(node, context, [id, token, done = std::move(done)](Result<quint16> port) {
        if (!port)
            done(std::unexpected(port.error()));
        else
            done(AgentAddress {id, loopback(*port), QUrl(), token});
    });
}

} // namespace rune
