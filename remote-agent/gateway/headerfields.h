// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpmessages.h"

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace rune::agent
{

/**
 * The elements of a comma-separated header list (RFC 9110 §5.6.1) in lower case, optional
 * whitespace trimmed and empty elements skipped; parameters after ';' are kept with their element.
 */
std::vector<std::string> headerListElements(std::string_view value);

/** Every element of every field named @p name, in order (a list may be split over several fields). */
std::vector<std::string> headerListElements(const http::fields &fields, http::field name);

/**
 * Copies the end-to-end fields of @p from into @p to: not the hop-by-hop ones of RFC 9110 §7.6.1
 * (Connection, Proxy-Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade), not the ones
 * the message's Connection field names, and not those in @p alsoDropped.
 */
void copyEndToEndFields(const http::fields &from, http::fields &to, std::initializer_list<http::field> alsoDropped);

/** Appends @p entry to the Via list of @p fields (RFC 9110 §7.6.3). */
void appendVia(http::fields &fields, std::string_view entry);

} // namespace rune::agent
