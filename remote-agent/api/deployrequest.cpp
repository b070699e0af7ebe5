// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/deployrequest.h"

#include "deployconfig.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace rune::agent
{

namespace
{

bool startsWithNoCase(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
}

std::string_view trimmedContentTypePart(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

// The form field name of one part, from its Content-Disposition header.
std::string partName(std::string_view headers)
{
    while (!headers.empty()) {
        const auto end = headers.find("\r\n");
        const std::string_view line = headers.substr(0, end);
        headers = end == std::string_view::npos ? std::string_view() : headers.substr(end + 2);
        if (startsWithNoCase(line, "content-disposition:"))
            return headerParameter(line.substr(line.find(':') + 1), "name");
    }
    return {};
}

std::expected<std::map<std::string, std::string>, std::string> splitMultipart(
    std::string_view body, const std::string &boundary)
{
    const std::string delimiter = "--" + boundary;
    std::map<std::string, std::string> parts;
    auto at = body.find(delimiter);
    if (at == std::string_view::npos)
        return std::unexpected(std::string("the multipart body does not contain its boundary"));
    for (;;) {
        at += delimiter.size();
        if (body.substr(at, 2) == "--")
            return parts;
        if (body.substr(at, 2) != "\r\n")
            return std::unexpected(std::string("the multipart body is malformed after a boundary"));
        at += 2;
        const auto headersEnd = body.find("\r\n\r\n", at);
        const auto next = body.find("\r\n" + delimiter, at);
        if (headersEnd == std::string_view::npos || next == std::string_view::npos || headersEnd > next)
            return std::unexpected(std::string("the multipart body ends in the middle of a part"));
        const std::string name = partName(body.substr(at, headersEnd - at + 2));
        parts[name] = std::string(body.substr(headersEnd + 4, next - headersEnd - 4));
        at = next + 2;
    }
}

} // namespace

std::string headerParameter(std::string_view value, std::string_view parameter)
{
    while (!value.empty()) {
        const auto semicolon = value.find(';');
        const std::string_view item = trimmedContentTypePart(value.substr(0, semicolon));
        value = semicolon == std::string_view::npos ? std::string_view() : value.substr(semicolon + 1);
        const auto equals = item.find('=');
        if (equals == std::string_view::npos || !startsWithNoCase(item, parameter)
            || trimmedContentTypePart(item.substr(0, equals)).size() != parameter.size())
            continue;
        std::string_view found = trimmedContentTypePart(item.substr(equals + 1));
        if (found.size() >= 2 && found.front() == '"' && found.back() == '"')
            found = found.substr(1, found.size() - 2);
        return std::string(found);
    }
    return {};
}

std::expected<DeployRequest, std::string> parseDeployRequest(
    std::string_view contentType, std::string_view configHeaderValue, std::string body)
{
    DeployRequest request;
    if (startsWithNoCase(trimmedContentTypePart(contentType), "multipart/form-data")) {
        const std::string boundary = headerParameter(contentType, "boundary");
        if (boundary.empty())
            return std::unexpected(std::string("the multipart Content-Type has no boundary"));
        auto parts = splitMultipart(body, boundary);
        if (!parts)
            return std::unexpected(parts.error());
        const auto archive = parts->find(protocol::deploy::archivePart);
        if (archive == parts->end())
            return std::unexpected(std::string("the multipart body has no 'archive' part with the code"));
        request.archive = std::move(archive->second);
        auto config = protocol::parseConfigText(parts->contains(protocol::deploy::configPart)
                ? std::string_view(parts->at(protocol::deploy::configPart))
                : "");
        if (!config)
            return std::unexpected(config.error());
        request.config = std::move(*config);
    } else {
        auto config = protocol::parseConfigText(configHeaderValue);
        if (!config)
            return std::unexpected(config.error() + " (header " + configHeader + ")");
        request.config = std::move(*config);
        request.archive = std::move(body);
    }
    if (request.archive.empty())
        return std::unexpected(std::string("the deploy carries no code archive"));
    return request;
}

} // namespace rune::agent
