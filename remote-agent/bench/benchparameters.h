// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rune::agent
{

/** What the node has room for, read before a run starts: the memory and fileio tests' upper bounds. */
struct BenchRoom {
    std::uint64_t memoryAvailableBytes = 0; ///< MemAvailable of /proc/meminfo
    std::uint64_t diskFreeBytes = 0; ///< free to unprivileged users on the state directory's file system
    unsigned cores = 1;
};

/** A run's parameters, every one filled in (the defaults of benchprotocol.h where the body had none). */
struct BenchParameters {
    std::string test;
    int seconds = 0;
    bool lowPriority = true;
    int maxPrime = 0; ///< cpu
    int threads = 0; ///< cpu: the multi-core phase's threads, 0 already replaced by the cores
    int bufferMiB = 0; ///< memory
    int fileMiB = 0; ///< fileio
    int rows = 0; ///< db
    std::vector<std::string> peers; ///< rtt: "host:port"
    int probes = 0; ///< rtt
    int timeoutMs = 0; ///< rtt
};

/** A peer of the rtt test, split: the host without brackets ("::1" from "[::1]:7471"). */
struct BenchPeer {
    std::string host;
    std::uint16_t port = 0;
};

inline constexpr std::size_t mebibyte = 1024 * 1024;

/** The largest POST body a run takes: a thousand peers with long host names fit. */
inline constexpr std::size_t maxBenchBodyBytes = 1024 * 1024;

/** True for the tests of benchprotocol.h's benchtests. */
bool isBenchTest(std::string_view test);

/**
 * Reads POST /v1/bench/<test>'s body (empty or a JSON object). Refuses, with a sentence naming the
 * parameter and its bound, text that is not JSON or not valid UTF-8, anything but an object, a key
 * the test does not take, a value of the wrong type, and a value outside its bounds or above what
 * @p room allows. @p test must be one of the tests (isBenchTest).
 */
std::expected<BenchParameters, std::string> parseBenchParameters(
    std::string_view test, std::string_view body, const BenchRoom &room);

/** "host:port" split and checked: host non-empty, port 1..65535; why not otherwise. */
std::expected<BenchPeer, std::string> parseBenchPeer(std::string_view text);

/** The run's "parameters" object: the test's parameters with their values. */
nlohmann::json benchParametersJson(const BenchParameters &parameters);

} // namespace rune::agent
