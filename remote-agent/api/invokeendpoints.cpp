// SPDX-License-Identifier: GPL-3.0-or-later
// The invoke port: what a function's own callers reach.
#include "api/agentservices.h"
#include "api/invoke.h"

namespace rune::agent
{

void addInvokeEndpoints(Router &router, std::shared_ptr<AgentServices> services)
{
    RouteOptions options;
    options.requiresToken = false; // functions are public or check their own token
    options.bodyLimit = functionPayloadLimit(services);
    router.add(
        anyMethod,
        "/function/{name}/{rest*}",
        [services](Exchange exchange) {
            invokeFunction(*services, exchange, exchange.param("name"), std::string(exchange.param("rest")), true);
        },
        options);
}

} // namespace rune::agent
