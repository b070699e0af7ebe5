// SPDX-License-Identifier: GPL-3.0-or-later
#include "router.h"

#include "utf8text.h"

#include <algorithm>

namespace rune::agent
{

namespace
{

std::vector<std::string_view> splitPath(std::string_view path)
{
    std::vector<std::string_view> segments;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        const auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    return segments;
}

bool isCapture(std::string_view segment)
{
    return segment.size() > 2 && segment.front() == '{' && segment.find('}') != std::string_view::npos;
}

bool isRest(std::string_view segment)
{
    return segment.size() > 3 && segment.front() == '{' && segment.ends_with("*}");
}

// "{name}" captures a whole segment; "{name}:suffix" a segment ending in the literal suffix.
bool matchCapture(std::string_view pattern, std::string_view segment, PathParams &params)
{
    const auto close = pattern.find('}');
    const std::string_view suffix = pattern.substr(close + 1);
    if (segment.size() <= suffix.size() || !segment.ends_with(suffix))
        return false;
    params.emplace(
        std::string(pattern.substr(1, close - 1)), percentDecode(segment.substr(0, segment.size() - suffix.size())));
    return true;
}

std::string joinRest(const std::vector<std::string_view> &segments, std::size_t from)
{
    std::string rest;
    for (std::size_t index = from; index < segments.size(); ++index) {
        rest += '/';
        rest += segments[index];
    }
    return rest;
}

std::optional<PathParams> matchSegments(const Route &route, const std::vector<std::string_view> &segments)
{
    const bool open = !route.segments.empty() && isRest(route.segments.back());
    const std::size_t fixed = open ? route.segments.size() - 1 : route.segments.size();
    if (open ? segments.size() < fixed : segments.size() != fixed)
        return std::nullopt;
    PathParams params;
    for (std::size_t index = 0; index < fixed; ++index) {
        const std::string &pattern = route.segments[index];
        if (isCapture(pattern) ? !matchCapture(pattern, segments[index], params) : pattern != segments[index])
            return std::nullopt;
    }
    if (open) {
        const std::string &pattern = route.segments.back();
        // Kept percent-encoded: it is handed on as a path, where "%2F" and "/" differ.
        params.emplace(pattern.substr(1, pattern.size() - 3), joinRest(segments, fixed));
    }
    return params;
}

int hexValue(char digit)
{
    if (digit >= '0' && digit <= '9')
        return digit - '0';
    if (digit >= 'a' && digit <= 'f')
        return digit - 'a' + 10;
    if (digit >= 'A' && digit <= 'F')
        return digit - 'A' + 10;
    return -1;
}

// HEAD is GET without the body (RFC 9110 9.3.2): wherever GET is served, so is HEAD.
bool methodFits(http::verb routeMethod, http::verb method)
{
    return routeMethod == method || routeMethod == anyMethod
        || (method == http::verb::head && routeMethod == http::verb::get);
}

void addAllowed(std::vector<std::string_view> &allowed, std::string_view method)
{
    if (std::find(allowed.begin(), allowed.end(), method) == allowed.end())
        allowed.push_back(method);
}

std::string joined(const std::vector<std::string_view> &methods)
{
    std::string text;
    for (const auto method : methods) {
        if (!text.empty())
            text += ", ";
        text += method;
    }
    return text;
}

} // namespace

void Router::add(http::verb method, std::string_view pattern, Handler handler, RouteOptions options)
{
    std::vector<std::string> segments;
    for (const auto segment : splitPath(pattern))
        segments.emplace_back(segment);
    m_routes.push_back(Route {method, std::move(segments), std::move(handler), options});
}

RouteMatch Router::match(http::verb method, std::string_view target) const
{
    const auto segments = splitPath(targetPath(target));
    bool pathKnown = false;
    std::vector<std::string_view> allowed;
    for (const Route &route : m_routes) {
        auto params = matchSegments(route, segments);
        if (!params)
            continue;
        if (methodFits(route.method, method))
            return RouteMatch {RouteMatch::Outcome::found, &route, std::move(*params), {}};
        pathKnown = true;
        addAllowed(allowed, asStdView(http::to_string(route.method)));
        if (route.method == http::verb::get)
            addAllowed(allowed, "HEAD");
    }
    RouteMatch result;
    if (pathKnown) {
        result.outcome = RouteMatch::Outcome::methodNotAllowed;
        result.allowedMethods = joined(allowed);
    }
    return result;
}

std::string percentDecode(std::string_view text, bool plusIsSpace)
{
    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t index = 0; index < text.size(); ++index) {
        const char current = text[index];
        if (current == '%' && index + 2 < text.size() && hexValue(text[index + 1]) >= 0
            && hexValue(text[index + 2]) >= 0) {
            decoded += static_cast<char>(hexValue(text[index + 1]) * 16 + hexValue(text[index + 2]));
            index += 2;
        } else {
            decoded += plusIsSpace && current == '+' ? ' ' : current;
        }
    }
    return decoded;
}

std::string_view targetPath(std::string_view target)
{
    return target.substr(0, target.find('?'));
}

std::optional<std::string> queryValue(std::string_view target, std::string_view name)
{
    const auto question = target.find('?');
    if (question == std::string_view::npos)
        return std::nullopt;
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto equals = pair.find('=');
        if (percentDecode(pair.substr(0, equals), true) == name)
            return equals == std::string_view::npos ? std::string() : percentDecode(pair.substr(equals + 1), true);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
    return std::nullopt;
}

namespace
{

std::optional<std::string> segmentProblem(std::string_view raw, bool inPath, std::string_view what)
{
    const std::string decoded = percentDecode(raw, !inPath);
    if (!isValidUtf8(decoded))
        return std::string(what) + " '" + std::string(raw) + "' is not valid UTF-8 once percent-decoded";
    if (inPath && decoded.find('\0') != std::string::npos)
        return "the path segment '" + std::string(raw) + "' holds a NUL byte";
    return std::nullopt;
}

} // namespace

std::optional<std::string> targetTextProblem(std::string_view target)
{
    for (const auto segment : splitPath(targetPath(target))) {
        if (auto problem = segmentProblem(segment, true, "the path segment"))
            return problem;
    }
    const auto question = target.find('?');
    std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto equals = pair.find('=');
        if (auto problem = segmentProblem(pair.substr(0, equals), false, "the query parameter"))
            return problem;
        if (equals != std::string_view::npos) {
            if (auto problem = segmentProblem(pair.substr(equals + 1), false, "the query value"))
                return problem;
        }
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
    return std::nullopt;
}

} // namespace rune::agent
