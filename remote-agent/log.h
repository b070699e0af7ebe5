// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace rune::agent
{

// One line per event on stderr, prefixed with a UTC timestamp, so journald and a terminal both
// show when something happened. Safe to call from any thread: lines never interleave.
void logLine(std::string_view message);

} // namespace rune::agent
