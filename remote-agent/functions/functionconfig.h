// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rune::agent
{

/** A trigger that fires a function besides HTTP. */
struct Trigger {
    std::string type; ///< http, cron or mqtt
    std::string value; ///< cron expression or MQTT topic filter
    std::string resultTopic; ///< mqtt: where the function's answer is published; empty: nowhere
    int qos = 0; ///< mqtt: 0 or 1
};

/** A function's configuration as deployed to the agent (JSON names in config_fields below). */
struct FunctionConfig {
    std::string runtime = "python3";
    std::string handler = "handler.handle";
    int memoryMiB = 128;
    int timeoutSeconds = 30;
    std::uint64_t maxPayloadBytes = 6ull << 20;
    int minReplicas = 0;
    int maxReplicas = 4;
    int targetConcurrency = 1;
    int idleToZeroSeconds = 300;
    std::vector<Trigger> triggers;
    std::map<std::string, std::string> env;
    std::string auth = "public"; ///< public or token
};

namespace config_fields
{
inline constexpr char runtime[] = "runtime";
inline constexpr char handler[] = "handler";
inline constexpr char memoryMiB[] = "memory_mib";
inline constexpr char timeoutSeconds[] = "timeout_seconds";
inline constexpr char maxPayloadBytes[] = "max_payload_bytes";
inline constexpr char minReplicas[] = "min_replicas";
inline constexpr char maxReplicas[] = "max_replicas";
inline constexpr char targetConcurrency[] = "target_concurrency";
inline constexpr char idleToZeroSeconds[] = "idle_to_zero_seconds";
inline constexpr char triggers[] = "triggers";
inline constexpr char triggerType[] = "type";
inline constexpr char triggerValue[] = "value";
inline constexpr char triggerResultTopic[] = "result_topic";
inline constexpr char triggerQos[] = "qos";
inline constexpr char env[] = "env";
inline constexpr char auth[] = "auth";
} // namespace config_fields

/** Bounds on what a configuration may hold, so no setting can exhaust memory, the stack or exec(). */
namespace limits
{
inline constexpr std::size_t maxSettingBytes = 1024; ///< runtime, handler, auth
inline constexpr std::size_t maxCronBytes = 256;
inline constexpr std::size_t maxTriggers = 64;
inline constexpr std::size_t maxEnvVariables = 1000;
inline constexpr std::size_t maxEnvNameBytes = 256;
inline constexpr std::size_t maxEnvValueBytes = 32 * 1024;
/** Linux refuses to start a process whose environment and arguments pass a quarter of its stack (2 MiB). */
inline constexpr std::size_t maxEnvTotalBytes = 256 * 1024;
} // namespace limits

/**
 * Reads and checks a function's JSON configuration. On failure returns every problem found,
 * each a sentence naming the field ("memory_mib must be a multiple of 64 (got 100)"). Never
 * throws, whatever @p json holds; strings with NUL or invalid UTF-8 and anything past `limits`
 * are refused.
 */
std::expected<FunctionConfig, std::vector<std::string>> parseFunctionConfig(const nlohmann::json &json);
nlohmann::json toJson(const FunctionConfig &config);
/** Problems with a function name: lowercase letters, digits and '-', 1..63 characters, a letter first. */
std::vector<std::string> checkFunctionName(const std::string &name);

} // namespace rune::agent
