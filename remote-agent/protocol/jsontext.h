// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rune
{

/**
 * The only way the agent (and the protocol library) turns JSON into text (answers, log lines, events, files): strings
 * that are not valid UTF-8 (a file name from an archive, a line a function printed, a name a client sent) come out with
 * U+FFFD in place of the bad bytes instead of throwing.
 */
std::string jsonText(const nlohmann::json &value, int indent = -1);

/** @p value as compact JSON for quoting in an error message: cut after about @p maxBytes with "...". */
std::string jsonTextExcerpt(const nlohmann::json &value, std::size_t maxBytes = 40);

/** How deep untrusted JSON may nest: deeper documents are refused before they are parsed. */
inline constexpr int maxJsonDepth = 64;

/**
 * Parses JSON that came from outside. Text longer than @p maxBytes or nested deeper than
 * @p maxDepth is refused by a linear scan before any parsing, so hostile input costs neither
 * memory nor stack; errors are sentences ("is not valid JSON: ...", "nests deeper than 64 levels").
 */
std::expected<nlohmann::json, std::string> parseJsonText(
    std::string_view text, std::size_t maxBytes, int maxDepth = maxJsonDepth);

} // namespace rune
