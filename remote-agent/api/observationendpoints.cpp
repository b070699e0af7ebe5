// SPDX-License-Identifier: GPL-3.0-or-later
// What the console watches: function logs, agent events and metrics.
#include "api/agentservices.h"
#include "api/followstream.h"
#include "jsontext.h"
#include "metrics/metricsformat.h"
#include "protocol.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

namespace rune::agent
{

namespace
{

template <typename Number> Number queryNumber(const Exchange &exchange, std::string_view name, Number fallback)
{
    const auto text = exchange.query(name);
    Number value = fallback;
    if (text)
        std::from_chars(text->data(), text->data() + text->size(), value);
    return value;
}

bool following(const Exchange &exchange)
{
    const auto follow = exchange.query("follow");
    return follow && (*follow == "1" || *follow == "true");
}

void logs(const Exchange &exchange, AgentServices &services)
{
    LogFilter filter;
    filter.function = exchange.query("function").value_or("");
    filter.requestId = exchange.query("request_id").value_or("");
    filter.sinceMs = queryNumber<std::int64_t>(exchange, "since", 0);
    filter.limit = std::clamp<std::size_t>(queryNumber<std::size_t>(exchange, "limit", 1000), 1, 20000);
    const auto backlog = services.logs.query(filter);
    if (!following(exchange)) {
        nlohmann::json lines = nlohmann::json::array();
        for (const LogLine &line : backlog)
            lines.push_back(toJson(line));
        return exchange.respondJson(http::status::ok, {{"lines", std::move(lines)}});
    }
    auto stream =
        std::make_shared<FollowStream>(exchange.beginStream(http::status::ok, "application/x-ndjson"), services.io);
    // Subscribe before writing the backlog, and skip what the backlog already holds.
    const std::uint64_t lastSeen = backlog.empty() ? 0 : backlog.back().seq;
    const auto id = services.logs.follow(filter, [stream, lastSeen](const LogLine &line) {
        if (line.seq > lastSeen)
            stream->push(jsonText(toJson(line)));
    });
    stream->onClose([&services, id] {
        services.logs.unfollow(id);
    });
    for (const LogLine &line : backlog)
        stream->push(jsonText(toJson(line)));
    stream->start();
}

void events(const Exchange &exchange, AgentServices &services)
{
    const auto after = queryNumber<std::uint64_t>(exchange, "since", 0);
    const auto limit = std::clamp<std::size_t>(queryNumber<std::size_t>(exchange, "limit", 1000), 1, 2000);
    const auto backlog = services.events.since(after, limit);
    if (!following(exchange))
        return exchange.respondJson(http::status::ok, {{"events", backlog}});
    auto stream =
        std::make_shared<FollowStream>(exchange.beginStream(http::status::ok, "application/x-ndjson"), services.io);
    const std::uint64_t lastSeen = backlog.empty() ? after : backlog.back()["seq"].get<std::uint64_t>();
    const auto id = services.events.follow([stream, lastSeen](const nlohmann::json &event) {
        if (event["seq"].get<std::uint64_t>() > lastSeen)
            stream->push(jsonText(event));
    });
    stream->onClose([&services, id] {
        services.events.unfollow(id);
    });
    for (const auto &event : backlog)
        stream->push(jsonText(event));
    stream->start();
}

// @p window: what recent_latency covers; none for the Prometheus text, which does not show it.
MetricsView metricsView(AgentServices &services, std::optional<std::chrono::seconds> window)
{
    MetricsView view;
    view.node = services.node.latest();
    view.functions = services.host.list();
    // Deployed functions show up with zeros before their first call.
    for (const FunctionStatus &status : view.functions)
        services.metrics.function(status.record.name);
    view.calls = services.metrics.all();
    const auto now = std::chrono::steady_clock::now();
    view.uptimeSeconds = std::chrono::duration<double>(now - services.startedAt).count();
    if (window) {
        view.recent = services.metrics.recentLatencies(*window, now);
        view.recentSeconds = std::chrono::duration<double>(now - view.recent.from.value_or(services.startedAt)).count();
    }
    view.role = services.config->current()->role;
    return view;
}

} // namespace

void addObservationEndpoints(Router &router, std::shared_ptr<AgentServices> services)
{
    router.add(http::verb::get, "/v1/logs", [services](Exchange exchange) {
        logs(exchange, *services);
    });
    router.add(http::verb::get, "/v1/events", [services](Exchange exchange) {
        events(exchange, *services);
    });
    router.add(http::verb::get, "/v1/triggers", [services](Exchange exchange) {
        nlohmann::json status = services->triggers ? services->triggers->status() : nlohmann::json::object();
        status["enabled"] = services->triggers != nullptr;
        exchange.respondJson(http::status::ok, status);
    });
    router.add(http::verb::get, "/v1/metrics", [services](Exchange exchange) {
        // ?window=N: recent_latency covers the last N seconds (or since the start, if shorter).
        int window = 10;
        if (const auto text = exchange.query("window")) {
            const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), window);
            const int longest = int(MetricsRegistry::longestWindow.count());
            if (error != std::errc() || end != text->data() + text->size() || window < 1 || window > longest) {
                return exchange.respondError(http::status::bad_request,
                    protocol::errorcode::badRequest,
                    "window must be a whole number of seconds from 1 to " + std::to_string(longest) + ", got '"
                        + std::string(*text) + "'");
            }
        }
        nlohmann::json metrics = metricsJson(metricsView(*services, std::chrono::seconds(window)));
        // Each function's asynchronous calls not finished yet, for the console's queue depth.
        for (nlohmann::json &function : metrics[protocol::metrics::functions]) {
            const AsyncDepth depth =
                services->async->depth(function.value(protocol::functionmetrics::name, std::string()));
            function[protocol::functionmetrics::asyncQueued] = depth.queued;
            function[protocol::functionmetrics::asyncRunning] = depth.running;
        }
        exchange.respondJson(http::status::ok, metrics);
    });
    router.add(http::verb::get, "/metrics", [services](Exchange exchange) {
        Response response;
        response.result(http::status::ok);
        response.version(11);
        response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        response.body() = prometheusText(metricsView(*services, std::nullopt));
        exchange.respond(std::move(response));
    });
}

} // namespace rune::agent
