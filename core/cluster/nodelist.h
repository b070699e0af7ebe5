// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/node.h"

#include <QHash>
#include <QList>
#include <QObject>

namespace rune
{

/**
 * The fleet as the console knows it: an ordered list of nodes, the single source the views
 * and the monitor share. Every change is announced so item models can follow row by row.
 */
class NodeList final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeList)

public:
    explicit NodeList(QObject *parent = nullptr);

    const QList<Node> &nodes() const;
    qsizetype count() const;
    const Node &at(qsizetype row) const;
    /** The row of the node with @p id, or -1. */
    qsizetype indexOf(const QString &id) const;
    const Node *find(const QString &id) const;

    /** Appends @p node; refused (false) when its id is already present or empty. */
    bool add(const Node &node);
    /** Replaces the node with the same id; false when there is none. Unchanged nodes emit nothing. */
    bool update(const Node &node);
    bool remove(const QString &id);
    void clear();

Q_SIGNALS:
    void nodeAboutToBeAdded(qsizetype row);
    void nodeAdded(qsizetype row);
    void nodeAboutToBeRemoved(qsizetype row);
    void nodeRemoved(qsizetype row);
    void nodeChanged(qsizetype row);
    void aboutToBeReset();
    void reset();

private:
    void reindexFrom(qsizetype row);

    QList<Node> m_nodes;
    QHash<QString, qsizetype> m_rows; ///< id -> row: a fleet of thousands is looked up on every poll
};

/** The name of node @p id in @p nodes; @p id itself when there is no such node (or no list). */
QString nodeNameOrId(const NodeList *nodes, const QString &id);

} // namespace rune
