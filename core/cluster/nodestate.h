// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QMetaType>
#include <QString>
#include <chrono>
#include <optional>

namespace rune
{

/** Lifecycle state of a machine as the console knows it (ARCHITECTURE.md, "Lifecycles"). */
enum class NodeState {
    Creating,
    Running,
    Suspending,
    Suspended,
    Resuming,
    Rebooting,
    Terminating,
    Terminated,
    Failed,
    Undefined, ///< unreachable, and no action explains why
};

/** What the admin can ask of a machine. */
enum class NodeAction {
    Provision,
    Suspend,
    Resume,
    Reboot,
    Terminate,
};

/** What one poll of a node's agent saw. */
enum class AgentObservation {
    Unreachable, ///< no answer (connection refused, timeout, SSH down)
    Serving, ///< agent answers and serves functions
    Suspended, ///< agent answers but reports it is suspended
    NotInstalled, ///< host answers but no agent is installed
};

QString nodeStateName(NodeState state);
std::optional<NodeState> nodeStateFromName(QStringView name);
QString nodeActionName(NodeAction action);
std::optional<NodeAction> nodeActionFromName(QStringView name);

/** States a node is in while an action is under way (Creating, Suspending, ...). */
bool isTransitional(NodeState state);

/**
 * Checks the allowed-action table. On success returns the transitional state the node enters
 * when @p action starts from @p current; a refusal's message says why in words.
 */
Result<NodeState> beginAction(NodeState current, NodeAction action);

/** The state a node settles in once @p action has completed. */
NodeState settledState(NodeAction action);

/** How long an action may take before a node that has not settled is Failed. */
std::chrono::seconds actionDeadline(NodeAction action);

/** The outcome of reconciling one observation against the recorded target action. */
struct Correction {
    NodeState state;
    bool targetReached = false; ///< the target action is done; the caller clears it
    bool timedOut = false; ///< the target action passed its deadline; state is Failed
};

/**
 * The observed-state correction rules: what a poll's @p observed means given the recorded
 * @p target action (if any) started @p elapsed ago. An unreachable node during Terminate is
 * Terminating, not Undefined; an action past its deadline without settling is Failed.
 */
Correction correctObservedState(
    std::optional<NodeAction> target, AgentObservation observed, std::chrono::seconds elapsed);

} // namespace rune

Q_DECLARE_METATYPE(rune::NodeState)
Q_DECLARE_METATYPE(rune::NodeAction)
Q_DECLARE_METATYPE(rune::AgentObservation)
