// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpsession.h"

#include "log.h"
#include "protocol.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <limits>

namespace rune::agent
{

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace
{

// How long a keep-alive connection may sit idle before the agent closes it.
constexpr auto idleTimeout = 60s;
// Generous: a function archive may come through a slow SSH tunnel.
constexpr auto bodyTimeout = 600s;
constexpr auto writeTimeout = 60s;
// After the last response, how long to swallow what the client still sends, so closing does not
// reset the connection before the client has read that response (a 413 on an upload).
constexpr auto lingerTimeout = 2s;
constexpr std::uint32_t headerLimit = 16 * 1024;

bool connectionGone(beast::error_code error)
{
    return error == http::error::end_of_stream || error == http::error::partial_message
        || error == beast::error::timeout || error == net::error::eof || error == net::error::operation_aborted
        || error == net::error::connection_reset || error == net::error::broken_pipe;
}

} // namespace

HttpSession::HttpSession(tcp::socket socket, ServerContext context)
    : m_stream(std::move(socket))
    , m_context(std::move(context))
{
}

void HttpSession::start()
{
    net::dispatch(m_stream.get_executor(), [self = shared_from_this()] {
        self->readHeader();
    });
}

void HttpSession::stop()
{
    net::post(m_stream.get_executor(), [self = shared_from_this()] {
        self->m_stopping = true;
        if (!self->m_busy && !self->m_closed)
            self->closeNow();
    });
}

void HttpSession::readHeader()
{
    m_busy = false;
    if (m_stopping)
        return closeNow();
    m_parser.emplace();
    m_parser->header_limit(headerLimit);
    // The route decides the body limit once the header is known; see onHeader. Not boost::none:
    // Beast 1.74 compares a Content-Length against an empty optional as if it were a limit of 0.
    m_parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    m_stream.expires_after(idleTimeout);
    http::async_read_header(
        m_stream, m_buffer, *m_parser, [self = shared_from_this()](beast::error_code error, std::size_t) {
            self->onHeader(error);
        });
}

void HttpSession::onHeader(beast::error_code error)
{
    if (error)
        return connectionGone(error) ? closeNow() : rejectUnreadable(error);
    m_busy = true;
    const auto &request = m_parser->get();
    m_requestKeepAlive = request.keep_alive();
    const auto length = m_parser->content_length();
    m_admission = admitRequest(request.base(),
        length ? std::optional<std::uint64_t>(*length) : std::nullopt,
        *m_context.router,
        *m_context.config->current());
    if (m_admission.rejection) {
        // An unread body would be taken for the next request: answer, then close instead.
        if (!m_parser->is_done())
            m_requestKeepAlive = false;
        return sendResponse(std::move(*m_admission.rejection));
    }
    if (m_parser->is_done())
        return dispatch();
    if (beast::iequals(request[http::field::expect], "100-continue"))
        return sendContinue();
    readBody();
}

void HttpSession::sendContinue()
{
    static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
    m_stream.expires_after(writeTimeout);
    net::async_write(m_stream,
        net::buffer(interim.data(), interim.size()),
        [self = shared_from_this()](beast::error_code error, std::size_t) {
            if (error)
                return self->closeNow();
            self->readBody();
        });
}

void HttpSession::readBody()
{
    m_parser->body_limit(m_admission.bodyLimit);
    m_stream.expires_after(bodyTimeout);
    http::async_read(m_stream, m_buffer, *m_parser, [self = shared_from_this()](beast::error_code error, std::size_t) {
        self->onBody(error);
    });
}

void HttpSession::onBody(beast::error_code error)
{
    if (error)
        return connectionGone(error) ? closeNow() : rejectUnreadable(error);
    dispatch();
}

void HttpSession::dispatch()
{
    // The handler may take long (an invocation); the client is waiting, not idle.
    m_stream.expires_never();
    const Route *route = m_admission.route;
    Exchange exchange(m_parser->release(), std::move(m_admission.params), shared_from_this());
    try {
        route->handler(exchange);
    } catch (const std::exception &failure) {
        logLine(std::string("handler for ") + std::string(exchange.request().target()) + " failed: " + failure.what());
        exchange.respondError(http::status::internal_server_error, protocol::errorcode::internal, "internal error");
    } catch (...) {
        logLine("handler for " + std::string(exchange.request().target()) + " failed");
        exchange.respondError(http::status::internal_server_error, protocol::errorcode::internal, "internal error");
    }
}

void HttpSession::rejectUnreadable(beast::error_code error)
{
    // The stream position is unknown after a parse error, so the connection cannot be reused.
    m_busy = true;
    m_requestKeepAlive = false;
    if (error == http::error::body_limit) {
        return sendResponse(makeErrorResponse(http::status::payload_too_large,
            protocol::errorcode::payloadTooLarge,
            "request body is larger than the limit"));
    }
    sendResponse(makeErrorResponse(
        http::status::bad_request, protocol::errorcode::badRequest, "malformed HTTP request: " + error.message()));
}

// dispatch, not post: when the connection's strand is idle (it waits for this answer) the write
// starts on the calling thread instead of costing a hop to another one.
void HttpSession::sendResponse(Response response)
{
    auto shared = std::make_shared<Response>(std::move(response));
    net::dispatch(m_stream.get_executor(), [self = shared_from_this(), shared] {
        self->enqueue(Outgoing {Outgoing::Kind::full, shared, {}, nullptr, {}});
    });
}

void HttpSession::sendStreamHeader(http::response_header<> header)
{
    net::dispatch(m_stream.get_executor(), [self = shared_from_this(), header = std::move(header)]() mutable {
        self->enqueue(Outgoing {Outgoing::Kind::streamHeader, nullptr, std::move(header), nullptr, {}});
    });
}

void HttpSession::sendStreamChunk(std::string data, std::function<void(bool delivered)> done)
{
    auto shared = std::make_shared<std::string>(std::move(data));
    net::dispatch(m_stream.get_executor(), [self = shared_from_this(), shared, done = std::move(done)]() mutable {
        self->enqueue(Outgoing {Outgoing::Kind::chunk, nullptr, {}, shared, std::move(done)});
    });
}

void HttpSession::finishStream()
{
    net::dispatch(m_stream.get_executor(), [self = shared_from_this()] {
        self->enqueue(Outgoing {Outgoing::Kind::last, nullptr, {}, nullptr, {}});
    });
}

void HttpSession::enqueue(Outgoing piece)
{
    if (m_closed) {
        if (piece.done)
            piece.done(false);
        return;
    }
    m_outbox.push_back(std::move(piece));
    writeNext();
}

void HttpSession::writeNext()
{
    if (m_writing || m_outbox.empty() || m_closed)
        return;
    Outgoing piece = std::move(m_outbox.front());
    m_outbox.pop_front();
    m_writing = true;
    m_stream.expires_after(writeTimeout);
    switch (piece.kind) {
    case Outgoing::Kind::full:
        return writeFull(std::move(piece.response));
    case Outgoing::Kind::streamHeader:
        return writeStreamHeader(std::move(piece.header));
    case Outgoing::Kind::chunk:
        return writeChunk(std::move(piece.data), std::move(piece.done));
    case Outgoing::Kind::last:
        return writeLastChunk();
    }
}

void HttpSession::writeFull(std::shared_ptr<Response> response)
{
    response->keep_alive(keepAlive());
    response->prepare_payload();
    http::async_write(m_stream, *response, [self = shared_from_this(), response](beast::error_code error, std::size_t) {
        self->onWritten(error, true);
    });
}

void HttpSession::writeStreamHeader(http::response_header<> header)
{
    m_streamHeader = std::make_unique<http::response<http::empty_body>>(std::move(header));
    m_streamHeader->keep_alive(keepAlive());
    m_streamHeader->chunked(true);
    m_streamSerializer = std::make_unique<http::response_serializer<http::empty_body>>(*m_streamHeader);
    http::async_write_header(
        m_stream, *m_streamSerializer, [self = shared_from_this()](beast::error_code error, std::size_t) {
            self->onWritten(error, false);
        });
}

void HttpSession::writeChunk(std::shared_ptr<std::string> data, std::function<void(bool)> done)
{
    if (data->empty()) {
        // An empty chunk would end the stream on the wire; there is nothing to send anyway.
        m_writing = false;
        if (done)
            done(true);
        return writeNext();
    }
    net::async_write(m_stream,
        http::make_chunk(net::buffer(*data)),
        [self = shared_from_this(), data, done = std::move(done)](beast::error_code error, std::size_t) {
            if (done)
                done(!error);
            self->onWritten(error, false);
        });
}

void HttpSession::writeLastChunk()
{
    net::async_write(
        m_stream, http::make_chunk_last(), [self = shared_from_this()](beast::error_code error, std::size_t) {
            self->onWritten(error, true);
        });
}

void HttpSession::onWritten(beast::error_code error, bool exchangeComplete)
{
    m_writing = false;
    if (error)
        return closeNow();
    if (!exchangeComplete)
        return writeNext();
    m_streamSerializer.reset();
    m_streamHeader.reset();
    failPending();
    if (keepAlive())
        return readHeader();
    closeGracefully();
}

void HttpSession::failPending()
{
    for (auto &piece : m_outbox) {
        if (piece.done)
            piece.done(false);
    }
    m_outbox.clear();
}

void HttpSession::closeNow()
{
    m_closed = true;
    failPending();
    beast::error_code ignored;
    m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    m_stream.close();
}

void HttpSession::closeGracefully()
{
    m_closed = true;
    failPending();
    beast::error_code ignored;
    m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    m_stream.expires_after(lingerTimeout); // one deadline for the whole drain
    drainThenClose();
}

void HttpSession::drainThenClose()
{
    m_stream.async_read_some(net::buffer(m_discard), [self = shared_from_this()](beast::error_code error, std::size_t) {
        if (error)
            return self->m_stream.close();
        self->drainThenClose();
    });
}

bool HttpSession::keepAlive() const
{
    return m_requestKeepAlive && !m_stopping;
}

} // namespace rune::agent
