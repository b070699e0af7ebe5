// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/functionmetrics.h"
#include "metrics/nodesampler.h"
#include "runtime/functionhost.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rune::agent
{

/** Everything /v1/metrics and /metrics report, gathered at one moment. */
struct MetricsView {
    NodeSample node;
    std::vector<FunctionStatus> functions; ///< deployed now
    std::vector<std::pair<std::string, std::shared_ptr<const FunctionMetrics>>> calls; ///< ever called
    double uptimeSeconds = 0;
    std::string role;
    /** The warm calls of a recent window (GET /v1/metrics?window=), and how many seconds it spans. */
    MetricsRegistry::RecentLatencies recent;
    double recentSeconds = 0;
};

/** The JSON snapshot of GET /v1/metrics. */
nlohmann::json metricsJson(const MetricsView &view);
/** The Prometheus text exposition (version 0.0.4) of GET /metrics. */
std::string prometheusText(const MetricsView &view);

} // namespace rune::agent
