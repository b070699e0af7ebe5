// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/nodelist.h"

namespace rune
{

NodeList::NodeList(QObject *parent)
    : QObject(parent)
{
}

const QList<Node> &NodeList::nodes() const
{
    return m_nodes;
}

qsizetype NodeList::count() const
{
    return m_nodes.size();
}

const Node &NodeList::at(qsizetype row) const
{
    return m_nodes.at(row);
}

qsizetype NodeList::indexOf(const QString &id) const
{
    return m_rows.value(id, -1);
}

void NodeList::reindexFrom(qsizetype row)
{
    for (; row < m_nodes.size(); ++row)
        m_rows.insert(m_nodes.at(row).id, row);
}

const Node *NodeList::find(const QString &id) const
{
    const qsizetype row = indexOf(id);
    return row < 0 ? nullptr : &m_nodes.at(row);
}

QString nodeNameOrId(const NodeList *nodes, const QString &id)
{
    const Node *node = nodes ? nodes->find(id) : nullptr;
    return node ? node->name : id;
}

bool NodeList::add(const Node &node)
{
    if (node.id.isEmpty() || indexOf(node.id) >= 0)
        return false;
    const qsizetype row = m_nodes.size();
    Q_EMIT nodeAboutToBeAdded(row);
    m_nodes.append(node);
    m_rows.insert(node.id, row);
    Q_EMIT nodeAdded(row);
    return true;
}

bool NodeList::update(const Node &node)
{
    const qsizetype row = indexOf(node.id);
    if (row < 0)
        return false;
    if (m_nodes.at(row) == node)
        return true;
    m_nodes[row] = node;
    Q_EMIT nodeChanged(row);
    return true;
}

bool NodeList::remove(const QString &id)
{
    const qsizetype row = indexOf(id);
    if (row < 0)
        return false;
    const QString key = id; // @p id may be the removed node's own
    Q_EMIT nodeAboutToBeRemoved(row);
    m_nodes.removeAt(row);
    m_rows.remove(key);
    reindexFrom(row);
    Q_EMIT nodeRemoved(row);
    return true;
}

void NodeList::clear()
{
    Q_EMIT aboutToBeReset();
    m_nodes.clear();
    m_rows.clear();
    Q_EMIT reset();
}

} // namespace rune
