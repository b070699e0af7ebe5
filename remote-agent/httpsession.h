// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "admission.h"
#include "exchange.h"

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
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
};

// One keep-alive HTTP/1.1 connection. All its I/O runs on its own strand; handlers answer through
// the ResponseChannel interface from any thread.
class HttpSession final : public ResponseChannel, public std::enable_shared_from_this<HttpSession>
{
public:
    HttpSession(boost::asio::ip::tcp::socket socket, ServerContext context);

    void start();
    // Graceful stop: an idle connection closes now, a busy one after its current response.
    void stop();

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

    void readHeader();
    void onHeader(beast::error_code error);
    void sendContinue();
    void readBody();
    void onBody(beast::error_code error);
    void dispatch();
    void rejectUnreadable(beast::error_code error);
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
    bool keepAlive() const;

    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;
    ServerContext m_context;
    std::optional<http::request_parser<http::string_body>> m_parser;
    Admission m_admission;
    std::deque<Outgoing> m_outbox;
    std::unique_ptr<http::response<http::empty_body>> m_streamHeader;
    std::unique_ptr<http::response_serializer<http::empty_body>> m_streamSerializer;
    std::array<char, 4096> m_discard {};
    bool m_requestKeepAlive = false;
    bool m_busy = false;
    bool m_writing = false;
    bool m_closed = false;
    bool m_stopping = false;
};

} // namespace rune::agent
