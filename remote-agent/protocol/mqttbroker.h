// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rune::protocol
{

/** The longest broker URL, user name and password the agent takes. */
inline constexpr std::size_t maxBrokerUrlBytes = 1024;
inline constexpr std::size_t maxBrokerUsernameBytes = 256;
inline constexpr std::size_t maxBrokerPasswordBytes = 1024;
/** The largest payload POST /v1/triggers/publish sends (a test message, not a data feed). */
inline constexpr std::size_t maxPublishPayloadBytes = 256 * 1024;
/** How long POST /v1/triggers/publish may wait for the answer on await_topic. */
inline constexpr int maxAwaitMs = 60000;

/**
 * Why @p url is not a broker URL the agent can connect to, or nullopt: `tcp://HOST[:PORT]`
 * (the agent's MQTT client has no TLS), a host name or IPv4 address or [IPv6] address, a port from
 * 1 to 65535, no user or password in it (those are settings of their own, so the URL can be
 * shown), no path, and nothing but printable ASCII.
 */
std::optional<std::string> brokerUrlProblem(std::string_view url);

/** Why @p name is not a usable MQTT user name (UTF-8, no control characters, length), or nullopt. */
std::optional<std::string> brokerUsernameProblem(std::string_view name);

} // namespace rune::protocol
