// SPDX-License-Identifier: GPL-3.0-or-later
#include "hostname.h"

#include <algorithm>

namespace rune::protocol
{

bool isPlainHostName(std::string_view host)
{
    return !host.empty() && host.size() <= maxHostNameBytes && host.front() != '-' && host.front() != '.'
        && std::ranges::all_of(host, [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                   || c == '.';
           });
}

} // namespace rune::protocol
