// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "cluster/nodestate.h"

#include <QTest>
#include <array>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using rune::AgentObservation;
using rune::NodeAction;
using rune::NodeState;

namespace
{

constexpr std::array allStates = {NodeState::Creating,
    NodeState::Running,
    NodeState::Suspending,
    NodeState::Suspended,
    NodeState::Resuming,
    NodeState::Rebooting,
    NodeState::Terminating,
    NodeState::Terminated,
    NodeState::Failed,
    NodeState::Undefined};
constexpr std::array allActions = {
    NodeAction::Provision, NodeAction::Suspend, NodeAction::Resume, NodeAction::Reboot, NodeAction::Terminate};

/** The allowed-action table, written out as the issue states it. */
QList<NodeState> allowedFrom(NodeAction action)
{
    switch (action) {
    case NodeAction::Provision:
        return {NodeState::Undefined, NodeState::Failed, NodeState::Terminated};
    case NodeAction::Suspend:
        return {NodeState::Running};
    case NodeAction::Resume:
        return {NodeState::Suspended};
    case NodeAction::Reboot:
        return {NodeState::Running, NodeState::Suspended, NodeState::Failed};
    case NodeAction::Terminate:
        return {NodeState::Creating,
            NodeState::Running,
            NodeState::Suspending,
            NodeState::Suspended,
            NodeState::Resuming,
            NodeState::Rebooting,
            NodeState::Failed,
            NodeState::Undefined};
    }
    return {};
}

} // namespace

class TestNodeState final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesRoundTrip();
    void namesAreCaseInsensitive();
    void unknownNamesAreRejected();
    void transitionalStates_data();
    void transitionalStates();
    void actionTable_data();
    void actionTable();
    void refusalWhileBusySaysToWait();
    void settledStates_data();
    void settledStates();
    void deadlines_data();
    void deadlines();
    void correction_data();
    void correction();
};

void TestNodeState::namesRoundTrip()
{
    for (auto state : allStates)
        QCOMPARE(rune::nodeStateFromName(rune::nodeStateName(state)), state);
    for (auto action : allActions)
        QCOMPARE(rune::nodeActionFromName(rune::nodeActionName(action)), action);
    QCOMPARE(rune::nodeStateName(NodeState::Running), u"Running"_s);
    QCOMPARE(rune::nodeActionName(NodeAction::Terminate), u"Terminate"_s);
}

void TestNodeState::namesAreCaseInsensitive()
{
    QCOMPARE(rune::nodeStateFromName(u"running"), NodeState::Running);
    QCOMPARE(rune::nodeStateFromName(u"TERMINATING"), NodeState::Terminating);
    QCOMPARE(rune::nodeActionFromName(u"reBOOT"), NodeAction::Reboot);
}

void TestNodeState::unknownNamesAreRejected()
{
    QCOMPARE(rune::nodeStateFromName(u"Sleeping"), std::nullopt);
    QCOMPARE(rune::nodeStateFromName(u""), std::nullopt);
    QCOMPARE(rune::nodeActionFromName(u"Destroy"), std::nullopt);
}

void TestNodeState::transitionalStates_data()
{
    QTest::addColumn<NodeState>("state");
    QTest::addColumn<bool>("transitional");
    const QList<NodeState> transitional = {
        NodeState::Creating, NodeState::Suspending, NodeState::Resuming, NodeState::Rebooting, NodeState::Terminating};
    for (auto state : allStates)
        QTest::newRow(qPrintable(rune::nodeStateName(state))) << state << transitional.contains(state);
}

void TestNodeState::transitionalStates()
{
    QFETCH(NodeState, state);
    QFETCH(bool, transitional);
    QCOMPARE(rune::isTransitional(state), transitional);
}

void TestNodeState::actionTable_data()
{
    QTest::addColumn<NodeState>("current");
    QTest::addColumn<NodeAction>("action");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<NodeState>("entered");
    const QMap<NodeAction, NodeState> enters = {{NodeAction::Provision, NodeState::Creating},
        {NodeAction::Suspend, NodeState::Suspending},
        {NodeAction::Resume, NodeState::Resuming},
        {NodeAction::Reboot, NodeState::Rebooting},
        {NodeAction::Terminate, NodeState::Terminating}};
    for (auto action : allActions) {
        for (auto state : allStates) {
            const QString name = rune::nodeActionName(action) + u" from "_s + rune::nodeStateName(state);
            QTest::newRow(qPrintable(name)) << state << action << allowedFrom(action).contains(state) << enters[action];
        }
    }
}

