// SPDX-License-Identifier: GPL-3.0-or-later
#include "gateway/upstream.h"

#include "hostname.h"
#include "utf8text.h"

#include <algorithm>
#include <boost/asio/ip/address_v6.hpp>
#include <cerrno>
#include <charconv>
#include <sys/socket.h>

namespace rune::agent
{

namespace
{

using namespace std::chrono_literals;

constexpr std::size_t maxIdlePerNode = 64;
// Well under the node's own idle timeout (60 s), so the node does not close a connection at
// the moment the gateway sends a call on it.
constexpr auto maxIdleAge = 20s;

// Without reading: open with nothing to read is the only state in which the connection can
// carry a request. End of stream means the node closed it; bytes mean an answer nobody asked for.
bool openAndQuiet(boost::asio::ip::tcp::socket &socket)
{
    char byte = 0;
    const auto peeked = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

} // namespace

std::expected<NodeAddress, std::string> parseNodeUrl(std::string_view url)
{
    const std::string quoted = "'" + textExcerpt(url, 80) + "'";
    constexpr std::string_view scheme = "http://";
    if (!url.starts_with(scheme))
        return std::unexpected("the url " + quoted + " must start with http://");
    url.remove_prefix(scheme.size());
    url = url.substr(0, url.find('/'));
    NodeAddress address;
    std::string_view portText;
    if (url.starts_with('[')) {
        // [IPv6]:PORT (RFC 3986): the address's own colons are inside the brackets.
        const auto close = url.find(']');
        if (close == std::string_view::npos || url.substr(close + 1, 1) != ":")
            return std::unexpected("the url " + quoted + " needs [IPV6]:PORT after http://");
        const auto inner = url.substr(1, close - 1);
        // Hex digits, colons and dots only: no zone ("%eth0"), which names this machine's interfaces.
        const bool addressCharacters = std::ranges::all_of(inner, [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
        });
        boost::system::error_code error;
        const auto v6 = boost::asio::ip::make_address_v6(addressCharacters ? std::string(inner) : std::string(), error);
        if (!addressCharacters || error)
            return std::unexpected("the url " + quoted + " has no valid IPv6 address between its brackets");
        address.host = v6.to_string();
        portText = url.substr(close + 2);
    } else {
        const auto colon = url.rfind(':');
        if (colon == std::string_view::npos || colon == 0)
            return std::unexpected("the url " + quoted + " needs a port");
        if (!protocol::isPlainHostName(url.substr(0, colon)))
            return std::unexpected("the url " + quoted
                + " needs a host name, an IPv4 address or an [IPv6] address in brackets before its port");
        address.host = std::string(url.substr(0, colon));
        portText = url.substr(colon + 1);
    }
    const auto [end, error] = std::from_chars(portText.data(), portText.data() + portText.size(), address.port);
    if (portText.empty() || error != std::errc {} || end != portText.data() + portText.size() || address.port == 0)
        return std::unexpected("the port in " + quoted + " is not valid (1 to 65535)");
    return address;
}

std::string authorityOf(const std::string &host, std::uint16_t port)
{
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<boost::asio::ip::tcp::socket> Upstream::takeIdle()
{
    const auto now = std::chrono::steady_clock::now();
    const std::lock_guard lock(m_idleMutex);
    while (!m_idle.empty()) {
        IdleConnection connection = std::move(m_idle.back());
        m_idle.pop_back();
        if (now - connection.since < maxIdleAge && openAndQuiet(connection.socket))
            return std::move(connection.socket);
    }
    return std::nullopt;
}

void Upstream::putIdle(boost::asio::ip::tcp::socket socket)
{
    const auto now = std::chrono::steady_clock::now();
    const std::lock_guard lock(m_idleMutex);
    std::erase_if(m_idle, [now](const IdleConnection &connection) {
        return now - connection.since >= maxIdleAge;
    });
    if (m_idle.size() < maxIdlePerNode)
        m_idle.push_back({std::move(socket), now});
}

} // namespace rune::agent
