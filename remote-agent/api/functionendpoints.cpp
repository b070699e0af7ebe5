// SPDX-License-Identifier: GPL-3.0-or-later
// The control API's function endpoints: list, deploy, inspect, delete, block and unblock.
#include "api/agentservices.h"
#include "api/deployrequest.h"
#include "api/invoke.h"
#include "protocol.h"

#include <boost/asio/post.hpp>
#include <charconv>
#include <nlohmann/json.hpp>

namespace rune::agent
{

namespace
{

namespace errorcode = protocol::errorcode;

nlohmann::json statusJson(const FunctionStatus &status)
{
    const FunctionConfig &config = status.record.config;
    return {{"name", status.record.name},
        {"version", status.record.version},
        {"state", status.state},
        {"runtime", config.runtime},
        {"handler", config.handler},
        {"replicas", status.pool.replicas},
        {"replicas_ready", status.pool.ready},
        {"in_flight", status.pool.busy},
        {"queued", status.pool.queued},
        {"config", toJson(config)}};
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
    const auto status = error.code == "storage" ? http::status::internal_server_error : http::status::bad_request;
    Response response = makeErrorResponse(status, error.code, message);
    auto body = nlohmann::json::parse(response.body());
    body[protocol::error::object]["problems"] = error.problems;
    response.body() = body.dump();
    exchange.respond(std::move(response));
}

void deploy(const Exchange &exchange, const std::shared_ptr<AgentServices> &services)
{
    const std::string name(exchange.param("name"));
    if (const auto problems = checkFunctionName(name); !problems.empty())
        return respondDeployError(exchange, DeployError {"invalid_config", problems});
    const auto &request = exchange.request();
    auto parsed = parseDeployRequest(
        asStdView(request[http::field::content_type]), asStdView(request[configHeader]), exchange.body());
    if (!parsed)
        return exchange.respondError(http::status::bad_request, errorcode::badRequest, parsed.error());
    services->host.beginUpdate(name);
    // Unpacking an archive takes a while: off the connection's thread, onto the blocking pool.
    boost::asio::post(services->blocking, [exchange, services, name, parsed = std::move(*parsed)] {
        auto deployed = services->store.deploy(name, parsed.archive, parsed.config);
        if (!deployed) {
            services->host.endUpdate(name);
            return respondDeployError(exchange, deployed.error());
        }
        services->host.activate(*deployed);
        services->host.endUpdate(name);
        services->events.append({{"kind", "deployed"}, {"function", name}, {"version", deployed->version}});
        respondFunction(exchange, *services, name, http::status::created);
    });
}

void remove(const Exchange &exchange, const std::shared_ptr<AgentServices> &services)
{
    const std::string name(exchange.param("name"));
    if (!services->host.record(name))
        return exchange.respondError(http::status::not_found, errorcode::notFound, "no function named '" + name + "'");
    services->host.forget(name);
    boost::asio::post(services->blocking, [exchange, services, name] {
        if (!services->store.remove(name))
            return exchange.respondError(http::status::internal_server_error,
                errorcode::internal,
                "could not delete the files of '" + name + "'");
        services->events.append({{"kind", "deleted"}, {"function", name}});
        exchange.respondJson(http::status::ok, {{"deleted", name}});
    });
}

void removeVersion(const Exchange &exchange, const std::shared_ptr<AgentServices> &services)
{
    const std::string name(exchange.param("name"));
    const std::string text(exchange.param("version"));
    int version = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (error != std::errc {} || end != text.data() + text.size() || version <= 0)
        return exchange.respondError(
            http::status::not_found, errorcode::notFound, "'" + text + "' is not a version number");
    boost::asio::post(services->blocking, [exchange, services, name, version] {
        const auto removed = services->store.removeVersion(name, version);
        if (!removed && removed.error() == FunctionStore::RemoveVersionError::serving)
            return exchange.respondError(http::status::conflict,
                "version_serving",
                "version " + std::to_string(version) + " of '" + name
                    + "' is the one serving: deploy or roll back to another first");
        if (!removed && removed.error() == FunctionStore::RemoveVersionError::notFound)
            return exchange.respondError(http::status::not_found,
                errorcode::notFound,
                "'" + name + "' has no version " + std::to_string(version));
        if (!removed)
            return exchange.respondError(http::status::internal_server_error,
                errorcode::internal,
                "could not remove version " + std::to_string(version) + " of '" + name + "'");
        services->host.forgetVersion(name, version);
        services->events.append({{"kind", "version_removed"}, {"function", name}, {"version", version}});
        exchange.respondJson(http::status::ok, {{"deleted", name}, {"version", version}});
    });
}

void setBlocked(const Exchange &exchange, AgentServices &services, bool blocked)
{
    const std::string name(exchange.param("name"));
    if (!services.host.record(name) || !services.store.setBlocked(name, blocked))
        return exchange.respondError(http::status::not_found, errorcode::notFound, "no function named '" + name + "'");
    services.host.setBlocked(name, blocked);
    services.events.append({{"kind", blocked ? "blocked" : "unblocked"}, {"function", name}});
    respondFunction(exchange, services, name, http::status::ok);
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
    router.add(
        http::verb::put,
        "/v1/functions/{name}",
        [services](Exchange exchange) {
            deploy(exchange, services);
        },
        upload);
    router.add(http::verb::delete_, "/v1/functions/{name}", [services](Exchange exchange) {
        remove(exchange, services);
    });
    router.add(http::verb::delete_, "/v1/functions/{name}/versions/{version}", [services](Exchange exchange) {
        removeVersion(exchange, services);
    });
    router.add(http::verb::post, "/v1/functions/{name}:block", [services](Exchange exchange) {
        setBlocked(exchange, *services, true);
    });
    router.add(http::verb::post, "/v1/functions/{name}:unblock", [services](Exchange exchange) {
        setBlocked(exchange, *services, false);
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
