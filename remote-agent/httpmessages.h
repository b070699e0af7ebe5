// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol.h"

#include <boost/beast/http.hpp>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace rune::agent
{

namespace beast = boost::beast;
namespace http = beast::http;

using Request = http::request<http::string_body>;
using RequestHeader = http::request_header<>;
using Response = http::response<http::string_body>;

inline constexpr std::string_view jsonContentType = "application/json";

// The HTTP layer's error codes are the API's (protocol.h); this name is the one its code uses.
namespace httpcode = protocol::errorcode;

// Boost 1.74's Beast speaks boost::string_view; the agent speaks std::string_view.
inline std::string_view asStdView(beast::string_view text)
{
    return {text.data(), text.size()};
}

inline beast::string_view asBeastView(std::string_view text)
{
    return {text.data(), text.size()};
}

// @p text without the spaces and tabs around it (HTTP's optional whitespace, RFC 9110 5.6.3).
std::string_view trimHttpWhitespace(std::string_view text);

Response makeJsonResponse(http::status status, const nlohmann::json &body);

// The one error shape of the API: {"error":{"code":"...","message":"..."}}.
Response makeErrorResponse(http::status status, std::string_view code, std::string_view message);

// What the answer to one request must look like on the wire.
struct ResponseFraming {
    bool headRequest = false; // the header only, with the length a GET would have had
    unsigned clientVersion = 11; // 10: no chunked coding, keep-alive only when asked for
    bool keepAlive = true;
};

// Sets the framing fields of a complete answer (Content-Length, Connection) from its body, and
// makes it one the protocol allows: 1xx/204/304 carry no body, 204 and 1xx no Content-Length, and
// an interim status, which cannot end an exchange, becomes a 500. True when the body is sent.
bool frameResponse(Response &response, const ResponseFraming &framing);

// The same for the header of a streamed answer: chunked to an HTTP/1.1 client; to an HTTP/1.0
// client the body runs until the connection closes. True when the body is chunked.
bool frameStreamHeader(http::response_header<> &header, const ResponseFraming &framing);

} // namespace rune::agent
