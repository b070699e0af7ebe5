// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace rune::agent
{

// sd_notify(3) without libsystemd, which would be one more shared library on every node: one
// datagram to $NOTIFY_SOCKET (a path, or an abstract socket written with a leading '@').
// Does nothing when the agent does not run under a Type=notify unit.
void notifySystemd(std::string_view state);

} // namespace rune::agent
