// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/agentservices.h"

namespace rune::agent
{

/**
 * Runs one call of the function named by @p target ("name" or "name@v3") with the exchange's
 * method, headers, query and body, and answers with the function's response or a JSON error.
 * On the invoke port (@p invokePort) a function whose auth is "token" checks the caller's token.
 */
void invokeFunction(
    AgentServices &services, const Exchange &exchange, std::string_view target, std::string path, bool invokePort);

/**
 * Runs one call of a trial of @p name (FunctionHost::createTrial) like a call through the control
 * API, not counted in the function's metrics, answered with the agent's duration of the call.
 */
void invokeTrial(AgentServices &services, const Exchange &exchange, const std::string &name, const std::string &id);

/** Whether @p request carries the invoke token (or the agent has none), for functions whose auth is "token". */
bool invokeTokenAccepted(const AgentServices &services, const Request &request);

/** The body limit of an invoke route: the max payload of the function named in its "name" parameter. */
std::function<std::optional<std::uint64_t>(const PathParams &)> functionPayloadLimit(
    std::shared_ptr<AgentServices> services);

} // namespace rune::agent
