// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <expected>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace rune::agent
{

/** Where a node's invoke port is: a host name, IPv4 address or IPv6 address (without brackets). */
struct NodeAddress {
    std::string host;
    std::uint16_t port = 0;
};

/**
 * @p url (`http://HOST:PORT`, optionally followed by a path, which is ignored) taken apart; an
 * IPv6 address is bracketed (`http://[::1]:8081`). Errors say what is wrong with the url.
 */
std::expected<NodeAddress, std::string> parseNodeUrl(std::string_view url);

/** HOST:PORT as the Host header and URLs carry it: [IPv6]:PORT for an IPv6 address. */
std::string authorityOf(const std::string &host, std::uint16_t port);

/** A node the controller's gateway forwards calls to: where its invoke port is, what it hosts. */
struct Upstream {
    std::string name;
    std::string host; ///< to resolve or connect to: an IPv6 address without brackets
    std::uint16_t port = 0;
    std::set<std::string, std::less<>> functions;

    std::atomic<int> inFlight {0};
    std::atomic<bool> healthy {true};
    std::atomic<int> failures {0}; ///< in a row: health checks and forwarding attempts
    std::atomic<std::uint64_t> forwarded {0};
    std::atomic<std::uint64_t> errors {0};

    /**
     * A kept-alive connection that is still open and quiet, or none. Connections idle for too
     * long, closed by the node, or with bytes nobody asked for are closed instead of returned.
     */
    std::optional<boost::asio::ip::tcp::socket> takeIdle();
    /** Keeps a connection whose last answer was read completely and both sides want to keep. */
    void putIdle(boost::asio::ip::tcp::socket socket);

private:
    struct IdleConnection {
        boost::asio::ip::tcp::socket socket;
        std::chrono::steady_clock::time_point since;
    };

    std::mutex m_idleMutex;
    std::vector<IdleConnection> m_idle;
};

} // namespace rune::agent
