// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace rune::protocol
{

/** One node the controller routes to: the same facts PUT /v1/cluster carries. */
struct HaproxyNode {
    std::string name; ///< becomes the server name and the X-Rune-Node answer header
    std::string url; ///< http://HOST:PORT of the node's invoke port
    std::vector<std::string> functions;
};

/** Where HAProxy listens and how it can be managed. */
struct HaproxySettings {
    std::string bindHost = "0.0.0.0"; ///< the controller's public invoke address
    std::uint16_t bindPort = 8080;
    std::string statsSocket = "/run/haproxy/rune-admin.sock"; ///< master-worker admin socket (level admin)
};

/** The most nodes and functions one generated configuration holds (a bound on its size). */
inline constexpr std::size_t maxHaproxyNodes = 1000;
inline constexpr std::size_t maxHaproxyFunctionsPerNode = 1000;

/**
 * A complete haproxy.cfg that does what the built-in gateway does: `/function/<name>` and
 * `/async-function/<name>` go to a backend per function holding the nodes that host it (fewest
 * connections first, `GET /healthz` checks), `/healthz` answers itself, and anything else is a 404
 * in the agent's error shape. Every name, address and path is checked before it is written, so no
 * input can add a line or a directive: the error lists every problem, one sentence each.
 */
std::expected<std::string, std::vector<std::string>> haproxyConfig(
    const std::vector<HaproxyNode> &nodes, const HaproxySettings &settings);

/** Why @p name cannot be a node's server name in HAProxy (1..63 of A-Z a-z 0-9 . _ -), or empty. */
std::string haproxyNodeNameProblem(std::string_view name);

/** Why @p url is not `http://HOST:PORT` with a host name, IPv4 or [IPv6] address, or empty. */
std::string haproxyNodeUrlProblem(std::string_view url);

/**
 * The agent's settings that make a controller run HAProxy as its gateway (the console writes
 * them when it provisions a controller with the HAProxy gateway).
 */
namespace haproxykeys
{
/** Absolute path of the haproxy program; empty (the default): the controller runs no HAProxy. */
inline constexpr char binary[] = "haproxy_binary";
/** Where HAProxy takes calls: IPv4:PORT or [IPv6]:PORT, port 1 to 65535. */
inline constexpr char listen[] = "haproxy_listen";
} // namespace haproxykeys

/** The longest haproxy_binary path (PATH_MAX). */
inline constexpr std::size_t maxHaproxyBinaryBytes = 4095;

/** Why @p path cannot be haproxy_binary (absolute, printable ASCII, no trailing '/'), or empty; "" is fine (off). */
std::string haproxyBinaryProblem(std::string_view path);

/** An haproxy_listen value taken apart: the host as HaproxySettings::bindHost takes it ([v6] bracketed). */
struct HaproxyListen {
    std::string host;
    std::uint16_t port = 0;
};

/** @p text as haproxy_listen: an IPv4 address or a bracketed IPv6 address, ':' and a port 1 to 65535. */
std::expected<HaproxyListen, std::string> parseHaproxyListen(std::string_view text);

} // namespace rune::protocol
