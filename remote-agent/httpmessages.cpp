// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpmessages.h"

#include "jsontext.h"
#include "protocol.h"

#include <nlohmann/json.hpp>

namespace rune::agent
{

namespace
{

// By number: Beast's status enum does not know every code a function may answer with (103).
bool isInterim(unsigned status)
{
    return status >= 100 && status < 200;
}

bool forbidsBody(unsigned status)
{
    return isInterim(status) || status == 204 || status == 304;
}

void setConnection(http::response_header<> &header, const ResponseFraming &framing)
{
    if (!framing.keepAlive)
        header.set(http::field::connection, "close");
    else if (framing.clientVersion < 11)
        header.set(http::field::connection, "keep-alive"); // HTTP/1.0 closes unless told otherwise
    else
        header.erase(http::field::connection);
}

} // namespace

Response makeJsonResponse(http::status status, const nlohmann::json &body)
{
    Response response {status, 11};
    response.set(http::field::server, "rune-agent/" RUNE_VERSION);
    response.set(http::field::content_type, asBeastView(jsonContentType));
    // A message may quote bytes a client sent: jsonText replaces invalid UTF-8 rather than throw.
    response.body() = jsonText(body);
    response.content_length(response.body().size());
    return response;
}

Response makeErrorResponse(http::status status, std::string_view code, std::string_view message)
{
    namespace error = protocol::error;
    const nlohmann::json body = {{error::object, {{error::code, code}, {error::message, message}}}};
    return makeJsonResponse(status, body);
}

bool frameResponse(Response &response, const ResponseFraming &framing)
{
    if (isInterim(response.result_int())) {
        response = makeErrorResponse(http::status::internal_server_error,
            protocol::errorcode::internal,
            "the handler answered with the interim status " + std::to_string(response.result_int()));
    }
    response.version(11);
    response.erase(http::field::transfer_encoding);
    if (forbidsBody(response.result_int())) {
        response.body().clear();
        response.erase(http::field::content_length);
    } else {
        response.content_length(response.body().size());
    }
    setConnection(response, framing);
    return !framing.headRequest && !response.body().empty();
}

bool frameStreamHeader(http::response_header<> &header, const ResponseFraming &framing)
{
    header.version(11);
    header.erase(http::field::content_length);
    header.erase(http::field::transfer_encoding);
    const bool chunked = framing.clientVersion >= 11;
    if (chunked)
        header.set(http::field::transfer_encoding, "chunked");
    setConnection(header, framing);
    return chunked;
}

std::string_view trimHttpWhitespace(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

} // namespace rune::agent
