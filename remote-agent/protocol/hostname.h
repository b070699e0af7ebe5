// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string_view>

namespace rune::protocol
{

/** The longest DNS name as written (RFC 1035: 255 bytes on the wire, 253 characters). */
inline constexpr std::size_t maxHostNameBytes = 253;

/**
 * Whether @p host is a DNS name or an IPv4 address as written: 1 to 253 of A-Z a-z 0-9 '-' '.',
 * not starting with '-' or '.'. Nothing a resolver or a configuration parser would read as
 * something else: no '%' (an IPv6 zone), no space, quote, bracket, '#' or line break.
 */
bool isPlainHostName(std::string_view host);

} // namespace rune::protocol
