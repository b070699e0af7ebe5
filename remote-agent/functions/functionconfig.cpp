// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionconfig.h"

#include "jsontext.h"
#include "runtime/utf8text.h"
#include "triggers/cronexpression.h"
#include "triggers/topicfilter.h"

#include <algorithm>

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
    // Past the range of long long, the number is only ever too large: do not let it wrap around.
    const bool huge = value.is_number_unsigned() && value.get<std::uint64_t>() > std::uint64_t(high);
    const long long number = huge ? high : value.get<long long>();
    if (huge || number < low || number > high) {
        problems.push_back(std::string(name) + " must be between " + std::to_string(low) + " and "
            + std::to_string(high) + " (got " + jsonText(value) + ")");
        return;
    }
    out = T(number);
}

std::string excerpt(std::string_view text)
{
    return "'" + textExcerpt(text) + "'";
}

// Why @p text cannot be a setting: too long, a NUL (it would cut the string short in the worker's
// environment or on the command line), or not UTF-8. Empty when it can.
std::string textProblem(std::string_view what, std::string_view text, std::size_t maxBytes)
{
    if (text.size() > maxBytes)
        return std::string(what) + " is " + std::to_string(text.size()) + " bytes long, more than "
            + std::to_string(maxBytes);
    if (text.find('\0') != std::string_view::npos)
        return std::string(what) + " " + excerpt(text) + " contains a NUL character";
    if (!isValidUtf8(text))
        return std::string(what) + " " + excerpt(text) + " is not valid UTF-8";
    return {};
}

void readString(const nlohmann::json &json, const char *name, std::string &out, Problems &problems)
{
    if (!json.contains(name))
        return;
    if (!json.at(name).is_string())
        return problems.push_back(std::string(name) + " must be a string");
    const auto &text = json.at(name).get_ref<const std::string &>();
    if (auto problem = textProblem(name, text, limits::maxSettingBytes); !problem.empty())
        return problems.push_back(problem);
    out = text;
}

void checkCronTrigger(const Trigger &trigger, Problems &problems)
{
    if (auto problem = textProblem("the cron schedule", trigger.value, limits::maxCronBytes); !problem.empty())
        return problems.push_back(problem);
    if (auto cron = CronExpression::parse(trigger.value); !cron)
        problems.push_back(cron.error());
}

void checkMqttTrigger(const Trigger &trigger, Problems &problems)
{
    if (auto problem = topicFilterProblem(trigger.value))
        problems.push_back(*problem);
    if (!trigger.resultTopic.empty()) {
        if (auto problem = topicNameProblem(trigger.resultTopic))
            problems.push_back("result_topic: " + *problem);
    }
    if (trigger.qos != 0 && trigger.qos != 1)
        problems.push_back("qos of an mqtt trigger must be 0 or 1 (got " + std::to_string(trigger.qos) + ")");
}

void readTrigger(const nlohmann::json &item, FunctionConfig &config, Problems &problems)
{
    Trigger trigger;
    if (!item.is_object() || !item.value(f::triggerType, nlohmann::json()).is_string())
        return problems.push_back("every trigger needs a \"type\" (http, cron or mqtt)");
    trigger.type = item.at(f::triggerType).get<std::string>();
    // Wrong types become values the checks below refuse, never an exception.
    const auto text = [&item](const char *key) {
        const auto field = item.value(key, nlohmann::json(""));
        return field.is_string() ? field.get<std::string>() : std::string("\x01");
    };
    trigger.value = text(f::triggerValue);
    trigger.resultTopic = text(f::triggerResultTopic);
    const auto qos = item.value(f::triggerQos, nlohmann::json(0));
    trigger.qos =
        qos.is_number_integer() && qos.get<long long>() >= 0 && qos.get<long long>() <= 2 ? qos.get<int>() : -1;
    if (trigger.type != "http" && trigger.type != "cron" && trigger.type != "mqtt")
        problems.push_back("trigger type must be http, cron or mqtt (got " + excerpt(trigger.type) + ")");
    else if (trigger.type != "http" && trigger.value.empty())
        problems.push_back("a " + trigger.type + " trigger needs a value");
    else if (trigger.type == "cron")
        checkCronTrigger(trigger, problems);
    else if (trigger.type == "mqtt")
        checkMqttTrigger(trigger, problems);
    config.triggers.push_back(trigger);
}

