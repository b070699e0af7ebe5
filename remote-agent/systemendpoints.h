// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config.h"
#include "router.h"

#include <chrono>
#include <memory>

namespace rune::agent
{

class BenchRunner;
struct SandboxReport;

// GET /v1/health (no token: liveness probes and the console's reachability check) and
// GET /v1/info (host facts, @p isolation: how functions are kept apart, and @p gpus, both once
// they are known at start). Health carries @p bench's run while one is going on.
void addSystemEndpoints(Router &router,
    std::shared_ptr<const LiveConfig> config,
    std::chrono::steady_clock::time_point startedAt,
    std::shared_ptr<const nlohmann::json> isolation,
    std::shared_ptr<const nlohmann::json> gpus,
    std::shared_ptr<const BenchRunner> bench);

/** /v1/info's "isolation" object: users, memory, processes, filesystem, uid_range, warnings. */
nlohmann::json isolationJson(const SandboxReport &report);

nlohmann::json healthJson(const Config &config, std::chrono::steady_clock::duration uptime);
nlohmann::json infoJson(const Config &config);

} // namespace rune::agent
