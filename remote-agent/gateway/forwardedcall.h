// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exchange.h"
#include "gateway/upstreamresponse.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace rune::agent
{

class Gateway;
struct Upstream;

/**
 * One call on its way through the gateway: pick a node, send the call, read the node's answer
 * and pass it on. A node that could not have seen a byte of the call (no connection) costs a
 * retry on another node; once bytes went out, a failure is the caller's answer (502 or 504),
 * since the node may have run the function. A connection goes back to the node's idle pool only
 * after a complete, cleanly framed answer both sides agreed to keep the connection for.
 */
class ForwardedCall final : public std::enable_shared_from_this<ForwardedCall>
{
public:
    ForwardedCall(std::shared_ptr<Gateway> gateway, Exchange exchange, std::string function);
    void start();

private:
    using Socket = boost::asio::ip::tcp::socket;

    void tryNext();
    void connect(const boost::asio::ip::tcp::resolver::results_type &addresses);
    void resolve();
    void send();
    void onSent(beast::error_code error, std::size_t written);
    void readMore();
    void onRead(beast::error_code error, std::size_t received);
    void settle();
    void deliver();
    void retry(const std::string &why);
    void failAfterSending(http::status status, std::string_view code, const std::string &why, bool nodeBroken);
    void finish();
    void releaseNode();
    void closeSocket();
    void armDeadline(std::chrono::steady_clock::duration timeout);
    template <class Handler> auto onStrand(Handler handler);

    std::shared_ptr<Gateway> m_gateway;
    Exchange m_exchange;
    std::string m_function;
    boost::asio::strand<boost::asio::io_context::executor_type> m_strand;
    boost::asio::ip::tcp::resolver m_resolver;
    boost::asio::steady_timer m_deadline;
    unsigned m_deadlineGeneration = 0;
    bool m_timedOut = false;
    http::request<http::string_body> m_request;
    bool m_head = false;
    std::set<Upstream *> m_tried;
    std::shared_ptr<Upstream> m_node;
    std::optional<Socket> m_socket;
    bool m_reused = false;

    // One exchange with one node: the call is written while the answer is read, so an early
    // answer (the node refusing the call) is seen even if the node stops reading.
    bool m_writing = false;
    bool m_writeFailed = false;
    std::size_t m_written = 0;
    bool m_reading = false;
    bool m_receivedAny = false;
    boost::beast::flat_buffer m_buffer;
    std::optional<UpstreamResponseReader> m_reader;
    bool m_finished = false;
    std::string m_lastError;
};

} // namespace rune::agent
