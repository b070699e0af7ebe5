// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpsession.h"

#include "log.h"
#include "protocol.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

namespace rune::agent
{

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace
{

// How long a keep-alive connection may sit idle before the agent closes it.
constexpr auto idleTimeout = 60s;
// A connection over the cap is there for one health check.
constexpr auto overCapacityIdleTimeout = 5s;
// From the first byte of a request to the end of its header.
constexpr auto headerTimeout = 20s;
constexpr auto writeTimeout = 60s;
// After the last response, how long to swallow what the client still sends, so closing does not
// reset the connection before the client has read that response (a 413 on an upload).
constexpr auto lingerTimeout = 2s;
// Read at most this much at a time: what is read is parsed before more is read, so this bounds
// what a connection buffers beyond the body it was allowed.
constexpr std::size_t readBytes = 32 * 1024;
constexpr char retryAfterSeconds[] = "2";

} // namespace

HttpSession::HttpSession(
    tcp::socket socket, ServerContext context, std::shared_ptr<ConnectionTable> table, bool overCapacity)
    : m_socket(std::move(socket))
    , m_timer(m_socket.get_executor())
    , m_context(std::move(context))
    , m_table(std::move(table))
    , m_overCapacity(overCapacity)
{
}

HttpSession::~HttpSession()
{
    m_table->remove(this);
}

void HttpSession::start()
{
    net::dispatch(m_socket.get_executor(), [self = shared_from_this()] {
        beast::error_code ignored;
        // Reads happen only once the socket is readable; non-blocking makes sure they never wait.
        self->m_socket.non_blocking(true, ignored);
        self->processInput();
    });
}

void HttpSession::stop()
{
    net::post(m_socket.get_executor(), [self = shared_from_this()] {
        self->m_stopping = true;
        if (self->m_phase == Phase::waiting && !self->m_closed)
            self->closeNow();
    });
}

bool HttpSession::closeIfIdle()
{
    // Claimed here, on the accepting thread, so a burst of new connections does not pick the
    // same idle one again and again.
    if (m_idleSince.exchange(0) == 0)
        return false;
    net::post(m_socket.get_executor(), [self = shared_from_this()] {
        if (self->m_phase == Phase::waiting && self->m_reader.idle() && !self->m_closed)
            self->closeNow();
    });
    return true;
}

std::optional<std::chrono::steady_clock::time_point> HttpSession::idleSince() const
{
    const auto ticks = m_idleSince.load();
    if (ticks == 0)
        return std::nullopt;
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(ticks));
}

void HttpSession::setIdle(bool idle)
{
    m_idleSince = idle ? std::max<std::int64_t>(1, std::chrono::steady_clock::now().time_since_epoch().count()) : 0;
}

// Parses what has arrived as far as it goes; pipelined requests are already in the reader.
void HttpSession::processInput()
{
    if (m_closed)
        return;
    switch (m_reader.next()) {
    case HttpRequestReader::Step::needMore:
        return awaitInput();
    case HttpRequestReader::Step::headerReady:
        return onHeader();
    case HttpRequestReader::Step::complete:
        return dispatch();
    case HttpRequestReader::Step::failed:
        return refuseUnreadable(m_reader.failure());
    }
}

void HttpSession::awaitInput()
{
    if (m_phase == Phase::waiting) {
        if (m_reader.idle()) {
            if (m_stopping)
                return closeNow();
            if (m_deadline != Deadline::idle) {
                setIdle(true);
                arm(Deadline::idle, m_overCapacity ? overCapacityIdleTimeout : idleTimeout);
            }
        } else {
            setIdle(false);
            m_phase = Phase::header;
            arm(Deadline::header, headerTimeout);
        }
    }
    readSome();
}

// Waits for the socket to be readable, then reads what is there: a connection waiting for its
// next request holds no buffer.
void HttpSession::readSome()
{
    m_reading = true;
    m_socket.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code error) {
        self->onReadable(error);
    });
}

void HttpSession::onReadable(beast::error_code error)
{
    m_reading = false;
    if (m_timedOut)
        return timeOutRequest();
    if (error || m_closed)
        return closeNow();
    const auto room = m_reader.prepare(readBytes);
    const std::size_t got = m_socket.read_some(net::buffer(room.data(), room.size()), error);
    m_reader.commit(got);
    if (error == net::error::would_block || error == net::error::try_again)
        return readSome();
    if (error)
        return closeNow(); // the client hung up; half a request is not answered
    if (m_phase == Phase::body)
        m_windowBytes += got;
    processInput();
}

