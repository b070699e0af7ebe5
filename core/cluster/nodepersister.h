// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodelist.h"
#include "util/background.h"

#include <QObject>

namespace rune
{

class Store;

/**
 * Writes every change of the fleet's non-demo nodes to the store as it happens, so nothing is
 * lost on a crash. Writes run in order on one worker thread; the UI thread never waits on them.
 */
class NodePersister final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodePersister)

public:
    NodePersister(NodeList *nodes, Store *store, QObject *parent = nullptr);
    /** Waits for the writes still queued: at shutdown, so the last change reaches the disk. */
    ~NodePersister() override;

    /** Blocks until every queued write is done (tests and shutdown). */
    void flush();

Q_SIGNALS:
    void saveFailed(const QString &message);

private:
    void save(qsizetype row);
    void report(const QString &message);

    NodeList *m_nodes;
    Store *m_store;
    SerialQueue m_writer;
};

} // namespace rune
