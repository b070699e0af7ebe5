// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/remoteagentaccess.h"
#include "provision/provisionoptions.h"

namespace rune
{

class NodeOperations;
class NodeSessions;

/**
 * RemoteAgentAccess over the nodes' SSH sessions: the agent's control port through a forward of
 * the node's one session (like `ssh -L`), and, when the agent is silent, the node's own
 * `rune-agentctl status`, which tells a suspended or uninstalled agent from an unreachable
 * machine. Nodes with a lifecycle action under way (NodeOperations) are that action's business.
 */
class SshAgentAccess final : public RemoteAgentAccess
{
public:
    /** Both must outlive this object. */
    SshAgentAccess(NodeSessions *sessions, const NodeOperations *operations, ProvisionOptions options);

    void openTunnel(const Node &node, QObject *context, std::function<void(Result<quint16>)> done) override;
    void probe(const Node &node, QObject *context, std::function<void(AgentObservation)> done) override;
    bool isBusy(const QString &nodeId) const override;

private:
    NodeSessions *m_sessions;
    const NodeOperations *m_operations;
    ProvisionOptions m_options;
};

} // namespace rune
