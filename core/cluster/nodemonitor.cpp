// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/nodemonitor.h"

#include "agent/remoteagentaccess.h"
#include "metrics/fleetmetrics.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace rune
{

NodeMonitor::NodeMonitor(NodeList *nodes, FleetMetrics *metrics, RemoteAgentAccess *access, QObject *parent)
    : QObject(parent)
    , m_nodes(nodes)
    , m_metrics(metrics)
    , m_access(access)
    , m_thread(std::make_unique<QThread>())
    , m_worker(new PollWorker)
    , m_reports(
          applyBudget,
          [this](const PollReport &report) {
              apply(report);
          },
          [metrics] {
              metrics->endBatch();
          })
{
    m_thread->setObjectName(u"rune-monitor"_s);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &PollWorker::reported, this, [this](const QList<PollReport> &reports) {
        m_reports.append(reports);
    });
    m_thread->start();
    toWorker([worker = m_worker, fast = m_interval, slow = m_backgroundInterval] {
        worker->setIntervals(fast, slow);
    });

    connect(nodes, &NodeList::nodeAdded, this, [this](qsizetype row) {
        sync(m_nodes->at(row));
    });
    connect(nodes, &NodeList::nodeChanged, this, [this](qsizetype row) {
        sync(m_nodes->at(row));
    });
    connect(nodes, &NodeList::nodeAboutToBeRemoved, this, [this](qsizetype row) {
        forget(m_nodes->at(row).id);
    });
    connect(nodes, &NodeList::aboutToBeReset, this, [this] {
        for (const Node &node : m_nodes->nodes())
            forget(node.id);
    });
    connect(nodes, &NodeList::reset, this, &NodeMonitor::syncAll);
    connect(&m_tunnelRetry, &QTimer::timeout, this, &NodeMonitor::retryTunnels);
    syncAll();
}

NodeMonitor::~NodeMonitor()
{
    m_thread->quit();
    m_thread->wait();
}

template <typename Work> void NodeMonitor::toWorker(Work work)
{
    QMetaObject::invokeMethod(m_worker, std::move(work), Qt::QueuedConnection);
}

void NodeMonitor::setInterval(std::chrono::milliseconds interval)
{
    m_interval = interval;
    m_backgroundInterval = std::max(m_backgroundInterval, interval);
    toWorker([worker = m_worker, fast = m_interval, slow = m_backgroundInterval] {
        worker->setIntervals(fast, slow);
    });
}

std::chrono::milliseconds NodeMonitor::interval() const
{
    return m_interval;
}

void NodeMonitor::setBackgroundInterval(std::chrono::milliseconds interval)
{
    m_backgroundInterval = std::max(interval, m_interval);
    toWorker([worker = m_worker, fast = m_interval, slow = m_backgroundInterval] {
        worker->setIntervals(fast, slow);
    });
}

std::chrono::milliseconds NodeMonitor::backgroundInterval() const
{
    return m_backgroundInterval;
}

void NodeMonitor::setUnreachableAfter(int polls)
{
    m_unreachableAfter = std::max(1, polls);
}

int NodeMonitor::unreachableAfter() const
{
    return m_unreachableAfter;
}

void NodeMonitor::setReplyLimits(const ReplyLimits &limits)
{
    toWorker([worker = m_worker, limits] {
        worker->setReplyLimits(limits);
    });
}

void NodeMonitor::setWatched(const QStringList &nodeIds)
{
    toWorker([worker = m_worker, ids = QSet<QString>(nodeIds.begin(), nodeIds.end())] {
        worker->setWatched(ids);
    });
}

void NodeMonitor::setFocus(const QString &nodeId)
{
    toWorker([worker = m_worker, nodeId] {
        worker->setFocus(nodeId);
    });
}

void NodeMonitor::refreshFacts(const QString &nodeId)
{
    toWorker([worker = m_worker, nodeId] {
        worker->refreshFacts(nodeId);
    });
}

void NodeMonitor::start()
{
    m_running = true;
    toWorker([worker = m_worker] {
        worker->start();
    });
    m_tunnelRetry.start(m_backgroundInterval);
    retryTunnels();
}

void NodeMonitor::stop()
{
    m_running = false;
    m_tunnelRetry.stop();
    toWorker([worker = m_worker] {
        worker->stop();
    });
}

void NodeMonitor::pollAll()
{
    retryTunnels();
    toWorker([worker = m_worker] {
        worker->pollAll();
    });
}

void NodeMonitor::syncAll()
{
    for (const Node &node : m_nodes->nodes())
        sync(node);
}

bool NodeMonitor::isRemotePollable(const Node &node) const
{
    // A machine that was never provisioned has no agent (and no token) yet: nothing to poll, and
    // no reason to log in to it behind the admin's back.
    return !node.agent.local && !node.ssh.host.isEmpty() && !node.agent.token.isEmpty()
        && node.state != NodeState::Terminated;
}

