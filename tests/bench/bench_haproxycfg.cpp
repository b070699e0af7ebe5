// SPDX-License-Identifier: GPL-3.0-or-later
// Prints the haproxy.cfg the project generates, for tests/bench/gateway.sh, so the benchmark
// measures the configuration users get rather than one written by hand.
//   bench_haproxycfg LISTEN_PORT STATS_SOCKET FUNCTION NAME=URL...

#include "haproxyconfig.h"

#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>

int main(int argc, char **argv)
{
    if (argc < 5) {
        std::fputs("usage: bench_haproxycfg LISTEN_PORT STATS_SOCKET FUNCTION NAME=URL...\n", stderr);
        return 2;
    }
    rune::protocol::HaproxySettings settings;
    settings.bindHost = "127.0.0.1";
    const std::string_view port = argv[1];
    if (std::from_chars(port.data(), port.data() + port.size(), settings.bindPort).ec != std::errc()) {
        std::fputs("the listen port is not a number\n", stderr);
        return 2;
    }
    settings.statsSocket = argv[2];
    std::vector<rune::protocol::HaproxyNode> nodes;
    for (int index = 4; index < argc; ++index) {
        const std::string_view node = argv[index];
        const auto equals = node.find('=');
        nodes.push_back({std::string(node.substr(0, equals)),
            equals == node.npos ? std::string() : std::string(node.substr(equals + 1)),
            {argv[3]}});
    }
    const auto config = rune::protocol::haproxyConfig(nodes, settings);
    if (!config) {
        for (const auto &problem : config.error())
            std::fprintf(stderr, "%s\n", problem.c_str());
        return 1;
    }
    std::fputs(config->c_str(), stdout);
    return 0;
}
