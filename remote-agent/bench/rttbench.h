// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bench/benchcontrol.h"

namespace rune::agent
{

/**
 * The rtt test: "probes" round trips to each peer (a TCP connection and `GET /healthz` on another
 * agent's invoke port, until its answer's header is in), the peers taken in turn, for at most
 * "seconds" (a probe under way still finishes, within timeout_ms); min, average, max and p99 in
 * ms per peer. A peer that cannot be reached gets entries with an "error" instead of a value.
 */
BenchOutcome runRttBench(const BenchParameters &parameters, BenchControl &control);
inline constexpr BenchTest rttBench {1, runRttBench};

} // namespace rune::agent
