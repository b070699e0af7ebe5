// SPDX-License-Identifier: GPL-3.0-or-later
#include "scaling/scalingsort.h"

namespace rune
{

namespace
{

/** The figure @p order sorts by, larger first being the natural reading for flags. */
double keyOf(const FunctionFleetRow &row, ScalingOrder order)
{
    switch (order) {
    case ScalingOrder::Name:
        return 0;
    case ScalingOrder::Nodes:
        return double(row.nodes.size());
    case ScalingOrder::Replicas:
        return row.replicas;
    case ScalingOrder::Ready:
        return row.ready;
    case ScalingOrder::Starting:
        return row.starting();
    case ScalingOrder::InFlight:
        return row.inFlight;
    case ScalingOrder::CallsPerSecond:
        return row.callsPerSecond;
    case ScalingOrder::Queued:
        return row.queued;
    case ScalingOrder::ColdStarts:
        return double(row.coldStarts);
    case ScalingOrder::AtZero:
        return row.atZero() ? 0 : 1;
    case ScalingOrder::AtMax:
        return row.atMax() ? 0 : 1;
    }
    return 0;
}

} // namespace

bool scalingRowLess(const FunctionFleetRow &a, const FunctionFleetRow &b, ScalingOrder order)
{
    const double ka = keyOf(a, order);
    const double kb = keyOf(b, order);
    if (ka != kb)
        return ka < kb;
    return a.name.compare(b.name, Qt::CaseInsensitive) < 0
        || (a.name.compare(b.name, Qt::CaseInsensitive) == 0 && a.name < b.name);
}

bool ScalingFilter::accepts(const FunctionFleetRow &row) const
{
    if (atZeroOnly && !row.atZero())
        return false;
    if (atMaxOnly && !row.atMax())
        return false;
    return text.isEmpty() || row.name.contains(text.trimmed(), Qt::CaseInsensitive);
}

} // namespace rune
