// SPDX-License-Identifier: GPL-3.0-or-later
#include "haproxyconfig.h"

#include "deployconfig.h"
#include "hostname.h"
#include "utf8text.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace rune::protocol
{

namespace
{

// Longest socket path: sun_path holds 108 bytes with its terminating zero.
constexpr std::size_t maxSocketPathBytes = 100;
constexpr std::size_t maxNodeNameBytes = 63;

bool isAsciiLetterOrDigit(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Every check below (and isPlainHostName) admits only characters that mean nothing to HAProxy's
// configuration parser (no space, quote, backslash, '#', '$' or line break), which is what keeps
// inputs from becoming directives.
bool isBracketedIpv6(std::string_view host)
{
    if (host.size() < 4 || host.front() != '[' || host.back() != ']')
        return false;
    const auto inner = host.substr(1, host.size() - 2);
    return std::ranges::all_of(inner, [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
    }) && inner.find(':') != std::string_view::npos;
}

/** Four dotted numbers 0 to 255, without leading zeros (which some parsers read as octal). */
bool isIpv4(std::string_view host)
{
    for (int part = 0; part < 4; ++part) {
        const auto dot = host.find('.');
        if ((part < 3) == (dot == std::string_view::npos))
            return false; // a dot missing before the last number, or one after it
        const auto digits = host.substr(0, dot);
        unsigned value = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (digits.empty() || digits.size() > 3 || error != std::errc() || end != digits.data() + digits.size()
            || value > 255 || (digits.size() > 1 && digits.front() == '0'))
            return false;
        host.remove_prefix(dot == std::string_view::npos ? host.size() : dot + 1);
    }
    return true;
}

bool isHost(std::string_view host)
{
    return isPlainHostName(host) || isBracketedIpv6(host);
}

/** HAProxy's address syntax: `host:port`, and `ipv6@addr:port` for an IPv6 address. */
std::string haproxyAddress(std::string_view host, std::uint16_t port)
{
    if (host.starts_with('['))
        return "ipv6@" + std::string(host.substr(1, host.size() - 2)) + ":" + std::to_string(port);
    return std::string(host) + ":" + std::to_string(port);
}

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};

std::expected<HostPort, std::string> parseNodeUrl(std::string_view url)
{
    const auto problem = [url] {
        return std::unexpected("the node url " + quotedExcerpt(url, 80) + " must be http://HOST:PORT");
    };
    constexpr std::string_view scheme = "http://";
    if (!url.starts_with(scheme))
        return problem();
    url.remove_prefix(scheme.size());
    if (url.ends_with('/'))
        url.remove_suffix(1);
    const auto colon = url.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == url.size())
        return problem();
    const auto host = url.substr(0, colon);
    const auto digits = url.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (!isHost(host) || error != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535)
        return problem();
    return HostPort {std::string(host), static_cast<std::uint16_t>(port)};
}

std::vector<std::string> settingsProblems(const HaproxySettings &settings)
{
    std::vector<std::string> problems;
    if (!isHost(settings.bindHost))
        problems.push_back("the listen address " + quotedExcerpt(settings.bindHost, 80)
            + " must be a host name, an IPv4 address or an [IPv6] address");
    if (settings.bindPort == 0)
        problems.push_back("the listen port must be 1 to 65535");
    const auto &socket = settings.statsSocket;
    const bool safeSocket =
        socket.starts_with('/') && socket.size() <= maxSocketPathBytes && std::ranges::all_of(socket, [](char c) {
            return isAsciiLetterOrDigit(c) || c == '/' || c == '.' || c == '_' || c == '-';
        });
    if (!safeSocket)
        problems.push_back("the stats socket " + quotedExcerpt(socket, 80) + " must be an absolute path of at most "
            + std::to_string(maxSocketPathBytes) + " letters, digits, '/', '.', '_' or '-'");
    return problems;
}

struct Server {
    std::string name;
    std::string address;
};

/** Function name -> the servers hosting it, in the order the nodes came; or every problem found. */
std::expected<std::map<std::string, std::vector<Server>>, std::vector<std::string>> routesOf(
    const std::vector<HaproxyNode> &nodes)
{
    std::vector<std::string> problems;
    std::map<std::string, std::vector<Server>> routes;
    std::set<std::string> names;
    if (nodes.size() > maxHaproxyNodes)
        return std::unexpected(std::vector {"at most " + std::to_string(maxHaproxyNodes) + " nodes"});
    for (const auto &node : nodes) {
        if (auto problem = haproxyNodeNameProblem(node.name); !problem.empty())
            problems.push_back(std::move(problem));
        else if (!names.insert(node.name).second)
            problems.push_back("the node name " + quotedExcerpt(node.name, 80) + " appears twice");
        const auto address = parseNodeUrl(node.url);
        if (!address)
            problems.push_back(address.error());
        if (node.functions.size() > maxHaproxyFunctionsPerNode)
            problems.push_back("the node " + quotedExcerpt(node.name, 80) + " lists more than "
                + std::to_string(maxHaproxyFunctionsPerNode) + " functions");
        for (const auto &function : node.functions) {
            auto nameProblems = checkFunctionName(function);
            problems.insert(problems.end(), nameProblems.begin(), nameProblems.end());
            if (nameProblems.empty() && address) {
                auto &servers = routes[function];
                if (std::ranges::none_of(servers, [&node](const Server &s) {
                        return s.name == node.name;
                    }))
                    servers.push_back({node.name, haproxyAddress(address->host, address->port)});
            }
        }
    }
    if (!problems.empty())
        return std::unexpected(std::move(problems));
    return routes;
}

// Answers HAProxy gives itself, in the agent's {"error": {"code", "message"}} shape. Fixed
// text, single-quoted: HAProxy takes everything between single quotes literally.
constexpr std::string_view globalSection =
    R"(# Written by Rune from the cluster's node list; every change writes it again.
global
    master-worker
)";

