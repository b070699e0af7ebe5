// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/noderowsmodel.h"

#include "cluster/nodelist.h"

namespace rune::views
{

NodeRowsModel::NodeRowsModel(NodeList *nodes, int columnCount, QObject *parent)
    : QAbstractTableModel(parent)
    , m_nodes(nodes)
    , m_columnCount(columnCount)
{
    connect(nodes, &NodeList::nodeAboutToBeAdded, this, [this](qsizetype row) {
        beginInsertRows({}, int(row), int(row));
    });
    connect(nodes, &NodeList::nodeAdded, this, [this] {
        endInsertRows();
    });
    connect(nodes, &NodeList::nodeAboutToBeRemoved, this, [this](qsizetype row) {
        beginRemoveRows({}, int(row), int(row));
    });
    connect(nodes, &NodeList::nodeRemoved, this, [this] {
        endRemoveRows();
    });
    connect(nodes, &NodeList::nodeChanged, this, [this](qsizetype row) {
        Q_EMIT dataChanged(index(int(row), 0), index(int(row), m_columnCount - 1));
    });
    connect(nodes, &NodeList::aboutToBeReset, this, [this] {
        beginResetModel();
    });
    connect(nodes, &NodeList::reset, this, [this] {
        endResetModel();
    });
}

int NodeRowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_nodes ? 0 : int(m_nodes->count());
}

int NodeRowsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_columnCount;
}

NodeList *NodeRowsModel::nodes() const
{
    return m_nodes;
}

} // namespace rune::views
