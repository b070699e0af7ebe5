// SPDX-License-Identifier: GPL-3.0-or-later
#include "triggers/triggerservice.h"

#include "log.h"
#include "protocol.h"
#include "topicfilter.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>

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
    , m_io(io)
    , m_timer(m_strand)
    , m_initialBroker(std::move(mqtt))
{
}

std::shared_ptr<MqttClient> TriggerService::makeClient(MqttSettings settings)
{
    // The handler holds no reference to the service: the client may outlive it by a message.
    return std::make_shared<MqttClient>(
        m_io,
        std::move(settings),
        [weak = weak_from_this()](MqttMessage message) {
            if (const auto self = weak.lock())
                self->onMessage(std::move(message));
        },
        [](const std::string &line) {
            logLine("mqtt: " + line);
        });
}

std::shared_ptr<MqttClient> TriggerService::client() const
{
    const std::lock_guard lock(m_mutex);
    return m_mqtt;
}

std::expected<void, std::string> TriggerService::start()
{
    m_lastMinute = minuteOf(SystemClock::now());
    scheduleTick();
    refresh();
    // The client is made here, not in the constructor: its handler needs weak_from_this().
    return setBroker(std::exchange(m_initialBroker, std::nullopt), protocol::triggers::sourceConfig);
}

void TriggerService::stop()
{
    boost::asio::post(m_strand, [self = shared_from_this()] {
        self->m_stopped = true;
        self->m_timer.cancel();
    });
    std::shared_ptr<MqttClient> closing;
    std::list<Waiter> waiters;
    {
        const std::lock_guard lock(m_mutex);
        closing = std::move(m_mqtt);
        waiters = std::move(m_waiters);
    }
    for (Waiter &waiter : waiters) {
        waiter.timer->cancel();
        waiter.done(
            std::unexpected(PublishError {protocol::errorcode::shuttingDown, 503, "the agent is shutting down"}));
    }
}

std::expected<void, std::string> TriggerService::setBroker(std::optional<MqttSettings> mqtt, std::string source)
{
    const std::lock_guard switching(m_switchMutex);
    std::shared_ptr<MqttClient> next;
    std::shared_ptr<MqttClient> previous;
    {
        const std::lock_guard lock(m_mutex);
        m_brokerSource = std::move(source);
        if (mqtt && m_mqtt && m_mqtt->sameSettings(*mqtt))
            return {};
        if (!mqtt && !m_mqtt)
            return {};
        previous = std::move(m_mqtt);
    }
    // The old connection goes first (its destructor disconnects and waits for Paho's thread), so
    // two clients never hold the same client id at the broker.
    previous.reset();
    if (mqtt) {
        logLine("mqtt: switching to the broker " + mqtt->url);
        next = makeClient(std::move(*mqtt));
    } else {
        logLine("mqtt: no broker any more");
    }
    {
        const std::lock_guard lock(m_mutex);
        m_mqtt = next;
    }
    if (!next)
        return {};
    resubscribe();
    return next->start();
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
        m_triggerFilters = std::move(filters);
    }
    resubscribe();
}

void TriggerService::resubscribe()
{
    std::map<std::string, int> filters;
    std::shared_ptr<MqttClient> mqtt;
    {
        const std::lock_guard lock(m_mutex);
        filters = m_triggerFilters;
        for (const Waiter &waiter : m_waiters)
            filters.emplace(waiter.filter, 1);
        mqtt = m_mqtt;
    }
    if (mqtt)
        mqtt->setSubscriptions(std::move(filters));
}

