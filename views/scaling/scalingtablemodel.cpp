// SPDX-License-Identifier: GPL-3.0-or-later
#include "scaling/scalingtablemodel.h"

#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

ScalingOrder orderOf(int column)
{
    switch (column) {
    case ScalingTableModel::Nodes:
        return ScalingOrder::Nodes;
    case ScalingTableModel::Replicas:
    case ScalingTableModel::ReplicasTrend:
        return ScalingOrder::Replicas;
    case ScalingTableModel::Ready:
        return ScalingOrder::Ready;
    case ScalingTableModel::Starting:
        return ScalingOrder::Starting;
    case ScalingTableModel::InFlight:
        return ScalingOrder::InFlight;
    case ScalingTableModel::CallsPerSecond:
    case ScalingTableModel::LoadTrend:
        return ScalingOrder::CallsPerSecond;
    case ScalingTableModel::Queued:
        return ScalingOrder::Queued;
    case ScalingTableModel::ColdStarts:
        return ScalingOrder::ColdStarts;
    case ScalingTableModel::State:
        return ScalingOrder::AtZero;
    default:
        return ScalingOrder::Name;
    }
}

} // namespace

ScalingTableModel::ScalingTableModel(ScalingFleet *fleet, QObject *parent)
    : QAbstractTableModel(parent)
    , m_fleet(fleet)
{
    connect(fleet, &ScalingFleet::namesChanged, this, &ScalingTableModel::rebuild);
    connect(fleet, &ScalingFleet::figuresChanged, this, &ScalingTableModel::refresh);
    m_names = ordered();
}

void ScalingTableModel::setFilter(const ScalingFilter &filter)
{
    m_filter = filter;
    rebuild();
}

ScalingFilter ScalingTableModel::filter() const
{
    return m_filter;
}

int ScalingTableModel::rowOf(const QString &name) const
{
    return int(m_names.indexOf(name));
}

QString ScalingTableModel::nameAt(int row) const
{
    return m_names.value(row);
}

QStringList ScalingTableModel::ordered() const
{
    QList<const FunctionFleetRow *> rows;
    for (const QString &name : m_fleet->names()) {
        const FunctionFleetRow *row = m_fleet->row(name);
        if (row && m_filter.accepts(*row))
            rows.append(row);
    }
    std::stable_sort(rows.begin(), rows.end(), [this](const FunctionFleetRow *a, const FunctionFleetRow *b) {
        return m_direction == Qt::AscendingOrder ? scalingRowLess(*a, *b, m_order) : scalingRowLess(*b, *a, m_order);
    });
    QStringList names;
    names.reserve(rows.size());
    for (const FunctionFleetRow *row : rows)
        names.append(row->name);
    return names;
}

void ScalingTableModel::rebuild()
{
    beginResetModel();
    m_names = ordered();
    endResetModel();
}

void ScalingTableModel::refresh(const QStringList &names)
{
    const QStringList now = ordered();
    if (now.size() != m_names.size()
        || QSet<QString>(now.begin(), now.end()) != QSet<QString>(m_names.begin(), m_names.end()))
        return rebuild(); // a filter on figures (at zero, at max) let rows in or out
    if (now != m_names) {
        Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList before = persistentIndexList();
        QModelIndexList after;
        after.reserve(before.size());
        for (const QModelIndex &index : before)
            after.append(
                index.isValid() ? createIndex(int(now.indexOf(m_names.value(index.row()))), index.column()) : index);
        m_names = now;
        changePersistentIndexList(before, after);
        Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    }
    for (const QString &name : names) {
        if (const int row = rowOf(name); row >= 0)
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

int ScalingTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_names.size());
}

int ScalingTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ScalingTableModel::display(const FunctionFleetRow &row, int column) const
{
    switch (column) {
    case Name:
        return row.name;
    case Nodes:
        return int(row.nodes.size());
    case Replicas:
        return row.limits ? tr("%1 of %2 max").arg(row.replicas).arg(row.limits->maxReplicas)
                          : QString::number(row.replicas);
    case Ready:
        return row.ready;
    case Starting:
        return row.starting();
    case InFlight:
        return row.inFlight;
    case CallsPerSecond:
        return QString::number(row.callsPerSecond, 'f', row.callsPerSecond < 100 ? 1 : 0);
    case Queued:
        return row.queued;
    case ColdStarts:
        return QString::number(row.coldStarts);
    case State:
        if (row.atMax())
            return tr("at max replicas");
        return row.atZero() ? tr("at zero") : tr("running");
    default:
        return {};
    }
}

QVariant ScalingTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const FunctionFleetRow *row = m_fleet->row(m_names.at(index.row()));
    if (!row)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return display(*row, index.column());
    case NameRole:
        return row->name;
    case TrendRole:
        if (index.column() == ReplicasTrend)
            return QVariant::fromValue(row->replicasTrend);
        if (index.column() == LoadTrend)
            return QVariant::fromValue(row->loadTrend);
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == Name || index.column() == State ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                                                 : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (index.column() == ReplicasTrend)
            return tr("Replicas over the last five minutes");
        if (index.column() == LoadTrend)
            return tr("Calls per second over the last five minutes");
        return {};
    default:
        return {};
    }
}

QVariant ScalingTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *const titles[] = {QT_TR_NOOP("Function"),
        QT_TR_NOOP("Nodes"),
        QT_TR_NOOP("Replicas"),
        QT_TR_NOOP("Ready"),
        QT_TR_NOOP("Starting"),
        QT_TR_NOOP("In flight"),
        QT_TR_NOOP("Calls/s"),
        QT_TR_NOOP("Queue"),
        QT_TR_NOOP("Cold starts"),
        QT_TR_NOOP("State"),
        QT_TR_NOOP("Replicas, 5 min"),
        QT_TR_NOOP("Load, 5 min")};
    static_assert(std::size(titles) == ColumnCount);
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

void ScalingTableModel::sort(int column, Qt::SortOrder order)
{
    m_order = orderOf(column);
    m_direction = order;
    refresh({});
}

} // namespace rune::views
