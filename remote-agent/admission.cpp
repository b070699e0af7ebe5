// SPDX-License-Identifier: GPL-3.0-or-later
#include "admission.h"

#include "bearerauth.h"
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

} // namespace

Admission admitRequest(
    const RequestHeader &header, std::optional<std::uint64_t> contentLength, const Router &router, const Config &config)
{
    const std::string_view target = asStdView(header.target());
    RouteMatch match = router.match(header.method(), target);
    if (needsToken(match, targetPath(target), config)
        && !bearerTokenMatches(asStdView(header[http::field::authorization]), config.token)) {
        Admission admission =
            reject(http::status::unauthorized, errorcode::unauthorized, "missing or wrong bearer token");
        admission.rejection->set(http::field::www_authenticate, "Bearer");
        return admission;
    }
    if (match.outcome == RouteMatch::Outcome::pathNotFound)
        return reject(http::status::not_found, errorcode::notFound, "no such endpoint: " + std::string(target));
    if (match.outcome == RouteMatch::Outcome::methodNotAllowed)
        return rejectWrongMethod(header, match);
    std::uint64_t limit = match.route->options.maxBodyBytes.value_or(config.maxBodyBytes);
    if (match.route->options.bodyLimit) {
        if (const auto routeLimit = match.route->options.bodyLimit(match.params))
            limit = *routeLimit;
    }
    if (contentLength && *contentLength > limit)
        return reject(http::status::payload_too_large,
            errorcode::payloadTooLarge,
            "request body is larger than " + std::to_string(limit) + " bytes");
    return Admission {match.route, std::move(match.params), limit, std::nullopt};
}

} // namespace rune::agent
