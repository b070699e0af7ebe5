// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "fleet/noderowsmodel.h"

namespace rune
{
class FleetMetrics;
class NodeList;
struct Node;
} // namespace rune

namespace rune::views
{

/** The instance list: one row per node of a NodeList, following its changes row by row. */
class NodeTableModel final : public NodeRowsModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeTableModel)

public:
    enum Column { Name, Role, Address, State, Cores, Memory, Disk, Labels, ColumnCount };
    enum DataRole {
        NodeIdRole = Qt::UserRole + 1,
        SortRole, ///< raw value for sorting: numbers as numbers
    };

    /** Marks the nodes whose last poll went wrong, as @p metrics (which outlives the model) knows. */
    NodeTableModel(NodeList *nodes, FleetMetrics *metrics, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant displayData(int row, int column) const;
    QVariant sortData(int row, int column) const;
    QString stateToolTip(const Node &node) const;
    QString nameToolTip(const Node &node) const;

    FleetMetrics *m_metrics;
};

} // namespace rune::views
