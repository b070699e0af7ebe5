// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bench/benchcontrol.h"

namespace rune::agent
{

/**
 * The memory test: a buffer of buffer_mib, far past the last-level cache, written through
 * sequentially for "seconds", then read through for "seconds"; MiB/s of each.
 */
BenchOutcome runMemoryBench(const BenchParameters &parameters, BenchControl &control);
inline constexpr BenchTest memoryBench {3, runMemoryBench};

} // namespace rune::agent
