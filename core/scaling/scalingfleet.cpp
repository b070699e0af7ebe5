// SPDX-License-Identifier: GPL-3.0-or-later
#include "scaling/scalingfleet.h"

#include "functions/functioncatalog.h"
#include "metrics/fleetmetrics.h"
#include "metrics/metrichistory.h"

#include <algorithm>

namespace rune
{

namespace
{

void appendTrend(QList<float> &trend, float value)
{
    trend.append(value);
    if (trend.size() > ScalingFleet::trendPoints)
        trend.remove(0, trend.size() - ScalingFleet::trendPoints);
}

} // namespace

int FunctionOnNode::starting() const
{
    return std::max(0, sample.replicas - sample.replicasReady);
}

int FunctionFleetRow::starting() const
{
    return std::max(0, replicas - ready);
}

bool FunctionFleetRow::atZero() const
{
    return replicas == 0;
}

bool FunctionFleetRow::atMax() const
{
    return nodesAtMax > 0;
}

ScalingFleet::ScalingFleet(FleetMetrics *metrics, MetricHistory *history, FunctionCatalog *catalog, QObject *parent)
    : QObject(parent)
    , m_metrics(metrics)
    , m_history(history)
    , m_catalog(catalog)
{
    connect(metrics, &FleetMetrics::sampled, this, &ScalingFleet::onSampled);
    connect(metrics, &FleetMetrics::updated, this, &ScalingFleet::endBatch);
    connect(metrics, &FleetMetrics::forgotten, this, &ScalingFleet::onForgotten);
    connect(catalog, &FunctionCatalog::functionChanged, this, &ScalingFleet::updateLimits);
    connect(catalog, &FunctionCatalog::functionAdded, this, &ScalingFleet::updateLimits);
    connect(catalog, &FunctionCatalog::loaded, this, [this] {
        for (auto it = m_rows.begin(); it != m_rows.end(); ++it) {
            it->limits = limitsOf(it.key());
            sum(*it);
        }
        Q_EMIT figuresChanged(names());
    });
    m_trendTimer.setInterval(trendStep);
    connect(&m_trendTimer, &QTimer::timeout, this, &ScalingFleet::sampleTrends);
    m_trendTimer.start();
}

ScalingFleet::~ScalingFleet() = default;

QString ScalingFleet::seriesKey(const QString &nodeId, const QString &function)
{
    // A unit separator: neither a node id nor a function name can hold it.
    return nodeId + QChar(0x1f) + function;
}

QStringList ScalingFleet::names() const
{
    QStringList names = m_rows.keys();
    names.sort();
    return names;
}

const FunctionFleetRow *ScalingFleet::row(const QString &name) const
{
    const auto it = m_rows.constFind(name);
    return it == m_rows.constEnd() ? nullptr : &*it;
}

void ScalingFleet::onSampled(const QString &nodeId, const NodeSample &sample)
{
    // NodeMonitor sets a node's functions before its sample: these are of the same poll. A fleet
    // polls thousands of functions a second, most of them idle: one that reports what it
    // reported last time costs a lookup and a comparison.
    const QList<FunctionSample> functions = m_metrics->functionSamples(nodeId);
    NodeFunctions &onNode = m_nodeFunctions[nodeId];
    const quint32 poll = ++onNode.polls;
    for (const FunctionSample &function : functions.first(std::min<qsizetype>(functions.size(), maxFunctionsPerNode))) {
        Tracked &tracked = onNode.byName[function.name];
        const bool known = tracked.seenInPoll > 0;
        tracked.seenInPoll = poll;
        if (!known)
            tracked.key = seriesKey(nodeId, function.name);
        if (!known || !(tracked.last == function)) {
            tracked.last = function;
            setEntry(function.name, FunctionOnNode {nodeId, sample.timeMs, function});
        }
        record(tracked, function, sample.timeMs);
    }
    for (auto it = onNode.byName.begin(); it != onNode.byName.end();) {
        if (it->seenInPoll == poll) {
            ++it;
            continue;
        }
        removeEntry(it.key(), nodeId);
        it = onNode.byName.erase(it);
    }
}

void ScalingFleet::record(Tracked &tracked, const FunctionSample &function, qint64 timeMs)
{
    // Every change of replicas is kept, however close to the last point: that is what scaling is.
    if (tracked.recordedMs > 0 && timeMs - tracked.recordedMs < historyStepMs
        && function.replicas == tracked.recordedReplicas)
        return;
    tracked.recordedMs = timeMs;
    tracked.recordedReplicas = function.replicas;
    m_history->recordPoint(tracked.key, pointFrom(function, timeMs));
}

void ScalingFleet::onForgotten(const QString &nodeId)
{
    const NodeFunctions gone = m_nodeFunctions.take(nodeId);
    for (auto it = gone.byName.cbegin(); it != gone.byName.cend(); ++it)
        removeEntry(it.key(), nodeId);
    endBatch();
}

void ScalingFleet::setEntry(const QString &name, const FunctionOnNode &entry)
{
    auto it = m_rows.find(name);
    if (it == m_rows.end()) {
        it = m_rows.insert(name, FunctionFleetRow {});
        it->name = name;
        it->limits = limitsOf(name);
        m_namesChanged = true;
    }
    QList<FunctionOnNode> &nodes = it->nodes;
    const auto at =
        std::lower_bound(nodes.begin(), nodes.end(), entry.nodeId, [](const FunctionOnNode &n, const QString &id) {
            return n.nodeId < id;
        });
    if (at != nodes.end() && at->nodeId == entry.nodeId)
        *at = entry;
    else
        nodes.insert(at, entry);
    m_dirty.insert(name);
}

void ScalingFleet::removeEntry(const QString &name, const QString &nodeId)
{
    const auto it = m_rows.find(name);
    if (it == m_rows.end())
        return;
    it->nodes.removeIf([&nodeId](const FunctionOnNode &node) {
        return node.nodeId == nodeId;
    });
    if (it->nodes.isEmpty()) {
        m_rows.erase(it);
        m_dirty.remove(name);
        m_namesChanged = true;
        return;
    }
    m_dirty.insert(name);
}

void ScalingFleet::sum(FunctionFleetRow &row) const
{
    row.replicas = row.ready = row.inFlight = row.queued = 0;
    row.callsPerSecond = row.coldStartsPerSecond = 0;
    row.coldStarts = 0;
    row.nodesAtMax = 0;
    const int most = row.limits ? row.limits->maxReplicas : 0;
    for (const FunctionOnNode &node : std::as_const(row.nodes)) {
        // A node that stopped answering no longer counts: its figures are not current.
        if (!m_metrics->latest(node.nodeId))
            continue;
        const FunctionSample &s = node.sample;
        row.replicas = saturatingAdd(row.replicas, s.replicas);
        row.ready = saturatingAdd(row.ready, s.replicasReady);
        row.inFlight = saturatingAdd(row.inFlight, s.inFlight);
        row.queued = saturatingAdd(row.queued, s.queued);
        row.callsPerSecond += s.invocationsPerSecond;
        row.coldStartsPerSecond += s.coldStartsPerSecond;
        row.coldStarts += s.coldStarts;
        row.nodesAtMax += most > 0 && s.replicas >= most ? 1 : 0;
    }
}

void ScalingFleet::endBatch()
{
    QStringList changed;
    changed.reserve(m_dirty.size());
    for (const QString &name : std::as_const(m_dirty)) {
        if (const auto it = m_rows.find(name); it != m_rows.end()) {
            sum(*it);
            changed.append(name);
        }
    }
    m_dirty.clear();
    if (std::exchange(m_namesChanged, false))
        Q_EMIT namesChanged();
    if (!changed.isEmpty())
        Q_EMIT figuresChanged(changed);
}

void ScalingFleet::sampleTrends()
{
    for (FunctionFleetRow &row : m_rows) {
        appendTrend(row.replicasTrend, float(row.replicas));
        appendTrend(row.loadTrend, float(row.callsPerSecond));
    }
    if (!m_rows.isEmpty())
        Q_EMIT figuresChanged(names());
}

std::optional<ScalingLimits> ScalingFleet::limitsOf(const QString &name) const
{
    // The agents know a function by its name; the first project that has it is the one shown.
    for (const Function &function : m_catalog->functions()) {
        if (function.name == name) {
            const FunctionConfig &c = function.config;
            return ScalingLimits {function.id, c.minReplicas, c.maxReplicas, c.targetConcurrency, c.idleToZeroSeconds};
        }
    }
    return std::nullopt;
}

void ScalingFleet::updateLimits(const QString &functionId)
{
    const Function *function = m_catalog->find(functionId);
    if (!function)
        return;
    const auto it = m_rows.find(function->name);
    if (it == m_rows.end())
        return;
    const auto limits = limitsOf(function->name);
    if (it->limits == limits)
        return;
    it->limits = limits;
    sum(*it);
    Q_EMIT figuresChanged({function->name});
}

} // namespace rune
