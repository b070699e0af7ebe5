// SPDX-License-Identifier: GPL-3.0-or-later
#include "async/callrecord.h"

#include "jsontext.h"
#include "protocol.h"

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <random>
#include <sys/random.h>

namespace rune::agent
{

namespace
{

constexpr int formatVersion = 1;
/** The JSON line holds a few short fields and a callback URL; anything longer is damage. */
constexpr std::size_t maxHeaderLineBytes = 64 * 1024;

constexpr std::array<std::string_view, 5> stateNames {"queued", "running", "succeeded", "failed", "dead"};

std::optional<CallState> stateNamed(std::string_view name)
{
    for (std::size_t index = 0; index < stateNames.size(); ++index) {
        if (stateNames[index] == name)
            return CallState(index);
    }
    return std::nullopt;
}

// Headers as netstrings, "<length>:<bytes>," for the name and then the value: any byte may occur.
std::string encodeHeaders(const HeaderList &headers)
{
    std::string out;
    for (const auto &[name, value] : headers) {
        for (const std::string *part : {&name, &value})
            out += std::to_string(part->size()) + ':' + *part + ',';
    }
    return out;
}

std::optional<std::string> takeNetstring(std::string_view &text)
{
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 10)
        return std::nullopt;
    std::size_t length = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + colon, length);
    if (error != std::errc() || end != text.data() + colon || length > text.size() - colon - 1
        || text.size() - colon - 1 - length < 1 || text[colon + 1 + length] != ',')
        return std::nullopt;
    std::string value(text.substr(colon + 1, length));
    text.remove_prefix(colon + 2 + length);
    return value;
}

std::optional<HeaderList> decodeHeaders(std::string_view text)
{
    HeaderList headers;
    while (!text.empty()) {
        auto name = takeNetstring(text);
        auto value = name ? takeNetstring(text) : std::nullopt;
        if (!value)
            return std::nullopt;
        headers.emplace_back(std::move(*name), std::move(*value));
    }
    return headers;
}

template <typename Value> std::optional<Value> optionalField(const nlohmann::json &object, const char *name)
{
    const auto found = object.find(name);
    if (found == object.end())
        return std::nullopt;
    if constexpr (std::is_same_v<Value, std::string>) {
        if (found->is_string())
            return found->template get<std::string>();
    } else {
        if (found->is_number_integer())
            return found->template get<Value>();
    }
    return std::nullopt;
}

} // namespace

std::string_view stateName(CallState state)
{
    return stateNames[std::size_t(state)];
}

bool isFinished(CallState state)
{
    return state == CallState::succeeded || state == CallState::failed || state == CallState::dead;
}

std::string encodeCallRecord(const CallRecord &record)
{
    const std::string headers = encodeHeaders(record.headers);
    const std::string outcomeHeaders = record.outcome ? encodeHeaders(record.outcome->headers) : std::string();
    const std::string &outcomeBody = record.outcome ? record.outcome->body : std::string();
    nlohmann::json line = {{"v", formatVersion},
        {"id", record.id},
        {"function", record.function},
        {"target", record.target},
        {"method", record.method},
        {"path", record.path},
        {"query", record.query},
        {"callback_url", record.callbackUrl},
        {"accepted_at", record.acceptedAtMs},
        {"finished_at", record.finishedAtMs},
        {"state", stateName(record.state)},
        {"attempts", record.attempts},
        {"sizes", {headers.size(), record.body.size(), outcomeHeaders.size(), outcomeBody.size()}}};
    if (record.outcome) {
        line["outcome_status"] = record.outcome->status;
        line["outcome_error"] = record.outcome->errorCode;
    }
    return jsonText(line) + '\n' + headers + record.body + outcomeHeaders + outcomeBody;
}

