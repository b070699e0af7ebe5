// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/nodeactions.h"

#include "cluster/nodelist.h"
#include "provision/nodeoperations.h"

#include <QAction>
#include <QMessageBox>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

constexpr NodeAction lifecycle[] = {
    NodeAction::Provision,
    NodeAction::Suspend,
    NodeAction::Resume,
    NodeAction::Reboot,
    NodeAction::Terminate,
};

QString actionText(NodeAction action)
{
    switch (action) {
    case NodeAction::Provision:
        return NodeActions::tr("&Provision");
    case NodeAction::Suspend:
        return NodeActions::tr("&Suspend");
    case NodeAction::Resume:
        return NodeActions::tr("Res&ume");
    case NodeAction::Reboot:
        return NodeActions::tr("Re&boot");
    case NodeAction::Terminate:
        return NodeActions::tr("&Terminate…");
    }
    return {};
}

QString actionHelp(NodeAction action)
{
    switch (action) {
    case NodeAction::Provision:
        return NodeActions::tr("Install the agent on the selected hosts and start it");
    case NodeAction::Suspend:
        return NodeActions::tr("Stop serving functions, keep them and their state");
    case NodeAction::Resume:
        return NodeActions::tr("Serve functions again");
    case NodeAction::Reboot:
        return NodeActions::tr("Restart the agent");
    case NodeAction::Terminate:
        return NodeActions::tr("Uninstall the agent and leave the machine as it was");
    }
    return {};
}

} // namespace

NodeActions::NodeActions(NodeList *nodes, NodeOperations *operations, QWidget *parent)
    : QObject(parent)
    , m_nodes(nodes)
    , m_operations(operations)
    , m_parent(parent)
{
    for (NodeAction kind : lifecycle) {
        auto *action = new QAction(actionText(kind), this);
        action->setObjectName(nodeActionName(kind).toLower() + u"Action"_s);
        connect(action, &QAction::triggered, this, [this, kind] {
            trigger(kind);
        });
        m_actions.insert(int(kind), action);
    }
    m_remove = new QAction(tr("Remove from list…"), this);
    m_remove->setObjectName(u"removeAction"_s);
    connect(m_remove, &QAction::triggered, this, [this] {
        QString reason;
        const QStringList ids = allowed(
            [this](const Node &node) {
                return removalRefusal(node);
            },
            &reason);
        if (ids.isEmpty())
            return;
        confirm(tr("Remove from the list"),
            tr("Forget %n host(s)? The console stops watching them and drops their history; nothing is done on "
               "the machines.",
                nullptr,
                int(ids.size())),
            tr("Remove"),
            [this, ids] {
                Q_EMIT removeRequested(ids);
            });
    });
    connect(nodes, &NodeList::nodeChanged, this, &NodeActions::update);
    connect(nodes, &NodeList::nodeRemoved, this, &NodeActions::update);
    connect(operations, &NodeOperations::nodeFinished, this, &NodeActions::update);
    connect(operations, &NodeOperations::idle, this, &NodeActions::update);
    update();
}

QAction *NodeActions::action(NodeAction action) const
{
    return m_actions.value(int(action));
}

QAction *NodeActions::removeAction() const
{
    return m_remove;
}

QList<QAction *> NodeActions::all() const
{
    QList<QAction *> actions;
    for (NodeAction kind : lifecycle)
        actions << action(kind);
    actions << m_remove;
    return actions;
}

void NodeActions::setSelection(const QStringList &nodeIds)
{
    m_selection = nodeIds;
    update();
}

QStringList NodeActions::selection() const
{
    return m_selection;
}

QString NodeActions::refusal(const Node &node, NodeAction action) const
{
    if (node.agent.local)
        return tr("%1 belongs to the local demo cluster, which the console runs itself.").arg(node.name);
    if (m_operations->isBusy(node.id))
        return tr("%1: another action is under way; wait until it ends.").arg(node.name);
    const auto started = beginAction(node.state, action);
    return started ? QString() : node.name + u": "_s + started.error().message;
}

QString NodeActions::removalRefusal(const Node &node) const
{
    return m_operations->removalRefusal(node);
}

QStringList NodeActions::allowed(const std::function<QString(const Node &)> &refuse, QString *firstReason) const
{
    QStringList ids;
    for (const QString &id : m_selection) {
        const Node *node = m_nodes ? m_nodes->find(id) : nullptr;
        if (!node)
            continue;
        const QString reason = refuse(*node);
        if (reason.isEmpty())
            ids << id;
        else if (firstReason->isEmpty())
            *firstReason = reason;
    }
    return ids;
}

void NodeActions::update()
{
    const auto describe = [this](QAction *action, const QStringList &ids, const QString &reason, const QString &help) {
        action->setEnabled(!ids.isEmpty());
        QString tip = help;
        if (m_selection.isEmpty())
            tip += u"\n"_s + tr("Select one or more nodes first.");
        else if (ids.isEmpty())
            tip += u"\n"_s + reason;
        else if (ids.size() < m_selection.size())
            tip += u"\n"_s
                + tr("Applies to %1 of the %2 selected; %3").arg(ids.size()).arg(m_selection.size()).arg(reason);
        action->setToolTip(tip);
        action->setStatusTip(tip);
    };
    for (NodeAction kind : lifecycle) {
        QString reason;
        const QStringList ids = allowed(
            [this, kind](const Node &node) {
                return refusal(node, kind);
            },
            &reason);
        describe(action(kind), ids, reason, actionHelp(kind));
    }
    QString reason;
    const QStringList removable = allowed(
        [this](const Node &node) {
            return removalRefusal(node);
        },
        &reason);
    describe(m_remove, removable, reason, tr("Forget the selected hosts"));
}

void NodeActions::trigger(NodeAction kind)
{
    QString reason;
    const QStringList ids = allowed(
        [this, kind](const Node &node) {
            return refusal(node, kind);
        },
        &reason);
    if (ids.isEmpty())
        return;
    if (kind != NodeAction::Terminate)
        return Q_EMIT requested(ids, kind);
    confirm(tr("Terminate"),
        tr("Uninstall the agent from %n host(s)? Their functions and data on the machine are deleted.",
            nullptr,
            int(ids.size())),
        tr("Terminate"),
        [this, ids] {
            Q_EMIT requested(ids, NodeAction::Terminate);
        });
}

void NodeActions::confirm(const QString &title, const QString &text, const QString &button, std::function<void()> then)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::NoButton, m_parent);
    box->setObjectName(u"confirmDialog"_s);
    box->setWindowModality(Qt::WindowModal);
    QPushButton *yes = box->addButton(button, QMessageBox::DestructiveRole);
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [box, yes, then] {
        if (box->clickedButton() == yes)
            then();
        box->deleteLater();
    });
    box->open();
}

} // namespace rune::views
