// SPDX-License-Identifier: GPL-3.0-or-later
#include "mqttbroker.h"

#include "utf8text.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace rune::protocol
{

namespace
{

constexpr std::string_view scheme = "tcp://";

bool printableAscii(std::string_view text)
{
    return std::ranges::all_of(text, [](char c) {
        return c > ' ' && c < 0x7f;
    });
}

bool hostNameCharacter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_';
}

std::optional<std::string> portProblem(std::string_view url, std::string_view port)
{
    int value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
        return "the port of the MQTT broker URL " + quotedExcerpt(url, 80) + " must be a number from 1 to 65535";
    return std::nullopt;
}

} // namespace

std::optional<std::string> brokerUrlProblem(std::string_view url)
{
    if (url.empty())
        return "the MQTT broker URL is empty";
    if (url.size() > maxBrokerUrlBytes)
        return "the MQTT broker URL is longer than " + std::to_string(maxBrokerUrlBytes) + " bytes";
    if (!printableAscii(url))
        return "the MQTT broker URL " + quotedExcerpt(url, 80) + " contains spaces, control or non-ASCII characters";
    if (!url.starts_with(scheme))
        return "the MQTT broker URL " + quotedExcerpt(url, 80)
            + " must start with tcp:// (the agent connects without TLS)";
    std::string_view rest = url.substr(scheme.size());
    if (rest.find('@') != std::string_view::npos)
        return "the MQTT broker URL " + quotedExcerpt(url, 80)
            + " must not hold a user or password: set them on their own";
    if (rest.find_first_of("/?#") != std::string_view::npos)
        return "the MQTT broker URL " + quotedExcerpt(url, 80) + " must be tcp://HOST[:PORT], without a path";
    std::string_view host = rest;
    std::string_view port;
    if (rest.starts_with('[')) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos || close == 1)
            return "the IPv6 address of the MQTT broker URL " + quotedExcerpt(url, 80) + " is not closed by ]";
        host = rest.substr(1, close - 1);
        const std::string_view after = rest.substr(close + 1);
        if (!after.empty() && !after.starts_with(':'))
            return "the MQTT broker URL " + quotedExcerpt(url, 80) + " has text after the IPv6 address";
        if (!after.empty())
            port = after.substr(1);
        if (!std::ranges::all_of(host, [](char c) {
                return c == ':' || c == '.' || std::isxdigit(static_cast<unsigned char>(c));
            }))
            return "the MQTT broker URL " + quotedExcerpt(url, 80) + " has an invalid IPv6 address";
        return after.empty() ? std::nullopt : portProblem(url, port);
    }
    if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
        if (auto problem = portProblem(url, port))
            return problem;
    }
    if (host.empty())
        return "the MQTT broker URL " + quotedExcerpt(url, 80) + " names no host";
    if (!std::ranges::all_of(host, hostNameCharacter))
        return "the host of the MQTT broker URL " + quotedExcerpt(url, 80) + " is not a host name or address";
    return std::nullopt;
}

std::optional<std::string> brokerUsernameProblem(std::string_view name)
{
    if (name.size() > maxBrokerUsernameBytes)
        return "the MQTT user name is longer than " + std::to_string(maxBrokerUsernameBytes) + " bytes";
    if (!isValidUtf8(name))
        return "the MQTT user name is not valid UTF-8";
    if (std::ranges::any_of(name, [](char c) {
            return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
        }))
        return "the MQTT user name contains control characters";
    return std::nullopt;
}

} // namespace rune::protocol
