// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/remotenodemonitor.h"

#include "provision/nodeoperations.h"
#include "provision/nodesessions.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace rune
{

RemoteNodeMonitor::RemoteNodeMonitor(NodeList *nodes,
    NodeSessions *sessions,
    QNetworkAccessManager *network,
    const NodeOperations *operations,
    ProvisionOptions options,
    QObject *parent)
    : QObject(parent)
    , m_nodes(nodes)
    , m_sessions(sessions)
    , m_network(network)
    , m_operations(operations)
    , m_options(std::move(options))
{
    m_timer.setInterval(std::chrono::seconds(5));
    connect(&m_timer, &QTimer::timeout, this, &RemoteNodeMonitor::pollAll);
}

RemoteNodeMonitor::~RemoteNodeMonitor() = default;

void RemoteNodeMonitor::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

void RemoteNodeMonitor::start()
{
    pollAll();
    m_timer.start();
}

void RemoteNodeMonitor::stop()
{
    m_timer.stop();
}

void RemoteNodeMonitor::pollAll()
{
    const QList<Node> nodes = m_nodes->nodes();
    for (const Node &node : nodes) {
        if (!node.agent.local && !node.ssh.host.isEmpty() && node.state != NodeState::Terminated
            && !m_inFlight.contains(node.id) && !(m_operations && m_operations->isBusy(node.id)))
            poll(node);
    }
}

void RemoteNodeMonitor::poll(const Node &node)
{
    const QString id = node.id;
    m_inFlight.insert(id);
    m_sessions->agentTunnel(node, this, [this, id](Result<quint16> port) {
        const Node *current = m_nodes->find(id);
        if (!current || !port) {
            m_inFlight.remove(id);
            return apply(id, AgentObservation::Unreachable);
        }
        auto &client = m_clients[id];
        const QUrl url(u"http://127.0.0.1:%1"_s.arg(*port));
        if (!client || client->baseUrl() != url)
            client = std::make_shared<HttpAgentClient>(m_network, url, current->agent.token);
        client->fetchHealth(this, [this, id, client](Result<AgentHealth> health) {
            if (!health)
                return askNode(id);
            const auto observed =
                health->status == u"suspended"_s ? AgentObservation::Suspended : AgentObservation::Serving;
            const Node *now = m_nodes->find(id);
            if (now && now->facts.cores > 0 && now->facts.agentVersion == health->version) {
                m_inFlight.remove(id);
                return apply(id, observed);
            }
            client->fetchInfo(this, [this, id, observed](Result<NodeFacts> facts) {
                m_inFlight.remove(id);
                apply(id, observed, facts ? std::optional(*facts) : std::nullopt);
            });
        });
    });
}

void RemoteNodeMonitor::askNode(const QString &nodeId)
{
    const Node *node = m_nodes->find(nodeId);
    if (!node) {
        m_inFlight.remove(nodeId);
        return;
    }
    const QString ctl = shellQuote(m_options.installRootFor(*node) + u"/usr/local/sbin/rune-agentctl"_s);
    m_sessions->shellFor(*node)->run(u"if [ -x %1 ]; then %1 status; else echo absent; fi"_s.arg(ctl),
        std::chrono::seconds(10),
        this,
        [this, nodeId](Result<ExecResult> result) {
            m_inFlight.remove(nodeId);
            const QByteArray status = result ? result->standardOutput.trimmed() : QByteArray();
            if (status == "suspended")
                apply(nodeId, AgentObservation::Suspended);
            else if (status == "absent")
                apply(nodeId, AgentObservation::NotInstalled);
            else
                apply(nodeId, AgentObservation::Unreachable);
        });
}

void RemoteNodeMonitor::apply(const QString &nodeId, AgentObservation observed, const std::optional<NodeFacts> &facts)
{
    const Node *current = m_nodes->find(nodeId);
    if (!current || (m_operations && m_operations->isBusy(nodeId)))
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
