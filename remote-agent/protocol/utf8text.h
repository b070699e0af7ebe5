// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rune
{

/**
 * Length of the well-formed UTF-8 sequence at the start of @p text (1 to 4), or 0 when it does
 * not start with one: stray continuation bytes, overlong forms, surrogates, code points past
 * U+10FFFF and sequences cut short are all 0.
 */
std::size_t utf8SequenceLength(std::string_view text);

bool isValidUtf8(std::string_view text);

/** @p text with every byte that is not part of well-formed UTF-8 replaced by U+FFFD. */
std::string validUtf8(std::string_view text);

/**
 * Where to cut @p text so the first part is at most @p maxBytes long and no character is split:
 * text.size() when it fits, else @p maxBytes moved back to the start of the character it falls in
 * (at most three bytes, so the result is more than 0 whenever @p maxBytes is 4 or more).
 */
std::size_t utf8CutPoint(std::string_view text, std::size_t maxBytes);

/**
 * @p text for quoting in an error message: valid UTF-8, and cut after about @p maxBytes with
 * "..." (a hostile name can be megabytes long).
 */
std::string textExcerpt(std::string_view text, std::size_t maxBytes = 40);

/** textExcerpt() in single quotes, as error messages quote what they reject. */
std::string quotedExcerpt(std::string_view text, std::size_t maxBytes = 40);

} // namespace rune
