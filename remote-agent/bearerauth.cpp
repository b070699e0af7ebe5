// SPDX-License-Identifier: GPL-3.0-or-later
#include "bearerauth.h"

#include <cstddef>

namespace rune::agent
{

namespace
{

bool constantTimeEquals(std::string_view given, std::string_view expected)
{
    // Walk the expected token's length whatever was given, folding every difference together.
    unsigned difference = given.size() == expected.size() ? 0u : 1u;
    for (std::size_t index = 0; index < expected.size(); ++index) {
        const unsigned char left = index < given.size() ? static_cast<unsigned char>(given[index]) : 0u;
        difference |= left ^ static_cast<unsigned char>(expected[index]);
    }
    return difference == 0;
}

} // namespace

bool bearerTokenMatches(std::string_view authorization, std::string_view token)
{
    constexpr std::string_view scheme = "Bearer ";
    if (token.empty() || authorization.size() < scheme.size())
        return false;
    // The scheme name is case-insensitive (RFC 7235); only its first letter varies in practice.
    const std::string_view given = authorization.substr(0, scheme.size());
    if (given != scheme && given != "bearer ")
        return false;
    return constantTimeEquals(authorization.substr(scheme.size()), token);
}

} // namespace rune::agent
