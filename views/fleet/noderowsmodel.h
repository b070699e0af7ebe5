// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QPointer>

namespace rune
{
class NodeList;
} // namespace rune

namespace rune::views
{

/**
 * A table with one row per node of a NodeList, following its additions, removals, changes and
 * resets row by row. Subclasses say what the columns show.
 */
class NodeRowsModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeRowsModel)

public:
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;

protected:
    NodeRowsModel(NodeList *nodes, int columnCount, QObject *parent);

    /** The list the rows follow; null once it is gone. */
    NodeList *nodes() const;

private:
    QPointer<NodeList> m_nodes;
    int m_columnCount;
};

} // namespace rune::views
