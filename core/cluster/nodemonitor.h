// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/agentclient.h"
#include "cluster/nodelist.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <chrono>
#include <memory>

class QNetworkAccessManager;

namespace rune
{

/**
 * Polls every reachable node's agent and writes what it sees back into the NodeList: the
 * observed state (corrected against the recorded target action) and the host facts. All
 * network work is asynchronous; a node with a poll still outstanding is skipped, never queued.
 */
class NodeMonitor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeMonitor)

public:
    NodeMonitor(NodeList *nodes, QNetworkAccessManager *network, QObject *parent = nullptr);
    ~NodeMonitor() override;

    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const;
    void start();
    void stop();
    /** Polls every node now, outside the timer. */
    void pollAll();

Q_SIGNALS:
    /** One node's poll completed (whatever it found). */
    void polled(const QString &nodeId);

private:
    void poll(const Node &node);
    void applyObservation(const QString &nodeId, AgentObservation observed, const std::optional<NodeFacts> &facts);
    void onHealth(const QString &nodeId, const Result<AgentHealth> &health);
    HttpAgentClient *clientFor(const Node &node);

    NodeList *m_nodes;
    QNetworkAccessManager *m_network;
    QTimer m_timer;
    QHash<QString, std::shared_ptr<HttpAgentClient>> m_clients;
    QSet<QString> m_inFlight;
};

} // namespace rune
