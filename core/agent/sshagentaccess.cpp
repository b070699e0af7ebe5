// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/sshagentaccess.h"

#include "provision/nodeoperations.h"
#include "provision/nodesessions.h"

using namespace Qt::StringLiterals;

namespace rune
{

SshAgentAccess::SshAgentAccess(NodeSessions *sessions, const NodeOperations *operations, ProvisionOptions options)
    : m_sessions(sessions)
    , m_operations(operations)
    , m_options(std::move(options))
{
}

void SshAgentAccess::openTunnel(const Node &node, QObject *context, std::function<void(Result<quint16>)> done)
{
    m_sessions->agentTunnel(node, context, std::move(done));
}

void SshAgentAccess::probe(const Node &node, QObject *context, std::function<void(AgentObservation)> done)
{
    const QString ctl = m_options.agentCtlFor(node);
    m_sessions->shellFor(node)->run(u"if [ -x %1 ]; then %1 status; else echo absent; fi"_s.arg(ctl),
        std::chrono::seconds(10),
        context,
        [done = std::move(done)](Result<ExecResult> result) {
            const QByteArray status = result ? result->standardOutput.trimmed() : QByteArray();
            if (status == "suspended")
                done(AgentObservation::Suspended);
            else if (status == "absent")
                done(AgentObservation::NotInstalled);
            else
                done(AgentObservation::Unreachable);
        });
}

bool SshAgentAccess::isBusy(const QString &nodeId) const
{
    return m_operations->isBusy(nodeId);
}

} // namespace rune
