// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentmetrics.h"

#include <QAbstractTableModel>

namespace rune
{
class FleetMetrics;
}

namespace rune::views
{

/** The agent's events of one node (deploys, scaling, crashes, triggers), newest first. */
class NodeEventsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeEventsModel)

public:
    enum Column { Time, Kind, Function, Version, Detail, ColumnCount };

    explicit NodeEventsModel(FleetMetrics *metrics, QObject *parent = nullptr);

    void setNode(const QString &nodeId);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void reload();
    void addNewer();

    FleetMetrics *m_metrics;
    QString m_nodeId;
    QList<AgentEvent> m_events; ///< newest first
};

} // namespace rune::views