void readTriggers(const nlohmann::json &json, FunctionConfig &config, Problems &problems)
{
    if (!json.contains(f::triggers))
        return;
    const auto &triggers = json.at(f::triggers);
    if (!triggers.is_array())
        return problems.push_back("triggers must be a list of {\"type\", \"value\"} objects");
    if (triggers.size() > limits::maxTriggers)
        return problems.push_back("a function has at most " + std::to_string(limits::maxTriggers) + " triggers (got "
            + std::to_string(triggers.size()) + ")");
    for (const auto &item : triggers)
        readTrigger(item, config, problems);
}

// A shell-style variable name, checked by hand: std::regex recurses per character and a long
// name overflowed the stack.
bool isVariableName(std::string_view name)
{
    const auto letter = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    };
    return !name.empty() && letter(name.front()) && std::all_of(name.begin(), name.end(), [&letter](char c) {
        return letter(c) || (c >= '0' && c <= '9');
    });
}

std::string envNameProblem(const std::string &name)
{
    if (auto problem = textProblem("env name", name, limits::maxEnvNameBytes); !problem.empty())
        return problem;
    if (!isVariableName(name))
        return "env name " + excerpt(name) + " is not a valid variable name (letters, digits and _, not a digit first)";
    if (name.starts_with("RUNE_"))
        return "env name " + excerpt(name) + " is reserved (RUNE_ prefix)";
    return {};
}

void readEnv(const nlohmann::json &json, FunctionConfig &config, Problems &problems)
{
    if (!json.contains(f::env))
        return;
    const auto &env = json.at(f::env);
    if (!env.is_object())
        return problems.push_back("env must be an object of string values");
    if (env.size() > limits::maxEnvVariables)
        return problems.push_back("env has at most " + std::to_string(limits::maxEnvVariables) + " variables (got "
            + std::to_string(env.size()) + ")");
    std::size_t total = 0;
    for (const auto &[key, value] : env.items()) {
        if (auto problem = envNameProblem(key); !problem.empty()) {
            problems.push_back(problem);
        } else if (!value.is_string()) {
            problems.push_back("env value of '" + key + "' must be a string");
        } else if (auto valueProblem = textProblem(
                       "env value of '" + key + "'", value.get_ref<const std::string &>(), limits::maxEnvValueBytes);
                   !valueProblem.empty()) {
            problems.push_back(valueProblem);
        } else {
            total += key.size() + value.get_ref<const std::string &>().size() + 2;
            config.env[key] = value.get<std::string>();
        }
    }
    if (total > limits::maxEnvTotalBytes)
        problems.push_back("env takes " + std::to_string(total) + " bytes, more than the limit of "
            + std::to_string(limits::maxEnvTotalBytes));
}

void checkCombination(const FunctionConfig &config, Problems &problems)
{
    if (config.runtime != "python3" && config.runtime != "node" && config.runtime != "exec")
        problems.push_back("runtime must be python3, node or exec (got " + excerpt(config.runtime) + ")");
    if (config.memoryMiB % 64 != 0)
        problems.push_back("memory_mib must be a multiple of 64 (got " + std::to_string(config.memoryMiB) + ")");
    if (config.maxReplicas < config.minReplicas)
        problems.push_back("max_replicas must not be below min_replicas");
    if (config.auth != "public" && config.auth != "token")
        problems.push_back("auth must be public or token (got " + excerpt(config.auth) + ")");
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
    return {"function name '" + textExcerpt(name, 80)
        + "' must be 1 to 63 lowercase letters, digits or '-', starting with a letter"};
}

} // namespace rune::agent
