// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "scaling/scalingsort.h"

#include <QAbstractTableModel>

namespace rune::views
{

/** The Scaling pane's fleet table: one row per function, filtered and sorted here. */
class ScalingTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScalingTableModel)

public:
    enum Column {
        Name,
        Nodes,
        Replicas,
        Ready,
        Starting,
        InFlight,
        CallsPerSecond,
        Queued,
        ColdStarts,
        State,
        ReplicasTrend,
        LoadTrend,
        ColumnCount
    };
    /** ReplicasTrend and LoadTrend give their values (QList<float>) in this role. */
    static constexpr int TrendRole = Qt::UserRole + 1;
    /** Every column gives the function's name in this role. */
    static constexpr int NameRole = Qt::UserRole + 2;

    explicit ScalingTableModel(ScalingFleet *fleet, QObject *parent = nullptr);

    void setFilter(const ScalingFilter &filter);
    ScalingFilter filter() const;
    /** The row of @p name; -1 when it is not shown. */
    int rowOf(const QString &name) const;
    QString nameAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

private:
    QStringList ordered() const;
    void rebuild();
    void refresh(const QStringList &names);
    QVariant display(const FunctionFleetRow &row, int column) const;

    ScalingFleet *m_fleet;
    ScalingFilter m_filter;
    ScalingOrder m_order = ScalingOrder::Name;
    Qt::SortOrder m_direction = Qt::AscendingOrder;
    QStringList m_names; ///< the rows, in order
};

} // namespace rune::views
