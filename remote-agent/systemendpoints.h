// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config.h"
#include "router.h"

#include <chrono>
#include <memory>

namespace rune::agent
{

// GET /v1/health (no token: liveness probes and the console's reachability check) and
// GET /v1/info (host facts).
void addSystemEndpoints(
    Router &router, std::shared_ptr<const LiveConfig> config, std::chrono::steady_clock::time_point startedAt);

nlohmann::json healthJson(const Config &config, std::chrono::steady_clock::duration uptime);
nlohmann::json infoJson(const Config &config);

} // namespace rune::agent
