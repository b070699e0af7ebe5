// SPDX-License-Identifier: GPL-3.0-or-later
// Asynchronous calls: POST /async-function/<name> on the invoke port, their results and dead
// letters on the control API.
#include "api/agentservices.h"
#include "api/invoke.h"
#include "async/asyncqueue.h"
#include "protocol.h"

#include <nlohmann/json.hpp>

namespace rune::agent
{

namespace
{

namespace names = protocol::asynccall;
namespace errorcode = protocol::errorcode;

// What the agent reads itself, and credentials meant for the agent: never stored, never passed on.
bool keptForFunction(const http::fields::value_type &field)
{
    return field.name() != http::field::authorization && field.name() != http::field::proxy_authorization
        && !beast::iequals(field.name_string(), names::callbackUrlHeader);
}

CallRecord recordOf(const Request &request, const FunctionTarget &target, std::string path, std::string callbackUrl)
{
    CallRecord record;
    record.id = newAsyncRequestId();
    record.function = target.name;
    record.target = target.version ? target.name + "@v" + std::to_string(*target.version) : target.name;
    record.method = std::string(asStdView(request.method_string()));
    record.path = path.empty() ? "/" : std::move(path);
    const std::string_view raw = asStdView(request.target());
    if (const auto question = raw.find('?'); question != std::string_view::npos)
        record.query = std::string(raw.substr(question + 1));
    for (const auto &field : request) {
        if (keptForFunction(field))
            record.headers.emplace_back(
                std::string(asStdView(field.name_string())), std::string(asStdView(field.value())));
    }
    record.body = request.body();
    record.callbackUrl = std::move(callbackUrl);
    return record;
}

void respondAccepted(const Exchange &exchange, const std::string &id)
{
    Response accepted = makeJsonResponse(http::status::accepted, {{names::requestId, id}});
    accepted.set(names::requestIdHeader, id);
    exchange.respond(std::move(accepted));
}

void respondRefused(const Exchange &exchange, const AsyncRefusal &refusal)
{
    Response refused = makeErrorResponse(http::status(refusal.httpStatus), refusal.code, refusal.message);
    if (refusal.retryAfterSeconds > 0)
        refused.set(http::field::retry_after, std::to_string(refusal.retryAfterSeconds));
    exchange.respond(std::move(refused));
}

void acceptCall(AgentServices &services, const Exchange &exchange)
{
    const auto target = FunctionTarget::parse(exchange.param("name"));
    if (!target) {
        return exchange.respondError(http::status::not_found,
            errorcode::notFound,
            "'" + std::string(exchange.param("name")) + "' is not a function name (name or name@vN)");
    }
    // Unknown, blocked or retired: refused now, not after the caller went away.
    const auto pool = services.host.route(*target);
    if (!pool) {
        const InvokeError &error = pool.error();
        return exchange.respondError(http::status(error.httpStatus), error.code, error.message);
    }
    if ((*pool)->function().config.auth == protocol::configvalues::authToken
        && !invokeTokenAccepted(services, exchange.request())) {
        Response denied = makeErrorResponse(http::status::unauthorized,
            errorcode::unauthorized,
            "the function '" + target->name + "' needs a bearer token");
        denied.set(http::field::www_authenticate, "Bearer");
        return exchange.respond(std::move(denied));
    }
    const auto callbackField = exchange.request().find(names::callbackUrlHeader);
    std::string callbackUrl;
    if (callbackField != exchange.request().end()) {
        callbackUrl = std::string(asStdView(callbackField->value()));
        if (const auto url = parseCallbackUrl(callbackUrl); !url)
            return exchange.respondError(http::status::bad_request, errorcode::invalidCallbackUrl, url.error());
    }
    services.async->submit(recordOf(exchange.request(), *target, std::string(exchange.param("rest")), callbackUrl),
        [exchange](std::expected<std::string, AsyncRefusal> accepted) {
            if (accepted)
                respondAccepted(exchange, *accepted);
            else
                respondRefused(exchange, accepted.error());
        });
}

} // namespace

void addAsyncInvokeEndpoint(Router &router, std::shared_ptr<AgentServices> services, RouteOptions options)
{
    router.add(
        anyMethod,
        "/async-function/{name}/{rest*}",
        [services](Exchange exchange) {
            // On the controller, functions the cluster hosts are queued by their node, which answers 202.
            const auto target = FunctionTarget::parse(exchange.param("name"));
            if (services->gateway && target && services->gateway->routes(target->name))
                return services->gateway->forward(exchange, target->name);
            acceptCall(*services, exchange);
        },
        std::move(options));
}

void addAsyncEndpoints(Router &router, std::shared_ptr<AgentServices> services)
{
    router.add(http::verb::get, "/v1/results/{id}", [services](Exchange exchange) {
        const std::string id(exchange.param("id"));
        const auto notFound = [exchange] {
            exchange.respondError(http::status::not_found,
                errorcode::resultNotFound,
                "no asynchronous call with this request id (unknown, or its result expired)");
        };
        // Checked before anything else: only 32 hex digits ever name a file.
        if (!isAsyncRequestId(id))
            return notFound();
        services->async->result(id, [exchange, notFound](std::optional<nlohmann::json> result) {
            if (!result)
                return notFound();
            exchange.respondJson(http::status::ok, *result);
        });
    });
    router.add(http::verb::get, "/v1/functions/{name}/dead-letters", [services](Exchange exchange) {
        const std::string name(exchange.param("name"));
        exchange.respondJson(http::status::ok, {{names::deadLetters, services->async->deadLetters(name)}});
    });
}

} // namespace rune::agent
