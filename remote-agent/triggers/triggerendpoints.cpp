// SPDX-License-Identifier: GPL-3.0-or-later
// The console's hold on the node's MQTT broker: which broker (set without a restart), and a test
// message published through it with the answer awaited, so the console itself needs no broker access.
#include "triggers/triggerendpoints.h"

#include "jsontext.h"
#include "mqttbroker.h"
#include "protocol.h"
#include "topicfilter.h"
#include "utf8text.h"

#include <algorithm>

namespace rune::agent
{

namespace
{

namespace triggerField = protocol::triggers;
namespace errorcode = protocol::errorcode;

constexpr std::size_t maxBrokerBodyBytes = 16 * 1024;
// A payload of maxPublishPayloadBytes may take six bytes a byte as JSON escapes.
constexpr std::size_t maxPublishBodyBytes = protocol::maxPublishPayloadBytes * 6 + 16 * 1024;

struct BadRequest {
    http::status status = http::status::bad_request;
    std::string code = errorcode::badRequest;
    std::string message;
};

BadRequest badRequest(std::string message)
{
    return {http::status::bad_request, errorcode::badRequest, std::move(message)};
}

void respond(const Exchange &exchange, const BadRequest &error)
{
    exchange.respondError(error.status, error.code, error.message);
}

// A string field: nullopt when absent, an error when it is not a string.
std::expected<std::optional<std::string>, BadRequest> stringField(const nlohmann::json &body, const char *name)
{
    const auto found = body.find(name);
    if (found == body.end() || found->is_null())
        return std::optional<std::string> {};
    if (!found->is_string())
        return std::unexpected(badRequest(std::string("\"") + name + "\" must be a string"));
    return std::optional<std::string>(found->get<std::string>());
}

std::expected<nlohmann::json, BadRequest> objectBody(const Exchange &exchange, std::size_t maxBytes)
{
    auto body = parseJsonText(exchange.body(), maxBytes, 4);
    if (!body)
        return std::unexpected(badRequest("the body " + body.error()));
    if (!body->is_object())
        return std::unexpected(badRequest("the body must be a JSON object"));
    return std::move(*body);
}

std::optional<std::string> passwordProblem(const std::string &password)
{
    if (password.size() > protocol::maxBrokerPasswordBytes)
        return "the MQTT password is longer than " + std::to_string(protocol::maxBrokerPasswordBytes) + " bytes";
    if (std::ranges::any_of(password, [](char c) {
            return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
        }))
        return std::string("the MQTT password contains control characters");
    return std::nullopt;
}

struct BrokerRequest {
    StoredBroker broker;
    std::optional<std::string> password;
};

std::expected<BrokerRequest, BadRequest> parseBrokerRequest(const Exchange &exchange)
{
    auto body = objectBody(exchange, maxBrokerBodyBytes);
    if (!body)
        return std::unexpected(body.error());
    auto url = stringField(*body, triggerField::url);
    auto username = stringField(*body, triggerField::username);
    auto password = stringField(*body, triggerField::password);
    for (const auto *given : {&url, &username, &password}) {
        if (!*given)
            return std::unexpected(given->error());
    }
    if (!*url)
        return std::unexpected(badRequest("\"url\" is missing (an empty one goes back to the config file's mqtt_url)"));
    BrokerRequest request {{**url, username->value_or("")}, *password};
    if (!request.broker.url.empty()) {
        if (auto problem = protocol::brokerUrlProblem(request.broker.url))
            return std::unexpected(badRequest(*problem));
    }
    if (auto problem = protocol::brokerUsernameProblem(request.broker.username))
        return std::unexpected(badRequest(*problem));
    if (request.password) {
        if (auto problem = passwordProblem(*request.password))
            return std::unexpected(badRequest(*problem));
    }
    return request;
}

nlohmann::json brokerAnswer(const AgentServices &services)
{
    return {{triggerField::enabled, services.triggers != nullptr},
        {triggerField::broker, services.triggers ? services.triggers->brokerStatus() : nlohmann::json(nullptr)}};
}

void setBroker(const Exchange &exchange, const AgentServices &services, const BrokerControl &control)
{
    auto request = parseBrokerRequest(exchange);
    if (!request)
        return respond(exchange, request.error());
    const auto stored =
        request->broker.url.empty() ? control.file.clear() : control.file.save(request->broker, request->password);
    if (!stored)
        return exchange.respondError(http::status::internal_server_error, errorcode::storage, stored.error());
    // A broker that cannot be reached is no error here: "broker" in the answer says how it goes.
    if (auto applied = control.apply(); !applied)
        return exchange.respondError(http::status::bad_request, errorcode::badRequest, applied.error());
    exchange.respondJson(http::status::ok, brokerAnswer(services));
}

std::expected<PublishRequest, BadRequest> parsePublishRequest(const Exchange &exchange)
{
    namespace publish = protocol::publish;
    auto body = objectBody(exchange, maxPublishBodyBytes);
    if (!body)
        return std::unexpected(body.error());
    auto topic = stringField(*body, publish::topic);
    auto payload = stringField(*body, publish::payload);
    auto await = stringField(*body, publish::awaitTopic);
    for (const auto *given : {&topic, &payload, &await}) {
        if (!*given)
            return std::unexpected(given->error());
    }
    PublishRequest request;
    if (!*topic)
        return std::unexpected(badRequest("\"topic\" is missing"));
    request.topic = **topic;
    if (auto problem = protocol::topicNameProblem(request.topic))
        return std::unexpected(badRequest(*problem));
    request.payload = payload->value_or("");
    if (request.payload.size() > protocol::maxPublishPayloadBytes) {
        return std::unexpected(BadRequest {http::status::payload_too_large,
            errorcode::payloadTooLarge,
            "the payload is " + std::to_string(request.payload.size()) + " bytes; a test message is at most "
                + std::to_string(protocol::maxPublishPayloadBytes)});
    }
    request.awaitFilter = await->value_or("");
    if (!request.awaitFilter.empty()) {
        if (auto problem = protocol::topicFilterProblem(request.awaitFilter))
            return std::unexpected(badRequest("await_topic: " + *problem));
    }
    const auto qos = body->find(publish::qos);
    if (qos != body->end()) {
        if (!qos->is_number_integer() || *qos < 0 || *qos > 2)
            return std::unexpected(badRequest("\"qos\" must be 0, 1 or 2"));
        request.qos = qos->get<int>();
    }
    request.timeout = std::chrono::milliseconds(publish::defaultTimeoutMs);
    const auto timeout = body->find(publish::timeoutMs);
    if (timeout != body->end()) {
        if (!timeout->is_number_integer() || *timeout < 1 || *timeout > protocol::maxAwaitMs)
            return std::unexpected(
                badRequest("\"timeout_ms\" must be a whole number from 1 to " + std::to_string(protocol::maxAwaitMs)));
        request.timeout = std::chrono::milliseconds(timeout->get<int>());
    }
    return request;
}

nlohmann::json messageJson(const MqttMessage &message)
{
    namespace publish = protocol::publish;
    return {{publish::topic, message.topic},
        {publish::payload, message.payload},
        {publish::payloadIsUtf8, isValidUtf8(message.payload)}};
}

void publishTest(const Exchange &exchange, const AgentServices &services)
{
    if (!services.triggers) {
        return exchange.respondError(http::status::conflict,
            errorcode::triggersDisabled,
            "triggers do not fire on this node (role " + services.config->current()->role
                + "): set triggers = on in its config, or use an edge node");
    }
    auto request = parsePublishRequest(exchange);
    if (!request)
        return respond(exchange, request.error());
    services.triggers->publish(std::move(*request), [exchange](PublishResult result) {
        if (!result) {
            return exchange.respondError(
                http::status(result.error().httpStatus), result.error().code, result.error().message);
        }
        nlohmann::json answer = {{protocol::publish::published, true}};
        if (*result)
            answer[protocol::publish::message] = messageJson(**result);
        exchange.respondJson(http::status::ok, answer);
    });
}

} // namespace

void addTriggerEndpoints(
    Router &router, std::shared_ptr<AgentServices> services, std::shared_ptr<BrokerControl> control)
{
    RouteOptions broker;
    broker.maxBodyBytes = maxBrokerBodyBytes;
    router.add(
        http::verb::put,
        protocol::paths::triggerBroker,
        [services, control](Exchange exchange) {
            setBroker(exchange, *services, *control);
        },
        broker);
    RouteOptions publish;
    publish.maxBodyBytes = maxPublishBodyBytes;
    router.add(
        http::verb::post,
        protocol::paths::triggerPublish,
        [services](Exchange exchange) {
            publishTest(exchange, *services);
        },
        publish);
}

} // namespace rune::agent
