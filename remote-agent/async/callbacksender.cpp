// SPDX-License-Identifier: GPL-3.0-or-later
#include "async/callbacksender.h"

#include "log.h"
#include "protocol.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace rune::agent
{

namespace
{

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

/** A receiver's answer is only looked at for its status. */
constexpr std::uint64_t maxAnswerBytes = 64 * 1024;

std::atomic<int> callbacksInFlight {0};

/** A delivery's place among the callbacks in flight, taken by sendCallback(), given back when it ends. */
struct InFlightSlot {
    InFlightSlot() = default;
    InFlightSlot(const InFlightSlot &) = delete;
    InFlightSlot &operator=(const InFlightSlot &) = delete;
    ~InFlightSlot()
    {
        --callbacksInFlight;
    }
};

// The callback body's Content-Type: the function's own, else that of a result or of an error.
std::string callbackContentType(const CallOutcome &outcome)
{
    for (const auto &[name, value] : outcome.headers) {
        if (beast::iequals(name, "content-type"))
            return value;
    }
    return outcome.errorCode.empty() ? "application/octet-stream" : "application/json";
}

class CallbackDelivery final : public std::enable_shared_from_this<CallbackDelivery>
{
public:
    CallbackDelivery(boost::asio::io_context &io, CallbackUrl url, const CallRecord &record, CallbackPolicy policy)
        : m_resolver(io)
        , m_stream(io)
        , m_timer(io)
        , m_url(std::move(url))
        , m_id(record.id)
        , m_policy(policy)
    {
        namespace names = protocol::asynccall;
        m_request.method(http::verb::post);
        m_request.target(m_url.target);
        m_request.version(11);
        m_request.set(http::field::host, m_url.host + ":" + std::to_string(m_url.port));
        m_request.set(http::field::user_agent, "rune-agent");
        m_request.set(http::field::connection, "close");
        m_request.set(names::requestIdHeader, record.id);
        const bool succeeded = record.state == CallState::succeeded;
        m_request.set(names::statusHeader, succeeded ? names::statusSucceeded : names::statusFailed);
        if (record.outcome) {
            m_request.set(names::resultStatusHeader, std::to_string(record.outcome->status));
            m_request.set(http::field::content_type, callbackContentType(*record.outcome));
            m_request.body() = record.outcome->body;
        }
        m_request.prepare_payload();
    }

    void attempt()
    {
        ++m_attempts;
        m_buffer.consume(m_buffer.size());
        m_stream.expires_after(m_policy.attemptTimeout);
        m_resolver.async_resolve(m_url.host,
            std::to_string(m_url.port),
            [self = shared_from_this()](beast::error_code error, const tcp::resolver::results_type &endpoints) {
                if (error)
                    return self->failed("cannot resolve " + self->m_url.host + ": " + error.message());
                self->m_stream.async_connect(endpoints, [self](beast::error_code connectError, const tcp::endpoint &) {
                    if (connectError)
                        return self->failed("cannot connect: " + connectError.message());
                    self->send();
                });
            });
    }

private:
    void send()
    {
        http::async_write(m_stream, m_request, [self = shared_from_this()](beast::error_code error, std::size_t) {
            if (error)
                return self->failed("cannot send: " + error.message());
            self->m_parser.emplace();
            self->m_parser->body_limit(maxAnswerBytes);
            http::async_read(
                self->m_stream, self->m_buffer, *self->m_parser, [self](beast::error_code readError, std::size_t) {
                    if (readError)
                        return self->failed("no answer: " + readError.message());
                    const unsigned status = self->m_parser->get().result_int();
                    if (status / 100 != 2)
                        return self->failed("answered " + std::to_string(status));
                    self->close();
                });
        });
    }

    void close()
    {
        beast::error_code ignored;
        m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        m_stream.close();
    }

    void failed(const std::string &why)
    {
        close();
        if (m_attempts >= m_policy.maxAttempts) {
            logLine("callback of asynchronous call " + m_id + " to " + m_url.host + " given up after "
                + std::to_string(m_attempts) + " attempts: " + why);
            return;
        }
        const auto delay =
            std::min<std::chrono::milliseconds>(m_policy.firstDelay * (1LL << std::min(m_attempts - 1, 20)),
                std::chrono::milliseconds(protocol::asynccall::maxRetryDelayMs));
        m_timer.expires_after(delay);
        m_timer.async_wait([self = shared_from_this()](beast::error_code error) {
            if (!error)
                self->attempt();
        });
    }

    InFlightSlot m_slot; // first: given back even if a later member's construction throws
    tcp::resolver m_resolver;
    beast::tcp_stream m_stream;
    boost::asio::steady_timer m_timer;
    CallbackUrl m_url;
    std::string m_id;
    CallbackPolicy m_policy;
    http::request<http::string_body> m_request;
    beast::flat_buffer m_buffer;
    std::optional<http::response_parser<http::string_body>> m_parser;
    int m_attempts = 0;
};

} // namespace

void sendCallback(boost::asio::io_context &io, const CallbackUrl &url, const CallRecord &record, CallbackPolicy policy)
{
    if (++callbacksInFlight > maxCallbacksInFlight) {
        --callbacksInFlight;
        logLine("callback of asynchronous call " + record.id + " not sent: " + std::to_string(maxCallbacksInFlight)
            + " callbacks are under way");
        return;
    }
    std::make_shared<CallbackDelivery>(io, url, record, policy)->attempt();
}

} // namespace rune::agent
