// SPDX-License-Identifier: GPL-3.0-or-later
#include "triggers/triggerservice.h"

#include "log.h"
#include "topicfilter.h"

#include <boost/asio/post.hpp>

namespace rune::agent
{

namespace
{

using SystemClock = std::chrono::system_clock;

std::int64_t minuteOf(SystemClock::time_point time)
{
    return std::chrono::duration_cast<std::chrono::minutes>(time.time_since_epoch()).count();
}

} // namespace

TriggerService::TriggerService(boost::asio::io_context &io,
    FunctionHost &host,
    EventLog &events,
    MetricsRegistry &metrics,
    std::optional<MqttSettings> mqtt)
    : m_host(host)
    , m_events(events)
    , m_metrics(metrics)
    , m_strand(boost::asio::make_strand(io))
    , m_timer(m_strand)
{
    if (mqtt) {
        m_mqtt = std::make_shared<MqttClient>(
            io,
            std::move(*mqtt),
            [this](MqttMessage message) {
                onMessage(std::move(message));
            },
            [](const std::string &line) {
                logLine("mqtt: " + line);
            });
    }
}

std::expected<void, std::string> TriggerService::start()
{
    m_lastMinute = minuteOf(SystemClock::now());
    scheduleTick();
    refresh();
    return m_mqtt ? m_mqtt->start() : std::expected<void, std::string> {};
}

void TriggerService::stop()
{
    boost::asio::post(m_strand, [self = shared_from_this()] {
        self->m_stopped = true;
        self->m_timer.cancel();
    });
    m_mqtt.reset();
}

void TriggerService::refresh()
{
    std::vector<CronEntry> cron;
    std::vector<MqttEntry> subscriptions;
    std::map<std::string, int> filters;
    for (const FunctionStatus &status : m_host.list()) {
        for (const protocol::Trigger &trigger : status.record.config.triggers) {
            if (trigger.type == "cron") {
                if (auto schedule = protocol::CronExpression::parse(trigger.value))
                    cron.push_back({status.record.name, std::move(*schedule)});
            } else if (trigger.type == "mqtt") {
                subscriptions.push_back({status.record.name, trigger.value, trigger.resultTopic, trigger.qos});
                filters[trigger.value] = std::max(filters[trigger.value], trigger.qos);
            }
        }
    }
    {
        const std::lock_guard lock(m_mutex);
        m_cron = std::move(cron);
        m_subscriptions = std::move(subscriptions);
    }
    if (m_mqtt)
        m_mqtt->setSubscriptions(std::move(filters));
}

void TriggerService::scheduleTick()
{
    // Just after the next minute starts, by the wall clock (cron is about wall-clock minutes).
    const auto now = SystemClock::now();
    const auto next = SystemClock::time_point(std::chrono::minutes(minuteOf(now) + 1)) + std::chrono::milliseconds(20);
    m_timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(next - now));
    m_timer.async_wait([weak = weak_from_this()](const boost::system::error_code &error) {
        const auto self = weak.lock();
        if (!self || error || self->m_stopped)
            return;
        self->onTick();
        self->scheduleTick();
    });
}

void TriggerService::onTick()
{
    const std::int64_t minute = minuteOf(SystemClock::now());
    if (minute <= m_lastMinute)
        return; // woke early, or twice in one minute
    m_lastMinute = minute;
    const std::time_t at = std::time_t(minute * 60);
    std::tm local {};
    localtime_r(&at, &local);
    std::vector<CronEntry> due;
    {
        const std::lock_guard lock(m_mutex);
        for (const CronEntry &entry : m_cron) {
            if (entry.schedule.matches(local))
                due.push_back(entry);
        }
    }
    for (const CronEntry &entry : due) {
        Invocation invocation;
        invocation.method = "POST";
        invocation.extra = {{"trigger", "cron"}, {"schedule", entry.schedule.text()}};
        fire(entry.function, std::move(invocation), "cron " + entry.schedule.text(), {});
    }
}

void TriggerService::onMessage(MqttMessage message)
{
    std::vector<MqttEntry> matching;
    {
        const std::lock_guard lock(m_mutex);
        for (const MqttEntry &entry : m_subscriptions) {
            if (protocol::topicMatches(entry.filter, message.topic))
                matching.push_back(entry);
        }
    }
    for (const MqttEntry &entry : matching) {
        Invocation invocation;
        invocation.method = "POST";
        invocation.body = message.payload;
        invocation.extra = {{"trigger", "mqtt"}, {"topic", message.topic}};
        fire(entry.function,
            std::move(invocation),
            "mqtt " + message.topic,
            [weak = std::weak_ptr<MqttClient>(m_mqtt), entry](const InvokeResult &result) {
                const auto mqtt = weak.lock();
                if (!mqtt || entry.resultTopic.empty() || !result || result->status >= 400)
                    return;
                mqtt->publish(entry.resultTopic, result->body, entry.qos);
            });
    }
}

void TriggerService::fire(const std::string &function,
    Invocation invocation,
    const std::string &trigger,
    std::function<void(const InvokeResult &)> then)
{
    auto pool = m_host.route({function, std::nullopt});
    if (!pool) {
        m_events.append({{"kind", "trigger_failed"},
            {"function", function},
            {"trigger", trigger},
            {"detail", pool.error().message}});
        return;
    }
    const auto started = std::chrono::steady_clock::now();
    (*pool)->invoke(std::move(invocation),
        [weak = weak_from_this(), function, trigger, started, then = std::move(then)](InvokeResult result) {
            const auto self = weak.lock();
            if (!self)
                return;
            const int status = result ? result->status : result.error().httpStatus;
            const auto duration =
                std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
            self->m_metrics.recordCall(
                function, status, result && result->functionError, result && result->coldStart, duration);
            nlohmann::json event = {
                {"kind", "trigger_fired"}, {"function", function}, {"trigger", trigger}, {"status", status}};
            if (!result)
                event["detail"] = result.error().message;
            self->m_events.append(std::move(event));
            if (then)
                then(result);
        });
}

nlohmann::json TriggerService::status() const
{
    nlohmann::json cron = nlohmann::json::array();
    nlohmann::json mqtt = nlohmann::json::array();
    {
        const std::lock_guard lock(m_mutex);
        const std::time_t now = std::time(nullptr);
        for (const CronEntry &entry : m_cron) {
            const auto next = entry.schedule.next(now);
            cron.push_back({{"function", entry.function},
                {"schedule", entry.schedule.text()},
                {"next_run_ms", next ? std::int64_t(*next) * 1000 : 0}});
        }
        for (const MqttEntry &entry : m_subscriptions) {
            mqtt.push_back({{"function", entry.function},
                {"filter", entry.filter},
                {"result_topic", entry.resultTopic},
                {"qos", entry.qos}});
        }
    }
    nlohmann::json broker = nullptr;
    if (m_mqtt) {
        broker = {{"url", m_mqtt->url()}, {"connected", m_mqtt->connected()}, {"last_error", m_mqtt->lastError()}};
    }
    return {{"cron", std::move(cron)}, {"mqtt", std::move(mqtt)}, {"broker", std::move(broker)}};
}

} // namespace rune::agent