std::expected<CallRecord, std::string> decodeCallRecord(std::string_view bytes)
{
    const auto newline = bytes.substr(0, maxHeaderLineBytes).find('\n');
    if (newline == std::string_view::npos)
        return std::unexpected("no header line");
    auto parsed = parseJsonText(bytes.substr(0, newline), maxHeaderLineBytes, 4);
    if (!parsed)
        return std::unexpected("header line " + parsed.error());
    const nlohmann::json &line = *parsed;
    if (!line.is_object() || optionalField<int>(line, "v") != formatVersion)
        return std::unexpected("not a call record of version " + std::to_string(formatVersion));
    CallRecord record;
    const auto id = optionalField<std::string>(line, "id");
    const auto function = optionalField<std::string>(line, "function");
    const auto target = optionalField<std::string>(line, "target");
    const auto method = optionalField<std::string>(line, "method");
    const auto path = optionalField<std::string>(line, "path");
    const auto query = optionalField<std::string>(line, "query");
    const auto callback = optionalField<std::string>(line, "callback_url");
    const auto accepted = optionalField<std::int64_t>(line, "accepted_at");
    const auto finished = optionalField<std::int64_t>(line, "finished_at");
    const auto state = stateNamed(optionalField<std::string>(line, "state").value_or(""));
    const auto attempts = optionalField<int>(line, "attempts");
    if (!id || !isAsyncRequestId(*id) || !function || function->empty() || !target || !method || method->empty()
        || !path || !query || !callback || !accepted || !finished || !state || !attempts || *attempts < 0)
        return std::unexpected("a field is missing or of the wrong type");
    const auto sizes = line.find("sizes");
    if (sizes == line.end() || !sizes->is_array() || sizes->size() != 4)
        return std::unexpected("no section sizes");
    std::string_view rest = bytes.substr(newline + 1);
    std::array<std::string_view, 4> sections;
    for (std::size_t index = 0; index < sections.size(); ++index) {
        const auto &size = (*sizes)[index];
        if (!size.is_number_unsigned() || size.get<std::uint64_t>() > rest.size())
            return std::unexpected("the file is shorter than its sections");
        sections[index] = rest.substr(0, size.get<std::size_t>());
        rest.remove_prefix(sections[index].size());
    }
    if (!rest.empty())
        return std::unexpected("bytes after the last section");
    auto headers = decodeHeaders(sections[0]);
    auto outcomeHeaders = decodeHeaders(sections[2]);
    if (!headers || !outcomeHeaders)
        return std::unexpected("damaged headers");
    record = CallRecord {*id,
        *function,
        *target,
        *method,
        *path,
        *query,
        std::move(*headers),
        std::string(sections[1]),
        *callback,
        *accepted,
        *finished,
        *state,
        *attempts,
        std::nullopt};
    const auto outcomeStatus = optionalField<int>(line, "outcome_status");
    if (isFinished(*state)) {
        if (!outcomeStatus || *outcomeStatus < 100 || *outcomeStatus > 599)
            return std::unexpected("a finished call without its outcome");
        record.outcome = CallOutcome {*outcomeStatus,
            std::move(*outcomeHeaders),
            std::string(sections[3]),
            optionalField<std::string>(line, "outcome_error").value_or("")};
    }
    return record;
}

std::string newAsyncRequestId()
{
    std::array<unsigned char, 16> bits {};
    std::size_t filled = 0;
    while (filled < bits.size()) {
        const ssize_t got = ::getrandom(bits.data() + filled, bits.size() - filled, 0);
        if (got > 0) {
            filled += std::size_t(got);
            continue;
        }
        // Only an ancient kernel lacks getrandom(); random_device reads /dev/urandom then.
        std::random_device device;
        for (auto &byte : bits)
            byte = static_cast<unsigned char>(device());
        filled = bits.size();
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string id;
    for (const unsigned char byte : bits) {
        id += digits[byte >> 4];
        id += digits[byte & 15];
    }
    return id;
}

bool isAsyncRequestId(std::string_view text)
{
    return text.size() == protocol::asynccall::requestIdHexDigits
        && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::expected<CallbackUrl, std::string> parseCallbackUrl(std::string_view text)
{
    if (text.size() > protocol::asynccall::maxCallbackUrlBytes)
        return std::unexpected(
            "the callback URL is longer than " + std::to_string(protocol::asynccall::maxCallbackUrlBytes) + " bytes");
    for (const char c : text) {
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return std::unexpected("the callback URL may hold only visible ASCII characters");
    }
    constexpr std::string_view scheme = "http://";
    if (text.size() < scheme.size() || !std::equal(scheme.begin(), scheme.end(), text.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
        }))
        return std::unexpected("the callback URL must start with http:// (https is not supported)");
    text.remove_prefix(scheme.size());
    if (text.find('#') != std::string_view::npos)
        return std::unexpected("the callback URL may not have a fragment (#)");
    const auto pathStart = text.find_first_of("/?");
    const std::string_view authority = text.substr(0, pathStart);
    CallbackUrl url;
    if (pathStart != std::string_view::npos)
        url.target = (text[pathStart] == '?' ? "/" : "") + std::string(text.substr(pathStart));
    if (authority.find('@') != std::string_view::npos)
        return std::unexpected("the callback URL may not carry credentials (user@host)");
    std::string_view host = authority;
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos && !authority.starts_with('[')) {
        host = authority.substr(0, colon);
        const std::string_view port = authority.substr(colon + 1);
        unsigned value = 0;
        const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (port.empty() || error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
            return std::unexpected("the callback URL's port must be a number from 1 to 65535");
        url.port = std::uint16_t(value);
    }
    if (host.empty() || host.size() > 253
        || host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
            != std::string_view::npos)
        return std::unexpected("the callback URL needs a host name or an IPv4 address");
    url.host = host;
    return url;
}

std::string base64Encode(std::string_view bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t index = 0; index < bytes.size(); index += 3) {
        const std::size_t count = std::min<std::size_t>(3, bytes.size() - index);
        std::uint32_t group = 0;
        for (std::size_t part = 0; part < 3; ++part)
            group = (group << 8) | (part < count ? static_cast<unsigned char>(bytes[index + part]) : 0u);
        for (std::size_t digit = 0; digit < 4; ++digit)
            out += digit <= count ? alphabet[(group >> (18 - 6 * digit)) & 63] : '=';
    }
    return out;
}

} // namespace rune::agent
