// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/benchparameters.h"

#include "benchprotocol.h"
#include "jsontext.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace rune::agent
{

namespace
{

namespace params = protocol::benchparams;
namespace limits = protocol::benchlimits;
namespace tests = protocol::benchtests;

constexpr std::size_t maxPeerHostBytes = 255;

/** A whole-number parameter: its key, where it goes, its bounds and its default. */
struct IntegerParameter {
    const char *name;
    int BenchParameters::*field;
    int minimum;
    int maximum;
    int fallback;
};

constexpr IntegerParameter secondsParameter {
    params::seconds, &BenchParameters::seconds, limits::minSeconds, limits::maxSeconds, limits::defaultSeconds};

/** The whole-number parameters each test takes besides seconds (priority and peers are read apart). */
std::vector<IntegerParameter> integerParameters(std::string_view test)
{
    if (test == tests::cpu)
        return {secondsParameter,
            {params::maxPrime,
                &BenchParameters::maxPrime,
                limits::minMaxPrime,
                limits::maxMaxPrime,
                limits::defaultMaxPrime},
            {params::threads, &BenchParameters::threads, 0, limits::maxThreads, 0}};
    if (test == tests::memory)
        return {secondsParameter,
            {params::bufferMiB,
                &BenchParameters::bufferMiB,
                limits::minBufferMiB,
                limits::maxBufferMiB,
                limits::defaultBufferMiB}};
    if (test == tests::fileio)
        return {secondsParameter,
            {params::fileMiB,
                &BenchParameters::fileMiB,
                limits::minFileMiB,
                limits::maxFileMiB,
                limits::defaultFileMiB}};
    if (test == tests::db)
        return {secondsParameter,
            {params::rows, &BenchParameters::rows, limits::minRows, limits::maxRows, limits::defaultRows}};
    if (test == tests::rtt)
        return {secondsParameter,
            {params::probes, &BenchParameters::probes, limits::minProbes, limits::maxProbes, limits::defaultProbes},
            {params::timeoutMs,
                &BenchParameters::timeoutMs,
                limits::minTimeoutMs,
                limits::maxTimeoutMs,
                limits::defaultTimeoutMs}};
    return {};
}

std::vector<std::string> parameterNames(std::string_view test)
{
    std::vector<std::string> names;
    for (const IntegerParameter &parameter : integerParameters(test))
        names.emplace_back(parameter.name);
    names.emplace_back(params::priority);
    if (test == tests::rtt)
        names.emplace_back(params::peers);
    return names;
}

std::string joined(const std::vector<std::string> &names)
{
    std::string text;
    for (const std::string &name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

std::expected<int, std::string> readInteger(const IntegerParameter &parameter, const nlohmann::json &value)
{
    const std::string name = parameter.name;
    const std::string range = std::to_string(parameter.minimum) + " to " + std::to_string(parameter.maximum);
    if (!value.is_number_integer())
        return std::unexpected(name + ": must be a whole number from " + range + ", not " + jsonTextExcerpt(value));
    if (value.is_number_unsigned() ? value.get<std::uint64_t>() > std::uint64_t(parameter.maximum)
                                   : value.get<std::int64_t>() > parameter.maximum)
        return std::unexpected(
            name + ": " + jsonTextExcerpt(value) + " is above the limit of " + std::to_string(parameter.maximum));
    // At most the maximum by now, so it fits a signed number whichever way JSON stored it.
    if (value.get<std::int64_t>() < parameter.minimum)
        return std::unexpected(
            name + ": " + jsonTextExcerpt(value) + " is below the minimum of " + std::to_string(parameter.minimum));
    return int(value.get<std::int64_t>());
}

std::expected<bool, std::string> readLowPriority(const nlohmann::json &value)
{
    if (value == params::priorityLow)
        return true;
    if (value == params::priorityNormal)
        return false;
    return std::unexpected(std::string(params::priority) + ": must be \"" + params::priorityLow + "\" or \""
        + params::priorityNormal + "\", not " + jsonTextExcerpt(value));
}

std::expected<std::vector<std::string>, std::string> readPeers(const nlohmann::json &value)
{
    const std::string name = params::peers;
    if (!value.is_array())
        return std::unexpected(name + ": must be an array of \"host:port\" strings, not " + jsonTextExcerpt(value));
    if (value.size() > std::size_t(limits::maxPeers))
        return std::unexpected(name + ": " + std::to_string(value.size()) + " peers are above the limit of "
            + std::to_string(limits::maxPeers));
    std::vector<std::string> peers;
    for (const nlohmann::json &entry : value) {
        if (!entry.is_string())
            return std::unexpected(
                name + ": every entry must be a \"host:port\" string, not " + jsonTextExcerpt(entry));
        const std::string &text = entry.get_ref<const std::string &>();
        if (auto peer = parseBenchPeer(text); !peer)
            return std::unexpected(name + ": " + jsonTextExcerpt(entry) + " " + peer.error());
        peers.push_back(text);
    }
    return peers;
}

/** The bounds that depend on the node: half of its available memory, half of its free disk. */
std::optional<std::string> exceedsRoom(const BenchParameters &parameters, const BenchRoom &room)
{
    if (parameters.test == tests::memory && parameters.bufferMiB * mebibyte > room.memoryAvailableBytes / 2)
        return std::string(params::bufferMiB) + ": " + std::to_string(parameters.bufferMiB)
            + " is more than half the node's available memory (MemAvailable "
            + std::to_string(room.memoryAvailableBytes / mebibyte) + " MiB): at most "
            + std::to_string(room.memoryAvailableBytes / 2 / mebibyte);
    if (parameters.test == tests::fileio && parameters.fileMiB * mebibyte > room.diskFreeBytes / 2)
        return std::string(params::fileMiB) + ": " + std::to_string(parameters.fileMiB)
            + " is more than half the free space of the state directory ("
            + std::to_string(room.diskFreeBytes / mebibyte) + " MiB free): at most "
            + std::to_string(room.diskFreeBytes / 2 / mebibyte);
    if (parameters.test == tests::rtt && parameters.peers.empty())
        return std::string(params::peers) + ": give at least one \"host:port\" (at most "
            + std::to_string(limits::maxPeers) + ")";
    return std::nullopt;
}

std::expected<void, std::string> readEntry(
    BenchParameters &parameters, const std::string &key, const nlohmann::json &value)
{
    for (const IntegerParameter &parameter : integerParameters(parameters.test)) {
        if (key != parameter.name)
            continue;
        const auto number = readInteger(parameter, value);
        if (!number)
            return std::unexpected(number.error());
        parameters.*parameter.field = *number;
        return {};
    }
    if (key == params::priority) {
        const auto low = readLowPriority(value);
        if (!low)
            return std::unexpected(low.error());
        parameters.lowPriority = *low;
        return {};
    }
    if (key == params::peers && parameters.test == tests::rtt) {
        auto peers = readPeers(value);
        if (!peers)
            return std::unexpected(peers.error());
        parameters.peers = std::move(*peers);
        return {};
    }
    return std::unexpected("unknown parameter " + jsonTextExcerpt(key) + ": the " + parameters.test + " test takes "
        + joined(parameterNames(parameters.test)));
}

bool isHostCharacter(char character)
{
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z')
        || (character >= '0' && character <= '9') || character == '.' || character == '-' || character == '_'
        || character == ':' || character == '%';
}

} // namespace

bool isBenchTest(std::string_view test)
{
    return test == tests::cpu || test == tests::memory || test == tests::fileio || test == tests::db
        || test == tests::rtt;
}

std::expected<BenchParameters, std::string> parseBenchParameters(
    std::string_view test, std::string_view body, const BenchRoom &room)
{
    BenchParameters parameters;
    parameters.test = std::string(test);
    for (const IntegerParameter &parameter : integerParameters(test))
        parameters.*parameter.field = parameter.fallback;
    const bool empty = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (!empty) {
        auto json = parseJsonText(body, maxBenchBodyBytes);
        if (!json)
            return std::unexpected("the body " + json.error());
        if (!json->is_object())
            return std::unexpected("the body must be a JSON object of parameters, not " + jsonTextExcerpt(*json));
        for (const auto &[key, value] : json->items()) {
            if (auto read = readEntry(parameters, key, value); !read)
                return std::unexpected(read.error());
        }
    }
    if (test == tests::cpu && parameters.threads == 0)
        parameters.threads = int(std::clamp<unsigned>(room.cores, 1, limits::maxThreads));
    if (const auto problem = exceedsRoom(parameters, room))
        return std::unexpected(*problem);
    return parameters;
}

std::expected<BenchPeer, std::string> parseBenchPeer(std::string_view text)
{
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return std::unexpected("is not \"host:port\"");
    std::string_view host = text.substr(0, colon);
    const std::string_view portText = text.substr(colon + 1);
    const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed)
        host = host.substr(1, host.size() - 2);
    if (host.empty())
        return std::unexpected("has no host");
    if (host.size() > maxPeerHostBytes || !std::all_of(host.begin(), host.end(), isHostCharacter))
        return std::unexpected("is not a host name or address followed by \":port\"");
    if (!bracketed && host.find(':') != std::string_view::npos)
        return std::unexpected("needs brackets around an IPv6 address: \"[::1]:7471\"");
    unsigned port = 0;
    const auto [end, error] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (portText.empty() || error != std::errc() || end != portText.data() + portText.size() || port < 1
        || port > 65535)
        return std::unexpected("has no port from 1 to 65535");
    return BenchPeer {std::string(host), std::uint16_t(port)};
}

nlohmann::json benchParametersJson(const BenchParameters &parameters)
{
    nlohmann::json json = nlohmann::json::object();
    for (const IntegerParameter &parameter : integerParameters(parameters.test))
        json[parameter.name] = parameters.*parameter.field;
    json[params::priority] = parameters.lowPriority ? params::priorityLow : params::priorityNormal;
    if (parameters.test == tests::rtt)
        json[params::peers] = parameters.peers;
    return json;
}

} // namespace rune::agent
