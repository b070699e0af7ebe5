// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rune::agent
{

/** A node the controller's gateway forwards calls to: where its invoke port is, what it hosts. */
struct Upstream {
    std::string name;
    std::string host;
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
