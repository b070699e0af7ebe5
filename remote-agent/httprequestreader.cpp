// SPDX-License-Identifier: GPL-3.0-or-later
#include "httprequestreader.h"

#include "protocol.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <vector>

namespace rune::agent
{

namespace
{

namespace errorcode = protocol::errorcode;

// A chunk-size line carries at most 16 hex digits (64 bits) and its extensions.
constexpr std::size_t maxChunkLineBytes = 4096;
constexpr std::size_t maxChunkSizeDigits = 16;
// Input beyond this, parsed and kept for a pipelined request, is moved to the buffer's front.
constexpr std::size_t compactAfterBytes = 64 * 1024;

bool isTokenChar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

bool isToken(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return isTokenChar(static_cast<unsigned char>(c));
    });
}

// Field values: visible ASCII, spaces, tabs and obs-text; never CR, LF, NUL or other controls.
bool isFieldValueChar(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

// A request-target has no spaces or controls. Bytes from 0x80 up are let through here and
// checked as UTF-8 with the rest of the path.
bool isTargetChar(unsigned char c)
{
    return c > 0x20 && c != 0x7f;
}

std::vector<std::string_view> listElements(std::string_view list)
{
    std::vector<std::string_view> elements;
    while (true) {
        const auto comma = list.find(',');
        if (const auto element = trimHttpWhitespace(list.substr(0, comma)); !element.empty())
            elements.push_back(element);
        if (comma == std::string_view::npos)
            return elements;
        list.remove_prefix(comma + 1);
    }
}

bool equalsIgnoringCase(std::string_view left, std::string_view right)
{
    return left.size() == right.size() && std::equal(left.begin(), left.end(), right.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
}

std::optional<std::uint64_t> parseDecimal(std::string_view text)
{
    if (text.empty() || text.size() > 19)
        return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + std::uint64_t(c - '0');
    }
    return value;
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The coding name of one Transfer-Encoding element ("gzip" of "gzip;q=1"), empty if malformed.
std::string_view codingName(std::string_view element)
{
    const auto end = element.find_first_of("; \t");
    const std::string_view name = element.substr(0, end);
    return isToken(name) ? name : std::string_view();
}

} // namespace

HttpRequestReader::HttpRequestReader(RequestLimits limits)
    : m_limits(limits)
{
    // Beast stores a field's name and value, and the target, with 16-bit lengths and throws past
    // them: a header limit below that keeps every line storable.
    m_limits.maxHeaderBytes = std::min<std::size_t>(m_limits.maxHeaderBytes, 60 * 1024);
    startRequest();
}

std::span<char> HttpRequestReader::prepare(std::size_t bytes)
{
    if (m_consumed == m_input.size()) {
        m_input.clear();
        m_consumed = 0;
    } else if (m_consumed > compactAfterBytes) {
        m_input.erase(0, m_consumed);
        m_consumed = 0;
    }
    const std::size_t start = m_input.size();
    m_input.resize(start + bytes);
    m_lastPrepared = bytes;
    return {m_input.data() + start, bytes};
}

void HttpRequestReader::commit(std::size_t bytes)
{
    // prepare() grew the buffer by what was asked for; keep only what arrived.
    m_input.resize(m_input.size() - (m_lastPrepared - std::min(bytes, m_lastPrepared)));
    m_lastPrepared = 0;
}

void HttpRequestReader::append(std::string_view bytes)
{
    const auto room = prepare(bytes.size());
    std::copy(bytes.begin(), bytes.end(), room.begin());
    m_lastPrepared = 0;
}

HttpRequestReader::Step HttpRequestReader::next()
{
    while (true) {
        if (const auto step = parseSome())
            return *step;
    }
}

// One step of the state machine; nullopt to go on parsing.
std::optional<HttpRequestReader::Step> HttpRequestReader::parseSome()
{
    switch (m_state) {
    case State::requestLine:
        return onRequestLine();
    case State::fields:
        return onFieldLine(false);
    case State::admission:
        return Step::headerReady;
    case State::fixedBody:
    case State::chunkData:
        return readBodyBytes(m_remaining);
    case State::chunkSize:
        return onChunkSize();
    case State::chunkEnd:
        if (bufferedBytes() < 2)
            return Step::needMore;
        if (m_input.compare(m_consumed, 2, "\r\n") != 0)
            return fail(http::status::bad_request, errorcode::badRequest, "chunk data is not followed by CRLF");
        m_consumed += 2;
        m_state = State::chunkSize;
        return std::nullopt;
    case State::trailers:
        return onFieldLine(true);
    case State::done:
        return Step::complete;
    case State::failed:
        return Step::failed;
    }
    return Step::failed;
}

HttpRequestReader::Step HttpRequestReader::fail(http::status status, std::string_view code, std::string message)
{
    m_state = State::failed;
    m_failure = RequestFailure {status, std::string(code), std::move(message)};
    return Step::failed;
}

std::size_t HttpRequestReader::headerRoom() const
{
    return m_limits.maxHeaderBytes - std::min(m_headerBytes, m_limits.maxHeaderBytes);
}

HttpRequestReader::LineResult HttpRequestReader::nextLine(std::size_t limit)
{
    const std::size_t from = m_consumed + m_scanned;
    const auto newline = m_input.find('\n', from);
    if (newline == std::string::npos) {
        m_scanned = m_input.size() - m_consumed;
        // A line's CR may still be on its way, so the limit is only passed one byte later.
        return {m_scanned > limit + 1 ? LineResult::Kind::tooLong : LineResult::Kind::needMore, {}};
    }
    // The same test as above, so where the input happened to be split cannot change the answer.
    const std::size_t length = newline - m_consumed;
    if (length > limit + 1)
        return {LineResult::Kind::tooLong, {}};
    if (length == 0 || m_input[newline - 1] != '\r')
        return {LineResult::Kind::bareLineFeed, {}};
    const std::string_view line(m_input.data() + m_consumed, length - 1);
    m_consumed = newline + 1;
    m_scanned = 0;
    return {LineResult::Kind::line, line};
}

std::optional<HttpRequestReader::Step> HttpRequestReader::lineProblem(const LineResult &result, bool requestLine)
{
    switch (result.kind) {
    case LineResult::Kind::needMore:
        return Step::needMore;
    case LineResult::Kind::bareLineFeed:
        return fail(http::status::bad_request, errorcode::badRequest, "lines must end with CRLF, not a bare LF");
    case LineResult::Kind::tooLong:
        if (requestLine)
            return fail(http::status::uri_too_long,
                httpcode::uriTooLong,
                "the request line is longer than " + std::to_string(m_limits.maxHeaderBytes) + " bytes");
        return fail(http::status::request_header_fields_too_large,
            httpcode::headerTooLarge,
            "the request header is larger than " + std::to_string(m_limits.maxHeaderBytes) + " bytes");
    case LineResult::Kind::line:
        return std::nullopt;
    }
    return std::nullopt;
}

// A line with its CRLF against the header limit (nextLine only bounded the text before it).
std::optional<HttpRequestReader::Step> HttpRequestReader::countHeaderLine(std::string_view line, bool requestLine)
{
    m_headerBytes += line.size() + 2;
    if (m_headerBytes <= m_limits.maxHeaderBytes)
        return std::nullopt;
    return lineProblem(LineResult {LineResult::Kind::tooLong, {}}, requestLine);
}

std::optional<HttpRequestReader::Step> HttpRequestReader::onRequestLine()
{
    const LineResult result = nextLine(headerRoom());
    if (auto problem = lineProblem(result, true))
        return problem;
    if (auto problem = countHeaderLine(result.text, true))
        return problem;
    // Empty lines before a request are allowed (RFC 9112 2.2); they count against the limit.
    if (result.text.empty())
        return std::nullopt;
    const std::string_view line = result.text;
    const auto firstSpace = line.find(' ');
    const auto lastSpace = line.rfind(' ');
    if (firstSpace == std::string_view::npos || firstSpace == lastSpace)
        return fail(http::status::bad_request, errorcode::badRequest, "the request line is not METHOD TARGET VERSION");
    const std::string_view method = line.substr(0, firstSpace);
    const std::string_view target = line.substr(firstSpace + 1, lastSpace - firstSpace - 1);
    const std::string_view version = line.substr(lastSpace + 1);
    if (!isToken(method))
        return fail(http::status::bad_request, errorcode::badRequest, "the request method is not a token");
    if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) {
            return isTargetChar(static_cast<unsigned char>(c));
        }))
        return fail(http::status::bad_request,
            errorcode::badRequest,
            "the request target is empty or holds spaces or control characters");
    if (auto problem = setVersion(version))
        return problem;
    m_request.method_string(asBeastView(method));
    m_request.target(asBeastView(originForm(target)));
    m_state = State::fields;
    return std::nullopt;
}

