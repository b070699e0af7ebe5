// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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

// Boost 1.74's Beast speaks boost::string_view; the agent speaks std::string_view.
inline std::string_view asStdView(beast::string_view text)
{
    return {text.data(), text.size()};
}

inline beast::string_view asBeastView(std::string_view text)
{
    return {text.data(), text.size()};
}

Response makeJsonResponse(http::status status, const nlohmann::json &body);

// The one error shape of the API: {"error":{"code":"...","message":"..."}}.
Response makeErrorResponse(http::status status, std::string_view code, std::string_view message);

} // namespace rune::agent
