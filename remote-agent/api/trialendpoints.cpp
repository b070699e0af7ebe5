// SPDX-License-Identifier: GPL-3.0-or-later
// The control API's trials: a function's serving code at another memory size, for the memory tuner.
#include "api/agentservices.h"
#include "api/invoke.h"
#include "jsontext.h"
#include "protocol.h"

#include <cstdint>
#include <nlohmann/json.hpp>

namespace rune::agent
{

namespace
{

namespace errorcode = protocol::errorcode;
namespace trialField = protocol::trial;

nlohmann::json trialJson(const TrialStatus &trial)
{
    return {{trialField::id, trial.id},
        {trialField::function, trial.function},
        {trialField::version, trial.version},
        {trialField::memoryMiB, trial.memoryMiB},
        {trialField::idleSeconds, trial.idleSeconds},
        {trialField::idleLimitSeconds, FunctionHost::trialIdleLimit.count()},
        {trialField::replicas, trial.pool.replicas}};
}

// The memory size a create asks for: {"memory_mib": N} and nothing else.
std::expected<int, std::string> requestedMemory(std::string_view body)
{
    auto json = parseJsonText(body, trialField::maxBodyBytes, 4);
    if (!json)
        return std::unexpected("the body " + json.error());
    if (!json->is_object())
        return std::unexpected(std::string("the body must be a JSON object such as {\"memory_mib\": 256}"));
    for (const auto &[key, value] : json->items()) {
        if (key != trialField::memoryMiB)
            return std::unexpected(
                "unknown key '" + jsonText(nlohmann::json(key)) + "': a trial takes only memory_mib");
    }
    const auto memory = json->find(trialField::memoryMiB);
    if (memory == json->end())
        return std::unexpected(std::string("memory_mib is missing"));
    if (!memory->is_number_integer())
        return std::unexpected("memory_mib must be a whole number of MiB (got " + jsonText(*memory) + ")");
    namespace limits = protocol::limits;
    const bool inRange = memory->is_number_unsigned()
        ? memory->get<std::uint64_t>() <= std::uint64_t(limits::maxMemoryMiB)
        : memory->get<std::int64_t>() >= 0 && memory->get<std::int64_t>() <= limits::maxMemoryMiB;
    if (!inRange || memory->get<std::int64_t>() < limits::minMemoryMiB) {
        return std::unexpected("memory_mib must be between " + std::to_string(limits::minMemoryMiB) + " and "
            + std::to_string(limits::maxMemoryMiB) + " (got " + jsonText(*memory) + ")");
    }
    // The step and everything else: the configuration's validator, as for a deploy.
    return memory->get<int>();
}

void respondTrialError(const Exchange &exchange, const TrialError &error)
{
    std::string message;
    for (const std::string &problem : error.problems)
        message += (message.empty() ? "" : "; ") + problem;
    namespace err = protocol::error;
    exchange.respond(makeJsonResponse(http::status(error.httpStatus),
        {{err::object, {{err::code, error.code}, {err::message, message}, {err::problems, error.problems}}}}));
}

void createTrial(const Exchange &exchange, AgentServices &services)
{
    const std::string name(exchange.param("name"));
    const auto memory = requestedMemory(exchange.body());
    if (!memory)
        return exchange.respondError(http::status::bad_request, errorcode::badRequest, memory.error());
    const auto trial = services.host.createTrial(name, *memory);
    if (!trial)
        return respondTrialError(exchange, trial.error());
    services.events.append({{"kind", "trial_created"},
        {"function", name},
        {"version", trial->version},
        {"detail", trial->id + " at " + std::to_string(trial->memoryMiB) + " MiB"}});
    exchange.respondJson(http::status::created, trialJson(*trial));
}

void removeTrial(const Exchange &exchange, AgentServices &services)
{
    const std::string name(exchange.param("name"));
    const std::string id(exchange.param("trial"));
    if (!services.host.removeTrial(name, id))
        return exchange.respondError(
            http::status::not_found, errorcode::notFound, "'" + name + "' has no trial '" + id + "'");
    services.events.append({{"kind", "trial_removed"}, {"function", name}, {"detail", id}});
    exchange.respondJson(http::status::ok, {{"deleted", id}});
}

} // namespace

void addTrialEndpoints(Router &router, std::shared_ptr<AgentServices> services)
{
    RouteOptions create;
    create.maxBodyBytes = trialField::maxBodyBytes;
    router.add(
        http::verb::post,
        "/v1/functions/{name}/trials",
        [services](Exchange exchange) {
            createTrial(exchange, *services);
        },
        create);
    router.add(http::verb::get, "/v1/functions/{name}/trials", [services](Exchange exchange) {
        const std::string name(exchange.param("name"));
        if (!services->host.record(name))
            return exchange.respondError(
                http::status::not_found, errorcode::notFound, "no function named '" + name + "'");
        nlohmann::json list = nlohmann::json::array();
        for (const TrialStatus &trial : services->host.trials(name))
            list.push_back(trialJson(trial));
        exchange.respondJson(http::status::ok, {{trialField::list, std::move(list)}});
    });
    router.add(http::verb::delete_, "/v1/functions/{name}/trials/{trial}", [services](Exchange exchange) {
        removeTrial(exchange, *services);
    });
    RouteOptions invoke;
    invoke.bodyLimit = functionPayloadLimit(services);
    router.add(
        http::verb::post,
        "/v1/functions/{name}/trials/{trial}/invoke",
        [services](Exchange exchange) {
            invokeTrial(*services, exchange, std::string(exchange.param("name")), std::string(exchange.param("trial")));
        },
        invoke);
}

} // namespace rune::agent