std::optional<HttpRequestReader::Step> HttpRequestReader::setVersion(std::string_view version)
{
    const bool wellFormed = version.size() == 8 && version.starts_with("HTTP/")
        && std::isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.'
        && std::isdigit(static_cast<unsigned char>(version[7]));
    if (wellFormed && version[5] == '1') {
        // A later 1.x is read as 1.1, the highest this server speaks (RFC 9110 6.2).
        m_request.version(version[7] == '0' ? 10 : 11);
        return std::nullopt;
    }
    if (wellFormed)
        return fail(http::status::http_version_not_supported,
            httpcode::versionNotSupported,
            "HTTP version " + std::string(version.substr(5)) + " is not supported; use HTTP/1.1");
    return fail(http::status::bad_request, errorcode::badRequest, "the request line does not end in HTTP/1.x");
}

// Absolute-form ("http://host/path?q", RFC 9112 3.2.2) is served like its origin-form ("/path?q").
std::string_view HttpRequestReader::originForm(std::string_view target)
{
    const auto schemeEnd = target.find("://");
    if (target.starts_with('/') || schemeEnd == std::string_view::npos)
        return target;
    const std::string_view scheme = target.substr(0, schemeEnd);
    if (!equalsIgnoringCase(scheme, "http") && !equalsIgnoringCase(scheme, "https"))
        return target;
    const auto pathStart = target.find_first_of("/?", schemeEnd + 3);
    if (pathStart == std::string_view::npos)
        return "/";
    if (target[pathStart] == '?') {
        m_absoluteTarget = "/" + std::string(target.substr(pathStart));
        return m_absoluteTarget;
    }
    return target.substr(pathStart);
}

