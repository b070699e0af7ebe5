// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodestate.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QStringList>

namespace rune
{
class NodeList;
class NodeOperations;
} // namespace rune

namespace rune::views
{

/**
 * One row per node an action (provisioning, suspend, ...) was asked of: its progress, current
 * step, outcome and log, following NodeOperations' signals. Rows stay after the action ends, so
 * the admin can read why a host failed and retry it.
 */
class ProvisioningModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProvisioningModel)

public:
    enum Column { Host, Action, Progress, Step, ColumnCount };
    enum class Outcome { Queued, Running, Done, Failed, Cancelled };
    enum DataRole { NodeIdRole = Qt::UserRole + 1 };

    struct Row {
        QString nodeId;
        QString name;
        NodeAction action = NodeAction::Provision;
        int percent = 0;
        QString step;
        Outcome outcome = Outcome::Queued;
        QString error;
        QStringList log;
    };

    ProvisioningModel(NodeList *nodes, NodeOperations *operations, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /** @p action was just started (or queued) on @p nodeIds. */
    void track(const QStringList &nodeIds, NodeAction action);
    /** A line for @p nodeId's log that does not come from the action itself (a refusal, say). */
    void note(const QString &nodeId, NodeAction action, const QString &line);
    const Row &at(int row) const;
    int rowOf(const QString &nodeId) const;
    int count(Outcome outcome) const;
    /** Drops the rows whose action has ended. */
    void clearFinished();

Q_SIGNALS:
    void logAppended(int row, const QString &line);

private:
    int ensureRow(const QString &nodeId, std::optional<NodeAction> action);
    void appendLog(int row, const QString &line);
    void changed(int row);
    QString outcomeText(const Row &row) const;

    QPointer<NodeList> m_nodes;
    QList<Row> m_rows;
};

} // namespace rune::views
