// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/nodemonitor.h"

#include <QDateTime>
#include <QNetworkAccessManager>

using namespace Qt::StringLiterals;

namespace rune
{

NodeMonitor::NodeMonitor(NodeList *nodes, QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_nodes(nodes)
    , m_network(network)
{
    m_timer.setInterval(std::chrono::seconds(1));
    connect(&m_timer, &QTimer::timeout, this, &NodeMonitor::pollAll);
    connect(m_nodes, &NodeList::nodeAboutToBeRemoved, this, [this](qsizetype row) {
        m_clients.remove(m_nodes->at(row).id);
    });
}

NodeMonitor::~NodeMonitor() = default;

void NodeMonitor::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

std::chrono::milliseconds NodeMonitor::interval() const
{
    return m_timer.intervalAsDuration();
}

void NodeMonitor::start()
{
    pollAll();
    m_timer.start();
}

void NodeMonitor::stop()
{
    m_timer.stop();
}

void NodeMonitor::pollAll()
{
    // Copy: callbacks may change the list while we iterate.
    const QList<Node> nodes = m_nodes->nodes();
    for (const Node &node : nodes)
        poll(node);
}

HttpAgentClient *NodeMonitor::clientFor(const Node &node)
{
    // Remote nodes are reached through an SSH tunnel, which the provisioning layer sets up;
    // until then only agents on this machine are polled.
    if (!node.agent.local)
        return nullptr;
    auto &client = m_clients[node.id];
    const QUrl url(u"http://127.0.0.1:%1"_s.arg(node.agent.controlPort));
    if (!client || client->baseUrl() != url)
        client = std::make_shared<HttpAgentClient>(m_network, url, node.agent.token);
    return client.get();
}

void NodeMonitor::poll(const Node &node)
{
    if (m_inFlight.contains(node.id) || node.agent.controlPort == 0)
        return;
    HttpAgentClient *client = clientFor(node);
    if (!client)
        return;
    m_inFlight.insert(node.id);
    const QString id = node.id;
    client->fetchHealth(this, [this, id](Result<AgentHealth> health) {
        onHealth(id, health);
    });
}

void NodeMonitor::onHealth(const QString &nodeId, const Result<AgentHealth> &health)
{
    const Node *node = m_nodes->find(nodeId);
    if (!health || !node) {
        m_inFlight.remove(nodeId);
        applyObservation(nodeId, AgentObservation::Unreachable, std::nullopt);
        return;
    }
    const auto observed = health->status == u"suspended"_s ? AgentObservation::Suspended : AgentObservation::Serving;
    const bool needFacts = node->facts.cores == 0 || node->facts.agentVersion != health->version;
    if (!needFacts) {
        m_inFlight.remove(nodeId);
        applyObservation(nodeId, observed, std::nullopt);
        return;
    }
    m_clients.value(nodeId)->fetchInfo(this, [this, nodeId, observed](Result<NodeFacts> facts) {
        m_inFlight.remove(nodeId);
        applyObservation(
            nodeId, facts ? observed : AgentObservation::Unreachable, facts ? std::optional(*facts) : std::nullopt);
    });
}

void NodeMonitor::applyObservation(
    const QString &nodeId, AgentObservation observed, const std::optional<NodeFacts> &facts)
{
    const Node *current = m_nodes->find(nodeId);
    if (!current)
        return;
    Node node = *current;
    const auto elapsed = node.targetSince.isValid()
        ? std::chrono::seconds(node.targetSince.secsTo(QDateTime::currentDateTimeUtc()))
        : std::chrono::seconds(0);
    const Correction correction = correctObservedState(node.targetAction, observed, elapsed);
    node.state = correction.state;
    if (correction.targetReached || correction.timedOut) {
        node.targetAction.reset();
        node.targetSince = QDateTime();
    }
    if (facts)
        node.facts = *facts;
    m_nodes->update(node);
    Q_EMIT polled(nodeId);
}

} // namespace rune
