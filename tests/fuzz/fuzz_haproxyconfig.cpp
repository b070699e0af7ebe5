// SPDX-License-Identifier: GPL-3.0-or-later
// The haproxy.cfg generator with arbitrary names, URLs, paths and functions. Fields are separated
// by NUL: listen host, stats socket, then per node its name, URL and functions (split by ','). A
// configuration it accepts must hold nothing but the lines it means to write: the fixed lines of
// a one-node cluster, and per function and node lines made of safe characters with the expected
// number of words. Anything else means an input got into the text as a directive.
// The first field is also read as the agent's haproxy_listen and haproxy_binary settings: what
// they accept must make a configuration, and a path without spaces or control characters.

#include "haproxyconfig.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace
{

std::vector<std::string> split(std::string_view text, char separator)
{
    std::vector<std::string> parts;
    for (;;) {
        const auto at = text.find(separator);
        parts.emplace_back(text.substr(0, at));
        if (at == text.npos)
            return parts;
        text.remove_prefix(at + 1);
    }
}

std::vector<std::string> lines(const std::string &text)
{
    return split(text, '\n');
}

std::size_t wordCount(std::string_view line)
{
    std::istringstream words {std::string(line)};
    return static_cast<std::size_t>(std::distance(std::istream_iterator<std::string>(words), {}));
}

bool safeCharacters(std::string_view line)
{
    return std::ranges::all_of(line, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '.'
            || c == '/' || c == '_' || c == '-' || c == '@' || c == ':';
    });
}

/** Whether @p line is one the generator writes per function or node, well formed. */
bool isRouteLine(std::string_view line)
{
    if (!safeCharacters(line))
        return false;
    const std::size_t words = wordCount(line);
    if (line.starts_with("    acl fn-"))
        return words == 4 || words == 5;
    if (line.starts_with("    use_backend fn-"))
        return words == 4;
    if (line.starts_with("backend fn-"))
        return words == 2;
    if (line.starts_with("    server "))
        return words == 4 && line.ends_with(" check");
    return false;
}

void verify(bool condition)
{
    if (!condition)
        std::abort();
}

/** haproxy_listen and haproxy_binary: what they accept is usable as it is. */
void checkSettings(std::string_view text)
{
    if (const auto listen = rune::protocol::parseHaproxyListen(text)) {
        verify(listen->port != 0 && (listen->host.starts_with('[') || listen->host.find(':') == std::string::npos));
        const auto config = rune::protocol::haproxyConfig({}, {listen->host, listen->port, "/run/rune/admin.sock"});
        verify(config.has_value());
    } else {
        verify(listen.error().starts_with("haproxy_listen must be"));
    }
    if (rune::protocol::haproxyBinaryProblem(text).empty()) {
        verify(text.empty() || text.starts_with('/'));
        verify(std::ranges::all_of(text, [](char c) {
            return c > ' ' && c < 127;
        }));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const auto fields = split(std::string_view(reinterpret_cast<const char *>(data), size), '\0');
    checkSettings(fields[0]);
    rune::protocol::HaproxySettings settings;
    settings.bindHost = fields[0];
    settings.bindPort = 8080;
    if (fields.size() > 1)
        settings.statsSocket = fields[1];
    std::vector<rune::protocol::HaproxyNode> nodes;
    for (std::size_t index = 2; index + 2 < fields.size(); index += 3)
        nodes.push_back({fields[index], fields[index + 1], split(fields[index + 2], ',')});
    const auto config = rune::protocol::haproxyConfig(nodes, settings);
    if (!config) {
        verify(!config.error().empty());
        return 0;
    }
    // The fixed lines: those of a cluster of one node with one function, with the same settings
    // (the global, defaults and frontend lines, and the lines every backend has).
    const auto one = rune::protocol::haproxyConfig({{"n", "http://127.0.0.1:1", {"f"}}}, settings);
    verify(one.has_value());
    const auto fixedLines = lines(*one);
    const std::set<std::string> fixed(fixedLines.begin(), fixedLines.end());
    for (const auto &line : lines(*config))
        verify(fixed.contains(line) || isRouteLine(line));
    return 0;
}
