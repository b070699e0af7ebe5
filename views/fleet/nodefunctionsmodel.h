// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentmetrics.h"
#include "metrics/nodesample.h"

#include <QAbstractTableModel>

namespace rune
{
class FleetMetrics;
}

namespace rune::views
{

/** "Its replicas cannot start (3 failures in a row; the agent tries again in 4.00 s): <the agent's message>". */
QString startFailureText(const StartFailure &failure);

/**
 * The functions deployed on one node: version, state, runtime, replicas (ready of running),
 * calls in flight, and their calls per second, errors and latency, from the node's function
 * list and metrics. Follows FleetMetrics for the node it shows.
 */
class NodeFunctionsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeFunctionsModel)

public:
    enum Column { Name, Version, State, Runtime, Replicas, InFlight, Calls, Errors, Latency, P99, ColumnCount };
    enum DataRole { SortRole = Qt::UserRole + 1 };

    explicit NodeFunctionsModel(FleetMetrics *metrics, QObject *parent = nullptr);

    void setNode(const QString &nodeId);
    QString node() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        AgentFunction function;
        FunctionSample sample;
    };
    void reload();
    QVariant display(const Row &row, int column) const;

    FleetMetrics *m_metrics;
    QString m_nodeId;
    QList<Row> m_rows;
};

} // namespace rune::views
