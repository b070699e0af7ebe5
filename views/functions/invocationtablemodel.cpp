// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/invocationtablemodel.h"

#include "cluster/nodelist.h"
#include "functions/functionformat.h"

using namespace Qt::StringLiterals;

namespace rune::views
{

InvocationTableModel::InvocationTableModel(NodeList *nodes, QObject *parent)
    : QAbstractTableModel(parent)
    , m_nodes(nodes)
{
}

void InvocationTableModel::add(const InvokeResult &result)
{
    if (m_results.size() >= limit) {
        beginRemoveRows({}, limit - 1, int(m_results.size()) - 1);
        m_results.resize(limit - 1);
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_results.prepend(result);
    endInsertRows();
}

void InvocationTableModel::clear()
{
    beginResetModel();
    m_results.clear();
    endResetModel();
}

const InvokeResult &InvocationTableModel::resultAt(int row) const
{
    return m_results.at(row);
}

int InvocationTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_results.size());
}

int InvocationTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant InvocationTableModel::displayData(const InvokeResult &result, int column) const
{
    switch (column) {
    case Time:
        return formatLocalTime(result.at, true);
    case Node:
        return nodeNameOrId(m_nodes, result.nodeId);
    case Status:
        return result.asynchronous ? QVariant(tr("%1 (async)").arg(result.status)) : QVariant(result.status);
    case Latency:
        return tr("%1 ms").arg(result.latencyMs);
    case Version:
        return result.agentVersion > 0 ? QString(u"v"_s + QString::number(result.agentVersion)) : QString();
    case Request:
        return result.requestId;
    default:
        return {};
    }
}

QVariant InvocationTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const InvokeResult &result = m_results.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(result, index.column());
    case RequestIdRole:
        return result.requestId;
    case Qt::ForegroundRole:
        return index.column() == Status ? QVariant(httpStatusColor(result.status)) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == Latency || index.column() == Status ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                     : QVariant();
    case Qt::ToolTipRole:
        return index.column() == Request ? QVariant(tr("Click to see only this call's log lines")) : QVariant();
    default:
        return {};
    }
}

QVariant InvocationTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Node:
        return tr("Node");
    case Status:
        return tr("Status");
    case Latency:
        return tr("Latency");
    case Version:
        return tr("Agent version");
    case Request:
        return tr("Request id");
    default:
        return {};
    }
}

} // namespace rune::views
