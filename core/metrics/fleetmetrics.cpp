// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/fleetmetrics.h"

namespace rune
{

double FleetTotals::errorRate() const
{
    return invocationsPerSecond > 0 ? std::min(1.0, errorsPerSecond / invocationsPerSecond) : 0.0;
}

FleetMetrics::FleetMetrics(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<rune::NodeSample>();
}

FleetMetrics::~FleetMetrics() = default;

const NodeSample *FleetMetrics::latest(const QString &nodeId) const
{
    const auto it = m_nodes.constFind(nodeId);
    return it == m_nodes.constEnd() || !it->latest ? nullptr : &*it->latest;
}

FleetTotals FleetMetrics::totals() const
{
    FleetTotals totals;
    double cpu = 0;
    for (const NodeData &node : m_nodes) {
        if (!node.latest)
            continue;
        const NodeSample &s = *node.latest;
        ++totals.reporting;
        cpu += s.cpuPercent;
        totals.invocationsPerSecond += s.invocationsPerSecond;
        totals.errorsPerSecond += s.errorsPerSecond;
        totals.memoryUsedBytes += s.memoryUsedBytes;
        totals.memoryTotalBytes += s.memoryTotalBytes;
        totals.diskUsedBytes += s.diskUsedBytes;
        totals.diskTotalBytes += s.diskTotalBytes;
        totals.functions = saturatingAdd(totals.functions, s.functions);
        totals.replicas = saturatingAdd(totals.replicas, s.replicas);
        totals.inFlight = saturatingAdd(totals.inFlight, s.inFlight);
    }
    totals.cpuPercent = totals.reporting > 0 ? cpu / totals.reporting : 0.0;
    return totals;
}

QList<FunctionSample> FleetMetrics::functionSamples(const QString &nodeId) const
{
    return m_nodes.value(nodeId).functionSamples;
}

QList<AgentFunction> FleetMetrics::functions(const QString &nodeId) const
{
    return m_nodes.value(nodeId).functions;
}

QList<AgentEvent> FleetMetrics::events(const QString &nodeId) const
{
    const auto it = m_nodes.constFind(nodeId);
    if (it == m_nodes.constEnd())
        return {};
    return QList<AgentEvent>(it->events.begin(), it->events.end());
}

void FleetMetrics::record(const QString &nodeId, const NodeSample &sample)
{
    m_nodes[nodeId].latest = sample;
    m_dirty = true;
    Q_EMIT sampled(nodeId, sample);
}

void FleetMetrics::markSilent(const QString &nodeId)
{
    const auto it = m_nodes.find(nodeId);
    if (it == m_nodes.end() || !it->latest)
        return;
    it->latest.reset();
    m_dirty = true;
}

const Error *FleetMetrics::problem(const QString &nodeId) const
{
    const auto it = m_nodes.constFind(nodeId);
    return it == m_nodes.constEnd() || !it->problem ? nullptr : &*it->problem;
}

void FleetMetrics::setProblem(const QString &nodeId, const std::optional<Error> &problem)
{
    const auto it = m_nodes.find(nodeId);
    if (it == m_nodes.end() && !problem)
        return;
    NodeData &node = it == m_nodes.end() ? m_nodes[nodeId] : *it;
    if (node.problem == problem)
        return;
    node.problem = problem;
    m_dirty = true;
}

void FleetMetrics::setFunctionSamples(const QString &nodeId, const QList<FunctionSample> &samples)
{
    NodeData &node = m_nodes[nodeId];
    if (node.functionSamples == samples)
        return;
    node.functionSamples = samples;
    Q_EMIT functionsChanged(nodeId);
}

const AgentTriggers *FleetMetrics::triggers(const QString &nodeId) const
{
    const auto node = m_nodes.constFind(nodeId);
    return node == m_nodes.cend() || !node->triggers ? nullptr : &*node->triggers;
}

FleetMetrics::BrokerCounts FleetMetrics::brokerCounts() const
{
    BrokerCounts counts;
    for (const NodeData &node : m_nodes) {
        if (!node.triggers)
            continue;
        if (!node.triggers->broker)
            ++counts.none;
        else if (node.triggers->broker->state == AgentBroker::State::Connected)
            ++counts.connected;
        else if (node.triggers->broker->state == AgentBroker::State::Failed)
            ++counts.failed;
        else
            ++counts.connecting;
    }
    return counts;
}

void FleetMetrics::setTriggers(const QString &nodeId, const AgentTriggers &triggers)
{
    NodeData &node = m_nodes[nodeId];
    if (node.triggers == triggers)
        return;
    node.triggers = triggers;
    m_dirty = true;
    Q_EMIT triggersChanged(nodeId);
}

void FleetMetrics::setFunctions(const QString &nodeId, const QList<AgentFunction> &functions)
{
    NodeData &node = m_nodes[nodeId];
    if (node.functions == functions)
        return;
    node.functions = functions;
    Q_EMIT functionsChanged(nodeId);
}

void FleetMetrics::addEvents(const QString &nodeId, const QList<AgentEvent> &events, bool agentRestarted)
{
    NodeData &node = m_nodes[nodeId];
    // After a restart the agent numbers its events from 1 again; before, a number seen is old.
    if (agentRestarted)
        node.lastSeq = 0;
    QList<AgentEvent> added;
    for (const AgentEvent &event : events) {
        if (event.seq <= node.lastSeq)
            continue;
        node.events.push_back(event);
        node.lastSeq = event.seq;
        added.append(event);
    }
    while (node.events.size() > size_t(maxEvents))
        node.events.pop_front();
    if (!added.isEmpty()) {
        Q_EMIT eventsAdded(nodeId);
        Q_EMIT newEvents(nodeId, added);
    }
}

void FleetMetrics::forget(const QString &nodeId)
{
    if (m_nodes.remove(nodeId)) {
        m_dirty = true;
        Q_EMIT forgotten(nodeId);
    }
}

void FleetMetrics::endBatch()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    Q_EMIT updated();
}

} // namespace rune
