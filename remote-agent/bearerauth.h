// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace rune::agent
{

// True when `authorization` is "Bearer <token>". The comparison takes the same time wherever the
// first wrong byte is, so the token cannot be guessed byte by byte from response times.
bool bearerTokenMatches(std::string_view authorization, std::string_view token);

} // namespace rune::agent
