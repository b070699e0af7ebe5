// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionconfig.h"

#include "triggers/cronexpression.h"
#include "triggers/topicfilter.h"

#include <algorithm>
#include <regex>

namespace rune::agent
{

namespace
{

namespace f = config_fields;
using Problems = std::vector<std::string>;

// Reads an optional integer field within [low, high]; a wrong type or range adds a problem.
template <typename T>
void readInt(const nlohmann::json &json, const char *name, T &out, long long low, long long high, Problems &problems)
{
    if (!json.contains(name))
        return;
    const auto &value = json.at(name);
    if (!value.is_number_integer()) {
        problems.push_back(std::string(name) + " must be a whole number");
        return;
    }
    const long long number = value.get<long long>();
    if (number < low || number > high) {
        problems.push_back(std::string(name) + " must be between " + std::to_string(low) + " and "
            + std::to_string(high) + " (got " + std::to_string(number) + ")");
        return;
    }
    out = T(number);
}

void readString(const nlohmann::json &json, const char *name, std::string &out, Problems &problems)
{
    if (!json.contains(name))
        return;
    if (!json.at(name).is_string())
        problems.push_back(std::string(name) + " must be a string");
    else
        out = json.at(name).get<std::string>();
}

void readTriggers(const nlohmann::json &json, FunctionConfig &config, Problems &problems)
{
    if (!json.contains(f::triggers))
        return;
    if (!json.at(f::triggers).is_array()) {
        problems.push_back("triggers must be a list of {\"type\", \"value\"} objects");
        return;
    }
    for (const auto &item : json.at(f::triggers)) {
        Trigger trigger;
        if (!item.is_object() || !item.value(f::triggerType, nlohmann::json()).is_string()) {
            problems.push_back("every trigger needs a \"type\" (http, cron or mqtt)");
            continue;
        }
        trigger.type = item.at(f::triggerType).get<std::string>();
        // Wrong types become values the checks below refuse, never an exception.
        const auto text = [&item](const char *key) {
            const auto field = item.value(key, nlohmann::json(""));
            return field.is_string() ? field.get<std::string>() : std::string("\x01");
        };
        trigger.value = text(f::triggerValue);
        trigger.resultTopic = text(f::triggerResultTopic);
        const auto qos = item.value(f::triggerQos, nlohmann::json(0));
        trigger.qos = qos.is_number_integer() ? qos.get<int>() : -1;
        if (trigger.type != "http" && trigger.type != "cron" && trigger.type != "mqtt")
            problems.push_back("trigger type must be http, cron or mqtt (got " + trigger.type + ")");
        else if (trigger.type != "http" && trigger.value.empty())
            problems.push_back("a " + trigger.type + " trigger needs a value");
        else if (trigger.type == "cron") {
            if (auto cron = CronExpression::parse(trigger.value); !cron)
                problems.push_back(cron.error());
        } else if (trigger.type == "mqtt") {
            if (auto problem = topicFilterProblem(trigger.value))
                problems.push_back(*problem);
            if (!trigger.resultTopic.empty() && trigger.resultTopic.find_first_of("+#") != std::string::npos)
                problems.push_back("the result_topic '" + trigger.resultTopic + "' must not contain + or #");
            if (trigger.qos != 0 && trigger.qos != 1)
                problems.push_back("qos of an mqtt trigger must be 0 or 1 (got " + std::to_string(trigger.qos) + ")");
        }
        config.triggers.push_back(trigger);
    }
}

void readEnv(const nlohmann::json &json, FunctionConfig &config, Problems &problems)
{
    if (!json.contains(f::env))
        return;
    if (!json.at(f::env).is_object()) {
        problems.push_back("env must be an object of string values");
        return;
    }
    static const std::regex validName("[A-Za-z_][A-Za-z0-9_]*");
    for (const auto &[key, value] : json.at(f::env).items()) {
        if (!std::regex_match(key, validName))
            problems.push_back("env name '" + key + "' is not a valid variable name");
        else if (key.starts_with("RUNE_"))
            problems.push_back("env name '" + key + "' is reserved (RUNE_ prefix)");
        else if (!value.is_string())
            problems.push_back("env value of '" + key + "' must be a string");
        else
            config.env[key] = value.get<std::string>();
    }
}

void checkCombination(const FunctionConfig &config, Problems &problems)
{
    if (config.runtime != "python3" && config.runtime != "node" && config.runtime != "exec")
        problems.push_back("runtime must be python3, node or exec (got " + config.runtime + ")");
    if (config.memoryMiB % 64 != 0)
        problems.push_back("memory_mib must be a multiple of 64 (got " + std::to_string(config.memoryMiB) + ")");
    if (config.maxReplicas < config.minReplicas)
        problems.push_back("max_replicas must not be below min_replicas");
    if (config.auth != "public" && config.auth != "token")
        problems.push_back("auth must be public or token (got " + config.auth + ")");
    if (config.handler.empty())
        problems.push_back("handler must not be empty");
}

} // namespace

std::expected<FunctionConfig, std::vector<std::string>> parseFunctionConfig(const nlohmann::json &json)
{
    if (!json.is_object())
        return std::unexpected(Problems {"the configuration must be a JSON object"});
    FunctionConfig config;
    Problems problems;
    readString(json, f::runtime, config.runtime, problems);
    readString(json, f::handler, config.handler, problems);
    readString(json, f::auth, config.auth, problems);
    readInt(json, f::memoryMiB, config.memoryMiB, 64, 16384, problems);
    readInt(json, f::timeoutSeconds, config.timeoutSeconds, 1, 900, problems);
    readInt(json, f::maxPayloadBytes, config.maxPayloadBytes, 1, 1ll << 30, problems);
    readInt(json, f::minReplicas, config.minReplicas, 0, 1000, problems);
    readInt(json, f::maxReplicas, config.maxReplicas, 1, 1000, problems);
    readInt(json, f::targetConcurrency, config.targetConcurrency, 1, 10000, problems);
    readInt(json, f::idleToZeroSeconds, config.idleToZeroSeconds, 0, 7 * 86400, problems);
    readTriggers(json, config, problems);
    readEnv(json, config, problems);
    checkCombination(config, problems);
    if (!problems.empty())
        return std::unexpected(problems);
    return config;
}

nlohmann::json toJson(const FunctionConfig &config)
{
    nlohmann::json triggers = nlohmann::json::array();
    for (const auto &trigger : config.triggers) {
        nlohmann::json entry = {{f::triggerType, trigger.type}, {f::triggerValue, trigger.value}};
        if (trigger.type == "mqtt") {
            entry[f::triggerResultTopic] = trigger.resultTopic;
            entry[f::triggerQos] = trigger.qos;
        }
        triggers.push_back(std::move(entry));
    }
    return {
        {f::runtime, config.runtime},
        {f::handler, config.handler},
        {f::memoryMiB, config.memoryMiB},
        {f::timeoutSeconds, config.timeoutSeconds},
        {f::maxPayloadBytes, config.maxPayloadBytes},
        {f::minReplicas, config.minReplicas},
        {f::maxReplicas, config.maxReplicas},
        {f::targetConcurrency, config.targetConcurrency},
        {f::idleToZeroSeconds, config.idleToZeroSeconds},
        {f::triggers, triggers},
        {f::env, config.env},
        {f::auth, config.auth},
    };
}

std::vector<std::string> checkFunctionName(const std::string &name)
{
    // By hand, not std::regex: this runs on every call of a function.
    const auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    };
    if (!name.empty() && name.size() <= 63 && name.front() >= 'a' && name.front() <= 'z'
        && std::all_of(name.begin(), name.end(), allowed))
        return {};
    return {"function name '" + name + "' must be 1 to 63 lowercase letters, digits or '-', starting with a letter"};
}

} // namespace rune::agent
