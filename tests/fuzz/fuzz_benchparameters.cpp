// SPDX-License-Identifier: GPL-3.0-or-later
// The parameters of POST /v1/bench/<test>: the first byte picks the test, the rest is the body.
// Nothing may throw or crash; parameters that pass must lie within benchprotocol.h's bounds and
// pass again when the run's "parameters" object is sent back as a body.

#include "bench/benchparameters.h"
#include "benchprotocol.h"
#include "jsontext.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace rune;
using namespace rune::agent;

namespace
{

constexpr std::string_view tests[] = {"cpu", "memory", "fileio", "db", "rtt"};
// A node with room for every bound, and one with little, so both sides of those checks are reached.
constexpr std::uint64_t mebibyte = 1024 * 1024;
const BenchRoom rooms[] = {{1ull << 40, 1ull << 45, 4}, {100 * mebibyte, 30 * mebibyte, 1}};

bool withinBounds(const BenchParameters &parameters)
{
    namespace limits = protocol::benchlimits;
    return parameters.seconds >= limits::minSeconds && parameters.seconds <= limits::maxSeconds
        && (parameters.test != "cpu"
            || (parameters.maxPrime >= limits::minMaxPrime && parameters.maxPrime <= limits::maxMaxPrime
                && parameters.threads >= 1 && parameters.threads <= limits::maxThreads))
        && (parameters.test != "rtt"
            || (!parameters.peers.empty() && parameters.peers.size() <= std::size_t(limits::maxPeers)
                && parameters.probes >= limits::minProbes && parameters.probes <= limits::maxProbes));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view test = tests[data[0] % std::size(tests)];
    const BenchRoom &room = rooms[(data[0] / std::size(tests)) % std::size(rooms)];
    const std::string_view body(reinterpret_cast<const char *>(data + 1), size - 1);
    const auto parameters = parseBenchParameters(test, body, room);
    if (!parameters) {
        if (parameters.error().empty())
            __builtin_trap();
        return 0;
    }
    if (!withinBounds(*parameters))
        __builtin_trap();
    for (const std::string &peer : parameters->peers) {
        if (!parseBenchPeer(peer))
            __builtin_trap();
    }
    const auto again = parseBenchParameters(test, jsonText(benchParametersJson(*parameters)), room);
    if (!again || again->threads != parameters->threads || again->peers != parameters->peers)
        __builtin_trap();
    return 0;
}