std::optional<HttpRequestReader::Step> HttpRequestReader::onFieldLine(bool trailer)
{
    const LineResult result = nextLine(headerRoom());
    if (auto problem = lineProblem(result, false))
        return problem;
    if (auto problem = countHeaderLine(result.text, false))
        return problem;
    if (result.text.empty())
        return trailer ? finishBody() : finishHeader();
    if (++m_fieldCount > m_limits.maxHeaderFields)
        return fail(http::status::request_header_fields_too_large,
            httpcode::headerTooLarge,
            "the request has more than " + std::to_string(m_limits.maxHeaderFields) + " header fields");
    const std::string_view line = result.text;
    if (line.front() == ' ' || line.front() == '\t')
        return fail(http::status::bad_request, errorcode::badRequest, "folded header lines are not accepted");
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !isToken(line.substr(0, colon)))
        return fail(http::status::bad_request,
            errorcode::badRequest,
            "a header line is not NAME: VALUE (no space may precede the colon)");
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trimHttpWhitespace(line.substr(colon + 1));
    if (!std::all_of(value.begin(), value.end(), [](char c) {
            return isFieldValueChar(static_cast<unsigned char>(c));
        }))
        return fail(http::status::bad_request,
            errorcode::badRequest,
            "the value of header " + std::string(name) + " holds control characters");
    if (trailer)
        return std::nullopt; // counted, never kept
    return addField(name, value);
}

std::optional<HttpRequestReader::Step> HttpRequestReader::addField(std::string_view name, std::string_view value)
{
    const http::field field = http::string_to_field(asBeastView(name));
    if (field == http::field::content_length) {
        ++m_lengthFields;
        m_contentLength = parseDecimal(value);
        if (!m_contentLength)
            return fail(http::status::bad_request,
                errorcode::badRequest,
                "Content-Length must be one whole number of bytes, got '" + std::string(value) + "'");
    } else if (field == http::field::transfer_encoding) {
        if (m_hasTransferEncoding)
            m_transferEncoding += ',';
        m_transferEncoding += value;
        m_hasTransferEncoding = true;
    } else if (field == http::field::host) {
        ++m_hostFields;
    } else if (field == http::field::connection) {
        for (const auto option : listElements(value)) {
            m_connectionClose = m_connectionClose || equalsIgnoringCase(option, "close");
            m_connectionKeepAlive = m_connectionKeepAlive || equalsIgnoringCase(option, "keep-alive");
        }
    }
    m_request.insert(asBeastView(name), asBeastView(value));
    return std::nullopt;
}