void TestNodeState::actionTable()
{
    QFETCH(NodeState, current);
    QFETCH(NodeAction, action);
    QFETCH(bool, allowed);
    QFETCH(NodeState, entered);
    const auto result = rune::beginAction(current, action);
    QCOMPARE(result.has_value(), allowed);
    if (allowed) {
        QCOMPARE(*result, entered);
        return;
    }
    // Every refusal is a sentence that names the action and the state, and says what to do.
    QCOMPARE(result.error().code, u"node.action_refused"_s);
    const QString prefix =
        rune::nodeActionName(action) + u" is not possible while the node is "_s + rune::nodeStateName(current) + u": ";
    QVERIFY2(result.error().message.startsWith(prefix), qPrintable(result.error().message));
    QVERIFY2(result.error().message.size() > prefix.size() + 10, qPrintable(result.error().message));
    QVERIFY(result.error().message.endsWith(u'.'));
}

void TestNodeState::refusalWhileBusySaysToWait()
{
    QCOMPARE(rune::beginAction(NodeState::Creating, NodeAction::Suspend).error().message,
        u"Suspend is not possible while the node is Creating: wait until provisioning finishes."_s);
    QCOMPARE(rune::beginAction(NodeState::Terminating, NodeAction::Terminate).error().message,
        u"Terminate is not possible while the node is Terminating: wait until termination finishes."_s);
    QCOMPARE(rune::beginAction(NodeState::Rebooting, NodeAction::Provision).error().message,
        u"Provision is not possible while the node is Rebooting: wait until the reboot finishes."_s);
}

void TestNodeState::settledStates_data()
{
    QTest::addColumn<NodeAction>("action");
    QTest::addColumn<NodeState>("settled");
    QTest::newRow("Provision") << NodeAction::Provision << NodeState::Running;
    QTest::newRow("Suspend") << NodeAction::Suspend << NodeState::Suspended;
    QTest::newRow("Resume") << NodeAction::Resume << NodeState::Running;
    QTest::newRow("Reboot") << NodeAction::Reboot << NodeState::Running;
    QTest::newRow("Terminate") << NodeAction::Terminate << NodeState::Terminated;
}

void TestNodeState::settledStates()
{
    QFETCH(NodeAction, action);
    QFETCH(NodeState, settled);
    QCOMPARE(rune::settledState(action), settled);
}

void TestNodeState::deadlines_data()
{
    QTest::addColumn<NodeAction>("action");
    QTest::addColumn<qint64>("seconds");
    QTest::newRow("Provision") << NodeAction::Provision << qint64(15 * 60);
    QTest::newRow("Suspend") << NodeAction::Suspend << qint64(2 * 60);
    QTest::newRow("Resume") << NodeAction::Resume << qint64(2 * 60);
    QTest::newRow("Reboot") << NodeAction::Reboot << qint64(2 * 60);
    QTest::newRow("Terminate") << NodeAction::Terminate << qint64(5 * 60);
}

void TestNodeState::deadlines()
{
    QFETCH(NodeAction, action);
    QFETCH(qint64, seconds);
    QCOMPARE(rune::actionDeadline(action).count(), seconds);
}

