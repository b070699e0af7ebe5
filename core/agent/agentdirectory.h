// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/functionagentclient.h"
#include "cluster/node.h"

#include <QObject>
#include <functional>

namespace rune
{

class RemoteAgentAccess;

/**
 * Finds the address of a node's agent: a demo node's agent listens on this machine; a remote
 * node's control API is reached through the one route to remote agents the node monitor uses
 * too (RemoteAgentAccess: its SSH tunnel), and its calls go through the control API, since its
 * invoke port is not forwarded.
 */
class AgentDirectory
{
public:
    using Callback = std::function<void(Result<AgentAddress>)>;

    /** Remote nodes are reached through @p remote, which outlives every copy of this object. */
    explicit AgentDirectory(RemoteAgentAccess *remote);

    /** Resolves @p node; @p done runs on @p context's thread (at once for a demo node). */
    void resolve(const Node &node, QObject *context, Callback done) const;

private:
    RemoteAgentAccess *m_remote;
};

} // namespace rune