void HttpSession::onHeader()
{
    setIdle(false);
    if (m_phase == Phase::waiting) // the whole header came in one read
        m_phase = Phase::header;
    const RequestHeader &header = m_reader.header();
    m_framing = ResponseFraming {
        header.method() == http::verb::head, header.version(), m_reader.keepAlive() && !m_overCapacity && !m_stopping};
    const auto config = m_context.config->current();
    try {
        m_admission = admitRequest(
            RequestArrival {header, m_reader.declaredLength(), m_overCapacity}, *m_context.router, *config);
    } catch (const std::exception &failure) {
        // A route's body-limit hook, or memory: the request is answered, the connection closed.
        logLine(std::string("admission failed: ") + failure.what());
        return refuseUnreadable(
            RequestFailure {http::status::internal_server_error, protocol::errorcode::internal, "internal error"});
    }
    if (m_admission.rejection)
        return refuse(std::move(*m_admission.rejection));
    if (auto refusal = reserveBody())
        return refuse(std::move(*refusal));
    const std::uint64_t budget = config->maxBufferedBodyBytes;
    m_reader.acceptBody(m_admission.bodyLimit, [this, budget](std::uint64_t total) {
        return m_bodyShare->growTo(total, budget);
    });
    if (!m_reader.hasBody())
        return processInput();
    m_phase = Phase::body;
    // RFC 9110 10.1.1: never to an HTTP/1.0 client; pointless once the body is on its way.
    const bool wantsContinue = beast::iequals(header[http::field::expect], "100-continue");
    if (wantsContinue && header.version() >= 11 && m_reader.bufferedBytes() == 0)
        return sendContinue();
    startBodyClock();
    processInput();
}

// The declared body's share of the budget for all connections, taken before it is read.
std::optional<Response> HttpSession::reserveBody()
{
    const std::uint64_t budget = m_context.config->current()->maxBufferedBodyBytes;
    const std::uint64_t declared = m_reader.declaredLength().value_or(0);
    if (declared > budget)
        return makeErrorResponse(http::status::payload_too_large,
            protocol::errorcode::payloadTooLarge,
            "request body is larger than the " + std::to_string(budget) + " bytes the agent buffers for all requests");
    m_bodyShare = m_context.bodyBudget->share();
    if (m_bodyShare->growTo(declared, budget))
        return std::nullopt;
    Response overloaded = makeErrorResponse(http::status::service_unavailable,
        httpcode::overloaded,
        "the agent holds too many request bodies right now; try again shortly");
    overloaded.set(http::field::retry_after, retryAfterSeconds);
    return overloaded;
}

void HttpSession::sendContinue()
{
    static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
    m_writing = true;
    arm(Deadline::write, writeTimeout);
    net::async_write(m_socket,
        net::buffer(interim.data(), interim.size()),
        [self = shared_from_this()](beast::error_code error, std::size_t) {
            self->m_writing = false;
            if (error)
                return self->closeNow();
            self->startBodyClock();
            self->processInput();
        });
}

// A body must keep coming at the configured rate, measured over whole windows; the first window
// is twice as long, for a client that is slow to start.
void HttpSession::startBodyClock()
{
    const auto window = std::chrono::seconds(m_context.config->current()->bodyRateWindowSeconds);
    m_windowBytes = 0;
    arm(Deadline::body, 2 * window);
}

void HttpSession::onBodyWindow()
{
    const auto config = m_context.config->current();
    const std::uint64_t required = config->minBodyBytesPerSecond * std::uint64_t(config->bodyRateWindowSeconds);
    if (m_windowBytes < required)
        return timeOutRequest();
    m_windowBytes = 0;
    arm(Deadline::body, std::chrono::seconds(config->bodyRateWindowSeconds));
}

// A header or body that came too slowly: stop reading, answer 408 and close.
void HttpSession::timeOutRequest()
{
    if (m_reading) {
        m_timedOut = true;
        beast::error_code ignored;
        m_socket.cancel(ignored); // onReadable comes back here
        return;
    }
    m_timedOut = false;
    const bool body = m_phase == Phase::body;
    refuseUnreadable(RequestFailure {http::status::request_timeout,
        httpcode::requestTimeout,
        body ? "the request body arrived slower than the agent's minimum rate"
             : "the request header did not arrive in time"});
}