std::optional<HttpRequestReader::Step> HttpRequestReader::finishHeader()
{
    // Two Hosts could name two targets; an HTTP/1.1 request must name one (RFC 9112 3.2).
    if (m_hostFields > 1)
        return fail(http::status::bad_request, errorcode::badRequest, "the request has more than one Host header");
    if (m_hostFields == 0 && m_request.version() == 11)
        return fail(http::status::bad_request, errorcode::badRequest, "an HTTP/1.1 request needs a Host header");
    if (auto problem = checkFraming())
        return problem;
    m_keepAlive = !m_connectionClose && (m_request.version() == 11 || m_connectionKeepAlive);
    m_state = State::admission;
    return Step::headerReady;
}

// RFC 9112 6.1 and 6.3: the combinations that would let two parsers disagree on where the body
// ends are refused, never guessed at.
std::optional<HttpRequestReader::Step> HttpRequestReader::checkFraming()
{
    if (m_lengthFields > 1)
        return fail(http::status::bad_request, errorcode::badRequest, "the request has more than one Content-Length");
    if (!m_hasTransferEncoding)
        return std::nullopt;
    if (m_request.version() == 10)
        return fail(http::status::bad_request,
            errorcode::badRequest,
            "Transfer-Encoding is not allowed in an HTTP/1.0 request");
    if (m_lengthFields > 0)
        return fail(http::status::bad_request,
            errorcode::badRequest,
            "a request may have Transfer-Encoding or Content-Length, not both");
    const auto codings = listElements(m_transferEncoding);
    if (codings.empty() || !equalsIgnoringCase(codings.back(), "chunked"))
        return fail(http::status::bad_request,
            errorcode::badRequest,
            "the final transfer coding must be chunked, got '" + m_transferEncoding + "'");
    for (std::size_t index = 0; index + 1 < codings.size(); ++index) {
        const std::string_view name = codingName(codings[index]);
        if (name.empty() || equalsIgnoringCase(name, "chunked"))
            return fail(http::status::bad_request,
                errorcode::badRequest,
                "Transfer-Encoding '" + m_transferEncoding + "' is malformed or applies chunked twice");
    }
    if (codings.size() > 1)
        return fail(http::status::not_implemented,
            httpcode::notImplemented,
            "transfer coding '" + std::string(codingName(codings.front()))
                + "' is not supported; send the body with chunked alone or with Content-Length");
    m_chunked = true;
    return std::nullopt;
}

void HttpRequestReader::acceptBody(std::uint64_t limit, std::function<bool(std::uint64_t total)> mayGrowTo)
{
    if (m_state != State::admission)
        return;
    m_bodyLimit = limit;
    m_mayGrowTo = std::move(mayGrowTo);
    if (m_chunked) {
        m_state = State::chunkSize;
    } else if (m_contentLength.value_or(0) > 0) {
        if (*m_contentLength > limit) {
            fail(http::status::payload_too_large,
                errorcode::payloadTooLarge,
                "request body is larger than " + std::to_string(limit) + " bytes");
            return;
        }
        m_request.body().reserve(*m_contentLength);
        m_remaining = *m_contentLength;
        m_state = State::fixedBody;
    } else {
        m_state = State::done;
    }
}

void HttpRequestReader::abandon()
{
    if (m_state == State::admission && !hasBody())
        startRequest();
}

std::optional<HttpRequestReader::Step> HttpRequestReader::readBodyBytes(std::uint64_t count)
{
    const std::size_t take = std::size_t(std::min<std::uint64_t>(count, bufferedBytes()));
    m_request.body().append(m_input, m_consumed, take);
    m_consumed += take;
    m_remaining -= take;
    if (m_remaining > 0)
        return Step::needMore;
    if (m_state == State::chunkData) {
        m_state = State::chunkEnd;
        return std::nullopt;
    }
    return finishBody();
}

