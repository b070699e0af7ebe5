// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpserver.h"

#include "log.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <sstream>

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
    if (!m_context.bodyBudget)
        m_context.bodyBudget = std::make_shared<BodyBudget>();
}

void HttpServer::setMaxConnections(std::size_t connections)
{
    m_maxConnections = connections;
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
    const auto admitted = admitConnection();
    if (!admitted) {
        refuseConnection(socket);
        return accept();
    }
    // Small responses must not wait for Nagle's algorithm: it costs ~40 ms per request.
    socket.set_option(tcp::no_delay(true), error);
    auto session = std::make_shared<HttpSession>(std::move(socket), m_context, m_connections, *admitted);
    m_connections->add(session, *admitted);
    session->start();
    accept();
}

std::optional<bool> HttpServer::admitConnection()
{
    if (m_maxConnections == 0 || m_connections->regular() < m_maxConnections)
        return false;
    if (const auto idle = m_connections->longestIdle(); idle && idle->closeIfIdle())
        return false;
    // Beyond the cap, a few connections more for health checks: they close after one answer.
    const std::size_t spare = std::max<std::size_t>(16, m_maxConnections / 16);
    if (m_connections->overCapacity() >= spare)
        return std::nullopt;
    return true;
}

// Past the cap and its spare room: a fixed answer if the socket takes it at once, then close.
void HttpServer::refuseConnection(tcp::socket &socket)
{
    static const std::string refusal = [] {
        Response response = makeErrorResponse(http::status::service_unavailable,
            httpcode::tooManyConnections,
            "the agent has as many connections as it serves; try again shortly");
        response.set(http::field::retry_after, "2");
        response.set(http::field::connection, "close");
        std::ostringstream text;
        text << response;
        return text.str();
    }();
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(net::buffer(refusal.data(), refusal.size()), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    const auto now = std::chrono::steady_clock::now();
    if (now - m_lastRefusalLog > 10s) {
        m_lastRefusalLog = now;
        logLine("connection cap reached on a port: refusing new connections");
    }
}

std::size_t HttpServer::liveSessions()
{
    return m_connections->regular() + m_connections->overCapacity();
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
    for (const auto &session : m_connections->all())
        session->stop();
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
