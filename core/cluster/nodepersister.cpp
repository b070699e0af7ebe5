// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/nodepersister.h"

#include "store/store.h"

#include <QPointer>

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
        if (node.agent.local)
            return;
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

void NodePersister::save(qsizetype row)
{
    const Node node = m_nodes->at(row);
    // The demo cluster is rebuilt at every start; only real machines are kept.
    if (node.agent.local)
        return;
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

} // namespace rune
