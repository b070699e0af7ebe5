// SPDX-License-Identifier: GPL-3.0-or-later
#include "utf8text.h"

#include <cstdint>

namespace rune
{

namespace
{

constexpr char replacementCharacter[] = "\xef\xbf\xbd";

bool isContinuation(char c)
{
    return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

} // namespace

std::size_t utf8SequenceLength(std::string_view text)
{
    if (text.empty())
        return 0;
    const auto lead = static_cast<unsigned char>(text[0]);
    std::size_t length = 0;
    std::uint32_t lowest = 0;
    if (lead < 0x80)
        return 1;
    if ((lead & 0xe0) == 0xc0) {
        length = 2;
        lowest = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3;
        lowest = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4;
        lowest = 0x10000;
    } else {
        return 0;
    }
    if (text.size() < length)
        return 0;
    std::uint32_t code = lead & (0xffu >> (length + 1));
    for (std::size_t index = 1; index < length; ++index) {
        if (!isContinuation(text[index]))
            return 0;
        code = (code << 6) | (static_cast<unsigned char>(text[index]) & 0x3fu);
    }
    // Overlong forms, surrogates and code points past Unicode are not UTF-8.
    if (code < lowest || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff)
        return 0;
    return length;
}

bool isValidUtf8(std::string_view text)
{
    while (!text.empty()) {
        const std::size_t length = utf8SequenceLength(text);
        if (length == 0)
            return false;
        text.remove_prefix(length);
    }
    return true;
}

std::string validUtf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const std::size_t length = utf8SequenceLength(text);
        if (length == 0) {
            out += replacementCharacter;
            text.remove_prefix(1);
        } else {
            out.append(text.substr(0, length));
            text.remove_prefix(length);
        }
    }
    return out;
}

std::size_t utf8CutPoint(std::string_view text, std::size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return text.size();
    // A character is at most four bytes: look back at most three for its first byte.
    for (std::size_t back = 0; back < 4 && back <= maxBytes; ++back) {
        if (!isContinuation(text[maxBytes - back]))
            return maxBytes - back;
    }
    return maxBytes; // not UTF-8 here anyway: any cut is as good
}

std::string textExcerpt(std::string_view text, std::size_t maxBytes)
{
    const std::size_t cut = utf8CutPoint(text, maxBytes);
    return validUtf8(text.substr(0, cut)) + (cut < text.size() ? "..." : "");
}

std::string quotedExcerpt(std::string_view text, std::size_t maxBytes)
{
    return "'" + textExcerpt(text, maxBytes) + "'";
}

} // namespace rune
