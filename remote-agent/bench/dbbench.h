// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bench/benchcontrol.h"

namespace rune::agent
{

/**
 * The db test: a temporary SQLite database of "rows" rows in the scratch directory; read
 * transactions (ten point selects each) for "seconds", then write transactions (one update each,
 * committed durably) for "seconds"; transactions per second of each.
 */
BenchOutcome runDbBench(const BenchParameters &parameters, BenchControl &control);
inline constexpr BenchTest dbBench {3, runDbBench};

} // namespace rune::agent
