// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exchange.h"
#include "gateway/upstream.h"
#include "logs/eventlog.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <expected>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace rune::agent
{

/** How long the gateway waits for a node. */
struct GatewayTimeouts {
    std::chrono::milliseconds connect {3000};
    /** For the whole call: functions may run for 900 s, and then the node answers 504 itself. */
    std::chrono::milliseconds call {910'000};
};

/**
 * The controller's gateway: `/function/<name>` on the invoke port goes to a node that hosts the
 * function (the node list comes from the console with PUT /v1/cluster), the one with the fewest
 * calls in flight first. A node that cannot be reached costs a retry on another, never the call;
 * once a call went out, the node's answer (or its failure) is the caller's. A function's own error
 * answer is passed through as it is. Health checks mark a node down after two failures in a row
 * and up again when it answers. Thread-safe.
 */
class Gateway final : public std::enable_shared_from_this<Gateway>
{
public:
    Gateway(boost::asio::io_context &io, EventLog &events, GatewayTimeouts timeouts = {});

    /** Replaces the node list from PUT /v1/cluster's body; errors name what is wrong. */
    std::expected<void, std::string> setNodes(const nlohmann::json &body);
    /** Whether some node hosts @p function. */
    bool routes(std::string_view function) const;
    /** Forwards the exchange's request to a node hosting @p function and answers with its response. */
    void forward(const Exchange &exchange, const std::string &function);
    /** For GET /v1/cluster. */
    nlohmann::json status() const;
    void start();
    void stop();

private:
    friend class ForwardedCall;

    std::vector<std::shared_ptr<Upstream>> nodes() const;
    /** The least busy healthy node hosting @p function that was not tried yet; falls back to unhealthy ones. */
    std::shared_ptr<Upstream> pick(std::string_view function, const std::set<Upstream *> &tried) const;
    void reportFailure(Upstream &node, const std::string &why);
    void reportSuccess(Upstream &node);
    void scheduleHealthChecks();
    void checkHealth(const std::shared_ptr<Upstream> &node);

    boost::asio::io_context &m_io;
    EventLog &m_events;
    GatewayTimeouts m_timeouts;
    boost::asio::strand<boost::asio::io_context::executor_type> m_strand;
    boost::asio::steady_timer m_healthTimer;
    mutable std::mutex m_mutex;
    std::vector<std::shared_ptr<Upstream>> m_nodes;
    std::atomic<bool> m_stopped {false};
    mutable std::atomic<std::uint64_t> m_roundRobin {0};
};

} // namespace rune::agent
