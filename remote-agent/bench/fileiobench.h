// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "bench/benchcontrol.h"

namespace rune::agent
{

/**
 * The fileio test: a temporary file of file_mib in the scratch directory (under the state
 * directory), then random 16 KiB reads, random 16 KiB writes, and random 16 KiB writes each
 * followed by fdatasync, "seconds" each; MiB/s and IOPS of each.
 */
BenchOutcome runFileioBench(const BenchParameters &parameters, BenchControl &control);
inline constexpr BenchTest fileioBench {4, runFileioBench};

} // namespace rune::agent
