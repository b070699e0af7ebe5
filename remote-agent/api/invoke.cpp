// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/invoke.h"

#include "bearerauth.h"
#include "protocol.h"

#include <nlohmann/json.hpp>

namespace rune::agent
{

namespace
{

namespace errorcode = protocol::errorcode;

constexpr std::string_view requestIdHeader = "X-Request-Id";

bool usableRequestId(std::string_view id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (const char c : id) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    }
    return true;
}

// The caller's X-Request-Id when it is usable in logs, else a new one.
std::string requestIdOf(const Request &request)
{
    const std::string_view requested = asStdView(request[asBeastView(requestIdHeader)]);
    return usableRequestId(requested) ? std::string(requested) : newRequestId();
}

Invocation makeInvocation(const Request &request, std::string path, bool dropAuthorization)
{
    Invocation invocation;
    invocation.method = std::string(asStdView(request.method_string()));
    invocation.path = path.empty() ? "/" : std::move(path);
    const std::string_view target = asStdView(request.target());
    if (const auto question = target.find('?'); question != std::string_view::npos)
        invocation.query = std::string(target.substr(question + 1));
    for (const auto &field : request) {
        if (dropAuthorization && field.name() == http::field::authorization)
            continue;
        invocation.headers.emplace_back(
            std::string(asStdView(field.name_string())), std::string(asStdView(field.value())));
    }
    invocation.requestId = requestIdOf(request);
    invocation.body = request.body();
    return invocation;
}

Response functionResponse(InvokeResponse &response, int version)
{
    Response http;
    http.result(static_cast<unsigned>(response.status));
    http.version(11);
    for (const auto &[name, value] : response.headers) {
        // Framing is the agent's business; a function cannot break it with its own headers.
        const auto field = http::string_to_field(asBeastView(name));
        if (field == http::field::content_length || field == http::field::transfer_encoding
            || field == http::field::connection)
            continue;
        http.insert(asBeastView(name), asBeastView(value));
    }
    http.body() = std::move(response.body);
    http.set(asBeastView(requestIdHeader), asBeastView(response.requestId));
    http.set("X-Rune-Version", std::to_string(version));
    if (response.coldStart)
        http.set("X-Rune-Cold-Start", "1");
    return http;
}

Response errorResponse(const InvokeError &error)
{
    Response http = makeErrorResponse(http::status(error.httpStatus), error.code, error.message);
    auto body = nlohmann::json::parse(http.body());
    body[protocol::error::object]["request_id"] = error.requestId;
    http.body() = body.dump();
    if (!error.requestId.empty())
        http.set(asBeastView(requestIdHeader), asBeastView(error.requestId));
    if (error.httpStatus == 503)
        http.set(http::field::retry_after, "1");
    return http;
}

bool tokenAccepted(const AgentServices &services, const Request &request)
{
    const auto config = services.config->current();
    const std::string &token = config->invokeToken.empty() ? config->token : config->invokeToken;
    // A token function on an agent without any token is callable only by who can reach the port.
    return token.empty() || bearerTokenMatches(asStdView(request[http::field::authorization]), token);
}

} // namespace

void invokeFunction(
    AgentServices &services, const Exchange &exchange, std::string_view targetText, std::string path, bool invokePort)
{
    const auto target = FunctionTarget::parse(targetText);
    if (!target) {
        return exchange.respondError(http::status::not_found,
            errorcode::notFound,
            "'" + std::string(targetText) + "' is not a function name (name or name@vN)");
    }
    auto pool = services.host.route(*target);
    if (!pool) {
        InvokeError error = pool.error();
        error.requestId = requestIdOf(exchange.request());
        return exchange.respond(errorResponse(error));
    }
    const FunctionSpec &function = (*pool)->function();
    const bool checkToken = invokePort && function.config.auth == "token";
    if (checkToken && !tokenAccepted(services, exchange.request())) {
        Response denied = makeErrorResponse(http::status::unauthorized,
            errorcode::unauthorized,
            "the function '" + function.name + "' needs a bearer token");
        denied.set(http::field::www_authenticate, "Bearer");
        return exchange.respond(std::move(denied));
    }
    const auto started = std::chrono::steady_clock::now();
    (*pool)->invoke(makeInvocation(exchange.request(), std::move(path), checkToken),
        [exchange, &services, name = function.name, version = function.version, started](InvokeResult result) {
            const int status = result ? result->status : result.error().httpStatus;
            const auto duration =
                std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
            services.metrics.recordCall(
                name, status, result && result->functionError, result && result->coldStart, duration);
            exchange.respond(result ? functionResponse(*result, version) : errorResponse(result.error()));
        });
}

std::function<std::optional<std::uint64_t>(const PathParams &)> functionPayloadLimit(
    std::shared_ptr<AgentServices> services)
{
    return [services](const PathParams &params) -> std::optional<std::uint64_t> {
        const auto name = params.find("name");
        const auto target = name == params.end() ? std::nullopt : FunctionTarget::parse(name->second);
        return target ? services->host.payloadLimit(target->name) : std::nullopt;
    };
}

} // namespace rune::agent
