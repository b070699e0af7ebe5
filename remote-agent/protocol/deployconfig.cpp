// SPDX-License-Identifier: GPL-3.0-or-later
#include "deployconfig.h"

#include "cronexpression.h"
#include "jsontext.h"
#include "topicfilter.h"
#include "utf8text.h"

#include <algorithm>
#include <optional>

namespace rune::protocol
{

namespace
{

namespace keys = configkeys;
namespace values = configvalues;
using Problems = std::vector<ConfigProblem>;

// Reads an optional integer field within [low, high]; a wrong type or range adds a problem.
template <typename T>
void readInt(const nlohmann::json &json, const char *key, T &out, long long low, long long high, Problems &problems)
{
    if (!json.contains(key))
        return;
    const auto &value = json.at(key);
    if (!value.is_number_integer())
        return problems.push_back(
            {key, std::string(key) + " must be a whole number (got " + jsonTextExcerpt(value) + ")"});
    // Past the range of long long, the number is only ever too large: do not let it wrap around.
    const bool huge = value.is_number_unsigned() && value.get<std::uint64_t>() > std::uint64_t(high);
    const long long number = huge ? high : value.get<long long>();
    if (huge || number < low || number > high)
        return problems.push_back({key,
            std::string(key) + " must be between " + std::to_string(low) + " and " + std::to_string(high) + " (got "
                + jsonTextExcerpt(value) + ")"});
    out = T(number);
}

// Why @p text cannot be a setting: too long, a NUL (it would cut the string short in the worker's
// environment or on the command line), or not UTF-8. Empty when it can.
std::string textProblem(std::string_view what, std::string_view text, std::size_t maxBytes)
{
    if (text.size() > maxBytes)
        return std::string(what) + " is " + std::to_string(text.size()) + " bytes long, more than "
            + std::to_string(maxBytes);
    if (text.find('\0') != std::string_view::npos)
        return std::string(what) + " " + quotedExcerpt(text) + " contains a NUL character";
    if (!isValidUtf8(text))
        return std::string(what) + " " + quotedExcerpt(text) + " is not valid UTF-8";
    return {};
}

void readString(const nlohmann::json &json, const char *key, std::string &out, Problems &problems)
{
    if (!json.contains(key))
        return;
    const auto &value = json.at(key);
    if (!value.is_string())
        return problems.push_back({key, std::string(key) + " must be a string (got " + jsonTextExcerpt(value) + ")"});
    const auto &text = value.get_ref<const std::string &>();
    if (auto problem = textProblem(key, text, limits::maxSettingBytes); !problem.empty())
        return problems.push_back({key, problem});
    out = text;
}

void checkCronTrigger(const Trigger &trigger, Problems &problems)
{
    if (auto problem = textProblem("the cron schedule", trigger.value, limits::maxCronBytes); !problem.empty())
        return problems.push_back({keys::triggers, problem});
    if (auto cron = CronExpression::parse(trigger.value); !cron)
        problems.push_back({keys::triggers, cron.error()});
}

void checkMqttTrigger(const Trigger &trigger, const nlohmann::json &qos, Problems &problems)
{
    if (auto problem = topicFilterProblem(trigger.value))
        problems.push_back({keys::triggers, *problem});
    if (!trigger.resultTopic.empty()) {
        if (auto problem = topicNameProblem(trigger.resultTopic))
            problems.push_back({keys::triggers, std::string(keys::triggerResultTopic) + ": " + *problem});
    }
    if (!qos.is_number_integer() || (qos != 0 && qos != 1))
        problems.push_back(
            {keys::triggers, "qos of an mqtt trigger must be 0 or 1 (got " + jsonTextExcerpt(qos) + ")"});
}

// A text field of a trigger: "" when absent, nullopt (and a problem) when not a string.
std::optional<std::string> triggerText(const nlohmann::json &item, const char *key, Problems &problems)
{
    const auto field = item.value(key, nlohmann::json(""));
    if (field.is_string())
        return field.get<std::string>();
    problems.push_back({keys::triggers,
        "the " + std::string(key) + " of a trigger must be a string (got " + jsonTextExcerpt(field) + ")"});
    return std::nullopt;
}

void readTrigger(const nlohmann::json &item, FunctionConfig &config, Problems &problems)
{
    if (!item.is_object() || !item.value(keys::triggerType, nlohmann::json()).is_string())
        return problems.push_back({keys::triggers, "every trigger needs a \"type\" (http, cron or mqtt)"});
    Trigger trigger;
    trigger.type = item.at(keys::triggerType).get<std::string>();
    const auto value = triggerText(item, keys::triggerValue, problems);
    const auto resultTopic = triggerText(item, keys::triggerResultTopic, problems);
    const auto qos = item.value(keys::triggerQos, nlohmann::json(0));
    if (!value || !resultTopic)
        return;
    trigger.value = *value;
    trigger.resultTopic = *resultTopic;
    if (trigger.type != values::http && trigger.type != values::cron && trigger.type != values::mqtt)
        problems.push_back(
            {keys::triggers, "trigger type must be http, cron or mqtt (got " + quotedExcerpt(trigger.type) + ")"});
    else if (trigger.type != values::http && trigger.value.empty())
        problems.push_back({keys::triggers, "a " + trigger.type + " trigger needs a value"});
    else if (trigger.type == values::cron)
        checkCronTrigger(trigger, problems);
    else if (trigger.type == values::mqtt)
        checkMqttTrigger(trigger, qos, problems);
    trigger.qos = qos.is_number_integer() && qos == 1 ? 1 : 0;
    config.triggers.push_back(trigger);
}

void readTriggers(const nlohmann::json &json, FunctionConfig &config, Problems &problems)
{
    if (!json.contains(keys::triggers))
        return;
    const auto &triggers = json.at(keys::triggers);
    if (!triggers.is_array())
        return problems.push_back({keys::triggers, "triggers must be a list of {\"type\", \"value\"} objects"});
    if (triggers.size() > limits::maxTriggers)
        return problems.push_back({keys::triggers,
            "a function has at most " + std::to_string(limits::maxTriggers) + " triggers (got "
                + std::to_string(triggers.size()) + ")"});
    // Each problem names its trigger by number, as the console's list of triggers shows them.
    for (std::size_t index = 0; index < triggers.size(); ++index) {
        const std::size_t before = problems.size();
        readTrigger(triggers[index], config, problems);
        for (std::size_t found = before; found < problems.size(); ++found)
            problems[found].message = "trigger " + std::to_string(index + 1) + ": " + problems[found].message;
    }
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

// One variable's problem, or empty when it may be set.
std::string envVariableProblem(const std::string &name, const nlohmann::json &value)
{
    if (auto problem = envNameProblem(name); !problem.empty())
        return problem;
    if (!value.is_string())
        return "env value of " + quotedExcerpt(name) + " must be a string (got " + jsonTextExcerpt(value) + ")";
    return textProblem(
        "env value of " + quotedExcerpt(name), value.get_ref<const std::string &>(), limits::maxEnvValueBytes);
}

void readEnv(const nlohmann::json &json, FunctionConfig &config, Problems &problems)
{
    if (!json.contains(keys::env))
        return;
    const auto &env = json.at(keys::env);
    if (!env.is_object())
        return problems.push_back({keys::env, "env must be an object of string values"});
    if (env.size() > limits::maxEnvVariables)
        return problems.push_back({keys::env,
            "env has at most " + std::to_string(limits::maxEnvVariables) + " variables (got "
                + std::to_string(env.size()) + ")"});
    std::size_t total = 0;
    for (const auto &[name, value] : env.items()) {
        if (auto problem = envVariableProblem(name, value); !problem.empty()) {
            problems.push_back({keys::env, problem});
        } else {
            total += name.size() + value.get_ref<const std::string &>().size() + 2;
            config.env[name] = value.get<std::string>();
        }
    }
    if (total > limits::maxEnvTotalBytes)
        problems.push_back({keys::env,
            "env takes " + std::to_string(total) + " bytes, more than the limit of "
                + std::to_string(limits::maxEnvTotalBytes)});
}

bool isAlnumOr(char c, std::string_view set)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || set.find(c) != set.npos;
}

// module.function: the module a dotted or slashed path to a file of the function, the function
// an identifier (JavaScript's may hold '$'). By hand, like every check here: no std::regex.
bool isModuleFunction(std::string_view handler)
{
    const auto dot = handler.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == handler.size())
        return false;
    const std::string_view module = handler.substr(0, dot);
    const std::string_view function = handler.substr(dot + 1);
    const bool moduleOk = isAlnumOr(module.front(), "_") && std::all_of(module.begin(), module.end(), [](char c) {
        return isAlnumOr(c, "_./-");
    });
    const bool functionOk = !(function.front() >= '0' && function.front() <= '9')
        && std::all_of(function.begin(), function.end(), [](char c) {
               return isAlnumOr(c, "_$");
           });
    return moduleOk && functionOk;
}

// A relative path that stays inside the function's files: no leading '/', no ".." segment.
bool staysInside(std::string_view path)
{
    if (path.starts_with('/'))
        return false;
    for (;;) {
        const auto slash = path.find('/');
        if (path.substr(0, slash) == "..")
            return false;
        if (slash == std::string_view::npos)
            return true;
        path.remove_prefix(slash + 1);
    }
}

void checkHandler(const FunctionConfig &config, Problems &problems)
{
    if (config.handler.empty())
        return problems.push_back({keys::handler, "handler must not be empty"});
    if (config.runtime == values::exec) {
        if (!staysInside(config.handler))
            problems.push_back({keys::handler,
                "handler of an exec function must be a path inside its files, e.g. bin/handler (got "
                    + quotedExcerpt(config.handler) + ")"});
    } else if (!isModuleFunction(config.handler)) {
        problems.push_back({keys::handler,
            "handler must be module.function, e.g. handler.handle (got " + quotedExcerpt(config.handler) + ")"});
    }
}

// GPU memory and a share of a GPU only mean something for a function that gets GPUs: refused
// rather than ignored, so a form that set them never deploys a function without the GPU it meant.
void checkGpus(const FunctionConfig &config, Problems &problems)
{
    if (config.gpuMemoryMiB % limits::gpuMemoryStepMiB != 0)
        problems.push_back({keys::gpuMemoryMiB,
            "gpu_memory_mib must be a multiple of " + std::to_string(limits::gpuMemoryStepMiB) + " (got "
                + std::to_string(config.gpuMemoryMiB) + ")"});
    if (config.gpuCount > 0)
        return;
    if (config.gpuMemoryMiB > 0)
        problems.push_back({keys::gpuMemoryMiB,
            "gpu_memory_mib (" + std::to_string(config.gpuMemoryMiB) + ") needs a gpu_count of 1 or more"});
    if (config.gpuPercent != defaults::gpuPercent)
        problems.push_back({keys::gpuPercent,
            "gpu_percent (" + std::to_string(config.gpuPercent) + ") needs a gpu_count of 1 or more"});
}

void checkCombination(const FunctionConfig &config, Problems &problems)
{
    const bool knownRuntime =
        config.runtime == values::python3 || config.runtime == values::node || config.runtime == values::exec;
    if (!knownRuntime)
        problems.push_back(
            {keys::runtime, "runtime must be python3, node or exec (got " + quotedExcerpt(config.runtime) + ")"});
    if (knownRuntime)
        checkHandler(config, problems);
    if (config.memoryMiB % limits::memoryStepMiB != 0)
        problems.push_back({keys::memoryMiB,
            "memory_mib must be a multiple of " + std::to_string(limits::memoryStepMiB) + " (got "
                + std::to_string(config.memoryMiB) + ")"});
    if (config.maxReplicas < config.minReplicas)
        problems.push_back({keys::maxReplicas,
            "max_replicas (" + std::to_string(config.maxReplicas) + ") must not be below min_replicas ("
                + std::to_string(config.minReplicas) + ")"});
    if (config.auth != values::authPublic && config.auth != values::authToken)
        problems.push_back({keys::auth, "auth must be public or token (got " + quotedExcerpt(config.auth) + ")"});
    checkGpus(config, problems);
}

} // namespace