void TestNodeState::correction_data()
{
    QTest::addColumn<bool>("hasTarget");
    QTest::addColumn<NodeAction>("target");
    QTest::addColumn<AgentObservation>("observed");
    QTest::addColumn<qint64>("elapsed");
    QTest::addColumn<NodeState>("state");
    QTest::addColumn<bool>("reached");
    QTest::addColumn<bool>("timedOut");
    using enum AgentObservation;
    const auto none = NodeAction::Provision; // ignored without a target
    // clang-format off
    QTest::newRow("idle, serving") << false << none << Serving << qint64(0) << NodeState::Running << false << false;
    QTest::newRow("idle, suspended") << false << none << Suspended << qint64(0) << NodeState::Suspended << false << false;
    QTest::newRow("idle, unreachable") << false << none << Unreachable << qint64(0) << NodeState::Undefined << false << false;
    QTest::newRow("idle, not installed") << false << none << NotInstalled << qint64(0) << NodeState::Failed << false << false;

    QTest::newRow("provision, serving") << true << NodeAction::Provision << Serving << qint64(60) << NodeState::Running << true << false;
    QTest::newRow("provision, not installed yet") << true << NodeAction::Provision << NotInstalled << qint64(60) << NodeState::Creating << false << false;
    QTest::newRow("provision, unreachable") << true << NodeAction::Provision << Unreachable << qint64(600) << NodeState::Creating << false << false;
    QTest::newRow("provision, past deadline") << true << NodeAction::Provision << NotInstalled << qint64(15 * 60 + 1) << NodeState::Failed << false << true;
    QTest::newRow("provision, at deadline") << true << NodeAction::Provision << NotInstalled << qint64(15 * 60) << NodeState::Creating << false << false;

    QTest::newRow("suspend, suspended") << true << NodeAction::Suspend << Suspended << qint64(5) << NodeState::Suspended << true << false;
    QTest::newRow("suspend, still serving") << true << NodeAction::Suspend << Serving << qint64(5) << NodeState::Suspending << false << false;
    QTest::newRow("suspend, unreachable") << true << NodeAction::Suspend << Unreachable << qint64(5) << NodeState::Suspending << false << false;
    QTest::newRow("suspend, past deadline") << true << NodeAction::Suspend << Serving << qint64(121) << NodeState::Failed << false << true;

    QTest::newRow("resume, serving") << true << NodeAction::Resume << Serving << qint64(5) << NodeState::Running << true << false;
    QTest::newRow("resume, still suspended") << true << NodeAction::Resume << Suspended << qint64(5) << NodeState::Resuming << false << false;
    QTest::newRow("resume, past deadline") << true << NodeAction::Resume << Suspended << qint64(121) << NodeState::Failed << false << true;

    QTest::newRow("reboot, serving") << true << NodeAction::Reboot << Serving << qint64(30) << NodeState::Running << true << false;
    QTest::newRow("reboot, unreachable") << true << NodeAction::Reboot << Unreachable << qint64(30) << NodeState::Rebooting << false << false;
    QTest::newRow("reboot, unreachable past deadline") << true << NodeAction::Reboot << Unreachable << qint64(121) << NodeState::Failed << false << true;

    QTest::newRow("terminate, unreachable") << true << NodeAction::Terminate << Unreachable << qint64(10) << NodeState::Terminating << false << false;
    QTest::newRow("terminate, still serving") << true << NodeAction::Terminate << Serving << qint64(10) << NodeState::Terminating << false << false;
    QTest::newRow("terminate, not installed") << true << NodeAction::Terminate << NotInstalled << qint64(10) << NodeState::Terminated << true << false;
    QTest::newRow("terminate, past deadline") << true << NodeAction::Terminate << Unreachable << qint64(5 * 60 + 1) << NodeState::Failed << false << true;
    QTest::newRow("terminate, settles late") << true << NodeAction::Terminate << NotInstalled << qint64(3600) << NodeState::Terminated << true << false;
    // clang-format on
}

void TestNodeState::correction()
{
    QFETCH(bool, hasTarget);
    QFETCH(NodeAction, target);
    QFETCH(AgentObservation, observed);
    QFETCH(qint64, elapsed);
    QFETCH(NodeState, state);
    QFETCH(bool, reached);
    QFETCH(bool, timedOut);
    const auto correction = rune::correctObservedState(
        hasTarget ? std::optional(target) : std::nullopt, observed, std::chrono::seconds(elapsed));
    QCOMPARE(correction.state, state);
    QCOMPARE(correction.targetReached, reached);
    QCOMPARE(correction.timedOut, timedOut);
}

RUNE_TEST_GUILESS_MAIN(TestNodeState)
#include "tst_nodestate.moc"