std::optional<NodeMonitor::Endpoint> NodeMonitor::endpointOf(const Node &node)
{
    if (node.agent.local) {
        if (node.agent.controlPort == 0)
            return std::nullopt;
        return Endpoint {QUrl(u"http://127.0.0.1:%1"_s.arg(node.agent.controlPort)), node.agent.token};
    }
    if (!isRemotePollable(node)) {
        m_tunnels.remove(node.id);
        return std::nullopt;
    }
    const auto tunnel = m_tunnels.constFind(node.id);
    if (tunnel == m_tunnels.constEnd() || tunnel->ssh != node.ssh || tunnel->remotePort != node.agent.controlPort) {
        m_tunnels.remove(node.id);
        if (m_running)
            openTunnel(node);
        return std::nullopt;
    }
    return Endpoint {QUrl(u"http://127.0.0.1:%1"_s.arg(tunnel->localPort)), node.agent.token};
}

void NodeMonitor::sync(const Node &node)
{
    const auto endpoint = endpointOf(node);
    const auto known = m_endpoints.constFind(node.id);
    if (!endpoint) {
        if (known != m_endpoints.constEnd()) {
            m_endpoints.remove(node.id);
            toWorker([worker = m_worker, id = node.id] {
                worker->removeTarget(id);
            });
        }
        return;
    }
    if (known != m_endpoints.constEnd() && *known == *endpoint)
        return;
    m_endpoints.insert(node.id, *endpoint);
    toWorker([worker = m_worker, id = node.id, endpoint = *endpoint] {
        worker->setTarget(id, endpoint.url, endpoint.token);
    });
}

void NodeMonitor::openTunnel(const Node &node)
{
    if (m_tunnelsOpening.contains(node.id))
        return;
    m_tunnelsOpening.insert(node.id);
    const Tunnel wanted {node.ssh, node.agent.controlPort, 0};
    m_access->openTunnel(node, this, [this, id = node.id, wanted](Result<quint16> port) {
        m_tunnelsOpening.remove(id);
        const Node *current = m_nodes->find(id);
        if (!current || current->ssh != wanted.ssh || current->agent.controlPort != wanted.remotePort)
            return;
        if (!port) {
            m_metrics->setProblem(id, port.error());
            return onSilence(id); // retried by retryTunnels()
        }
        m_tunnels.insert(id, Tunnel {wanted.ssh, wanted.remotePort, *port});
        sync(*current);
    });
}

void NodeMonitor::retryTunnels()
{
    for (const Node &node : m_nodes->nodes()) {
        if (isRemotePollable(node) && !m_tunnels.contains(node.id))
            openTunnel(node);
    }
}

void NodeMonitor::apply(const PollReport &report)
{
    const QString &id = report.nodeId;
    if (!m_nodes->find(id) || !m_endpoints.contains(id))
        return; // removed while its poll was under way
    m_metrics->setProblem(id, report.error ? report.error : report.partError);
    if (report.error)
        return onSilence(id);
    m_failures.remove(id);
    // The functions first: whoever follows a node's samples reads its functions as of the same poll.
    if (report.functionSamples)
        m_metrics->setFunctionSamples(id, *report.functionSamples);
    m_metrics->record(id, report.sample);
    if (report.functions)
        m_metrics->setFunctions(id, *report.functions);
    if (report.triggers)
        m_metrics->setTriggers(id, *report.triggers);
    if (!report.events.isEmpty() || report.eventsRestarted)
        m_metrics->addEvents(id, report.events, report.eventsRestarted);
    observe(id, AgentObservation::Serving, report.facts);
}

void NodeMonitor::onSilence(const QString &nodeId)
{
    const Node *node = m_nodes->find(nodeId);
    if (!node)
        return;
    const int failures = ++m_failures[nodeId];
    if (failures < m_unreachableAfter) {
        Q_EMIT polled(nodeId);
        return;
    }
    m_metrics->markSilent(nodeId);
    if (node->agent.local) {
        observe(nodeId, AgentObservation::Unreachable);
        return;
    }
    if (m_probing.contains(nodeId))
        return;
    // The agent is silent: the machine itself tells a suspended or removed agent from a dead host.
    m_probing.insert(nodeId);
    m_access->probe(*node, this, [this, nodeId](AgentObservation observed) {
        m_probing.remove(nodeId);
        if (m_failures.value(nodeId) >= m_unreachableAfter)
            observe(nodeId, observed);
    });
}

void NodeMonitor::observe(const QString &nodeId, AgentObservation observed, const std::optional<NodeFacts> &facts)
{
    const Node *current = m_nodes->find(nodeId);
    if (!current)
        return;
    if (!current->agent.local && m_access->isBusy(nodeId)) {
        Q_EMIT polled(nodeId); // the action under way sets the state
        return;
    }
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

void NodeMonitor::forget(const QString &nodeId)
{
    m_endpoints.remove(nodeId);
    m_tunnels.remove(nodeId);
    m_failures.remove(nodeId);
    toWorker([worker = m_worker, nodeId] {
        worker->removeTarget(nodeId);
    });
    m_metrics->forget(nodeId);
}

} // namespace rune
