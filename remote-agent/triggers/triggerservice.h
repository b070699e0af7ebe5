// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cronexpression.h"
#include "logs/eventlog.h"
#include "metrics/functionmetrics.h"
#include "runtime/functionhost.h"
#include "triggers/mqttclient.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace rune::agent
{

/**
 * Fires functions from their cron and MQTT triggers: a timer wakes at every minute of local
 * time, and MQTT messages arrive from the broker connection. A function at zero replicas scales
 * up like for any other call. Its answer to an MQTT message can be published to a result topic.
 */
/** A message the console asks the agent to publish (POST /v1/triggers/publish), validated. */
struct PublishRequest {
    std::string topic;
    std::string payload;
    int qos = 1;
    std::string awaitFilter; ///< empty: answer once published
    std::chrono::milliseconds timeout {10000};
};

/** Why a publish failed: an error code of protocol.h, its HTTP status, and a sentence. */
struct PublishError {
    std::string code;
    int httpStatus = 500;
    std::string message;
};

/** What came back on the await filter; nullopt when nothing was awaited. */
using PublishResult = std::expected<std::optional<MqttMessage>, PublishError>;

class TriggerService final : public std::enable_shared_from_this<TriggerService>
{
public:
    TriggerService(boost::asio::io_context &io,
        FunctionHost &host,
        EventLog &events,
        MetricsRegistry &metrics,
        std::optional<MqttSettings> mqtt);

    /** Starts the minute timer and the broker connection. */
    std::expected<void, std::string> start();
    /**
     * Connects to another broker (or none) without a restart: the old connection is closed and the
     * subscriptions move over. Nothing happens when @p mqtt is the broker already in use. @p source
     * says where it was set (protocol::triggers::sourceConfig or sourceApi).
     */
    std::expected<void, std::string> setBroker(std::optional<MqttSettings> mqtt, std::string source);
    /** Publishes @p request and, with an await filter, calls @p done with the first message there. */
    void publish(PublishRequest request, std::function<void(PublishResult)> done);
    /** Re-reads the deployed functions' triggers; call after every deploy, delete or block. */
    void refresh();
    void stop();
    /** For GET /v1/triggers: the broker connection, subscriptions and the next cron runs. */
    nlohmann::json status() const;
    /** The "broker" object of status(): null without a broker. */
    nlohmann::json brokerStatus() const;

private:
    struct CronEntry {
        std::string function;
        protocol::CronExpression schedule;
    };
    struct MqttEntry {
        std::string function;
        std::string filter;
        std::string resultTopic;
        int qos = 0;
    };

    /** Someone waiting (POST /v1/triggers/publish) for the first message on a filter. */
    struct Waiter {
        std::uint64_t id = 0;
        std::string filter;
        std::function<void(PublishResult)> done;
        std::shared_ptr<boost::asio::steady_timer> timer;
    };

    std::shared_ptr<MqttClient> makeClient(MqttSettings settings);
    std::shared_ptr<MqttClient> client() const;
    /** The triggers' filters and the waiters' together, handed to the client. */
    void resubscribe();
    /** Removes waiter @p id and answers it with @p result, unless it was answered already. */
    void finishWaiter(std::uint64_t id, PublishResult result);
    void scheduleTick();
    void onTick();
    void onMessage(MqttMessage message);
    void fire(const std::string &function,
        Invocation invocation,
        const std::string &trigger,
        std::function<void(const InvokeResult &)> then);

    FunctionHost &m_host;
    EventLog &m_events;
    MetricsRegistry &m_metrics;
    boost::asio::strand<boost::asio::io_context::executor_type> m_strand;
    boost::asio::io_context &m_io;
    boost::asio::steady_timer m_timer;
    std::optional<MqttSettings> m_initialBroker; ///< until start()
    std::mutex m_switchMutex; ///< one setBroker() at a time
    mutable std::mutex m_mutex;
    std::shared_ptr<MqttClient> m_mqtt; ///< guarded by m_mutex: replaced by setBroker()
    std::string m_brokerSource = "config";
    std::map<std::string, int> m_triggerFilters;
    std::list<Waiter> m_waiters;
    std::uint64_t m_nextWaiter = 1;
    std::vector<CronEntry> m_cron;
    std::vector<MqttEntry> m_subscriptions;
    std::int64_t m_lastMinute = 0;
    bool m_stopped = false;
};

} // namespace rune::agent
