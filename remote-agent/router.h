// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exchange.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rune::agent
{

// A handler answers through the Exchange, now or later, from any thread. It runs on the
// connection's strand, so it must not block: hand slow work to another executor and answer from
// there. An exception it throws becomes a 500.
using Handler = std::function<void(Exchange exchange)>;

struct RouteOptions {
    // false for endpoints anyone may call: /v1/health, or public functions doing their own auth.
    bool requiresToken = true;
    // Uploads (function deploy) raise this above the configured max_body_bytes.
    std::optional<std::uint64_t> maxBodyBytes;
    // Decides the limit from the path, before the body is read (a function's own max payload);
    // wins over maxBodyBytes when it answers.
    std::function<std::optional<std::uint64_t>(const PathParams &)> bodyLimit;
    // Decides from the path and the header, before the body is read, whether the request may go
    // on: an answer to give instead (a function's own token check), or nullopt. Must not throw.
    std::function<std::optional<Response>(const PathParams &, const RequestHeader &)> admit;
    // Answered even on a connection over the port's connection cap: health checks.
    bool servedWhenFull = false;
};

// For health checks: no token, and answered even when the port is at its connection cap.
inline RouteOptions healthCheckRoute()
{
    RouteOptions options;
    options.requiresToken = false;
    options.servedWhenFull = true;
    return options;
}

// Matches every method (the invoke port passes any method through to the function).
inline constexpr http::verb anyMethod = http::verb::unknown;

struct Route {
    http::verb method;
    std::vector<std::string> segments; // literal, or "{name}" capturing one segment
    Handler handler;
    RouteOptions options;
};

struct RouteMatch {
    enum class Outcome { found, pathNotFound, methodNotAllowed };
    Outcome outcome = Outcome::pathNotFound;
    const Route *route = nullptr;
    PathParams params;
    std::string allowedMethods; // for the Allow header of a 405
};

// Method + path pattern -> handler, e.g. add(http::verb::post, "/v1/functions/{name}/invoke", ...).
// A segment "{name}" captures one path segment, "{name}:block" one that ends in ":block", and a
// last segment "{rest*}" captures whatever follows (possibly nothing), slashes included.
// Routes are added before the server starts and only read afterwards, so matching needs no lock.
// The first added route whose pattern and method fit wins: add literal routes before patterns
// that would also match them.
class Router final
{
public:
    void add(http::verb method, std::string_view pattern, Handler handler, RouteOptions options = {});
    RouteMatch match(http::verb method, std::string_view target) const;

private:
    std::vector<Route> m_routes;
};

// '+' means a space only in a query string (HTML form encoding), never in a path.
std::string percentDecode(std::string_view text, bool plusIsSpace = false);
// The path part of a request target, without the query string.
std::string_view targetPath(std::string_view target);
std::optional<std::string> queryValue(std::string_view target, std::string_view name);

// Why the percent-decoded path segments, query names or query values of @p target are not text
// a handler can take (invalid UTF-8, or a NUL byte in the path); nullopt when they all are.
std::optional<std::string> targetTextProblem(std::string_view target);

} // namespace rune::agent
