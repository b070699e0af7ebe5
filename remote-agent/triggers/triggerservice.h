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
    /** Re-reads the deployed functions' triggers; call after every deploy, delete or block. */
    void refresh();
    void stop();
    /** For GET /v1/triggers: the broker connection, subscriptions and the next cron runs. */
    nlohmann::json status() const;

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
    boost::asio::steady_timer m_timer;
    std::shared_ptr<MqttClient> m_mqtt;
    mutable std::mutex m_mutex;
    std::vector<CronEntry> m_cron;
    std::vector<MqttEntry> m_subscriptions;
    std::int64_t m_lastMinute = 0;
    bool m_stopped = false;
};

} // namespace rune::agent
