// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent.h"

namespace rune::agent
{

/**
 * rune-agent's whole program: reads the command line and the config file, then runs the agent
 * with @p hooks until it stops. Returns the process exit code (2 for usage and configuration errors).
 */
int agentMain(int argc, char **argv, AgentHooks hooks = {});

} // namespace rune::agent
