// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/nodeeventsmodel.h"

#include "metrics/fleetmetrics.h"

#include <QColor>
#include <QDateTime>

using namespace Qt::StringLiterals;

namespace rune::views
{

NodeEventsModel::NodeEventsModel(FleetMetrics *metrics, QObject *parent)
    : QAbstractTableModel(parent)
    , m_metrics(metrics)
{
    connect(metrics, &FleetMetrics::eventsAdded, this, [this](const QString &nodeId) {
        if (nodeId == m_nodeId)
            addNewer();
    });
    connect(metrics, &FleetMetrics::forgotten, this, [this](const QString &nodeId) {
        if (nodeId == m_nodeId)
            reload();
    });
}

void NodeEventsModel::setNode(const QString &nodeId)
{
    if (nodeId == m_nodeId)
        return;
    m_nodeId = nodeId;
    reload();
}

void NodeEventsModel::reload()
{
    beginResetModel();
    m_events.clear();
    const QList<AgentEvent> events = m_metrics->events(m_nodeId);
    m_events = QList<AgentEvent>(events.rbegin(), events.rend());
    endResetModel();
}

void NodeEventsModel::addNewer()
{
    const QList<AgentEvent> events = m_metrics->events(m_nodeId);
    // New events go on top; an agent that restarted numbers them anew, so compare by position.
    const qsizetype known = m_events.size();
    if (events.size() < known || (known > 0 && !(events.at(known - 1).seq == m_events.first().seq))) {
        reload();
        return;
    }
    const qsizetype added = events.size() - known;
    if (added <= 0)
        return;
    beginInsertRows({}, 0, int(added) - 1);
    for (qsizetype i = known; i < events.size(); ++i)
        m_events.prepend(events.at(i));
    endInsertRows();
}

int NodeEventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int NodeEventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeEventsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const AgentEvent &event = m_events.at(index.row());
    if (role == Qt::ToolTipRole && index.column() == Time)
        return QDateTime::fromMSecsSinceEpoch(event.timeMs).toString(Qt::ISODateWithMs);
    if (role == Qt::ForegroundRole && index.column() == Kind
        && (event.kind.contains(u"crash"_s) || event.kind.contains(u"fail"_s) || event.kind.contains(u"timeout"_s)))
        return QColor(0xdc, 0x3c, 0x3c);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return QDateTime::fromMSecsSinceEpoch(event.timeMs).toString(u"HH:mm:ss"_s);
    case Kind:
        return QString(event.kind).replace(u'_', u' ');
    case Function:
        return event.function;
    case Version:
        return event.version > 0 ? u"v%1"_s.arg(event.version) : QString();
    case Detail:
        return event.detail;
    default:
        return {};
    }
}

QVariant NodeEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Time");
    case Kind:
        return tr("Event");
    case Function:
        return tr("Function");
    case Version:
        return tr("Version");
    case Detail:
        return tr("Detail");
    default:
        return {};
    }
}

} // namespace rune::views
