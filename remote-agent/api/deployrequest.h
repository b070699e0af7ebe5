// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "configkeys.h"
#include "protocol.h"

#include <cstddef>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rune::agent
{

/** What a deploy carries: the code archive (tar or tar.gz) and the function's configuration. */
struct DeployRequest {
    std::string archive;
    nlohmann::json config = nlohmann::json::object();
};

/** A function's configuration is a few KiB; anything past this is refused before it is parsed. */
inline constexpr std::size_t maxConfigBytes = protocol::limits::maxConfigBytes;

/** The header that carries the configuration when the body is the bare archive. */
inline constexpr const char *configHeader = protocol::deploy::configHeader;

/**
 * Reads a deploy from either a `multipart/form-data` body with the parts `config` (JSON) and
 * `archive` (the tar.gz), or a bare archive body with the configuration as JSON in the
 * X-Rune-Config header. The configuration is read with protocol::parseConfigText (at most
 * maxConfigBytes, bounded nesting). Errors are sentences naming what is wrong.
 */
std::expected<DeployRequest, std::string> parseDeployRequest(
    std::string_view contentType, std::string_view configHeaderValue, std::string body);

/** The value of @p parameter (e.g. boundary) in a header value like `multipart/form-data; boundary=x`. */
std::string headerParameter(std::string_view value, std::string_view parameter);

} // namespace rune::agent