std::expected<FunctionConfig, std::vector<ConfigProblem>> parseFunctionConfig(const nlohmann::json &json)
{
    if (!json.is_object())
        return std::unexpected(Problems {{{}, "the configuration must be a JSON object"}});
    FunctionConfig config;
    Problems problems;
    readString(json, keys::runtime, config.runtime, problems);
    readString(json, keys::handler, config.handler, problems);
    readInt(json, keys::memoryMiB, config.memoryMiB, limits::minMemoryMiB, limits::maxMemoryMiB, problems);
    readInt(json,
        keys::timeoutSeconds,
        config.timeoutSeconds,
        limits::minTimeoutSeconds,
        limits::maxTimeoutSeconds,
        problems);
    readInt(json,
        keys::maxPayloadBytes,
        config.maxPayloadBytes,
        limits::minPayloadBytes,
        limits::maxPayloadBytes,
        problems);
    readInt(json, keys::minReplicas, config.minReplicas, 0, limits::maxMinReplicas, problems);
    readInt(json, keys::maxReplicas, config.maxReplicas, limits::minMaxReplicas, limits::maxMaxReplicas, problems);
    readInt(json,
        keys::targetConcurrency,
        config.targetConcurrency,
        limits::minTargetConcurrency,
        limits::maxTargetConcurrency,
        problems);
    readInt(json, keys::idleToZeroSeconds, config.idleToZeroSeconds, 0, limits::maxIdleToZeroSeconds, problems);
    readInt(json, keys::gpuCount, config.gpuCount, 0, limits::maxGpuCount, problems);
    readInt(json, keys::gpuMemoryMiB, config.gpuMemoryMiB, 0, limits::maxGpuMemoryMiB, problems);
    readInt(json, keys::gpuPercent, config.gpuPercent, limits::minGpuPercent, limits::maxGpuPercent, problems);
    readInt(json, keys::asyncQueueLimit, config.asyncQueueLimit, 0, limits::maxAsyncQueueLimit, problems);
    readTriggers(json, config, problems);
    readEnv(json, config, problems);
    readString(json, keys::auth, config.auth, problems);
    checkCombination(config, problems);
    if (!problems.empty())
        return std::unexpected(problems);
    return config;
}