constexpr std::string_view defaultsSection = R"(
defaults
    mode http
    option forwardfor
    # Like the built-in gateway: a node that refuses the connection costs a retry elsewhere,
    # but a call that reached a node is never sent again.
    retries 2
    retry-on conn-failure
    option redispatch 1
    timeout connect 3s
    timeout client 60s
    timeout http-request 10s
    timeout http-keep-alive 20s
    timeout queue 30s
    timeout server 910s
    timeout check 3s
    # A node whose name does not resolve yet starts down instead of stopping HAProxy from starting.
    default-server inter 1s fall 2 rise 1 init-addr last,libc,none
    http-error status 502 content-type application/json string '{"error":{"code":"upstream_failed","message":"the node closed the connection or answered something that is not HTTP"}}'
    http-error status 503 content-type application/json string '{"error":{"code":"no_node_available","message":"no node hosting the function could be reached"}}'
    http-error status 504 content-type application/json string '{"error":{"code":"upstream_timeout","message":"the node did not answer in time"}}'
)";

constexpr std::string_view notFoundBackend = R"(
backend rune-not-found
    http-request return status 404 content-type application/json string '{"error":{"code":"not_found","message":"no node hosts this function"}}'
)";

std::string frontendSection(const std::map<std::string, std::vector<Server>> &routes, const HaproxySettings &settings)
{
    std::string text =
        "\nfrontend rune-invoke\n    bind " + haproxyAddress(settings.bindHost, settings.bindPort) + "\n";
    text += "    http-request return status 200 content-type application/json string '{\"status\":\"ok\"}' if { path "
            "/healthz }\n";
    for (const auto &[function, servers] : routes) {
        const std::string acl = "    acl fn-" + function;
        // /function/<name>, /function/<name>/..., /function/<name>@v<N>...; the same for async calls.
        for (const std::string_view prefix : {"/function/", "/async-function/"}) {
            const std::string base = std::string(prefix) + function;
            text += acl + " path " + base + "\n";
            text += acl + " path_beg " + base + "/ " + base + "@\n";
        }
        text += "    use_backend fn-" + function + " if fn-" + function + "\n";
    }
    text += "    default_backend rune-not-found\n";
    return text;
}

std::string backendSection(const std::string &function, const std::vector<Server> &servers)
{
    std::string text = "\nbackend fn-" + function + "\n";
    text += "    balance leastconn\n";
    text += "    option httpchk GET /healthz\n";
    text += "    http-check expect status 200\n";
    text += "    http-response set-header X-Rune-Node %s\n";
    for (const auto &server : servers)
        text += "    server " + server.name + " " + server.address + " check\n";
    return text;
}

} // namespace

std::string haproxyNodeNameProblem(std::string_view name)
{
    if (!name.empty() && name.size() <= maxNodeNameBytes && std::ranges::all_of(name, [](char c) {
            return isAsciiLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
        }))
        return {};
    return "the node name " + quotedExcerpt(name, 80) + " must be 1 to " + std::to_string(maxNodeNameBytes)
        + " letters, digits, '.', '_' or '-'";
}

std::string haproxyNodeUrlProblem(std::string_view url)
{
    const auto parsed = parseNodeUrl(url);
    return parsed ? std::string() : parsed.error();
}

std::string haproxyBinaryProblem(std::string_view path)
{
    if (path.empty())
        return {};
    const bool printable = std::ranges::all_of(path, [](char c) {
        return c > ' ' && c < 127;
    });
    if (path.starts_with('/') && !path.ends_with('/') && path.size() <= maxHaproxyBinaryBytes && printable)
        return {};
    return std::string(haproxykeys::binary) + " must be the absolute path of the haproxy program (such as "
        + "/usr/sbin/haproxy), got " + quotedExcerpt(path, 80);
}

std::expected<HaproxyListen, std::string> parseHaproxyListen(std::string_view text)
{
    const auto problem = [text] {
        return std::unexpected(std::string(haproxykeys::listen) + " must be IPV4:PORT or [IPV6]:PORT with a port from "
            + "1 to 65535 (such as 0.0.0.0:8088 or [::1]:8088), got " + quotedExcerpt(text, 80));
    };
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return problem();
    const auto host = text.substr(0, colon);
    const auto digits = text.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535)
        return problem();
    if (!isBracketedIpv6(host) && !isIpv4(host))
        return problem();
    return HaproxyListen {std::string(host), static_cast<std::uint16_t>(port)};
}

std::expected<std::string, std::vector<std::string>> haproxyConfig(
    const std::vector<HaproxyNode> &nodes, const HaproxySettings &settings)
{
    auto problems = settingsProblems(settings);
    auto routes = routesOf(nodes);
    if (!routes)
        problems.insert(problems.end(), routes.error().begin(), routes.error().end());
    if (!problems.empty())
        return std::unexpected(std::move(problems));
    std::string text(globalSection);
    text += "    stats socket " + settings.statsSocket + " mode 600 level admin expose-fd listeners\n";
    text += defaultsSection;
    text += frontendSection(*routes, settings);
    for (const auto &[function, servers] : *routes)
        text += backendSection(function, servers);
    text += notFoundBackend;
    return text;
}

} // namespace rune::protocol
