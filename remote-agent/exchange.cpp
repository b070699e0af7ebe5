// SPDX-License-Identifier: GPL-3.0-or-later
#include "exchange.h"

#include "protocol.h"
#include "router.h"

#include <atomic>
#include <nlohmann/json.hpp>

namespace rune::agent
{

struct Exchange::State {
    Request request;
    PathParams params;
    std::shared_ptr<ResponseChannel> channel;
    std::shared_ptr<const void> resources;
    std::atomic<bool> answered {false};
    std::atomic<bool> streaming {false};
    std::atomic<bool> streamFinished {false};

    ~State()
    {
        if (!answered.exchange(true)) {
            channel->sendResponse(makeErrorResponse(
                http::status::internal_server_error, protocol::errorcode::internal, "the request was not answered"));
        } else if (streaming && !streamFinished.exchange(true)) {
            channel->finishStream();
        }
    }
};

Exchange::Exchange(
    Request request, PathParams params, std::shared_ptr<ResponseChannel> channel, std::shared_ptr<const void> resources)
    : m_state(std::make_shared<State>(std::move(request), std::move(params), std::move(channel), std::move(resources)))
{
}

const Request &Exchange::request() const
{
    return m_state->request;
}

const std::string &Exchange::body() const
{
    return m_state->request.body();
}

std::string_view Exchange::param(std::string_view name) const
{
    const auto found = m_state->params.find(name);
    return found == m_state->params.end() ? std::string_view() : std::string_view(found->second);
}

std::optional<std::string> Exchange::query(std::string_view name) const
{
    return queryValue(asStdView(m_state->request.target()), name);
}

bool Exchange::responded() const
{
    return m_state->answered;
}

void Exchange::respond(Response response) const
{
    if (!m_state->answered.exchange(true))
        m_state->channel->sendResponse(std::move(response));
}

void Exchange::respondJson(http::status status, const nlohmann::json &body) const
{
    respond(makeJsonResponse(status, body));
}

void Exchange::respondError(http::status status, std::string_view code, std::string_view message) const
{
    respond(makeErrorResponse(status, code, message));
}

StreamWriter Exchange::beginStream(http::status status, std::string_view contentType) const
{
    if (!m_state->answered.exchange(true)) {
        http::response_header<> header;
        header.result(status);
        header.version(11);
        header.set(http::field::server, "rune-agent/" RUNE_VERSION);
        header.set(http::field::content_type, asBeastView(contentType));
        if (m_state->request.method() == http::verb::head) {
            // The header is the whole answer; the writer is finished before it starts, so a
            // producer stops at its first write.
            m_state->streamFinished = true;
            m_state->channel->sendResponse(Response(std::move(header)));
        } else {
            m_state->streaming = true;
            m_state->channel->sendStreamHeader(std::move(header));
        }
    }
    return StreamWriter(m_state);
}

StreamWriter::StreamWriter(std::shared_ptr<Exchange::State> state)
    : m_state(std::move(state))
{
}

void StreamWriter::write(std::string chunk, std::function<void(bool delivered)> done) const
{
    if (!m_state->streaming || m_state->streamFinished) {
        if (done)
            done(false);
        return;
    }
    m_state->channel->sendStreamChunk(std::move(chunk), std::move(done));
}

void StreamWriter::finish() const
{
    if (m_state->streaming && !m_state->streamFinished.exchange(true))
        m_state->channel->finishStream();
}

} // namespace rune::agent
