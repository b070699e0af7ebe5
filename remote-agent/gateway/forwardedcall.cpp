// SPDX-License-Identifier: GPL-3.0-or-later
#include "gateway/forwardedcall.h"

#include "gateway/gateway.h"
#include "gateway/headerfields.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/beast/http.hpp>

namespace rune::agent
{

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace
{

constexpr std::uint64_t maxResponseBytes = 64ull << 20;
constexpr std::size_t readChunk = 16 * 1024;

std::string inSeconds(std::chrono::milliseconds duration)
{
    const auto tenths = duration.count() / 100;
    return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
}

// The call as it goes to a node: the caller's end-to-end fields, the body the agent's server
// already read in full (so no Expect: the node has nothing to wait for), the gateway in Via.
http::request<http::string_body> upstreamRequest(const Request &incoming)
{
    http::request<http::string_body> request;
    request.method_string(incoming.method_string());
    request.target(incoming.target());
    request.version(11);
    copyEndToEndFields(incoming,
        request,
        {http::field::host, http::field::content_length, http::field::expect, http::field::proxy_authorization});
    appendVia(request, incoming.version() == 10 ? "1.0 rune-gateway" : "1.1 rune-gateway");
    request.body() = incoming.body();
    if (!request.body().empty() || incoming.count(http::field::content_length) > 0
        || incoming.count(http::field::transfer_encoding) > 0)
        request.content_length(request.body().size());
    request.keep_alive(true);
    return request;
}

} // namespace

ForwardedCall::ForwardedCall(std::shared_ptr<Gateway> gateway, Exchange exchange, std::string function)
    : m_gateway(std::move(gateway))
    , m_exchange(std::move(exchange))
    , m_function(std::move(function))
    , m_strand(net::make_strand(m_gateway->m_io))
    , m_resolver(m_strand)
    , m_deadline(m_strand)
    , m_request(upstreamRequest(m_exchange.request()))
    , m_head(m_exchange.request().method() == http::verb::head)
{
}

template <class Handler> auto ForwardedCall::onStrand(Handler handler)
{
    return net::bind_executor(m_strand, std::move(handler));
}

void ForwardedCall::start()
{
    net::dispatch(m_strand, [self = shared_from_this()] {
        self->tryNext();
    });
}

void ForwardedCall::tryNext()
{
    releaseNode();
    m_node = m_gateway->pick(m_function, m_tried);
    if (!m_node) {
        finish();
        return m_exchange.respondError(http::status::bad_gateway,
            "no_node_available",
            "no node that hosts '" + m_function + "' could be reached"
                + (m_lastError.empty() ? std::string() : " (last: " + m_lastError + ")"));
    }
    m_tried.insert(m_node.get());
    ++m_node->inFlight;
    m_socket = m_node->takeIdle();
    m_reused = m_socket.has_value();
    if (m_reused)
        return send();
    resolve();
}

void ForwardedCall::resolve()
{
    armDeadline(m_gateway->m_timeouts.connect);
    m_resolver.async_resolve(m_node->host,
        std::to_string(m_node->port),
        onStrand([self = shared_from_this()](beast::error_code error, const tcp::resolver::results_type &addresses) {
            if (self->m_timedOut)
                return self->retry("cannot resolve " + self->m_node->host + " within "
                    + inSeconds(self->m_gateway->m_timeouts.connect));
            if (error)
                return self->retry("cannot resolve " + self->m_node->host + ": " + error.message());
            self->connect(addresses);
        }));
}

void ForwardedCall::connect(const tcp::resolver::results_type &addresses)
{
    m_socket.emplace(m_gateway->m_io);
    net::async_connect(
        *m_socket, addresses, onStrand([self = shared_from_this()](beast::error_code error, const tcp::endpoint &) {
            if (self->m_timedOut)
                return self->retry("no connection to " + self->m_node->name + " within "
                    + inSeconds(self->m_gateway->m_timeouts.connect));
            if (error)
                return self->retry("cannot connect to " + self->m_node->name + ": " + error.message());
            beast::error_code ignored;
            self->m_socket->set_option(tcp::no_delay(true), ignored);
            self->send();
        }));
}

void ForwardedCall::send()
{
    m_request.set(http::field::host, authorityOf(m_node->host, m_node->port));
    m_writing = true;
    m_writeFailed = false;
    m_written = 0;
    m_receivedAny = false;
    m_buffer.clear();
    m_reader.emplace(m_head, maxResponseBytes);
    armDeadline(m_gateway->m_timeouts.call);
    http::async_write(
        *m_socket, m_request, onStrand([self = shared_from_this()](beast::error_code error, std::size_t written) {
            self->onSent(error, written);
        }));
    readMore();
}

void ForwardedCall::onSent(beast::error_code error, std::size_t written)
{
    m_writing = false;
    m_written = written;
    m_writeFailed = static_cast<bool>(error);
    if (!m_finished)
        settle();
}

void ForwardedCall::readMore()
{
    m_reading = true;
    m_socket->async_read_some(m_buffer.prepare(readChunk),
        onStrand([self = shared_from_this()](beast::error_code error, std::size_t received) {
            self->onRead(error, received);
        }));
}

void ForwardedCall::onRead(beast::error_code error, std::size_t received)
{
    m_reading = false;
    if (m_finished)
        return;
    m_buffer.commit(received);
    m_receivedAny = m_receivedAny || received > 0;
    const auto *data = static_cast<const char *>(m_buffer.data().data());
    m_buffer.consume(m_reader->feed(std::string_view(data, m_buffer.size())));
    if (m_reader->progress() == UpstreamResponseReader::Progress::needMore) {
        if (!error)
            return readMore();
        // A close ends an answer that had no length; after bytes of any other it is a fault.
        if (error == net::error::eof && m_receivedAny)
            m_reader->finish();
    }
    settle();
}

// Decides once the answer is known, or once both directions have ended without one.
void ForwardedCall::settle()
{
    using Progress = UpstreamResponseReader::Progress;
    if (m_reader->progress() == Progress::complete)
        return deliver();
    if (m_reader->progress() == Progress::failed) {
        return failAfterSending(http::status::bad_gateway,
            "invalid_upstream_answer",
            "answered with " + m_reader->fault() + "; the connection was closed",
            false);
    }
    if (m_reading)
        return;
    if (m_writing) {
        closeSocket(); // the answer cannot come any more: end the write too
        return;
    }
    if (m_timedOut) {
        return failAfterSending(http::status::gateway_timeout,
            "upstream_timeout",
            "did not answer within " + inSeconds(m_gateway->m_timeouts.call),
            true);
    }
    if (m_written == 0 && !m_receivedAny)
        return retry("the connection to " + m_node->name + " was closed before the call was sent");
    failAfterSending(http::status::bad_gateway,
        "upstream_failed",
        m_receivedAny ? "broke the connection in the middle of its answer" : "closed the connection before answering",
        true);
}

void ForwardedCall::deliver()
{
    finish();
    Response response = m_reader->takeResponse();
    response.set("X-Rune-Node", m_node->name);
    // Bytes after the answer, or an answer that came before the whole call was taken, leave the
    // connection in a state nobody can vouch for.
    const bool reusable = m_reader->connectionReusable() && !m_writing && !m_writeFailed && m_buffer.size() == 0;
    if (reusable) {
        m_node->putIdle(std::move(*m_socket));
        m_socket.reset();
    } else {
        closeSocket();
    }
    m_gateway->reportSuccess(*m_node);
    ++m_node->forwarded;
    if (response.result_int() >= 500)
        ++m_node->errors;
    releaseNode();
    m_exchange.respond(std::move(response));
}

// Nothing of the call reached the node: a stale kept-alive connection is replaced by a fresh one
// to the same node; otherwise the node is blamed and the next one tried.
void ForwardedCall::retry(const std::string &why)
{
    m_lastError = why;
    closeSocket();
    if (m_reused) {
        m_reused = false;
        return resolve();
    }
    m_gateway->reportFailure(*m_node, why);
    tryNext();
}

void ForwardedCall::failAfterSending(
    http::status status, std::string_view code, const std::string &why, bool nodeBroken)
{
    finish();
    closeSocket();
    const std::string name = m_node->name;
    ++m_node->errors;
    if (nodeBroken)
        m_gateway->reportFailure(*m_node, why);
    releaseNode();
    m_exchange.respondError(status,
        code,
        "node '" + name + "' " + why + "; the call was not tried on another node, since '" + name
            + "' may have run it");
}

// The caller is answered: no handler may act on the call any more, and no timer may keep it alive.
void ForwardedCall::finish()
{
    m_finished = true;
    ++m_deadlineGeneration;
    m_deadline.cancel();
}

void ForwardedCall::releaseNode()
{
    if (m_node)
        --m_node->inFlight;
    m_node.reset();
}

void ForwardedCall::closeSocket()
{
    if (!m_socket)
        return;
    beast::error_code ignored;
    m_socket->shutdown(tcp::socket::shutdown_both, ignored);
    m_socket->close(ignored);
}

void ForwardedCall::armDeadline(std::chrono::steady_clock::duration timeout)
{
    m_timedOut = false;
    const unsigned generation = ++m_deadlineGeneration;
    m_deadline.expires_after(timeout);
    m_deadline.async_wait(onStrand([self = shared_from_this(), generation](beast::error_code error) {
        if (error || generation != self->m_deadlineGeneration)
            return;
        self->m_timedOut = true;
        self->m_resolver.cancel();
        self->closeSocket();
    }));
}

} // namespace rune::agent
