// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodestate.h"

#include <QList>
#include <QString>

namespace rune
{

/**
 * One line that describes a group of nodes (ARCHITECTURE.md, "Lifecycles").
 *
 * - no nodes: "Empty";
 * - all nodes in one state: that state's name, e.g. "Running";
 * - any Failed node: "Partial-Failed:<failed> (R:<running>/<total>)";
 * - otherwise: "Partial-<most common state other than Running>:<its count> (R:<running>/<total>)".
 *
 * Ties between equally common states go to the one declared first in NodeState, so the same
 * group always reads the same.
 */
QString groupSummary(const QList<NodeState> &states);

} // namespace rune
