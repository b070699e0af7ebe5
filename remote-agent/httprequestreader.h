// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpmessages.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rune::agent
{

// What one request may take before its body: the request line, the header fields and the
// trailer fields of a chunked body all count against the same two limits.
struct RequestLimits {
    std::size_t maxHeaderBytes = 16 * 1024;
    std::size_t maxHeaderFields = 100;
};

// Why a request cannot be read; the connection closes after this answer, because where the next
// request would begin is no longer known.
struct RequestFailure {
    http::status status = http::status::bad_request;
    std::string code;
    std::string message;
};

// Reads HTTP/1.x requests from bytes, without a socket: the connection appends what arrives and
// asks for the next step. It decides everything about framing (RFC 9112): where a request ends,
// which Transfer-Encoding and Content-Length combinations are refused, and what limits the
// request line, fields, chunk lines and trailers have. Pipelined requests stay buffered for the
// next round. Trailer fields are read, counted and dropped: a handler never sees them.
class HttpRequestReader final
{
public:
    enum class Step {
        needMore, // append more input
        headerReady, // header() is known; call acceptBody() (or abandon() if it has no body)
        complete, // take() the request
        failed, // answer failure() and close
    };

    explicit HttpRequestReader(RequestLimits limits = {});

    // Room for up to @p bytes of input; commit() says how many arrived there.
    std::span<char> prepare(std::size_t bytes);
    void commit(std::size_t bytes);
    void append(std::string_view bytes);

    Step next();

    const RequestHeader &header() const;
    // Content-Length as sent; nullopt for a chunked body or none.
    std::optional<std::uint64_t> declaredLength() const;
    bool hasBody() const;
    // What the client asked for: HTTP/1.1 unless "close", HTTP/1.0 only with "keep-alive".
    bool keepAlive() const;
    // Reads the body, refusing it past @p limit bytes (chunk extensions count too). A chunked
    // body asks @p mayGrowTo before each chunk; false ends it with 503 overloaded.
    void acceptBody(std::uint64_t limit, std::function<bool(std::uint64_t total)> mayGrowTo = {});
    // Skips a request that has no body without running it (it was refused at header time).
    void abandon();

    // The finished request; the reader moves on to the next one.
    Request take();
    const RequestFailure &failure() const;

    // True between requests when nothing of the next one has arrived.
    bool idle() const;
    std::size_t bufferedBytes() const;

private:
    enum class State {
        requestLine,
        fields,
        admission,
        fixedBody,
        chunkSize,
        chunkData,
        chunkEnd,
        trailers,
        done,
        failed
    };

    struct LineResult {
        enum class Kind { line, needMore, tooLong, bareLineFeed };
        Kind kind;
        std::string_view text;
    };

    Step fail(http::status status, std::string_view code, std::string message);
    std::optional<Step> parseSome();
    // The next CRLF-terminated line, without its CRLF, if it has arrived and is no longer than @p limit.
    LineResult nextLine(std::size_t limit);
    std::optional<Step> lineProblem(const LineResult &result, bool requestLine);
    std::optional<Step> countHeaderLine(std::string_view line, bool requestLine);
    std::optional<Step> onRequestLine();
    std::optional<Step> setVersion(std::string_view version);
    std::string_view originForm(std::string_view target);
    std::optional<Step> onFieldLine(bool trailer);
    std::optional<Step> addField(std::string_view name, std::string_view value);
    std::optional<Step> finishHeader();
    std::optional<Step> checkFraming();
    std::optional<Step> onChunkSize();
    static bool validExtensions(std::string_view extensions);
    std::optional<Step> countBodyBytes(std::uint64_t bytes);
    std::optional<Step> readBodyBytes(std::uint64_t count);
    std::optional<Step> finishBody();
    std::size_t headerRoom() const;
    void startRequest();

    RequestLimits m_limits;
    std::string m_input;
    std::size_t m_consumed = 0; // bytes of m_input already parsed
    std::size_t m_scanned = 0; // bytes after m_consumed known to hold no line end
    std::size_t m_lastPrepared = 0;
    State m_state = State::requestLine;
    Request m_request;
    RequestFailure m_failure;
    std::size_t m_headerBytes = 0;
    std::size_t m_fieldCount = 0;
    std::size_t m_hostFields = 0;
    std::size_t m_lengthFields = 0;
    std::optional<std::uint64_t> m_contentLength;
    std::string m_transferEncoding; // every Transfer-Encoding field, joined by ","
    bool m_hasTransferEncoding = false;
    bool m_chunked = false;
    bool m_keepAlive = false;
    bool m_connectionClose = false;
    bool m_connectionKeepAlive = false;
    std::uint64_t m_bodyLimit = 0;
    std::uint64_t m_bodyCounted = 0; // body bytes plus chunk extension bytes
    std::uint64_t m_remaining = 0; // of the current chunk or fixed-length body
    std::function<bool(std::uint64_t)> m_mayGrowTo;
    std::string m_absoluteTarget; // an absolute-form target rewritten to origin-form
};

} // namespace rune::agent
