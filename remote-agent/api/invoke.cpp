// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/invoke.h"

#include "bearerauth.h"
#include "protocol.h"

#include <algorithm>
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

// Credentials meant for the agent or a proxy on the way: a function never sees them, whatever
// its auth (on the control API the Authorization header carries the agent's own token).
// Cookies are the function's business and pass.
bool isCallerCredential(const http::fields::value_type &field)
{
    return field.name() == http::field::authorization || field.name() == http::field::proxy_authorization;
}

Invocation makeInvocation(const Request &request, std::string path)
{
    Invocation invocation;
    invocation.method = std::string(asStdView(request.method_string()));
    invocation.path = path.empty() ? "/" : std::move(path);
    const std::string_view target = asStdView(request.target());
    if (const auto question = target.find('?'); question != std::string_view::npos)
        invocation.query = std::string(target.substr(question + 1));
    for (const auto &field : request) {
        if (isCallerCredential(field))
            continue;
        invocation.headers.emplace_back(
            std::string(asStdView(field.name_string())), std::string(asStdView(field.value())));
    }
    invocation.requestId = requestIdOf(request);
    invocation.body = request.body();
    return invocation;
}

// The function's answer as it goes out; reply.cpp already refused what is not valid HTTP and
// dropped the framing and hop-by-hop headers the agent sets itself.
Response functionResponse(InvokeResponse &response, int version)
{
    Response http;
    http.result(static_cast<unsigned>(response.status));
    http.version(11);
    for (const auto &[name, value] : response.headers)
        http.insert(asBeastView(name), asBeastView(value));
    http.body() = std::move(response.body);
    http.set(asBeastView(requestIdHeader), asBeastView(response.requestId));
    http.set("X-Rune-Version", std::to_string(version));
    if (response.coldStart)
        http.set(protocol::trial::coldStartHeader, "1");
    return http;
}

Response errorResponse(const InvokeError &error)
{
    namespace field = protocol::error;
    Response http = makeJsonResponse(http::status(error.httpStatus),
        {{field::object,
            {{field::code, error.code}, {field::message, error.message}, {"request_id", error.requestId}}}});
    if (!error.requestId.empty())
        http.set(asBeastView(requestIdHeader), asBeastView(error.requestId));
    if (error.httpStatus == 503)
        http.set(http::field::retry_after, std::to_string(std::max(1, error.retryAfterSeconds)));
    return http;
}

} // namespace

bool invokeTokenAccepted(const AgentServices &services, const Request &request)
{
    const auto config = services.config->current();
    const std::string &token = config->invokeToken.empty() ? config->token : config->invokeToken;
    // A token function on an agent without any token is callable only by who can reach the port.
    return token.empty() || bearerTokenMatches(asStdView(request[http::field::authorization]), token);
}

namespace
{

/** How a call is made and accounted for. */
struct CallOptions {
    bool checkToken = false; ///< the caller must send the invoke token
    bool countInMetrics = true; ///< trials are not the function's traffic
    bool reportDuration = false; ///< answer with X-Rune-Duration-Us (and on errors too)
};

void callPool(AgentServices &services,
    const Exchange &exchange,
    const std::shared_ptr<FunctionPool> &pool,
    std::string path,
    CallOptions options)
{
    const FunctionSpec &function = pool->function();
    if (options.checkToken && !invokeTokenAccepted(services, exchange.request())) {
        Response denied = makeErrorResponse(http::status::unauthorized,
            errorcode::unauthorized,
            "the function '" + function.name + "' needs a bearer token");
        denied.set(http::field::www_authenticate, "Bearer");
        return exchange.respond(std::move(denied));
    }
    const auto started = std::chrono::steady_clock::now();
    pool->invoke(makeInvocation(exchange.request(), std::move(path)),
        [exchange, &services, name = function.name, version = function.version, started, options](InvokeResult result) {
            const int status = result ? result->status : result.error().httpStatus;
            const auto duration =
                std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
            if (options.countInMetrics) {
                services.metrics.recordCall(
                    name, status, result && result->functionError, result && result->coldStart, duration);
            }
            Response answer = result ? functionResponse(*result, version) : errorResponse(result.error());
            if (options.reportDuration)
                answer.set(protocol::trial::durationHeader, std::to_string(duration.count()));
            exchange.respond(std::move(answer));
        });
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
    const bool checkToken = invokePort && (*pool)->function().config.auth == "token";
    callPool(services, exchange, *pool, std::move(path), {checkToken, true, false});
}

void invokeTrial(AgentServices &services, const Exchange &exchange, const std::string &name, const std::string &id)
{
    auto pool = services.host.routeTrial(name, id);
    if (!pool) {
        InvokeError error = pool.error();
        error.requestId = requestIdOf(exchange.request());
        return exchange.respond(errorResponse(error));
    }
    callPool(services, exchange, *pool, "/", {false, false, true});
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
