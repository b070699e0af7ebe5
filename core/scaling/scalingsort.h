// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "scaling/scalingfleet.h"

namespace rune
{

/** What the fleet's functions can be sorted by. */
enum class ScalingOrder {
    Name,
    Nodes,
    Replicas,
    Ready,
    Starting,
    InFlight,
    CallsPerSecond,
    Queued,
    ColdStarts,
    AtZero, ///< those at zero first
    AtMax, ///< those at their most replicas first
};

/** Whether @p a comes before @p b in @p order (ties fall back to the name, so the order is stable). */
bool scalingRowLess(const FunctionFleetRow &a, const FunctionFleetRow &b, ScalingOrder order);

/** Which functions the fleet table shows. */
struct ScalingFilter {
    QString text; ///< a part of the name, any case; empty: every name
    bool atZeroOnly = false;
    bool atMaxOnly = false;

    bool accepts(const FunctionFleetRow &row) const;
};

} // namespace rune
