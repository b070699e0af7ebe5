// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpmessages.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rune::agent
{

/**
 * Reads a node's answer to one forwarded request from the bytes as they arrive, without a socket
 * (RFC 9110 §15.2, RFC 9112 §6). Interim answers (100, 102, 103) are consumed and never taken for
 * the answer; 101 is refused, since the gateway never asks to switch protocols. The final
 * answer's framing is checked before its body is read: a Transfer-Encoding other than exactly
 * "chunked", one together with Content-Length, an invalid or conflicting Content-Length, or a
 * body announced where none may be (1xx, 204) fails the answer. An answer to HEAD, a 204 and a 304
 * have no body whatever they announce. Trailer fields are not kept.
 */
class UpstreamResponseReader
{
public:
    enum class Progress { needMore, complete, failed };

    static constexpr std::uint32_t headerLimit = 64 * 1024;
    static constexpr int interimLimit = 16;

    /** @p answersHead: the request was HEAD, so the answer has no body even with a Content-Length. */
    UpstreamResponseReader(bool answersHead, std::uint64_t bodyLimit);

    /**
     * Parses from @p bytes what belongs to the answer and returns how many bytes that was. Bytes
     * not consumed while the answer needs more must be offered again, followed by the next ones
     * (a header is parsed in one piece); bytes after a complete answer are not consumed.
     */
    std::size_t feed(std::string_view bytes);
    /** The node closed the connection: completes an answer whose body ends with the close, fails any other. */
    Progress finish();

    Progress progress() const;
    /** What was wrong, for the caller's 502 ("a Transfer-Encoding 'gzip' that does not end in chunked"). */
    const std::string &fault() const;
    /** The final answer with its end-to-end header fields, no trailers; once, when complete. */
    Response takeResponse();
    /** Complete, both sides want to keep the connection, and its end was marked (not by a close). */
    bool connectionReusable() const;

private:
    void startMessage();
    std::size_t putOnce(std::string_view bytes);
    void onHeader();
    void onInterimHeader();
    void onFinalHeader();
    std::optional<std::string> framingProblem() const;
    void fail(std::string why);
    std::string describe(beast::error_code error) const;

    bool m_answersHead;
    std::uint64_t m_bodyLimit;
    std::optional<http::response_parser<http::string_body>> m_parser;
    Progress m_progress = Progress::needMore;
    int m_interimCount = 0;
    bool m_finalHeaderSeen = false;
    Response m_response;
    std::string m_fault;
};

} // namespace rune::agent
