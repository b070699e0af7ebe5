// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/functionagentclient.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace rune
{
class NodeList;
}

namespace rune::views
{

/** The calls made from the invoke panel, newest first. */
class InvocationTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InvocationTableModel)

public:
    enum Column { Time, Node, Status, Latency, Version, Request, ColumnCount };
    enum DataRole { RequestIdRole = Qt::UserRole + 1 };

    explicit InvocationTableModel(NodeList *nodes, QObject *parent = nullptr);

    void add(const InvokeResult &result);
    void clear();
    const InvokeResult &resultAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant displayData(const InvokeResult &result, int column) const;

    static constexpr int limit = 200;

    QPointer<NodeList> m_nodes;
    QList<InvokeResult> m_results;
};

} // namespace rune::views
