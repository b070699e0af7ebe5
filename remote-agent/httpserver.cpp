// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpserver.h"

#include "log.h"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace rune::agent
{

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

HttpServer::HttpServer(net::io_context &io, ServerContext context)
    : m_io(io)
    , m_strand(net::make_strand(io))
    , m_acceptor(m_strand)
    , m_timer(m_strand)
    , m_context(std::move(context))
{
}

std::expected<tcp::endpoint, std::string> HttpServer::listen(const ListenAddress &address)
{
    boost::system::error_code error;
    const tcp::endpoint endpoint(net::ip::make_address(address.host, error), address.port);
    if (!error)
        m_acceptor.open(endpoint.protocol(), error);
    if (!error)
        m_acceptor.set_option(net::socket_base::reuse_address(true), error);
    if (!error)
        m_acceptor.bind(endpoint, error);
    if (!error)
        m_acceptor.listen(net::socket_base::max_listen_connections, error);
    const tcp::endpoint bound = error ? tcp::endpoint() : m_acceptor.local_endpoint(error);
    if (error)
        return std::unexpected("cannot listen on " + address.toString() + ": " + error.message());
    return bound;
}

void HttpServer::start()
{
    net::post(m_strand, [this] {
        accept();
    });
}

void HttpServer::accept()
{
    // Each connection gets its own strand: its handlers never run concurrently, different
    // connections run in parallel on the pool.
    m_acceptor.async_accept(net::make_strand(m_io), [this](boost::system::error_code error, tcp::socket socket) {
        onAccept(error, std::move(socket));
    });
}

void HttpServer::onAccept(boost::system::error_code error, tcp::socket socket)
{
    if (m_stopping || error == net::error::operation_aborted)
        return;
    if (error) {
        // Out of file descriptors, typically: back off instead of spinning on the error.
        logLine("accept failed: " + error.message());
        m_timer.expires_after(100ms);
        m_timer.async_wait([this](boost::system::error_code waitError) {
            if (!waitError && !m_stopping)
                accept();
        });
        return;
    }
    // Small responses must not wait for Nagle's algorithm: it costs ~40 ms per request.
    socket.set_option(tcp::no_delay(true), error);
    auto session = std::make_shared<HttpSession>(std::move(socket), m_context);
    track(session);
    session->start();
    accept();
}

void HttpServer::track(const std::shared_ptr<HttpSession> &session)
{
    const std::lock_guard lock(m_sessionsMutex);
    std::erase_if(m_sessions, [](const auto &weak) {
        return weak.expired();
    });
    m_sessions.push_back(session);
}

std::size_t HttpServer::liveSessions()
{
    const std::lock_guard lock(m_sessionsMutex);
    std::erase_if(m_sessions, [](const auto &weak) {
        return weak.expired();
    });
    return m_sessions.size();
}

void HttpServer::shutdown(std::chrono::steady_clock::duration grace, std::function<void()> onDrained)
{
    net::post(m_strand, [this, grace, onDrained = std::move(onDrained)]() mutable {
        m_stopping = true;
        boost::system::error_code ignored;
        m_acceptor.close(ignored);
        m_timer.cancel();
        stopSessions();
        waitForDrain(std::chrono::steady_clock::now() + grace, std::move(onDrained));
    });
}

void HttpServer::stopSessions()
{
    const std::lock_guard lock(m_sessionsMutex);
    for (const auto &weak : m_sessions) {
        if (auto session = weak.lock())
            session->stop();
    }
}

void HttpServer::waitForDrain(std::chrono::steady_clock::time_point deadline, std::function<void()> onDrained)
{
    const std::size_t remaining = liveSessions();
    if (remaining == 0 || std::chrono::steady_clock::now() >= deadline) {
        if (remaining > 0)
            logLine("grace period over, dropping " + std::to_string(remaining) + " connection(s)");
        return onDrained();
    }
    m_timer.expires_after(20ms);
    m_timer.async_wait([this, deadline, onDrained = std::move(onDrained)](boost::system::error_code) mutable {
        waitForDrain(deadline, std::move(onDrained));
    });
}

} // namespace rune::agent
