// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/nodepersister.h"

#include "store/store.h"

#include <QScopedValueRollback>
#include <QSet>

namespace rune
{

NodePersister::NodePersister(NodeList *nodes, Store *store, QObject *parent)
    : QObject(parent)
    , m_nodes(nodes)
    , m_store(store)
{
    connect(nodes, &NodeList::nodeAdded, this, &NodePersister::save);
    connect(nodes, &NodeList::nodeChanged, this, &NodePersister::save);
    connect(nodes, &NodeList::nodeAboutToBeRemoved, this, [this](qsizetype row) {
        const Node node = m_nodes->at(row);
        if (node.agent.local || node.id == m_removing)
            return;
        m_lastWrite.insert(node.id, ++m_writes);
        m_writer.post([this, id = node.id] {
            if (auto removed = m_store->removeNode(id); !removed)
                report(removed.error().message);
        });
    });
}

NodePersister::~NodePersister()
{
    flush();
}

void NodePersister::flush()
{
    m_writer.waitForDone();
}

void NodePersister::setBusy(Busy busy)
{
    m_busy = std::move(busy);
}

void NodePersister::save(qsizetype row)
{
    const Node node = m_nodes->at(row);
    // The demo cluster is rebuilt at every start; only real machines are kept. What a reload
    // brought from the store is there already.
    if (node.agent.local || (m_applying && node == *m_applying))
        return;
    m_lastWrite.insert(node.id, ++m_writes);
    m_writer.post([this, node] {
        if (auto saved = m_store->saveNode(node); !saved)
            report(saved.error().message);
    });
}

void NodePersister::report(const QString &message)
{
    QMetaObject::invokeMethod(
        this,
        [this, message] {
            Q_EMIT saveFailed(message);
        },
        Qt::QueuedConnection);
}

void NodePersister::reload(std::function<void(Result<void>)> done)
{
    // Behind every write queued so far; a write queued after this is newer than what it reads.
    m_writer.run(
        this,
        [store = m_store] {
            return store->loadNodes();
        },
        [this, asked = m_writes, done = std::move(done)](const Result<QList<Node>> &stored) {
            if (stored)
                apply(*stored, asked);
            if (done)
                done(stored ? Result<void>() : std::unexpected(stored.error()));
        });
}

bool NodePersister::followsStore(const QString &id, quint64 asked) const
{
    return m_lastWrite.value(id) <= asked && !(m_busy && m_busy(id));
}

void NodePersister::apply(const QList<Node> &stored, quint64 asked)
{
    QSet<QString> storedIds;
    for (const Node &node : stored) {
        storedIds.insert(node.id);
        const Node *known = m_nodes->find(node.id);
        if (node.agent.local || !followsStore(node.id, asked) || (known && known->agent.local))
            continue;
        Node merged = node;
        if (known) {
            merged.facts.isolation = known->facts.isolation;
            merged.facts.gpus = known->facts.gpus;
        }
        const QScopedValueRollback<const Node *> applying(m_applying, &merged);
        if (known)
            m_nodes->update(merged);
        else
            m_nodes->add(merged);
    }
    QStringList gone;
    for (const Node &node : m_nodes->nodes()) {
        if (!node.agent.local && !storedIds.contains(node.id) && followsStore(node.id, asked))
            gone << node.id;
    }
    for (const QString &id : std::as_const(gone)) {
        const QScopedValueRollback removing(m_removing, id);
        m_nodes->remove(id);
    }
}

} // namespace rune