std::vector<std::string> messagesOf(const std::vector<ConfigProblem> &problems)
{
    std::vector<std::string> messages;
    messages.reserve(problems.size());
    for (const ConfigProblem &problem : problems)
        messages.push_back(problem.message);
    return messages;
}

nlohmann::json toJson(const FunctionConfig &config)
{
    nlohmann::json triggers = nlohmann::json::array();
    for (const auto &trigger : config.triggers) {
        nlohmann::json entry = {{keys::triggerType, trigger.type}, {keys::triggerValue, trigger.value}};
        if (trigger.type == values::mqtt) {
            entry[keys::triggerResultTopic] = trigger.resultTopic;
            entry[keys::triggerQos] = trigger.qos;
        }
        triggers.push_back(std::move(entry));
    }
    return {
        {keys::runtime, config.runtime},
        {keys::handler, config.handler},
        {keys::memoryMiB, config.memoryMiB},
        {keys::timeoutSeconds, config.timeoutSeconds},
        {keys::maxPayloadBytes, config.maxPayloadBytes},
        {keys::minReplicas, config.minReplicas},
        {keys::maxReplicas, config.maxReplicas},
        {keys::targetConcurrency, config.targetConcurrency},
        {keys::idleToZeroSeconds, config.idleToZeroSeconds},
        {keys::gpuCount, config.gpuCount},
        {keys::gpuMemoryMiB, config.gpuMemoryMiB},
        {keys::gpuPercent, config.gpuPercent},
        {keys::asyncQueueLimit, config.asyncQueueLimit},
        {keys::triggers, triggers},
        {keys::env, config.env},
        {keys::auth, config.auth},
    };
}

