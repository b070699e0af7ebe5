// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/overviewmodel.h"

#include "cluster/nodelist.h"
#include "fleet/nodeattention.h"
#include "metrics/fleetmetrics.h"
#include "widgets/format.h"
#include "widgets/meterdelegate.h"

using namespace Qt::StringLiterals;

namespace rune::views
{

OverviewModel::OverviewModel(NodeList *nodes, FleetMetrics *metrics, QObject *parent)
    : NodeRowsModel(nodes, ColumnCount, parent)
    , m_metrics(metrics)
{
    // One signal for the whole table per batch of polls: a thousand nodes cost one repaint.
    connect(metrics, &FleetMetrics::updated, this, [this] {
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, Name), index(rowCount() - 1, Errors)); // problems mark names and states
    });
}

QVariant OverviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !nodes())
        return {};
    const Node &node = nodes()->at(index.row());
    const NodeSample *sample = m_metrics->latest(node.id);
    switch (role) {
    case Qt::DisplayRole:
        return display(node, sample, index.column());
    case SortRole:
        return sortValue(node, sample, index.column());
    case NodeIdRole:
        return node.id;
    case MeterDelegate::ValueRole:
        return meter(sample, index.column());
    case Qt::DecorationRole:
        if (index.column() == State)
            return stateBadge(node.state);
        if (index.column() == Name && !nodeAttention(node, *m_metrics).isEmpty())
            return attentionBadge();
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == Invocations || index.column() == Errors ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                         : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == Errors && sample && sample->errorRate() >= 0.05)
            return QColor(0xdc, 0x3c, 0x3c);
        return {};
    case Qt::ToolTipRole:
        return toolTip(node, sample, index.column());
    default:
        return {};
    }
}

QVariant OverviewModel::display(const Node &node, const NodeSample *sample, int column) const
{
    switch (column) {
    case Name:
        return node.name;
    case State:
        return nodeStateName(node.state);
    case Role:
        return nodeRoleName(node.role);
    case Agent:
        return node.facts.agentVersion.isEmpty() ? u"—"_s : node.facts.agentVersion;
    case Labels:
        return node.labels.join(u", "_s);
    default:
        break;
    }
    if (!sample)
        return u"—"_s;
    switch (column) {
    case Cpu:
        return formatPercent(sample->cpuPercent);
    case Memory:
        return tr("%1 of %2").arg(formatBytes(sample->memoryUsedBytes), formatBytes(sample->memoryTotalBytes));
    case Disk:
        return tr("%1 of %2").arg(formatBytes(sample->diskUsedBytes), formatBytes(sample->diskTotalBytes));
    case Invocations:
        return formatRate(sample->invocationsPerSecond);
    case Errors:
        return formatPercent(100.0 * sample->errorRate());
    default:
        return {};
    }
}

QVariant OverviewModel::sortValue(const Node &node, const NodeSample *sample, int column) const
{
    // Nodes without figures sort below every node that has some.
    switch (column) {
    case State:
        return int(node.state);
    case Cpu:
        return sample ? sample->cpuPercent : -1.0;
    case Memory:
        return sample ? sample->memoryPercent() : -1.0;
    case Disk:
        return sample ? sample->diskPercent() : -1.0;
    case Invocations:
        return sample ? sample->invocationsPerSecond : -1.0;
    case Errors:
        return sample ? sample->errorRate() : -1.0;
    default:
        return display(node, sample, column);
    }
}

QVariant OverviewModel::meter(const NodeSample *sample, int column) const
{
    if (!sample)
        return {};
    switch (column) {
    case Cpu:
        return sample->cpuPercent;
    case Memory:
        return sample->memoryPercent();
    case Disk:
        return sample->diskPercent();
    default:
        return {};
    }
}

QVariant OverviewModel::toolTip(const Node &node, const NodeSample *sample, int column) const
{
    const NodeAttention attention = nodeAttention(node, *m_metrics);
    switch (column) {
    case Name: {
        const QString where = node.facts.hostname.isEmpty()
            ? node.address()
            : tr("%1 — %2, %3, kernel %4").arg(node.address(), node.facts.hostname, node.facts.os, node.facts.kernel);
        return attention.isEmpty() ? where : where + u"\n\n"_s + attention.toolTip();
    }
    case State:
        return attention.pollProblem.isEmpty() ? QVariant() : attention.pollProblem;
    case Cpu:
        return sample ? tr("Load average %1 on %n core(s)", nullptr, node.facts.cores).arg(sample->load1, 0, 'f', 2)
                      : QVariant();
    case Invocations:
        return sample ? tr("%1 function(s), %2 replica(s), %3 call(s) in flight")
                            .arg(sample->functions)
                            .arg(sample->replicas)
                            .arg(sample->inFlight)
                      : QVariant();
    case Errors:
        return sample ? tr("%1 failed call(s) per second").arg(formatRate(sample->errorsPerSecond)) : QVariant();
    default:
        return {};
    }
}

QVariant OverviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Node");
    case State:
        return tr("State");
    case Role:
        return tr("Role");
    case Cpu:
        return tr("CPU");
    case Memory:
        return tr("Memory");
    case Disk:
        return tr("Disk");
    case Invocations:
        return tr("Calls/s");
    case Errors:
        return tr("Errors");
    case Agent:
        return tr("Agent");
    case Labels:
        return tr("Labels");
    default:
        return {};
    }
}

} // namespace rune::views
