// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/function.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace rune
{
class FunctionCatalog;
class NodeList;
} // namespace rune

namespace rune::views
{

/** The versions of one function, newest first: number, time, state, where it runs, note. */
class VersionTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VersionTableModel)

public:
    enum Column { Version, Created, State, Nodes, Note, ColumnCount };
    enum DataRole {
        NumberRole = Qt::UserRole + 1, ///< the version number
        StateRole, ///< the FunctionState as int
    };

    VersionTableModel(FunctionCatalog *catalog, NodeList *nodes, QObject *parent = nullptr);

    /** Shows the versions of @p functionId (empty: none). */
    void setFunction(const QString &functionId);
    QString functionId() const;
    /** The row of version @p number, or -1. */
    int rowOf(int number) const;
    FunctionVersion versionAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void sync();
    QString nodesText(int number) const;
    QVariant displayData(const FunctionVersion &version, int column) const;

    QPointer<FunctionCatalog> m_catalog;
    QPointer<NodeList> m_nodes;
    QString m_functionId;
    QList<FunctionVersion> m_rows; ///< newest first
};

} // namespace rune::views
