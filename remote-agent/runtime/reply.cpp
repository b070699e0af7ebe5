// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtime/reply.h"

#include "httpmessages.h"
#include "utf8text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace rune::agent
{

namespace
{

constexpr std::size_t quotedNameBytes = 80; // a hostile name of a megabyte is not worth quoting whole

InvokeError protocolError(const std::string &what)
{
    return {runtime_errors::protocolError, 502, "the function's worker sent a malformed result: " + what, {}};
}

InvokeError badResponse(const std::string &what)
{
    return {runtime_errors::badResponse, 502, "the function's response is not valid HTTP: " + what, {}};
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

// Reads "headers": a list of [name, value] string pairs.
std::expected<HeaderList, InvokeError> workerHeaders(const nlohmann::json &header)
{
    const auto found = header.find("headers");
    if (found == header.end())
        return std::unexpected(protocolError("the field \"headers\" is missing"));
    if (!found->is_array())
        return std::unexpected(protocolError("the field \"headers\" must be a list of [name, value] pairs"));
    HeaderList headers;
    headers.reserve(found->size());
    for (std::size_t index = 0; index < found->size(); ++index) {
        const auto &pair = (*found)[index];
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
            return std::unexpected(
                protocolError("\"headers\"[" + std::to_string(index) + "] must be a [name, value] pair of strings"));
        headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
    return headers;
}

std::expected<int, InvokeError> workerStatus(const nlohmann::json &header)
{
    const auto found = header.find("status");
    if (found == header.end())
        return std::unexpected(protocolError("the field \"status\" is missing"));
    if (!found->is_number_integer())
        return std::unexpected(
            protocolError("the field \"status\" must be a whole number, got " + std::string(found->type_name())));
    if (found->is_number_unsigned() && found->get<std::uint64_t>() > 999)
        return std::unexpected(badResponse(
            "the status " + std::to_string(found->get<std::uint64_t>()) + " is not a final HTTP status (200 to 599)"));
    const auto status = found->get<std::int64_t>();
    if (status < 200 || status > 599)
        return std::unexpected(
            badResponse("the status " + std::to_string(status) + " is not a final HTTP status (200 to 599)"));
    return int(status);
}

// The optional string field @p name; an error when present with another type.
std::expected<std::optional<std::string>, InvokeError> optionalText(const nlohmann::json &header, const char *name)
{
    const auto found = header.find(name);
    if (found == header.end())
        return std::nullopt;
    if (!found->is_string())
        return std::unexpected(protocolError(
            "the field \"" + std::string(name) + "\" must be a string, got " + std::string(found->type_name())));
    return found->get<std::string>();
}

// "Status: 201 Created" -> 201.
std::expected<int, InvokeError> cgiStatus(std::string_view value)
{
    int status = 0;
    const auto digits = value.substr(0, 3);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), status);
    const bool wellFormed = digits.size() == 3 && error == std::errc {} && end == digits.data() + 3
        && (value.size() == 3 || value[3] == ' ');
    if (!wellFormed)
        return std::unexpected(badResponse("the CGI header Status: " + quotedExcerpt(value, quotedNameBytes)
            + " does not start with a three-digit status"));
    if (status < 200 || status > 599)
        return std::unexpected(
            badResponse("the status " + std::to_string(status) + " is not a final HTTP status (200 to 599)"));
    return status;
}

// The CGI header block: "Name: value" lines, the last one before the blank line.
std::expected<void, InvokeError> applyCgiBlock(std::string_view block, InvokeResponse &response)
{
    while (!block.empty()) {
        const auto newline = block.find('\n');
        std::string_view line = block.substr(0, newline);
        block = newline == std::string_view::npos ? std::string_view() : block.substr(newline + 1);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            return std::unexpected(
                badResponse("the CGI header line " + quotedExcerpt(line, quotedNameBytes) + " has no ':'"));
        const std::string_view name = trimHttpWhitespace(line.substr(0, colon));
        const std::string_view value = trimHttpWhitespace(line.substr(colon + 1));
        if (!equalsNoCase(name, "status")) {
            response.headers.emplace_back(name, value);
            continue;
        }
        auto status = cgiStatus(value);
        if (!status)
            return std::unexpected(status.error());
        response.status = *status;
    }
    return {};
}

} // namespace

bool isHeaderName(std::string_view name)
{
    static constexpr std::string_view symbols = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || symbols.find(c) != std::string_view::npos;
    });
}

