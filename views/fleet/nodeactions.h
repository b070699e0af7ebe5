// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodestate.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QAction;
class QWidget;

namespace rune
{
class NodeList;
class NodeOperations;
struct Node;
} // namespace rune

namespace rune::views
{

/**
 * The lifecycle actions (Provision, Suspend, Resume, Reboot, Terminate) and Remove for the
 * selected nodes, shared by the toolbar and the context menu. An action the selection's states
 * do not allow is greyed out, and its tooltip says why; Terminate and Remove ask first.
 */
class NodeActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeActions)

public:
    NodeActions(NodeList *nodes, NodeOperations *operations, QWidget *parent);

    QAction *action(NodeAction action) const;
    QAction *removeAction() const;
    QList<QAction *> all() const;
    void setSelection(const QStringList &nodeIds);
    QStringList selection() const;

Q_SIGNALS:
    /** The admin asked for @p action on @p nodeIds (the ones that allow it), confirmed where needed. */
    void requested(const QStringList &nodeIds, rune::NodeAction action);
    void removeRequested(const QStringList &nodeIds);

public:
    /** Why @p action cannot start on @p node; empty when it can. */
    QString refusal(const Node &node, NodeAction action) const;
    /** Why @p node cannot be removed from the list; empty when it can. */
    QString removalRefusal(const Node &node) const;

private:
    void update();
    void trigger(NodeAction action);
    void confirm(const QString &title, const QString &text, const QString &button, std::function<void()> then);
    QStringList allowed(const std::function<QString(const Node &)> &refuse, QString *firstReason) const;

    QPointer<NodeList> m_nodes;
    NodeOperations *m_operations;
    QWidget *m_parent;
    QHash<int, QAction *> m_actions;
    QAction *m_remove;
    QStringList m_selection;
};

} // namespace rune::views
