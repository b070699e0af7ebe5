// SPDX-License-Identifier: GPL-3.0-or-later
// The control API's function endpoints: list, deploy, inspect, delete, block and unblock.
#include "api/agentservices.h"
#include "api/deployrequest.h"
#include "api/functionoperations.h"
#include "api/invoke.h"
#include "protocol.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace rune::agent
{

namespace
{

namespace errorcode = protocol::errorcode;

nlohmann::json startFailureJson(const StartFailure &failure)
{
    return {{"message", failure.message}, {"failures", failure.failures}, {"retry_in_ms", failure.retryInMs}};
}

nlohmann::json statusJson(const FunctionStatus &status)
{
    const protocol::FunctionConfig &config = status.record.config;
    nlohmann::json json = {{"name", status.record.name},
        {"version", status.record.version},
        {"state", status.state},
        {"runtime", config.runtime},
        {"handler", config.handler},
        {"replicas", status.pool.replicas},
        {"replicas_ready", status.pool.ready},
        {"in_flight", status.pool.busy},
        {"queued", status.pool.queued},
        {"config", protocol::toJson(config)}};
    if (status.pool.startFailure)
        json["start_failure"] = startFailureJson(*status.pool.startFailure);
    return json;
}

std::optional<FunctionStatus> findStatus(const AgentServices &services, std::string_view name)
{
    for (FunctionStatus &status : services.host.list()) {
        if (status.record.name == name)
            return std::move(status);
    }
    return std::nullopt;
}

void respondFunction(const Exchange &exchange, AgentServices &services, const std::string &name, http::status status)
{
    auto found = findStatus(services, name);
    if (!found)
        return exchange.respondError(http::status::not_found, errorcode::notFound, "no function named '" + name + "'");
    nlohmann::json body = statusJson(*found);
    body["versions"] = services.store.versions(name);
    exchange.respondJson(status, body);
}

void respondDeployError(const Exchange &exchange, const DeployError &error)
{
    std::string message;
    for (const std::string &problem : error.problems)
        message += (message.empty() ? "" : "; ") + problem;
    const auto status = error.code == errorcode::storage ? http::status::internal_server_error
        : error.code == errorcode::insufficientResources ? http::status::conflict
                                                         : http::status::bad_request;
    namespace field = protocol::error;
    exchange.respond(makeJsonResponse(status,
        {{field::object, {{field::code, error.code}, {field::message, message}, {field::problems, error.problems}}}}));
}

// Ends a function's UPDATING state however its deploy ends, an exception included.
struct UpdateScope {
    UpdateScope(FunctionHost &updating, const std::string &function)
        : host(updating)
        , name(function)
    {
    }
    FunctionHost &host;
    const std::string &name;
    UpdateScope(const UpdateScope &) = delete;
    UpdateScope &operator=(const UpdateScope &) = delete;
    ~UpdateScope()
    {
        host.endUpdate(name);
    }
};

// Runs in order on the blocking pool: parsing a hostile config (megabytes of '[') must not hold
// up the connection's thread either.
void deployNow(const Exchange &exchange, AgentServices &services, const std::string &name)
{
    const auto &request = exchange.request();
    auto parsed = parseDeployRequest(
        asStdView(request[http::field::content_type]), asStdView(request[configHeader]), exchange.body());
    if (!parsed)
        return exchange.respondError(http::status::bad_request, errorcode::badRequest, parsed.error());
    // A configuration the node cannot run is refused before it is stored; an invalid one is left
    // to the store's check, which names every problem.
    if (const auto config = protocol::parseFunctionConfig(parsed->config); config) {
        if (auto missing = services.host.shortfall(*config); !missing.empty())
            return respondDeployError(exchange, DeployError {errorcode::insufficientResources, std::move(missing)});
    }
    auto deployed = services.store.deploy(name, parsed->archive, parsed->config);
    if (!deployed)
        return respondDeployError(exchange, deployed.error());
    services.host.activate(*deployed);
    services.events.append({{"kind", "deployed"}, {"function", name}, {"version", deployed->version}});
    respondFunction(exchange, services, name, http::status::created);
}

void deploy(const Exchange &exchange, const std::shared_ptr<AgentServices> &services, FunctionOperations &operations)
{
    const std::string name(exchange.param("name"));
    if (const auto problems = protocol::checkFunctionName(name); !problems.empty())
        return respondDeployError(exchange, DeployError {errorcode::invalidConfig, problems});
    // Listed as UPDATING from now until its turn has come and gone.
    services->host.beginUpdate(name);
    operations.post(exchange, "deploying '" + name + "'", [services, name](const Exchange &queued) {
        const UpdateScope updating {services->host, name};
        deployNow(queued, *services, name);
    });
}

void remove(const Exchange &exchange, const std::shared_ptr<AgentServices> &services, FunctionOperations &operations)
{
    const std::string name(exchange.param("name"));
    operations.post(exchange, "deleting '" + name + "'", [services, name](const Exchange &queued) {
        if (!services->host.record(name) && services->store.versions(name).empty())
            return queued.respondError(
                http::status::not_found, errorcode::notFound, "no function named '" + name + "'");
        services->host.forget(name);
        services->async->dropFunction(name);
        if (!services->store.remove(name) && !services->store.versions(name).empty())
            return queued.respondError(http::status::internal_server_error,
                errorcode::internal,
                "could not delete the files of '" + name + "'");
        services->events.append({{"kind", "deleted"}, {"function", name}});
        queued.respondJson(http::status::ok, {{"deleted", name}});
    });
}

void removeVersionNow(const Exchange &exchange, AgentServices &services, const std::string &name, int version)
{
    const auto removed = services.store.removeVersion(name, version);
    if (!removed && removed.error() == FunctionStore::RemoveVersionError::serving)
        return exchange.respondError(http::status::conflict,
            "version_serving",
            "version " + std::to_string(version) + " of '" + name
                + "' is the one serving: deploy or roll back to another first");
    if (!removed && removed.error() == FunctionStore::RemoveVersionError::notFound)
        return exchange.respondError(
            http::status::not_found, errorcode::notFound, "'" + name + "' has no version " + std::to_string(version));
    if (!removed)
        return exchange.respondError(http::status::internal_server_error,
            errorcode::internal,
            "could not remove version " + std::to_string(version) + " of '" + name + "'");
    services.host.forgetVersion(name, version);
    services.events.append({{"kind", "version_removed"}, {"function", name}, {"version", version}});
    exchange.respondJson(http::status::ok, {{"deleted", name}, {"version", version}});
}

void removeVersion(
    const Exchange &exchange, const std::shared_ptr<AgentServices> &services, FunctionOperations &operations)
{
    const std::string name(exchange.param("name"));
    const std::string text(exchange.param("version"));
    int version = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (error != std::errc {} || end != text.data() + text.size() || version <= 0)
        return exchange.respondError(
            http::status::not_found, errorcode::notFound, "'" + text + "' is not a version number");
    operations.post(exchange,
        "removing version " + std::to_string(version) + " of '" + name + "'",
        [services, name, version](const Exchange &queued) {
            removeVersionNow(queued, *services, name, version);
        });
}

void setBlocked(const Exchange &exchange,
    const std::shared_ptr<AgentServices> &services,
    FunctionOperations &operations,
    bool blocked)
{
    const std::string name(exchange.param("name"));
    operations.post(exchange,
        std::string(blocked ? "blocking '" : "unblocking '") + name + "'",
        [services, name, blocked](const Exchange &queued) {
            if (!services->host.record(name) || !services->store.setBlocked(name, blocked))
                return queued.respondError(
                    http::status::not_found, errorcode::notFound, "no function named '" + name + "'");
            services->host.setBlocked(name, blocked);
            services->events.append({{"kind", blocked ? "blocked" : "unblocked"}, {"function", name}});
            respondFunction(queued, *services, name, http::status::ok);
        });
}

} // namespace

void addFunctionEndpoints(Router &router, std::shared_ptr<AgentServices> services)
{
    router.add(http::verb::get, "/v1/functions", [services](Exchange exchange) {
        nlohmann::json list = nlohmann::json::array();
        for (const FunctionStatus &status : services->host.list())
            list.push_back(statusJson(status));
        exchange.respondJson(http::status::ok, {{"functions", std::move(list)}});
    });
    router.add(http::verb::get, "/v1/functions/{name}", [services](Exchange exchange) {
        respondFunction(exchange, *services, std::string(exchange.param("name")), http::status::ok);
    });
    RouteOptions upload;
    upload.bodyLimit = [config = services->config](const PathParams &) {
        return std::optional<std::uint64_t>(config->current()->maxArchiveBytes);
    };
    const auto operations = std::make_shared<FunctionOperations>(services->blocking);
    router.add(
        http::verb::put,
        "/v1/functions/{name}",
        [services, operations](Exchange exchange) {
            deploy(exchange, services, *operations);
        },
        upload);
    router.add(http::verb::delete_, "/v1/functions/{name}", [services, operations](Exchange exchange) {
        remove(exchange, services, *operations);
    });
    router.add(
        http::verb::delete_, "/v1/functions/{name}/versions/{version}", [services, operations](Exchange exchange) {
            removeVersion(exchange, services, *operations);
        });
    router.add(http::verb::post, "/v1/functions/{name}:block", [services, operations](Exchange exchange) {
        setBlocked(exchange, services, *operations, true);
    });
    router.add(http::verb::post, "/v1/functions/{name}:unblock", [services, operations](Exchange exchange) {
        setBlocked(exchange, services, *operations, false);
    });
    RouteOptions invoke;
    invoke.bodyLimit = functionPayloadLimit(services);
    router.add(
        http::verb::post,
        "/v1/functions/{name}/invoke",
        [services](Exchange exchange) {
            invokeFunction(*services, exchange, exchange.param("name"), "/", false);
        },
        invoke);
}

} // namespace rune::agent