std::string envNameProblem(std::string_view name)
{
    if (auto problem = textProblem("env name", name, limits::maxEnvNameBytes); !problem.empty())
        return problem;
    if (!isVariableName(name))
        return "env name " + quotedExcerpt(name)
            + " is not a valid variable name (letters, digits and _, not a digit first)";
    if (name.starts_with(limits::reservedEnvPrefix))
        return "env name " + quotedExcerpt(name) + " is reserved (names starting with " + limits::reservedEnvPrefix
            + " are set by Rune)";
    return {};
}

std::expected<nlohmann::json, std::string> parseConfigText(std::string_view text)
{
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return nlohmann::json::object();
    auto json = parseJsonText(text, limits::maxConfigBytes);
    if (!json)
        return std::unexpected("the function configuration " + json.error());
    if (!json->is_object())
        return std::unexpected(std::string("the function configuration must be a JSON object"));
    return std::move(*json);
}

std::vector<std::string> checkFunctionName(std::string_view name)
{
    // By hand, not std::regex: this runs on every call of a function.
    const auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    };
    if (!name.empty() && name.size() <= limits::maxFunctionNameLength && name.front() >= 'a' && name.front() <= 'z'
        && std::all_of(name.begin(), name.end(), allowed))
        return {};
    return {"function name '" + textExcerpt(name, 80) + "' must be 1 to "
        + std::to_string(limits::maxFunctionNameLength) + " lowercase letters, digits or '-', starting with a letter"};
}

} // namespace rune::protocol
