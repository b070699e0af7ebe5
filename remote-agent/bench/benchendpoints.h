// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "router.h"

#include <filesystem>
#include <memory>

namespace rune::agent
{

class BenchRunner;
struct BenchRoom;

/**
 * POST /v1/bench/<test>, GET /v1/bench/runs, GET and DELETE /v1/bench/runs/<id> (benchprotocol.h).
 * The memory and fileio tests' room is read from the node and @p stateDir at each POST.
 */
void addBenchEndpoints(Router &router, std::shared_ptr<BenchRunner> runner, std::filesystem::path stateDir);

/** The node's room for a run now: available memory, free space of @p stateDir, cores. */
BenchRoom readBenchRoom(const std::filesystem::path &stateDir);

} // namespace rune::agent