std::optional<HttpRequestReader::Step> HttpRequestReader::onChunkSize()
{
    const LineResult result = nextLine(maxChunkLineBytes);
    if (result.kind == LineResult::Kind::tooLong)
        return fail(http::status::bad_request,
            errorcode::badRequest,
            "a chunk size line is longer than " + std::to_string(maxChunkLineBytes) + " bytes");
    if (auto problem = lineProblem(result, false))
        return problem;
    const std::string_view line = result.text;
    std::size_t digits = 0;
    std::uint64_t size = 0;
    while (digits < line.size() && hexDigit(line[digits]) >= 0)
        size = size * 16 + std::uint64_t(hexDigit(line[digits++]));
    if (digits == 0 || digits > maxChunkSizeDigits)
        return fail(http::status::bad_request, errorcode::badRequest, "a chunk size is not 1 to 16 hex digits");
    const std::string_view extensions = line.substr(digits);
    if (!validExtensions(extensions))
        return fail(http::status::bad_request, errorcode::badRequest, "a chunk extension is malformed");
    // Extensions are bytes the agent has to take in for the body, so they count against its limit.
    if (auto problem = countBodyBytes(extensions.size()))
        return problem;
    if (size == 0) {
        m_state = State::trailers;
        return std::nullopt;
    }
    if (auto problem = countBodyBytes(size))
        return problem;
    m_remaining = size;
    m_state = State::chunkData;
    return std::nullopt;
}

bool HttpRequestReader::validExtensions(std::string_view extensions)
{
    const std::string_view trimmed = trimHttpWhitespace(extensions);
    if (trimmed.empty())
        return true;
    return trimmed.front() == ';' && std::all_of(trimmed.begin(), trimmed.end(), [](char c) {
        return isFieldValueChar(static_cast<unsigned char>(c));
    });
}

std::optional<HttpRequestReader::Step> HttpRequestReader::countBodyBytes(std::uint64_t bytes)
{
    if (bytes > m_bodyLimit - std::min(m_bodyCounted, m_bodyLimit))
        return fail(http::status::payload_too_large,
            errorcode::payloadTooLarge,
            "request body is larger than " + std::to_string(m_bodyLimit) + " bytes");
    m_bodyCounted += bytes;
    if (bytes > 0 && m_mayGrowTo && !m_mayGrowTo(m_bodyCounted))
        return fail(http::status::service_unavailable,
            httpcode::overloaded,
            "the agent holds too many request bodies right now; try again shortly");
    return std::nullopt;
}

std::optional<HttpRequestReader::Step> HttpRequestReader::finishBody()
{
    if (m_chunked) {
        // The handler sees the body as if it had come with a length.
        m_request.erase(http::field::transfer_encoding);
        m_request.content_length(m_request.body().size());
    }
    m_state = State::done;
    return Step::complete;
}

Request HttpRequestReader::take()
{
    Request request = std::move(m_request);
    startRequest();
    if (m_consumed == m_input.size()) {
        // Nothing of a next request is here: give the memory back while the connection idles.
        std::string().swap(m_input);
        m_consumed = 0;
    }
    return request;
}

void HttpRequestReader::startRequest()
{
    m_state = State::requestLine;
    m_request = Request();
    m_scanned = 0;
    m_headerBytes = 0;
    m_fieldCount = 0;
    m_hostFields = 0;
    m_lengthFields = 0;
    m_contentLength.reset();
    m_transferEncoding.clear();
    m_hasTransferEncoding = false;
    m_chunked = false;
    m_keepAlive = false;
    m_connectionClose = false;
    m_connectionKeepAlive = false;
    m_bodyLimit = 0;
    m_bodyCounted = 0;
    m_remaining = 0;
    m_mayGrowTo = {};
    m_absoluteTarget.clear();
}

const RequestHeader &HttpRequestReader::header() const
{
    return m_request.base();
}

std::optional<std::uint64_t> HttpRequestReader::declaredLength() const
{
    return m_chunked ? std::nullopt : m_contentLength;
}

bool HttpRequestReader::hasBody() const
{
    return m_chunked || m_contentLength.value_or(0) > 0;
}

bool HttpRequestReader::keepAlive() const
{
    return m_keepAlive;
}

const RequestFailure &HttpRequestReader::failure() const
{
    return m_failure;
}

bool HttpRequestReader::idle() const
{
    return m_state == State::requestLine && m_headerBytes == 0 && bufferedBytes() == 0;
}

std::size_t HttpRequestReader::bufferedBytes() const
{
    return m_input.size() - m_consumed;
}

} // namespace rune::agent
