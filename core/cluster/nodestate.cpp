// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/nodestate.h"

#include <QCoreApplication>
#include <array>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::NodeState", text);
}

constexpr std::array allStates = {
    NodeState::Creating,
    NodeState::Running,
    NodeState::Suspending,
    NodeState::Suspended,
    NodeState::Resuming,
    NodeState::Rebooting,
    NodeState::Terminating,
    NodeState::Terminated,
    NodeState::Failed,
    NodeState::Undefined,
};

constexpr std::array allActions = {
    NodeAction::Provision,
    NodeAction::Suspend,
    NodeAction::Resume,
    NodeAction::Reboot,
    NodeAction::Terminate,
};

/** The state a node shows while @p action is under way. */
NodeState transitionalState(NodeAction action)
{
    switch (action) {
    case NodeAction::Provision:
        return NodeState::Creating;
    case NodeAction::Suspend:
        return NodeState::Suspending;
    case NodeAction::Resume:
        return NodeState::Resuming;
    case NodeAction::Reboot:
        return NodeState::Rebooting;
    case NodeAction::Terminate:
        return NodeState::Terminating;
    }
    Q_UNREACHABLE();
}

/** The work a transitional state stands for, as the end of "wait until ... finishes". */
QString activityOf(NodeState transitional)
{
    switch (transitional) {
    case NodeState::Creating:
        return tr("provisioning");
    case NodeState::Suspending:
        return tr("suspending");
    case NodeState::Resuming:
        return tr("resuming");
    case NodeState::Rebooting:
        return tr("the reboot");
    default:
        return tr("termination");
    }
}

bool isAllowed(NodeState current, NodeAction action)
{
    switch (action) {
    case NodeAction::Provision:
        return current == NodeState::Undefined || current == NodeState::Failed || current == NodeState::Terminated;
    case NodeAction::Suspend:
        return current == NodeState::Running;
    case NodeAction::Resume:
        return current == NodeState::Suspended;
    case NodeAction::Reboot:
        return current == NodeState::Running || current == NodeState::Suspended || current == NodeState::Failed;
    case NodeAction::Terminate:
        // Also allowed while another action is under way: it is the way out of a stuck one.
        return current != NodeState::Terminated && current != NodeState::Terminating;
    }
    Q_UNREACHABLE();
}

/** What the admin can do instead, for an action that @p current does not allow. */
QString adviceFor(NodeState current, NodeAction action)
{
    if (isTransitional(current))
        return tr("wait until %1 finishes").arg(activityOf(current));
    switch (current) {
    case NodeState::Running:
        return action == NodeAction::Resume ? tr("it is already running")
                                            : tr("it is already provisioned; terminate it first to provision it again");
    case NodeState::Suspended:
        return action == NodeAction::Suspend ? tr("it is already suspended; resume it to serve functions again")
                                             : tr("it is already provisioned; resume it, or terminate it first to "
                                                  "provision it again");
    case NodeState::Terminated:
        return action == NodeAction::Terminate ? tr("it is already terminated") : tr("provision it first");
    case NodeState::Failed:
        return tr("reboot it, or provision it again");
    case NodeState::Undefined:
        return tr("the console cannot reach it; check that the host is up and reachable over SSH, or provision it "
                  "again");
    default:
        return {};
    }
}

} // namespace

QString nodeStateName(NodeState state)
{
    switch (state) {
    case NodeState::Creating:
        return u"Creating"_s;
    case NodeState::Running:
        return u"Running"_s;
    case NodeState::Suspending:
        return u"Suspending"_s;
    case NodeState::Suspended:
        return u"Suspended"_s;
    case NodeState::Resuming:
        return u"Resuming"_s;
    case NodeState::Rebooting:
        return u"Rebooting"_s;
    case NodeState::Terminating:
        return u"Terminating"_s;
    case NodeState::Terminated:
        return u"Terminated"_s;
    case NodeState::Failed:
        return u"Failed"_s;
    case NodeState::Undefined:
        return u"Undefined"_s;
    }
    return {};
}

std::optional<NodeState> nodeStateFromName(QStringView name)
{
    for (auto state : allStates) {
        if (name.compare(nodeStateName(state), Qt::CaseInsensitive) == 0)
            return state;
    }
    return std::nullopt;
}

QString nodeActionName(NodeAction action)
{
    switch (action) {
    case NodeAction::Provision:
        return u"Provision"_s;
    case NodeAction::Suspend:
        return u"Suspend"_s;
    case NodeAction::Resume:
        return u"Resume"_s;
    case NodeAction::Reboot:
        return u"Reboot"_s;
    case NodeAction::Terminate:
        return u"Terminate"_s;
    }
    return {};
}

std::optional<NodeAction> nodeActionFromName(QStringView name)
{
    for (auto action : allActions) {
        if (name.compare(nodeActionName(action), Qt::CaseInsensitive) == 0)
            return action;
    }
    return std::nullopt;
}

bool isTransitional(NodeState state)
{
    switch (state) {
    case NodeState::Creating:
    case NodeState::Suspending:
    case NodeState::Resuming:
    case NodeState::Rebooting:
    case NodeState::Terminating:
        return true;
    default:
        return false;
    }
}

Result<NodeState> beginAction(NodeState current, NodeAction action)
{
    if (isAllowed(current, action))
        return transitionalState(action);
    return fail(u"node.action_refused"_s,
        tr("%1 is not possible while the node is %2: %3.")
            .arg(nodeActionName(action), nodeStateName(current), adviceFor(current, action)));
}

NodeState settledState(NodeAction action)
{
    switch (action) {
    case NodeAction::Provision:
    case NodeAction::Resume:
    case NodeAction::Reboot:
        return NodeState::Running;
    case NodeAction::Suspend:
        return NodeState::Suspended;
    case NodeAction::Terminate:
        return NodeState::Terminated;
    }
    Q_UNREACHABLE();
}

std::chrono::seconds actionDeadline(NodeAction action)
{
    using namespace std::chrono_literals;
    switch (action) {
    case NodeAction::Provision:
        return 15min; // installs packages and copies the agent over a possibly slow link
    case NodeAction::Terminate:
        return 5min;
    default:
        return 2min;
    }
}

namespace
{

NodeState stateWithoutTarget(AgentObservation observed)
{
    switch (observed) {
    case AgentObservation::Serving:
        return NodeState::Running;
    case AgentObservation::Suspended:
        return NodeState::Suspended;
    case AgentObservation::Unreachable:
        return NodeState::Undefined;
    case AgentObservation::NotInstalled:
        return NodeState::Failed;
    }
    Q_UNREACHABLE();
}

/** Whether @p observed is what a node looks like once @p action has completed. */
bool showsSettled(NodeAction action, AgentObservation observed)
{
    switch (settledState(action)) {
    case NodeState::Running:
        return observed == AgentObservation::Serving;
    case NodeState::Suspended:
        return observed == AgentObservation::Suspended;
    case NodeState::Terminated:
        return observed == AgentObservation::NotInstalled;
    default:
        return false;
    }
}

} // namespace

Correction correctObservedState(
    std::optional<NodeAction> target, AgentObservation observed, std::chrono::seconds elapsed)
{
    if (!target)
        return {stateWithoutTarget(observed)};
    if (showsSettled(*target, observed))
        return {settledState(*target), true, false};
    if (elapsed > actionDeadline(*target))
        return {NodeState::Failed, false, true};
    // Anything else is the action's way there: an agent that restarts or uninstalls is
    // unreachable for a while, and that is no reason to show Undefined.
    return {transitionalState(*target)};
}

} // namespace rune
