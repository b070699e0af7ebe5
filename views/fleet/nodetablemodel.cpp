// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/nodetablemodel.h"

#include "cluster/nodelist.h"
#include "fleet/nodeattention.h"
#include "metrics/fleetmetrics.h"
#include "widgets/format.h"

using namespace Qt::StringLiterals;

namespace rune::views
{

NodeTableModel::NodeTableModel(NodeList *nodes, FleetMetrics *metrics, QObject *parent)
    : NodeRowsModel(nodes, ColumnCount, parent)
    , m_metrics(metrics)
{
    // Once per batch of polls: a problem that comes or goes changes the marker and the tooltips.
    connect(metrics, &FleetMetrics::updated, this, [this] {
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, Name), index(rowCount() - 1, Name), {Qt::DecorationRole, Qt::ToolTipRole});
    });
}

QVariant NodeTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !nodes())
        return {};
    const Node &node = nodes()->at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(index.row(), index.column());
    case SortRole:
        return sortData(index.row(), index.column());
    case NodeIdRole:
        return node.id;
    case Qt::DecorationRole:
        if (index.column() == State)
            return stateBadge(node.state);
        if (index.column() == Name && !nodeAttention(node, *m_metrics).isEmpty())
            return attentionBadge();
        return {};
    case Qt::TextAlignmentRole:
        return index.column() >= Cores && index.column() <= Disk ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                 : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == State)
            return stateToolTip(node);
        if (index.column() == Name)
            return nameToolTip(node);
        return {};
    default:
        return {};
    }
}

QString NodeTableModel::nameToolTip(const Node &node) const
{
    QStringList parts;
    if (!node.facts.hostname.isEmpty())
        parts << tr("%1 — %2, kernel %3, agent %4")
                     .arg(node.facts.hostname, node.facts.os, node.facts.kernel, node.facts.agentVersion);
    if (const NodeAttention attention = nodeAttention(node, *m_metrics); !attention.isEmpty())
        parts << attention.toolTip();
    return parts.join(u"\n\n"_s);
}

QString NodeTableModel::stateToolTip(const Node &node) const
{
    if (node.targetAction) {
        return tr("%1 under way since %2")
            .arg(nodeActionName(*node.targetAction), node.targetSince.toLocalTime().toString(u"HH:mm:ss"_s));
    }
    if (!node.agent.local && node.agent.token.isEmpty())
        return tr("Not provisioned yet: select it and choose Provision.");
    if (const Error *problem = m_metrics->problem(node.id))
        return problem->message;
    if (node.state == NodeState::Undefined)
        return tr("The console cannot reach its agent.");
    return {};
}

QVariant NodeTableModel::displayData(int row, int column) const
{
    const Node &node = nodes()->at(row);
    switch (column) {
    case Name:
        return node.name;
    case Role:
        return nodeRoleName(node.role);
    case Address:
        return node.address();
    case State:
        return nodeStateName(node.state);
    case Cores:
        return node.facts.cores > 0 ? QVariant(node.facts.cores) : QVariant(u"—"_s);
    case Memory:
        return formatBytes(node.facts.memoryBytes);
    case Disk:
        if (node.facts.diskBytes <= 0)
            return u"—"_s;
        return tr("%1 free of %2").arg(formatBytes(node.facts.diskFreeBytes), formatBytes(node.facts.diskBytes));
    case Labels:
        return node.labels.join(u", "_s);
    default:
        return {};
    }
}

QVariant NodeTableModel::sortData(int row, int column) const
{
    const Node &node = nodes()->at(row);
    switch (column) {
    case State:
        return int(node.state);
    case Cores:
        return node.facts.cores;
    case Memory:
        return node.facts.memoryBytes;
    case Disk:
        return node.facts.diskBytes;
    default:
        return displayData(row, column);
    }
}

QVariant NodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Name");
    case Role:
        return tr("Role");
    case Address:
        return tr("Address");
    case State:
        return tr("State");
    case Cores:
        return tr("Cores");
    case Memory:
        return tr("Memory");
    case Disk:
        return tr("Disk");
    case Labels:
        return tr("Labels");
    default:
        return {};
    }
}

} // namespace rune::views
