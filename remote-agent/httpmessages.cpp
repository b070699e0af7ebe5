// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpmessages.h"

#include "jsontext.h"
#include "protocol.h"

#include <nlohmann/json.hpp>

namespace rune::agent
{

Response makeJsonResponse(http::status status, const nlohmann::json &body)
{
    Response response {status, 11};
    response.set(http::field::server, "rune-agent/" RUNE_VERSION);
    response.set(http::field::content_type, asBeastView(jsonContentType));
    // Replaces invalid UTF-8 rather than throw: a message may quote bytes a client sent.
    response.body() = jsonText(body);
    response.prepare_payload();
    return response;
}

Response makeErrorResponse(http::status status, std::string_view code, std::string_view message)
{
    namespace error = protocol::error;
    const nlohmann::json body = {{error::object, {{error::code, code}, {error::message, message}}}};
    return makeJsonResponse(status, body);
}

} // namespace rune::agent
