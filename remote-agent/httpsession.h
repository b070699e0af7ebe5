// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "admission.h"
#include "exchange.h"
#include "httpbodybudget.h"
#include "httpconnections.h"
#include "httprequestreader.h"

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>

namespace rune::agent
{

// What every connection shares with the server. Held by shared_ptr so a connection that outlives
// the server object during process teardown still points at something valid.
struct ServerContext {
    std::shared_ptr<const Router> router;
    std::shared_ptr<const LiveConfig> config;
    // Shared by all the agent's ports; the server makes its own when none is given.
    std::shared_ptr<BodyBudget> bodyBudget;
};

// One keep-alive HTTP/1.x connection. All its I/O runs on its own strand; handlers answer through
// the ResponseChannel interface from any thread. The HttpRequestReader decides what the bytes
// mean; this class moves them, keeps the deadlines and writes the answers.
class HttpSession final : public ResponseChannel, public std::enable_shared_from_this<HttpSession>
{
public:
    // @p overCapacity: the port is at its connection cap; serve one health check, then close.
    HttpSession(boost::asio::ip::tcp::socket socket,
        ServerContext context,
        std::shared_ptr<ConnectionTable> table,
        bool overCapacity);
    ~HttpSession() override;

    void start();
    // Graceful stop: an idle connection closes now, a busy one after its current response.
    void stop();
    // Makes room for a new connection: closes this one if it is still idle. False when it is not
    // idle (any more) or another new connection has claimed it already. Any thread.
    bool closeIfIdle();
    // Since when the connection has waited for its next request with nothing of it received;
    // nullopt while it is busy or closed. Any thread.
    std::optional<std::chrono::steady_clock::time_point> idleSince() const;

    void sendResponse(Response response) override;
    void sendStreamHeader(http::response_header<> header) override;
    void sendStreamChunk(std::string data, std::function<void(bool delivered)> done) override;
    void finishStream() override;

private:
    // What waits to be written, in order: a whole response, or the pieces of a streamed one.
    struct Outgoing {
        enum class Kind { full, streamHeader, chunk, last };
        Kind kind;
        std::shared_ptr<Response> response;
        http::response_header<> header;
        std::shared_ptr<std::string> data;
        std::function<void(bool)> done;
    };
    enum class Phase { waiting, header, body, answering };
    enum class Deadline { none, idle, header, body, write, linger };

    void processInput();
    void awaitInput();
    void readSome();
    void onReadable(beast::error_code error);
    void onHeader();
    std::optional<Response> reserveBody();
    void sendContinue();
    void startBodyClock();
    void dispatch();
    void refuse(Response response);
    void refuseUnreadable(const RequestFailure &failure);
    void nextRequest();

    void arm(Deadline deadline, std::chrono::steady_clock::duration after);
    void disarm();
    void waitForDeadline();
    void stopTimer();
    void onTimer();
    void onDeadline(Deadline deadline);
    void onBodyWindow();
    void timeOutRequest();

    void enqueue(Outgoing piece);
    void writeNext();
    void writeFull(std::shared_ptr<Response> response);
    void writeStreamHeader(http::response_header<> header);
    void writeChunk(std::shared_ptr<std::string> data, std::function<void(bool)> done);
    void writeLastChunk();
    void onWritten(beast::error_code error, bool exchangeComplete);
    void failPending();
    void closeNow();
    void closeGracefully();
    void drainThenClose();
    void closeSocket();
    bool keepAlive() const;
    void setIdle(bool idle);

    boost::asio::ip::tcp::socket m_socket;
    boost::asio::steady_timer m_timer;
    ServerContext m_context;
    std::shared_ptr<ConnectionTable> m_table;
    HttpRequestReader m_reader;
    Admission m_admission;
    std::shared_ptr<BodyBudget::Share> m_bodyShare;
    ResponseFraming m_framing;
    std::deque<Outgoing> m_outbox;
    std::shared_ptr<http::response<http::empty_body>> m_streamHeader;
    std::shared_ptr<http::response_serializer<http::empty_body>> m_streamSerializer;
    std::array<char, 4096> m_discard {};
    Phase m_phase = Phase::waiting;
    Deadline m_deadline = Deadline::none;
    std::chrono::steady_clock::time_point m_deadlineAt;
    unsigned m_timerGeneration = 0;
    bool m_timerWaiting = false;
    std::uint64_t m_windowBytes = 0; // body bytes in the current rate window
    std::atomic<std::int64_t> m_idleSince {0}; // steady_clock ticks; 0: busy
    bool m_overCapacity = false;
    bool m_streamChunked = true;
    bool m_reading = false;
    bool m_writing = false;
    bool m_timedOut = false;
    bool m_closed = false;
    bool m_stopping = false;
};

} // namespace rune::agent
