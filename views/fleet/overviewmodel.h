// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "fleet/noderowsmodel.h"

namespace rune
{
class FleetMetrics;
class NodeList;
struct Node;
struct NodeSample;
} // namespace rune

namespace rune::views
{

/**
 * Every node at a glance: state, role, CPU/memory/disk load (as meters), invocations per
 * second, error rate and agent version, one row per NodeList row. Follows the NodeList row by
 * row and FleetMetrics once per batch of polls.
 */
class OverviewModel final : public NodeRowsModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewModel)

public:
    enum Column { Name, State, Role, Cpu, Memory, Disk, Invocations, Errors, Agent, Labels, ColumnCount };
    enum DataRole {
        NodeIdRole = Qt::UserRole + 1,
        SortRole,
    };

    OverviewModel(NodeList *nodes, FleetMetrics *metrics, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const Node &node, const NodeSample *sample, int column) const;
    QVariant sortValue(const Node &node, const NodeSample *sample, int column) const;
    QVariant meter(const NodeSample *sample, int column) const;
    QVariant toolTip(const Node &node, const NodeSample *sample, int column) const;

    FleetMetrics *m_metrics;
};

} // namespace rune::views
