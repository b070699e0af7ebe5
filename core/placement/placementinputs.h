// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "benchmarks/benchmarkrun.h"
#include "cluster/node.h"
#include "functions/functionconfig.h"
#include "placement/placement.h"

#include <QList>

namespace rune
{

struct NodeSample;

/** What placement asks of a node for a function with configuration @p config. */
placement::Requirements placementRequirements(const FunctionConfig &config);

/**
 * Node @p node as a placement candidate, named by its id: its role, state, cores, memory (free
 * memory from @p latest, the monitor's last sample, when there is one), GPUs, labels and hourly
 * price; the
 * latest of @p records that are its own as figures ("cpu.events_per_s_single", …); and its mean
 * round trip to @p referenceNodeId, when it measured one.
 */
placement::Candidate placementCandidate(
    const Node &node, const NodeSample *latest, const QList<BenchmarkRecord> &records, const QString &referenceNodeId);

} // namespace rune
