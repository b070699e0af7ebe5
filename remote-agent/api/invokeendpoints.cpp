// SPDX-License-Identifier: GPL-3.0-or-later
// The invoke port: what a function's own callers reach.
#include "api/agentservices.h"
#include "api/invoke.h"
#include "bearerauth.h"
#include "jsontext.h"
#include "protocol.h"

#include <nlohmann/json.hpp>

namespace rune::agent
{

namespace
{

// A caller of a function whose auth is "token" without the right token is refused from the
// header, before the agent takes in a body it would throw away. The handler checks again.
std::function<std::optional<Response>(const PathParams &, const RequestHeader &)> functionTokenCheck(
    std::shared_ptr<AgentServices> services)
{
    return [services](const PathParams &params, const RequestHeader &header) -> std::optional<Response> {
        const auto name = params.find("name");
        const auto target = name == params.end() ? std::nullopt : FunctionTarget::parse(name->second);
        if (!target || (services->gateway && services->gateway->routes(target->name)))
            return std::nullopt; // the handler answers, or the node the gateway forwards to decides
        const auto pool = services->host.route(*target);
        if (!pool || (*pool)->function().config.auth != "token")
            return std::nullopt;
        const auto config = services->config->current();
        const std::string &token = config->invokeToken.empty() ? config->token : config->invokeToken;
        if (token.empty() || bearerTokenMatches(asStdView(header[http::field::authorization]), token))
            return std::nullopt;
        Response denied = makeErrorResponse(http::status::unauthorized,
            protocol::errorcode::unauthorized,
            "the function '" + target->name + "' needs a bearer token");
        denied.set(http::field::www_authenticate, "Bearer");
        return denied;
    };
}

} // namespace

void addInvokeEndpoints(Router &router, std::shared_ptr<AgentServices> services)
{
    RouteOptions options;
    options.requiresToken = false; // functions are public or check their own token
    options.bodyLimit = functionPayloadLimit(services);
    options.admit = functionTokenCheck(services);
    router.add(
        anyMethod,
        "/function/{name}/{rest*}",
        [services](Exchange exchange) {
            // On the controller, functions the cluster hosts go to their nodes; the rest run here.
            const auto target = FunctionTarget::parse(exchange.param("name"));
            if (services->gateway && target && services->gateway->routes(target->name))
                return services->gateway->forward(exchange, target->name);
            invokeFunction(*services, exchange, exchange.param("name"), std::string(exchange.param("rest")), true);
        },
        options);
    addAsyncInvokeEndpoint(router, services, options);
    // For load balancers and the controller's gateway: is this node taking calls?
    router.add(
        http::verb::get,
        "/healthz",
        [](Exchange exchange) {
            exchange.respondJson(http::status::ok, {{"status", "ok"}});
        },
        healthCheckRoute());
}

void addClusterEndpoints(Router &router, std::shared_ptr<AgentServices> services)
{
    const auto notController = [](const Exchange &exchange) {
        exchange.respondError(http::status::conflict,
            "not_controller",
            "only an agent in the controller role keeps the cluster's node list");
    };
    // The gateway's nodes, and what HAProxy does when the controller runs it.
    const auto clusterStatus = [services] {
        nlohmann::json status = services->gateway->status();
        status["haproxy"] = services->haproxy ? services->haproxy->status() : nlohmann::json {{"state", "off"}};
        return status;
    };
    router.add(http::verb::put, "/v1/cluster", [services, notController, clusterStatus](Exchange exchange) {
        if (!services->gateway)
            return notController(exchange);
        auto body = parseJsonText(exchange.body(), services->config->current()->maxBodyBytes);
        if (!body)
            return exchange.respondError(http::status::bad_request, "bad_request", "the cluster " + body.error());
        // HAProxy's stricter names are checked first, so a list is taken by both or by neither.
        const auto nodes = haproxyNodesOf(*body);
        if (services->haproxy) {
            if (auto fits = services->haproxy->check(nodes); !fits)
                return exchange.respondError(http::status::bad_request, "invalid_cluster", fits.error());
        }
        if (auto set = services->gateway->setNodes(*body); !set)
            return exchange.respondError(http::status::bad_request, "invalid_cluster", set.error());
        if (services->haproxy)
            services->haproxy->apply(nodes);
        exchange.respondJson(http::status::ok, clusterStatus());
    });
    router.add(http::verb::get, "/v1/cluster", [services, notController, clusterStatus](Exchange exchange) {
        if (!services->gateway)
            return notController(exchange);
        exchange.respondJson(http::status::ok, clusterStatus());
    });
}

} // namespace rune::agent
