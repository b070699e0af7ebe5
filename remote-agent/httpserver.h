// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpsession.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <expected>
#include <functional>
#include <optional>
#include <vector>

namespace rune::agent
{

// Accepts connections and hands each to an HttpSession on its own strand. Knows its sessions
// only weakly, to stop them and to tell when the last one has finished. At its connection cap it
// closes the connection idle the longest to make room; when none is idle, a new connection
// serves one health check (anything else gets 503 too_many_connections) and closes.
class HttpServer final
{
public:
    HttpServer(boost::asio::io_context &io, ServerContext context);

    std::expected<boost::asio::ip::tcp::endpoint, std::string> listen(const ListenAddress &address);
    // 0: no cap. Set before start().
    void setMaxConnections(std::size_t connections);
    void start();
    // Stops accepting, lets busy connections finish their current response, and calls onDrained
    // once no connection is left or the grace period is over, whichever comes first.
    void shutdown(std::chrono::steady_clock::duration grace, std::function<void()> onDrained);
    std::size_t liveSessions();

private:
    void accept();
    void onAccept(boost::system::error_code error, boost::asio::ip::tcp::socket socket);
    // nullopt: refuse the connection outright; else whether it is over the cap.
    std::optional<bool> admitConnection();
    void refuseConnection(boost::asio::ip::tcp::socket &socket);
    void stopSessions();
    void waitForDrain(std::chrono::steady_clock::time_point deadline, std::function<void()> onDrained);

    boost::asio::io_context &m_io;
    boost::asio::strand<boost::asio::io_context::executor_type> m_strand;
    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::steady_timer m_timer;
    ServerContext m_context;
    std::shared_ptr<ConnectionTable> m_connections = std::make_shared<ConnectionTable>();
    std::size_t m_maxConnections = 0;
    std::chrono::steady_clock::time_point m_lastRefusalLog;
    bool m_stopping = false;
};

} // namespace rune::agent
