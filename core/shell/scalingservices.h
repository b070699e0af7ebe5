// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace rune
{
class FunctionCatalog;
class FunctionInvoker;
class MetricHistory;
class NodeList;
class ScalingEvents;
class ScalingFleet;

/** The core services the Scaling pane works with; Console builds them. */
struct ScalingServices {
    ScalingFleet *fleet = nullptr;
    ScalingEvents *events = nullptr;
    MetricHistory *history = nullptr; ///< every function's figures per node (ScalingFleet::seriesKey)
    FunctionCatalog *catalog = nullptr;
    FunctionInvoker *invoker = nullptr; ///< for the Load button's calls
    NodeList *nodes = nullptr;
};

} // namespace rune
