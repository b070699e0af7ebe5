// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "configkeys.h"

#include <cstddef>
#include <cstdint>
#include <expected>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

// A function's configuration as a deploy carries it: its keys, defaults, limits and the one check
// of it. The agent runs the check on every deploy and the console on every configuration it saves
// or sends, so both accept and refuse exactly the same configurations, in the same words.

namespace rune::protocol
{

/** A trigger that fires a function besides HTTP. */
struct Trigger {
    std::string type; ///< http, cron or mqtt
    std::string value; ///< cron schedule or MQTT topic filter
    std::string resultTopic; ///< mqtt: where the function's answer is published; empty: nowhere
    int qos = 0; ///< mqtt: 0 or 1

    bool operator==(const Trigger &) const = default;
};

/** A function's configuration; a key a deploy leaves out takes the value given here. */
struct FunctionConfig {
    std::string runtime = defaults::runtime;
    std::string handler = defaults::handler;
    int memoryMiB = defaults::memoryMiB;
    int timeoutSeconds = defaults::timeoutSeconds;
    std::uint64_t maxPayloadBytes = defaults::maxPayloadBytes;
    int minReplicas = defaults::minReplicas;
    int maxReplicas = defaults::maxReplicas;
    int targetConcurrency = defaults::targetConcurrency;
    int idleToZeroSeconds = defaults::idleToZeroSeconds;
    int gpuCount = defaults::gpuCount;
    int gpuMemoryMiB = defaults::gpuMemoryMiB;
    int gpuPercent = defaults::gpuPercent;
    int asyncQueueLimit = defaults::asyncQueueLimit; ///< 0: only the agent-wide limit
    std::vector<Trigger> triggers;
    std::map<std::string, std::string> env;
    std::string auth = defaults::auth;

    bool operator==(const FunctionConfig &) const = default;
};

/** One thing wrong with a configuration. */
struct ConfigProblem {
    std::string field; ///< the top-level configkeys name it is about; empty: the configuration as a whole
    std::string
        message; ///< a sentence naming the key and the value, e.g. "memory_mib must be a multiple of 64 (got 100)"

    bool operator==(const ConfigProblem &) const = default;
};

/**
 * Reads the configuration text a deploy carries (the X-Rune-Config header or the multipart
 * "config" part): JSON of at most limits::maxConfigBytes, nested at most maxJsonDepth deep, an
 * object; blank text is the empty object. The error is a sentence ("the function configuration
 * is not valid JSON: ...").
 */
std::expected<nlohmann::json, std::string> parseConfigText(std::string_view text);

/**
 * Reads and checks a configuration. On failure returns every problem found, always in the same
 * order. Never throws, whatever @p json holds; strings with NUL or invalid UTF-8 and
 * anything past `limits` are refused, and a hostile value is quoted only in part.
 */
std::expected<FunctionConfig, std::vector<ConfigProblem>> parseFunctionConfig(const nlohmann::json &json);

/** The messages of @p problems, in order. */
std::vector<std::string> messagesOf(const std::vector<ConfigProblem> &problems);

/** @p config with every key, as parseFunctionConfig() reads it back. */
nlohmann::json toJson(const FunctionConfig &config);

/** Why @p name cannot be an env variable's name (invalid, too long, reserved); empty when it can. */
std::string envNameProblem(std::string_view name);

/** Problems with a function name: lowercase letters, digits and '-', 1..63 characters, a letter first. */
std::vector<std::string> checkFunctionName(std::string_view name);

} // namespace rune::protocol
