// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpmessages.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rune::agent
{

using PathParams = std::map<std::string, std::string, std::less<>>;

// The connection's side of an exchange (implemented by HttpSession). Every method may be called
// from any thread; the connection serialises the writes on its own strand.
class ResponseChannel
{
public:
    virtual ~ResponseChannel() = default;
    virtual void sendResponse(Response response) = 0;
    virtual void sendStreamHeader(http::response_header<> header) = 0;
    // done(false) when the client went away, so a producer (a log follower) can stop.
    virtual void sendStreamChunk(std::string data, std::function<void(bool delivered)> done) = 0;
    virtual void finishStream() = 0;
};

class StreamWriter;

// One request and the promise to answer it exactly once. A cheap copyable handle: a handler that
// completes later (an invocation waiting for a replica) keeps a copy, which also keeps the
// connection alive, and answers from any thread. If the last copy dies unanswered the client still
// gets a 500, so a forgotten path in a handler cannot hang a connection. The answering methods
// are const because they act on the shared state, not the handle: a lambda can keep a copy.
class Exchange
{
public:
    // @p resources (the request body's share of the agent's buffer budget) are released when
    // the exchange ends, together with the body.
    Exchange(Request request,
        PathParams params,
        std::shared_ptr<ResponseChannel> channel,
        std::shared_ptr<const void> resources = {});

    const Request &request() const;
    const std::string &body() const;
    // A `{name}` segment of the route's pattern, percent-decoded; empty if the pattern has none.
    std::string_view param(std::string_view name) const;
    // A query-string value, percent-decoded.
    std::optional<std::string> query(std::string_view name) const;

    bool responded() const;
    // Later calls after the first answer are ignored.
    void respond(Response response) const;
    void respondJson(http::status status, const nlohmann::json &body) const;
    void respondError(http::status status, std::string_view code, std::string_view message) const;
    // A response of unknown length (log streaming), chunked to HTTP/1.1 clients; counts as the
    // answer. To a HEAD request only the header goes out and the writer takes nothing.
    StreamWriter beginStream(http::status status, std::string_view contentType) const;

private:
    friend class StreamWriter;
    struct State;
    std::shared_ptr<State> m_state;
};

// Writes the chunks of a streamed response in order. The stream ends on finish() or when the
// last copy of the writer and its exchange are gone.
class StreamWriter
{
public:
    void write(std::string chunk, std::function<void(bool delivered)> done = {}) const;
    void finish() const;

private:
    friend class Exchange;
    explicit StreamWriter(std::shared_ptr<Exchange::State> state);
    std::shared_ptr<Exchange::State> m_state;
};

} // namespace rune::agent
