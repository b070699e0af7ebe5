// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/agentclient.h"
#include "cluster/nodelist.h"
#include "provision/provisionoptions.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <memory>

class QNetworkAccessManager;

namespace rune
{

class NodeOperations;
class NodeSessions;

/**
 * Polls the remote nodes (NodeMonitor does the local demo ones): /v1/health through each
 * node's tunnel, and when the agent does not answer, the node's own `rune-agentctl status`
 * over SSH, which tells a suspended or uninstalled agent from an unreachable one. What it sees
 * is corrected against the recorded target action and written back to the NodeList. Nodes with
 * an action under way are left to that action.
 */
class RemoteNodeMonitor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteNodeMonitor)

public:
    RemoteNodeMonitor(NodeList *nodes,
        NodeSessions *sessions,
        QNetworkAccessManager *network,
        const NodeOperations *operations,
        ProvisionOptions options,
        QObject *parent = nullptr);
    ~RemoteNodeMonitor() override;

    void setInterval(std::chrono::milliseconds interval);
    void start();
    void stop();
    void pollAll();

Q_SIGNALS:
    void polled(const QString &nodeId);

private:
    void poll(const Node &node);
    void askNode(const QString &nodeId);
    void apply(const QString &nodeId, AgentObservation observed, const std::optional<NodeFacts> &facts = {});

    NodeList *m_nodes;
    NodeSessions *m_sessions;
    QNetworkAccessManager *m_network;
    const NodeOperations *m_operations;
    ProvisionOptions m_options;
    QTimer m_timer;
    QSet<QString> m_inFlight;
    QHash<QString, std::shared_ptr<HttpAgentClient>> m_clients;
};

} // namespace rune
