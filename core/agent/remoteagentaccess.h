// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/node.h"
#include "util/result.h"

#include <QObject>
#include <functional>

namespace rune
{

/**
 * How the monitor reaches the agents of other machines, which only listen on their own
 * loopback. The SSH layer implements it (SshAgentAccess); the monitor stays free of SSH.
 * Callbacks run on @p context's thread, and not at all once @p context is gone.
 */
class RemoteAgentAccess
{
public:
    virtual ~RemoteAgentAccess() = default;

    /** The local port forwarding to @p node's agent control port (opened once, then reused). */
    virtual void openTunnel(const Node &node, QObject *context, std::function<void(Result<quint16>)> done) = 0;
    /** The agent does not answer: what the machine itself says (suspended, not installed, unreachable). */
    virtual void probe(const Node &node, QObject *context, std::function<void(AgentObservation)> done) = 0;
    /** An action is under way on @p nodeId: the node's state is that action's to set. */
    virtual bool isBusy(const QString &nodeId) const = 0;
};

} // namespace rune