void HttpSession::dispatch()
{
    m_phase = Phase::answering;
    disarm(); // the handler may take long (an invocation); the client is waiting, not idle
    const Route *route = m_admission.route;
    Exchange exchange(m_reader.take(), std::move(m_admission.params), shared_from_this(), std::move(m_bodyShare));
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

// Answers a request the handler never sees. An unread body would be taken for the next request,
// so the connection closes after the answer unless there is none.
void HttpSession::refuse(Response response)
{
    m_phase = Phase::answering;
    disarm();
    m_bodyShare.reset();
    if (m_reader.hasBody())
        m_framing.keepAlive = false;
    else
        m_reader.abandon();
    sendResponse(std::move(response));
}

void HttpSession::refuseUnreadable(const RequestFailure &failure)
{
    // Where the next request would start is unknown: answer, then close.
    m_phase = Phase::answering;
    disarm();
    m_bodyShare.reset();
    m_framing.keepAlive = false;
    Response response = makeErrorResponse(failure.status, failure.code, failure.message);
    if (failure.status == http::status::service_unavailable)
        response.set(http::field::retry_after, retryAfterSeconds);
    sendResponse(std::move(response));
}

void HttpSession::nextRequest()
{
    m_framing = ResponseFraming {}; // until the next header says otherwise
    m_phase = Phase::waiting;
    m_deadline = Deadline::none;
    processInput();
}

// The timer is lazy: one wait stays pending, and a later deadline only moves where it waits
// next. Most deadlines are later than the last (idle, then write), so a request costs no timer
// operation; only an earlier one (a header or body deadline) restarts the wait.
void HttpSession::arm(Deadline deadline, std::chrono::steady_clock::duration after)
{
    m_deadline = deadline;
    m_deadlineAt = std::chrono::steady_clock::now() + after;
    if (!m_timerWaiting || m_timer.expiry() > m_deadlineAt)
        waitForDeadline();
}

void HttpSession::disarm()
{
    m_deadline = Deadline::none;
}

void HttpSession::waitForDeadline()
{
    m_timerWaiting = true;
    const unsigned generation = ++m_timerGeneration;
    m_timer.expires_at(m_deadlineAt);
    m_timer.async_wait([self = shared_from_this(), generation](beast::error_code error) {
        if (error || generation != self->m_timerGeneration)
            return; // stopped, or replaced by an earlier deadline
        self->m_timerWaiting = false;
        self->onTimer();
    });
}

void HttpSession::stopTimer()
{
    m_deadline = Deadline::none;
    m_timerWaiting = false;
    ++m_timerGeneration;
    m_timer.cancel();
}

void HttpSession::onTimer()
{
    if (m_deadline == Deadline::none)
        return; // the next arm() starts waiting again
    if (std::chrono::steady_clock::now() < m_deadlineAt)
        return waitForDeadline(); // the deadline moved on since this wait began
    onDeadline(m_deadline);
}

void HttpSession::onDeadline(Deadline deadline)
{
    m_deadline = Deadline::none;
    switch (deadline) {
    case Deadline::none:
        return;
    case Deadline::idle:
    case Deadline::write:
        return closeNow();
    case Deadline::linger:
        return closeSocket();
    case Deadline::header:
        return timeOutRequest();
    case Deadline::body:
        return onBodyWindow();
    }
}

// dispatch, not post: when the connection's strand is idle (it waits for this answer) the write
// starts on the calling thread instead of costing a hop to another one.
void HttpSession::sendResponse(Response response)
{
    auto shared = std::make_shared<Response>(std::move(response));
    net::dispatch(m_socket.get_executor(), [self = shared_from_this(), shared] {
        self->enqueue(Outgoing {Outgoing::Kind::full, shared, {}, nullptr, {}});
    });
}

void HttpSession::sendStreamHeader(http::response_header<> header)
{
    net::dispatch(m_socket.get_executor(), [self = shared_from_this(), header = std::move(header)]() mutable {
        self->enqueue(Outgoing {Outgoing::Kind::streamHeader, nullptr, std::move(header), nullptr, {}});
    });
}

void HttpSession::sendStreamChunk(std::string data, std::function<void(bool delivered)> done)
{
    auto shared = std::make_shared<std::string>(std::move(data));
    net::dispatch(m_socket.get_executor(), [self = shared_from_this(), shared, done = std::move(done)]() mutable {
        self->enqueue(Outgoing {Outgoing::Kind::chunk, nullptr, {}, shared, std::move(done)});
    });
}

void HttpSession::finishStream()
{
    net::dispatch(m_socket.get_executor(), [self = shared_from_this()] {
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
    arm(Deadline::write, writeTimeout);
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
    m_framing.keepAlive = keepAlive();
    const bool withBody = frameResponse(*response, m_framing);
    auto serializer = std::make_shared<http::response_serializer<http::string_body>>(*response);
    const auto written = [self = shared_from_this(), response, serializer](beast::error_code error, std::size_t) {
        self->onWritten(error, true);
    };
    if (withBody)
        http::async_write(m_socket, *serializer, written);
    else
        http::async_write_header(m_socket, *serializer, written);
}

void HttpSession::writeStreamHeader(http::response_header<> header)
{
    // Without chunked coding (HTTP/1.0) the end of the connection is the end of the body.
    if (m_framing.clientVersion < 11)
        m_framing.keepAlive = false;
    m_framing.keepAlive = keepAlive();
    m_streamChunked = frameStreamHeader(header, m_framing);
    m_streamHeader = std::make_shared<http::response<http::empty_body>>(std::move(header));
    m_streamSerializer = std::make_shared<http::response_serializer<http::empty_body>>(*m_streamHeader);
    http::async_write_header(m_socket,
        *m_streamSerializer,
        [self = shared_from_this(), keep = m_streamHeader, serializer = m_streamSerializer](
            beast::error_code error, std::size_t) {
            self->onWritten(error, false);
        });
}

void HttpSession::writeChunk(std::shared_ptr<std::string> data, std::function<void(bool)> done)
{
    if (data->empty()) {
        // An empty chunk would end the stream on the wire; there is nothing to send anyway.
        m_writing = false;
        disarm();
        if (done)
            done(true);
        return writeNext();
    }
    const auto written = [self = shared_from_this(), data, done = std::move(done)](
                             beast::error_code error, std::size_t) {
        if (done)
            done(!error);
        self->onWritten(error, false);
    };
    if (m_streamChunked)
        net::async_write(m_socket, http::make_chunk(net::buffer(*data)), written);
    else
        net::async_write(m_socket, net::buffer(*data), written);
}

void HttpSession::writeLastChunk()
{
    if (!m_streamChunked)
        return onWritten({}, true); // the close that follows ends the body
    net::async_write(
        m_socket, http::make_chunk_last(), [self = shared_from_this()](beast::error_code error, std::size_t) {
            self->onWritten(error, true);
        });
}

void HttpSession::onWritten(beast::error_code error, bool exchangeComplete)
{
    m_writing = false;
    disarm();
    if (error)
        return closeNow();
    if (!exchangeComplete)
        return writeNext();
    m_streamSerializer.reset();
    m_streamHeader.reset();
    failPending();
    if (keepAlive())
        return nextRequest();
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
    if (m_closed)
        return;
    m_closed = true;
    setIdle(false);
    failPending();
    beast::error_code ignored;
    m_socket.shutdown(tcp::socket::shutdown_both, ignored);
    closeSocket();
}

void HttpSession::closeGracefully()
{
    m_closed = true;
    setIdle(false);
    failPending();
    beast::error_code ignored;
    m_socket.shutdown(tcp::socket::shutdown_send, ignored);
    arm(Deadline::linger, lingerTimeout); // one deadline for the whole drain
    drainThenClose();
}

void HttpSession::drainThenClose()
{
    m_socket.async_read_some(net::buffer(m_discard), [self = shared_from_this()](beast::error_code error, std::size_t) {
        if (error)
            return self->closeSocket();
        self->drainThenClose();
    });
}

void HttpSession::closeSocket()
{
    stopTimer(); // the pending wait holds this session alive
    beast::error_code ignored;
    m_socket.close(ignored);
    // The descriptor is free: the connection no longer counts against the port's cap.
    m_table->remove(this);
}

bool HttpSession::keepAlive() const
{
    return m_framing.keepAlive && !m_stopping;
}

} // namespace rune::agent
