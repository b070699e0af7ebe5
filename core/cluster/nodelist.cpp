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
    for (qsizetype row = 0; row < m_nodes.size(); ++row) {
        if (m_nodes.at(row).id == id)
            return row;
    }
    return -1;
}

const Node *NodeList::find(const QString &id) const
{
    const qsizetype row = indexOf(id);
    return row < 0 ? nullptr : &m_nodes.at(row);
}

bool NodeList::add(const Node &node)
{
    if (node.id.isEmpty() || indexOf(node.id) >= 0)
        return false;
    const qsizetype row = m_nodes.size();
    Q_EMIT nodeAboutToBeAdded(row);
    m_nodes.append(node);
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
    Q_EMIT nodeAboutToBeRemoved(row);
    m_nodes.removeAt(row);
    Q_EMIT nodeRemoved(row);
    return true;
}

void NodeList::clear()
{
    Q_EMIT aboutToBeReset();
    m_nodes.clear();
    Q_EMIT reset();
}

} // namespace rune
