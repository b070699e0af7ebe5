// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodelist.h"
#include "util/background.h"
#include "util/result.h"

#include <QHash>
#include <QObject>
#include <functional>

namespace rune
{

class Store;

/**
 * Writes every change of the fleet's non-demo nodes to the store as it happens, so nothing is
 * lost on a crash, and brings the changes another process made to the store back into the
 * list. Writes and reloads run in order on one worker thread; the UI thread never waits on them.
 */
class NodePersister final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodePersister)

public:
    /** Whether a node is being worked on here, so a reload must leave it as the list has it. */
    using Busy = std::function<bool(const QString &nodeId)>;

    NodePersister(NodeList *nodes, Store *store, QObject *parent = nullptr);
    /** Waits for the writes still queued: at shutdown, so the last change reaches the disk. */
    ~NodePersister() override;

    /** Blocks until every queued write is done (tests and shutdown). */
    void flush();

    void setBusy(Busy busy);
    /**
     * Reads the stored nodes after the writes queued so far and makes the list match them:
     * nodes added, changed or removed elsewhere follow; nothing is announced for a node that is
     * the same. A node written here since the read was asked for, a busy node and the demo
     * nodes keep what the list has, as do the facts the store does not keep (isolation, GPUs).
     * @p done learns whether the store could be read.
     */
    void reload(std::function<void(Result<void>)> done = {});

Q_SIGNALS:
    void saveFailed(const QString &message);

private:
    void save(qsizetype row);
    void report(const QString &message);
    void apply(const QList<Node> &stored, quint64 asked);
    /** Whether a reload asked for at write number @p asked may change node @p id. */
    bool followsStore(const QString &id, quint64 asked) const;

    NodeList *m_nodes;
    Store *m_store;
    Busy m_busy;
    quint64 m_writes = 0; ///< writes posted so far
    QHash<QString, quint64> m_lastWrite; ///< node id -> number of its latest write
    const Node *m_applying = nullptr; ///< the stored node a reload is putting in the list: no write back
    QString m_removing; ///< the node a reload is taking out of the list: no write back
    SerialQueue m_writer;
};

} // namespace rune
