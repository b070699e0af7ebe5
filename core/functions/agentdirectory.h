// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/node.h"
#include "functions/functionagentclient.h"

#include <QObject>
#include <functional>

namespace rune
{

class NodeSessions;

/**
 * Finds the address of a node's agent: a demo node's agent listens on this machine; a remote
 * node's control API is reached through its SSH tunnel (NodeSessions::agentTunnel), and its
 * calls go through the control API, since its invoke port is not forwarded.
 */
class AgentDirectory
{
public:
    using Callback = std::function<void(Result<AgentAddress>)>;

    /** Remote nodes are reached through @p sessions, which outlive every copy of this object. */
    explicit AgentDirectory(NodeSessions *sessions);

    /** Resolves @p node; @p done runs on @p context's thread (at once for a demo node). */
    void resolve(const Node &node, QObject *context, Callback done) const;

private:
    NodeSessions *m_sessions;
};

} // namespace rune
