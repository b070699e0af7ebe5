// SPDX-License-Identifier: GPL-3.0-or-later
#include "scaling/scalingeventsmodel.h"

#include <QDateTime>

namespace rune::views
{

ScalingEventsModel::ScalingEventsModel(
    ScalingEvents *events, std::function<QString(const QString &)> nodeName, QObject *parent)
    : QAbstractTableModel(parent)
    , m_events(events)
    , m_nodeName(std::move(nodeName))
{
    connect(events, &ScalingEvents::aboutToAppend, this, &ScalingEventsModel::onAboutToAppend);
    connect(events, &ScalingEvents::appended, this, &ScalingEventsModel::onAppended);
    connect(events, &ScalingEvents::aboutToDropOldest, this, &ScalingEventsModel::onAboutToDropOldest);
    rebuild();
}

void ScalingEventsModel::setFunction(const QString &function)
{
    if (function == m_function)
        return;
    m_function = function;
    rebuild();
}

const ScalingEvent &ScalingEventsModel::eventAt(int row) const
{
    return m_events->at(m_rows.at(row) - m_dropped);
}

bool ScalingEventsModel::accepts(const ScalingEvent &event) const
{
    return m_function.isEmpty() || event.function == m_function;
}

void ScalingEventsModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    for (qsizetype i = m_events->size() - 1; i >= 0; --i) {
        if (accepts(m_events->at(i)))
            m_rows.append(m_dropped + i);
    }
    endResetModel();
}

void ScalingEventsModel::onAboutToAppend(qsizetype first, qsizetype last)
{
    // Remembered now, inserted once the events are there to read.
    m_pending.clear();
    for (qsizetype i = last; i >= first; --i)
        m_pending.append(m_dropped + i);
}

void ScalingEventsModel::onAppended()
{
    QList<qint64> shown;
    for (const qint64 serial : std::as_const(m_pending)) {
        if (accepts(m_events->at(serial - m_dropped)))
            shown.append(serial);
    }
    m_pending.clear();
    if (shown.isEmpty())
        return;
    beginInsertRows({}, 0, int(shown.size()) - 1);
    m_rows = shown + m_rows;
    endInsertRows();
}

void ScalingEventsModel::onAboutToDropOldest(qsizetype count)
{
    const qint64 firstKept = m_dropped + count;
    // Newest first: the dropped ones are the last rows.
    qsizetype keep = m_rows.size();
    while (keep > 0 && m_rows.at(keep - 1) < firstKept)
        --keep;
    if (keep < m_rows.size()) {
        beginRemoveRows({}, int(keep), int(m_rows.size()) - 1);
        m_rows.resize(keep);
        m_dropped = firstKept;
        endRemoveRows();
    } else {
        m_dropped = firstKept;
    }
}

int ScalingEventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ScalingEventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ScalingEventsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const ScalingEvent &event = eventAt(index.row());
    if (role == Qt::ToolTipRole)
        return event.reason;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return QDateTime::fromMSecsSinceEpoch(event.timeMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Node:
        return m_nodeName(event.nodeId);
    case Function:
        return event.version > 0 ? tr("%1 v%2").arg(event.function).arg(event.version) : event.function;
    case Kind:
        return scalingKindName(event.kind);
    case Reason:
        return event.reason;
    default:
        return {};
    }
}

QVariant ScalingEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Time");
    case Node:
        return tr("Node");
    case Function:
        return tr("Function");
    case Kind:
        return tr("Event");
    case Reason:
        return tr("Reason");
    default:
        return {};
    }
}

} // namespace rune::views
