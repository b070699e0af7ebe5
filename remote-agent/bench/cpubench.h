// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bench/benchcontrol.h"

namespace rune::agent
{

/**
 * The cpu test: sysbench's cpu workload (one event counts the primes up to max_prime by trial
 * division with 64-bit integers), on one thread for "seconds", then on "threads" threads for
 * "seconds"; events per second of each phase.
 */
BenchOutcome runCpuBench(const BenchParameters &parameters, BenchControl &control);
inline constexpr BenchTest cpuBench {2, runCpuBench};

} // namespace rune::agent
