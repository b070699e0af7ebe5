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
#include <mutex>
#include <vector>

namespace rune::agent
{

// Accepts connections and hands each to an HttpSession on its own strand. Knows its sessions
// only weakly, to stop them and to tell when the last one has finished.
class HttpServer final
{
public:
    HttpServer(boost::asio::io_context &io, ServerContext context);

    std::expected<boost::asio::ip::tcp::endpoint, std::string> listen(const ListenAddress &address);
    void start();
    // Stops accepting, lets busy connections finish their current response, and calls onDrained
    // once no connection is left or the grace period is over, whichever comes first.
    void shutdown(std::chrono::steady_clock::duration grace, std::function<void()> onDrained);
    std::size_t liveSessions();

private:
    void accept();
    void onAccept(boost::system::error_code error, boost::asio::ip::tcp::socket socket);
    void track(const std::shared_ptr<HttpSession> &session);
    void stopSessions();
    void waitForDrain(std::chrono::steady_clock::time_point deadline, std::function<void()> onDrained);

    boost::asio::io_context &m_io;
    boost::asio::strand<boost::asio::io_context::executor_type> m_strand;
    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::steady_timer m_timer;
    ServerContext m_context;
    std::mutex m_sessionsMutex;
    std::vector<std::weak_ptr<HttpSession>> m_sessions;
    bool m_stopping = false;
};

} // namespace rune::agent
