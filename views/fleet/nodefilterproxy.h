// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/node.h"

#include <QPointer>
#include <QSortFilterProxyModel>
#include <optional>

namespace rune
{
class NodeList;
}

namespace rune::views
{

/**
 * Narrows a node table (a model with one row per NodeList row, in the same order) by role, by
 * state and by a text found in the name, address, labels, role, state, host name or agent
 * version; sorts by the source's sort role.
 */
class NodeFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeFilterProxy)

public:
    NodeFilterProxy(NodeList *nodes, int sortRole, QObject *parent = nullptr);

    void setRoleFilter(std::optional<NodeRole> role);
    void setStateFilter(std::optional<NodeState> state);
    void setTextFilter(const QString &text);
    /** Whether @p node passes every filter. */
    bool accepts(const Node &node) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QPointer<NodeList> m_nodes;
    std::optional<NodeRole> m_role;
    std::optional<NodeState> m_state;
    QString m_text;
};

} // namespace rune::views