void TriggerService::publish(PublishRequest request, std::function<void(PublishResult)> done)
{
    const auto mqtt = client();
    if (!mqtt) {
        return done(std::unexpected(PublishError {protocol::errorcode::noBroker,
            409,
            "this node has no MQTT broker: set one in the console's Settings or mqtt_url in the config file"}));
    }
    if (!mqtt->connected()) {
        const std::string why = mqtt->lastError();
        return done(std::unexpected(PublishError {protocol::errorcode::brokerUnavailable,
            503,
            "not connected to the MQTT broker " + mqtt->url() + (why.empty() ? "" : ": " + why)}));
    }
    std::uint64_t id = 0;
    if (!request.awaitFilter.empty()) {
        auto timer = std::make_shared<boost::asio::steady_timer>(m_strand);
        {
            const std::lock_guard lock(m_mutex);
            id = m_nextWaiter++;
            m_waiters.push_back({id, request.awaitFilter, std::move(done), timer});
        }
        // Subscribed before publishing: the broker handles one connection's packets in order.
        resubscribe();
        timer->expires_after(request.timeout);
        timer->async_wait([weak = weak_from_this(), id, request](const boost::system::error_code &error) {
            const auto self = weak.lock();
            if (!self || error)
                return;
            self->finishWaiter(id,
                std::unexpected(PublishError {protocol::errorcode::awaitTimeout,
                    504,
                    "published to " + request.topic + ", but nothing came on " + request.awaitFilter + " within "
                        + std::to_string(request.timeout.count()) + " ms"}));
        });
    }
    if (auto sent = mqtt->publish(request.topic, request.payload, request.qos); !sent) {
        PublishError error {protocol::errorcode::brokerUnavailable, 503, sent.error()};
        if (id == 0)
            return done(std::unexpected(std::move(error)));
        return finishWaiter(id, std::unexpected(std::move(error)));
    }
    if (id == 0)
        done(std::optional<MqttMessage> {});
}

void TriggerService::finishWaiter(std::uint64_t id, PublishResult result)
{
    std::optional<Waiter> finished;
    {
        const std::lock_guard lock(m_mutex);
        const auto found = std::ranges::find(m_waiters, id, &Waiter::id);
        if (found == m_waiters.end())
            return;
        finished = std::move(*found);
        m_waiters.erase(found);
    }
    finished->timer->cancel();
    resubscribe();
    finished->done(std::move(result));
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
    std::vector<std::uint64_t> waiting;
    {
        const std::lock_guard lock(m_mutex);
        for (const Waiter &waiter : m_waiters) {
            if (protocol::topicMatches(waiter.filter, message.topic))
                waiting.push_back(waiter.id);
        }
        for (const MqttEntry &entry : m_subscriptions) {
            if (protocol::topicMatches(entry.filter, message.topic))
                matching.push_back(entry);
        }
    }
    for (const std::uint64_t id : waiting)
        finishWaiter(id, std::optional<MqttMessage>(message));
    for (const MqttEntry &entry : matching) {
        Invocation invocation;
        invocation.method = "POST";
        invocation.body = message.payload;
        invocation.extra = {{"trigger", "mqtt"}, {"topic", message.topic}};
        fire(entry.function,
            std::move(invocation),
            "mqtt " + message.topic,
            [weak = weak_from_this(), entry](const InvokeResult &result) {
                const auto self = weak.lock();
                const auto mqtt = self ? self->client() : nullptr;
                if (!mqtt || entry.resultTopic.empty() || !result || result->status >= 400)
                    return;
                // A failure is in the broker's state and the log already.
                (void)mqtt->publish(entry.resultTopic, result->body, entry.qos);
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
    return {{"cron", std::move(cron)}, {"mqtt", std::move(mqtt)}, {"broker", brokerStatus()}};
}

nlohmann::json TriggerService::brokerStatus() const
{
    namespace field = protocol::triggers;
    std::shared_ptr<MqttClient> mqtt;
    std::string source;
    {
        const std::lock_guard lock(m_mutex);
        mqtt = m_mqtt;
        source = m_brokerSource;
    }
    if (!mqtt)
        return nullptr;
    const MqttConnectionState state = mqtt->state();
    const char *kind = state.kind == MqttConnectionState::Kind::Connected ? field::stateConnected
        : state.kind == MqttConnectionState::Kind::Failed                 ? field::stateFailed
                                                                          : field::stateConnecting;
    return {{field::url, mqtt->url()},
        {field::state, kind},
        {field::connected, state.kind == MqttConnectionState::Kind::Connected},
        {field::lastError, state.lastError},
        {field::sinceMs, std::chrono::duration_cast<std::chrono::milliseconds>(state.since.time_since_epoch()).count()},
        {field::source, source}};
}

} // namespace rune::agent
