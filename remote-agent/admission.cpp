// SPDX-License-Identifier: GPL-3.0-or-later
#include "admission.h"

#include "bearerauth.h"
#include "log.h"
#include "protocol.h"

namespace rune::agent
{

namespace
{

namespace errorcode = protocol::errorcode;

bool needsToken(const RouteMatch &match, std::string_view path, const Config &config)
{
    if (config.token.empty())
        return false;
    if (match.route)
        return match.route->options.requiresToken;
    // Unknown paths under the API answer 401 before 404, so a client without the token learns
    // nothing about which endpoints exist.
    return path.starts_with(protocol::paths::apiPrefix);
}

Admission reject(http::status status, std::string_view code, std::string_view message)
{
    Admission admission;
    admission.rejection = makeErrorResponse(status, code, message);
    return admission;
}

Admission rejectWrongMethod(const RequestHeader &header, const RouteMatch &match)
{
    Admission admission = reject(http::status::method_not_allowed,
        errorcode::methodNotAllowed,
        std::string(header.method_string()) + " is not supported on this path");
    admission.rejection->set(http::field::allow, asBeastView(match.allowedMethods));
    return admission;
}

// The route's own say, from its path parameters and the header; a hook that throws refuses.
std::optional<Response> routeVerdict(const RouteMatch &match, const RequestHeader &header)
{
    if (!match.route->options.admit)
        return std::nullopt;
    try {
        return match.route->options.admit(match.params, header);
    } catch (const std::exception &failure) {
        logLine(std::string("admission of ") + std::string(header.target()) + " failed: " + failure.what());
    } catch (...) {
        logLine("admission of " + std::string(header.target()) + " failed");
    }
    return makeErrorResponse(http::status::internal_server_error, errorcode::internal, "internal error");
}

std::uint64_t bodyLimit(const RouteMatch &match, const Config &config)
{
    std::uint64_t limit = match.route->options.maxBodyBytes.value_or(config.maxBodyBytes);
    if (match.route->options.bodyLimit) {
        if (const auto routeLimit = match.route->options.bodyLimit(match.params))
            limit = *routeLimit;
    }
    return limit;
}

} // namespace

Admission admitRequest(const RequestArrival &arrival, const Router &router, const Config &config)
{
    const RequestHeader &header = arrival.header;
    const std::string_view target = asStdView(header.target());
    RouteMatch match = router.match(header.method(), target);
    if (arrival.overCapacity && !(match.route && match.route->options.servedWhenFull)) {
        Admission admission = reject(http::status::service_unavailable,
            httpcode::tooManyConnections,
            "the agent has as many connections as it serves; try again shortly");
        admission.rejection->set(http::field::retry_after, "2");
        return admission;
    }
    if (needsToken(match, targetPath(target), config)
        && !bearerTokenMatches(asStdView(header[http::field::authorization]), config.token)) {
        Admission admission =
            reject(http::status::unauthorized, errorcode::unauthorized, "missing or wrong bearer token");
        admission.rejection->set(http::field::www_authenticate, "Bearer");
        return admission;
    }
    if (const auto problem = targetTextProblem(target))
        return reject(http::status::bad_request, errorcode::badRequest, *problem);
    if (match.outcome == RouteMatch::Outcome::pathNotFound)
        return reject(http::status::not_found, errorcode::notFound, "no such endpoint: " + std::string(target));
    if (match.outcome == RouteMatch::Outcome::methodNotAllowed)
        return rejectWrongMethod(header, match);
    if (auto verdict = routeVerdict(match, header))
        return Admission {nullptr, {}, 0, std::move(verdict)};
    const std::uint64_t limit = bodyLimit(match, config);
    if (arrival.contentLength && *arrival.contentLength > limit)
        return reject(http::status::payload_too_large,
            errorcode::payloadTooLarge,
            "request body is larger than " + std::to_string(limit) + " bytes");
    return Admission {match.route, std::move(match.params), limit, std::nullopt};
}

} // namespace rune::agent