bool isHeaderValue(std::string_view value)
{
    return std::none_of(value.begin(), value.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\t') || byte == 0x7f;
    });
}

bool isHopByHopHeader(std::string_view name)
{
    static constexpr std::array<std::string_view, 10> names {"content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "upgrade"};
    return std::any_of(names.begin(), names.end(), [name](std::string_view hop) {
        return equalsNoCase(name, hop);
    });
}

InvokeResult checkedResponse(InvokeResponse response)
{
    if (response.status < 200 || response.status > 599)
        return std::unexpected(
            badResponse("the status " + std::to_string(response.status) + " is not a final HTTP status (200 to 599)"));
    for (const auto &[name, value] : response.headers) {
        if (!isHeaderName(name))
            return std::unexpected(
                badResponse("the header name " + quotedExcerpt(name, quotedNameBytes) + " is not an HTTP token"));
        if (!isHeaderValue(value))
            return std::unexpected(badResponse("the value of the header " + quotedExcerpt(name, quotedNameBytes)
                + " contains CR, LF, NUL or another control character"));
    }
    std::erase_if(response.headers, [](const auto &header) {
        return isHopByHopHeader(header.first);
    });
    // These statuses have no body (RFC 9110 15.3.5, 15.4.5), whatever the function returned.
    if (response.status == 204 || response.status == 304)
        response.body.clear();
    return response;
}

InvokeResult decodeWorkerResult(const nlohmann::json &header, std::string body, std::string_view requestId)
{
    if (!header.is_object())
        return std::unexpected(protocolError("the result is not a JSON object"));
    auto id = optionalText(header, "id");
    if (!id)
        return std::unexpected(id.error());
    if (!*id || **id != requestId)
        return std::unexpected(protocolError("the result does not name the call in flight in \"id\""));
    auto status = workerStatus(header);
    if (!status)
        return std::unexpected(status.error());
    auto headers = workerHeaders(header);
    if (!headers)
        return std::unexpected(headers.error());
    auto error = optionalText(header, "error");
    auto errorCode = optionalText(header, "error_code");
    if (!error)
        return std::unexpected(error.error());
    if (!errorCode)
        return std::unexpected(errorCode.error());
    if (*errorCode && **errorCode == runtime_errors::outOfMemory)
        return std::unexpected(InvokeError {
            runtime_errors::outOfMemory, 502, "the function ran out of memory: " + error->value_or("no details"), {}});
    InvokeResponse response;
    response.status = *status;
    response.headers = std::move(*headers);
    response.body = std::move(body);
    response.functionError = error->has_value();
    return checkedResponse(std::move(response));
}

InvokeResult decodeCgiOutput(std::string output)
{
    std::size_t end = output.find("\r\n\r\n");
    std::size_t separator = 4;
    if (const auto plain = output.find("\n\n");
        plain != std::string::npos && (end == std::string::npos || plain < end)) {
        end = plain;
        separator = 2;
    }
    const std::string_view first = std::string_view(output).substr(0, output.find('\n'));
    const auto startsWith = [first](std::string_view prefix) {
        return first.size() >= prefix.size() && equalsNoCase(first.substr(0, prefix.size()), prefix);
    };
    InvokeResponse response;
    if (end == std::string::npos || !(startsWith("status:") || startsWith("content-type:"))) {
        response.body = std::move(output);
        response.headers.emplace_back("Content-Type", "application/octet-stream");
        return checkedResponse(std::move(response));
    }
    if (auto applied = applyCgiBlock(std::string_view(output).substr(0, end), response); !applied)
        return std::unexpected(applied.error());
    response.body = output.substr(end + separator);
    return checkedResponse(std::move(response));
}

} // namespace rune::agent
