// SPDX-License-Identifier: GPL-3.0-or-later
#include "gateway/headerfields.h"

#include <algorithm>
#include <array>

namespace rune::agent
{

namespace
{

constexpr std::array hopByHopFields {http::field::connection,
    http::field::proxy_connection,
    http::field::keep_alive,
    http::field::te,
    http::field::trailer,
    http::field::transfer_encoding,
    http::field::upgrade};

std::string lowered(std::string_view text)
{
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(), [](unsigned char letter) {
        return static_cast<char>(letter >= 'A' && letter <= 'Z' ? letter - 'A' + 'a' : letter);
    });
    return result;
}

} // namespace

std::vector<std::string> headerListElements(std::string_view value)
{
    std::vector<std::string> elements;
    while (!value.empty()) {
        const auto comma = value.find(',');
        const auto element = trimHttpWhitespace(value.substr(0, comma));
        if (!element.empty())
            elements.push_back(lowered(element));
        if (comma == std::string_view::npos)
            break;
        value.remove_prefix(comma + 1);
    }
    return elements;
}

std::vector<std::string> headerListElements(const http::fields &fields, http::field name)
{
    std::vector<std::string> elements;
    for (auto [field, end] = fields.equal_range(name); field != end; ++field) {
        auto more = headerListElements(asStdView(field->value()));
        elements.insert(elements.end(), more.begin(), more.end());
    }
    return elements;
}

void copyEndToEndFields(const http::fields &from, http::fields &to, std::initializer_list<http::field> alsoDropped)
{
    // A sender lists in Connection the fields meant for the next hop only (RFC 9110 §7.6.1).
    auto connectionNamed = headerListElements(from, http::field::connection);
    const auto proxyNamed = headerListElements(from, http::field::proxy_connection);
    connectionNamed.insert(connectionNamed.end(), proxyNamed.begin(), proxyNamed.end());
    for (const auto &field : from) {
        const auto name = field.name();
        if (std::ranges::find(hopByHopFields, name) != hopByHopFields.end()
            || std::ranges::find(alsoDropped, name) != alsoDropped.end()
            || std::ranges::find(connectionNamed, lowered(asStdView(field.name_string()))) != connectionNamed.end())
            continue;
        to.insert(field.name_string(), field.value());
    }
}

void appendVia(http::fields &fields, std::string_view entry)
{
    std::string via;
    for (auto [field, end] = fields.equal_range(http::field::via); field != end; ++field) {
        via += asStdView(field->value());
        via += ", ";
    }
    via += entry;
    fields.set(http::field::via, via);
}

} // namespace rune::agent
