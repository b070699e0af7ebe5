// SPDX-License-Identifier: GPL-3.0-or-later
#include "placement/placementinputs.h"

#include "benchprotocol.h"
#include "cost/money.h"
#include "metrics/nodesample.h"

using namespace Qt::StringLiterals;

namespace rune
{

placement::Requirements placementRequirements(const FunctionConfig &config)
{
    placement::Requirements requirements;
    requirements.runtime = functionRuntimeName(config.runtime).toStdString();
    requirements.memoryMiB = config.memoryMiB;
    requirements.gpuCount = config.gpuCount;
    requirements.gpuMemoryMiB = config.gpuMemoryMiB;
    return requirements;
}

placement::Candidate placementCandidate(
    const Node &node, const NodeSample *latest, const QList<BenchmarkRecord> &records, const QString &referenceNodeId)
{
    placement::Candidate candidate;
    candidate.name = node.id.toStdString();
    candidate.role = nodeRoleName(node.role).toStdString();
    candidate.running = node.state == NodeState::Running;
    candidate.cores = node.facts.cores;
    candidate.memoryTotalMiB = node.facts.memoryBytes >> 20;
    candidate.memoryAvailableMiB = latest && latest->memoryTotalBytes > 0
        ? (latest->memoryTotalBytes - latest->memoryUsedBytes) >> 20
        : candidate.memoryTotalMiB;
    for (const NodeGpu &gpu : node.facts.gpus)
        candidate.gpus.push_back({gpu.model.toStdString(), gpu.memoryBytes >> 20});
    for (const QString &label : node.labels)
        candidate.labels.push_back(label.toStdString());
    if (const auto price = cost::Money::parse(node.hourlyPrice); price && !price->isTooLarge())
        candidate.hourlyPrice = double(price->micros()) / 1e6; // a score, not a sum of money
    // Figures newest last wins: records come in any order, so compare their start times.
    std::map<std::string, QDateTime> measuredAt;
    QDateTime rttAt;
    for (const BenchmarkRecord &record : records) {
        if (record.nodeId != node.id)
            continue;
        if (record.test == QLatin1StringView(protocol::benchtests::rtt)) {
            if (!referenceNodeId.isEmpty() && record.peerNodeId == referenceNodeId
                && record.metric == QLatin1StringView(protocol::benchmetrics::rttAvg)
                && (!rttAt.isValid() || record.started >= rttAt)) {
                candidate.rttMs = record.value;
                rttAt = record.started;
            }
            continue;
        }
        const std::string key = QString(record.test + u'.' + record.metric).toStdString();
        auto at = measuredAt.find(key);
        if (at == measuredAt.end() || record.started >= at->second) {
            candidate.figures[key] = record.value;
            measuredAt[key] = record.started;
        }
    }
    // The reference node reaches itself at once.
    if (node.id == referenceNodeId)
        candidate.rttMs = 0;
    return candidate;
}

} // namespace rune
