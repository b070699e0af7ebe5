// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/nodefilterproxy.h"

#include "cluster/nodelist.h"

namespace rune::views
{

NodeFilterProxy::NodeFilterProxy(NodeList *nodes, int sortRole, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_nodes(nodes)
{
    setSortRole(sortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void NodeFilterProxy::setRoleFilter(std::optional<NodeRole> role)
{
    m_role = role;
    invalidateRowsFilter();
}

void NodeFilterProxy::setStateFilter(std::optional<NodeState> state)
{
    m_state = state;
    invalidateRowsFilter();
}

void NodeFilterProxy::setTextFilter(const QString &text)
{
    m_text = text.trimmed();
    invalidateRowsFilter();
}

bool NodeFilterProxy::accepts(const Node &node) const
{
    if (m_role && node.role != *m_role)
        return false;
    if (m_state && node.state != *m_state)
        return false;
    if (m_text.isEmpty())
        return true;
    const auto has = [this](const QString &value) {
        return value.contains(m_text, Qt::CaseInsensitive);
    };
    return has(node.name) || has(node.address()) || has(nodeRoleName(node.role)) || has(nodeStateName(node.state))
        || has(node.facts.hostname) || has(node.facts.agentVersion)
        || std::any_of(node.labels.begin(), node.labels.end(), has);
}

bool NodeFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid() || !m_nodes || sourceRow >= m_nodes->count())
        return false;
    return accepts(m_nodes->at(sourceRow));
}

} // namespace rune::views
