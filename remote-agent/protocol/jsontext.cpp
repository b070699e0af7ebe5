// SPDX-License-Identifier: GPL-3.0-or-later
#include "jsontext.h"

#include "utf8text.h"

namespace rune
{

std::string jsonText(const nlohmann::json &value, int indent)
{
    return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string jsonTextExcerpt(const nlohmann::json &value, std::size_t maxBytes)
{
    return textExcerpt(jsonText(value), maxBytes);
}

namespace
{

// The deepest nesting of arrays and objects outside strings; stops counting past @p limit.
int nestingDepth(std::string_view text, int limit)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    bool escaped = false;
    for (const char c : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit)
                return deepest;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

} // namespace

std::expected<nlohmann::json, std::string> parseJsonText(std::string_view text, std::size_t maxBytes, int maxDepth)
{
    if (text.size() > maxBytes)
        return std::unexpected(
            "is " + std::to_string(text.size()) + " bytes long, more than the limit of " + std::to_string(maxBytes));
    if (nestingDepth(text, maxDepth) > maxDepth)
        return std::unexpected("nests deeper than " + std::to_string(maxDepth) + " levels");
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &error) {
        return std::unexpected(std::string("is not valid JSON: ") + error.what());
    }
}

} // namespace rune
