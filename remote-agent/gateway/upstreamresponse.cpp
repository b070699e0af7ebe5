// SPDX-License-Identifier: GPL-3.0-or-later
#include "gateway/upstreamresponse.h"

#include "gateway/headerfields.h"

#include <boost/asio/buffer.hpp>

namespace rune::agent
{

UpstreamResponseReader::UpstreamResponseReader(bool answersHead, std::uint64_t bodyLimit)
    : m_answersHead(answersHead)
    , m_bodyLimit(bodyLimit)
{
    startMessage();
}

void UpstreamResponseReader::startMessage()
{
    m_parser.emplace();
    m_parser->header_limit(headerLimit);
    m_parser->body_limit(m_bodyLimit);
    // Without this the parser would wait for the body a Content-Length announces, and take the
    // next answer's bytes for it.
    m_parser->skip(m_answersHead);
}

std::size_t UpstreamResponseReader::feed(std::string_view bytes)
{
    std::size_t used = 0;
    while (m_progress == Progress::needMore && used < bytes.size()) {
        const std::size_t step = putOnce(bytes.substr(used));
        if (step == 0)
            break; // the parser waits for more bytes after these
        used += step;
    }
    return used;
}

std::size_t UpstreamResponseReader::putOnce(std::string_view bytes)
{
    // Beast 1.74 asserts that the last chunk is offered again with at least 5 bytes. What remains of
    // a chunked body is never shorter than its end ("0\r\n\r\n"), so waiting for 5 costs nothing.
    constexpr std::size_t shortestChunkedRest = 5;
    if (m_parser->is_header_done() && m_parser->chunked() && bytes.size() < shortestChunkedRest)
        return 0;
    beast::error_code error;
    std::size_t used = 0;
    const bool headerBefore = m_parser->is_header_done();
    try {
        used = m_parser->put(boost::asio::buffer(bytes.data(), bytes.size()), error);
    } catch (const std::exception &failure) {
        fail(std::string("an answer the gateway cannot hold (") + failure.what() + ")");
        return used;
    }
    if (error == http::error::need_more)
        return used;
    if (error) {
        fail(describe(error));
        return used;
    }
    if (!headerBefore && m_parser->is_header_done())
        onHeader();
    if (m_progress == Progress::needMore && m_finalHeaderSeen && m_parser->is_done()) {
        m_response.body() = std::move(m_parser->get().body());
        m_progress = Progress::complete;
    }
    return used;
}

void UpstreamResponseReader::onHeader()
{
    const unsigned status = m_parser->get().result_int();
    if (status >= 100 && status < 200)
        return onInterimHeader();
    if (status < 200 || status > 599)
        return fail("the status " + std::to_string(status) + ", which is not an HTTP status");
    onFinalHeader();
}

void UpstreamResponseReader::onInterimHeader()
{
    const auto &header = m_parser->get();
    if (header.result() == http::status::switching_protocols)
        return fail("101 Switching Protocols, though the gateway never asks to switch");
    const auto length = m_parser->content_length();
    if (header.count(http::field::transfer_encoding) > 0 || (length && *length > 0))
        return fail("an interim " + std::to_string(header.result_int()) + " answer that announces a body");
    if (++m_interimCount > interimLimit)
        return fail("more than " + std::to_string(interimLimit) + " interim (1xx) answers");
    // An interim answer ends with its header; the final one follows on the same connection.
    startMessage();
}

void UpstreamResponseReader::onFinalHeader()
{
    if (auto problem = framingProblem())
        return fail(std::move(*problem));
    m_finalHeaderSeen = true;
    const auto &header = m_parser->get();
    m_response.result(header.result_int());
    m_response.reason(header.reason());
    m_response.version(11);
    copyEndToEndFields(header, m_response, {http::field::content_length, http::field::proxy_authenticate});
    // Without a body to measure, these answers' Content-Length still says what a GET would carry
    // (RFC 9110 §8.6); every other answer is measured again when it is sent on.
    const auto length = m_parser->content_length();
    if (length && (m_answersHead || header.result() == http::status::not_modified))
        m_response.content_length(*length);
}

std::optional<std::string> UpstreamResponseReader::framingProblem() const
{
    const auto &header = m_parser->get();
    const auto length = m_parser->content_length();
    if (header.result() == http::status::no_content && length && *length > 0)
        return "a 204 No Content that announces a body";
    const auto codings = headerListElements(header, http::field::transfer_encoding);
    if (header.count(http::field::transfer_encoding) == 0)
        return std::nullopt;
    if (header.count(http::field::content_length) > 0)
        return "both Transfer-Encoding and Content-Length";
    if (header.version() < 11)
        return "a Transfer-Encoding in an HTTP/1.0 answer";
    if (header.result() == http::status::no_content)
        return "a 204 No Content with a Transfer-Encoding";
    std::string list;
    for (const auto &coding : codings)
        list += (list.empty() ? "" : ", ") + coding;
    if (codings.empty() || codings.back() != "chunked")
        return "a Transfer-Encoding '" + list + "' that does not end in chunked";
    if (codings.size() > 1)
        return "a Transfer-Encoding '" + list + "' the gateway cannot decode (only chunked)";
    return std::nullopt;
}

void UpstreamResponseReader::fail(std::string why)
{
    m_progress = Progress::failed;
    m_fault = std::move(why);
}

std::string UpstreamResponseReader::describe(beast::error_code error) const
{
    if (error == http::error::body_limit)
        return "an answer larger than " + std::to_string(m_bodyLimit >> 20) + " MiB";
    if (error == http::error::header_limit)
        return "a header larger than " + std::to_string(headerLimit >> 10) + " KiB";
    // The parser stops at the second of two fields that contradict each other; the first is
    // already stored.
    const auto &stored = m_parser->get();
    if (error == http::error::bad_content_length) {
        return stored.count(http::field::transfer_encoding) > 0 ? "both Transfer-Encoding and Content-Length"
                                                                : "an invalid or conflicting Content-Length";
    }
    if (error == http::error::bad_transfer_encoding) {
        return stored.count(http::field::content_length) > 0 ? "both Transfer-Encoding and Content-Length"
                                                             : "a Transfer-Encoding after chunked (it must be last)";
    }
    if (error == http::error::bad_chunk || error == http::error::bad_chunk_extension)
        return "a broken chunked body";
    return "a malformed answer (" + error.message() + ")";
}

UpstreamResponseReader::Progress UpstreamResponseReader::finish()
{
    if (m_progress != Progress::needMore)
        return m_progress;
    if (!m_parser->got_some()) {
        fail(m_interimCount == 0 ? "no answer (the connection closed)"
                                 : "no final answer (the connection closed after an interim one)");
        return m_progress;
    }
    beast::error_code error;
    m_parser->put_eof(error);
    if (error || !m_parser->is_done() || !m_finalHeaderSeen) {
        fail("an answer cut short (the connection closed before its end)");
        return m_progress;
    }
    m_response.body() = std::move(m_parser->get().body());
    m_progress = Progress::complete;
    return m_progress;
}

UpstreamResponseReader::Progress UpstreamResponseReader::progress() const
{
    return m_progress;
}

const std::string &UpstreamResponseReader::fault() const
{
    return m_fault;
}

Response UpstreamResponseReader::takeResponse()
{
    return std::move(m_response);
}

bool UpstreamResponseReader::connectionReusable() const
{
    // keep_alive() is false for an answer whose end was the connection's close.
    return m_progress == Progress::complete && m_parser->keep_alive();
}

} // namespace rune::agent
