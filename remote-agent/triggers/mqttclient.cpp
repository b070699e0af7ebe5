// SPDX-License-Identifier: GPL-3.0-or-later
#include "triggers/mqttclient.h"

#include <boost/asio/post.hpp>
#include <cstring>

namespace rune::agent
{

namespace
{

constexpr auto maxBackoff = std::chrono::seconds(30);

std::string reason(int code, const char *message)
{
    return message ? std::string(message) : std::string(MQTTAsync_strerror(code));
}

} // namespace

MqttClient::MqttClient(boost::asio::io_context &io, MqttSettings settings, MessageHandler onMessage, LogHandler log)
    : m_strand(boost::asio::make_strand(io))
    , m_retry(m_strand)
    , m_settings(std::move(settings))
    , m_onMessage(std::move(onMessage))
    , m_log(std::move(log))
{
    m_state.since = std::chrono::system_clock::now();
}

bool MqttClient::sameSettings(const MqttSettings &settings) const
{
    return settings.url == m_settings.url && settings.username == m_settings.username
        && settings.password == m_settings.password && settings.clientId == m_settings.clientId;
}

MqttClient::~MqttClient()
{
    m_stopping = true;
    if (m_client) {
        // No callback may run once the client is gone: disconnect, then destroy synchronously.
        MQTTAsync_disconnectOptions options = MQTTAsync_disconnectOptions_initializer;
        options.timeout = 200;
        MQTTAsync_disconnect(m_client, &options);
        MQTTAsync_destroy(&m_client);
    }
}

std::expected<void, std::string> MqttClient::start()
{
    const int created = MQTTAsync_create(
        &m_client, m_settings.url.c_str(), m_settings.clientId.c_str(), MQTTCLIENT_PERSISTENCE_NONE, nullptr);
    if (created != MQTTASYNC_SUCCESS) {
        m_client = nullptr;
        std::string error = "cannot use the MQTT broker URL '" + m_settings.url + "': " + reason(created, nullptr);
        enter(MqttConnectionState::Kind::Failed, error);
        return std::unexpected(std::move(error));
    }
    MQTTAsync_setCallbacks(m_client, this, &MqttClient::onConnectionLost, &MqttClient::onMessage, nullptr);
    MQTTAsync_setConnected(m_client, this, &MqttClient::onConnected);
    connect();
    return {};
}

void MqttClient::connect()
{
    if (m_stopping)
        return;
    MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
    options.keepAliveInterval = 20;
    options.cleansession = 1;
    options.connectTimeout = 5;
    // Paho reconnects by itself once a connection was made; the first one is retried by us.
    options.automaticReconnect = 1;
    options.minRetryInterval = 1;
    options.maxRetryInterval = int(maxBackoff.count());
    options.onFailure = &MqttClient::onConnectFailure;
    options.context = this;
    if (!m_settings.username.empty()) {
        options.username = m_settings.username.c_str();
        options.password = m_settings.password.c_str();
    }
    const int result = MQTTAsync_connect(m_client, &options);
    if (result != MQTTASYNC_SUCCESS) {
        enter(
            MqttConnectionState::Kind::Failed, "cannot connect to " + m_settings.url + ": " + reason(result, nullptr));
        retryLater();
    }
}

void MqttClient::retryLater()
{
    boost::asio::post(m_strand, [weak = weak_from_this()] {
        const auto self = weak.lock();
        if (!self || self->m_stopping)
            return;
        self->m_retry.expires_after(self->m_backoff);
        self->m_backoff = std::min(self->m_backoff * 2, maxBackoff);
        self->m_retry.async_wait([weak = self->weak_from_this()](const boost::system::error_code &error) {
            if (const auto again = weak.lock(); again && !error)
                again->connect();
        });
    });
}

void MqttClient::onConnectFailure(void *context, MQTTAsync_failureData *failure)
{
    auto *self = static_cast<MqttClient *>(context);
    self->enter(MqttConnectionState::Kind::Failed,
        "cannot connect to " + self->m_settings.url + ": "
            + reason(failure ? failure->code : MQTTASYNC_FAILURE, failure ? failure->message : nullptr));
    if (!self->m_everConnected)
        self->retryLater();
}

void MqttClient::onConnected(void *context, char *)
{
    auto *self = static_cast<MqttClient *>(context);
    self->m_connected = true;
    self->m_everConnected = true;
    self->m_backoff = std::chrono::seconds(1);
    std::map<std::string, int> wanted;
    {
        const std::lock_guard lock(self->m_mutex);
        self->m_lastError.clear();
        self->m_state = {MqttConnectionState::Kind::Connected, {}, std::chrono::system_clock::now()};
        // A clean session starts without subscriptions: all of them again.
        self->m_subscribed.clear();
        wanted = self->m_wanted;
    }
    if (self->m_log)
        self->m_log("connected to the MQTT broker " + self->m_settings.url);
    self->subscribe(wanted);
}

void MqttClient::onConnectionLost(void *context, char *cause)
{
    auto *self = static_cast<MqttClient *>(context);
    self->m_connected = false;
    // Paho reconnects by itself from here on.
    self->enter(MqttConnectionState::Kind::Connecting,
        "lost the connection to " + self->m_settings.url + (cause ? std::string(": ") + cause : ""));
}

int MqttClient::onMessage(void *context, char *topic, int topicLength, MQTTAsync_message *message)
{
    auto *self = static_cast<MqttClient *>(context);
    MqttMessage copy;
    copy.topic = topicLength > 0 ? std::string(topic, std::size_t(topicLength)) : std::string(topic);
    copy.payload.assign(static_cast<const char *>(message->payload), std::size_t(message->payloadlen));
    copy.qos = message->qos;
    MQTTAsync_freeMessage(&message);
    MQTTAsync_free(topic);
    // Off Paho's thread at once: the handler starts function calls.
    boost::asio::post(self->m_strand, [weak = self->weak_from_this(), copy = std::move(copy)]() mutable {
        if (const auto owner = weak.lock(); owner && owner->m_onMessage)
            owner->m_onMessage(std::move(copy));
    });
    return 1;
}

void MqttClient::setSubscriptions(std::map<std::string, int> filters)
{
    std::vector<std::string> gone;
    std::map<std::string, int> added;
    {
        const std::lock_guard lock(m_mutex);
        for (const auto &[filter, qos] : m_subscribed) {
            if (!filters.contains(filter))
                gone.push_back(filter);
        }
        for (const auto &[filter, qos] : filters) {
            const auto found = m_subscribed.find(filter);
            if (found == m_subscribed.end() || found->second != qos)
                added.emplace(filter, qos);
        }
        m_wanted = std::move(filters);
    }
    if (!m_connected || !m_client)
        return;
    for (const std::string &filter : gone) {
        MQTTAsync_unsubscribe(m_client, filter.c_str(), nullptr);
        const std::lock_guard lock(m_mutex);
        m_subscribed.erase(filter);
    }
    subscribe(added);
}

void MqttClient::subscribe(const std::map<std::string, int> &filters)
{
    for (const auto &[filter, qos] : filters) {
        MQTTAsync_responseOptions options = MQTTAsync_responseOptions_initializer;
        const int result = MQTTAsync_subscribe(m_client, filter.c_str(), qos, &options);
        if (result != MQTTASYNC_SUCCESS) {
            setError("cannot subscribe to " + filter + ": " + reason(result, nullptr));
            continue;
        }
        const std::lock_guard lock(m_mutex);
        m_subscribed[filter] = qos;
    }
}

std::expected<void, std::string> MqttClient::publish(const std::string &topic, const std::string &payload, int qos)
{
    if (!m_connected || !m_client) {
        if (m_log)
            m_log("not connected to the MQTT broker: dropped a message for " + topic);
        const std::string why = lastError();
        return std::unexpected(
            "not connected to the MQTT broker " + m_settings.url + (why.empty() ? "" : " (" + why + ")"));
    }
    MQTTAsync_message message = MQTTAsync_message_initializer;
    message.payload = const_cast<char *>(payload.data());
    message.payloadlen = int(payload.size());
    message.qos = qos;
    MQTTAsync_responseOptions options = MQTTAsync_responseOptions_initializer;
    const int result = MQTTAsync_sendMessage(m_client, topic.c_str(), &message, &options);
    if (result != MQTTASYNC_SUCCESS) {
        std::string error = "cannot publish to " + topic + ": " + reason(result, nullptr);
        setError(error);
        return std::unexpected(std::move(error));
    }
    return {};
}

bool MqttClient::connected() const
{
    return m_connected;
}

std::string MqttClient::lastError() const
{
    const std::lock_guard lock(m_mutex);
    return m_lastError;
}

MqttConnectionState MqttClient::state() const
{
    const std::lock_guard lock(m_mutex);
    return m_state;
}

void MqttClient::enter(MqttConnectionState::Kind kind, std::string error)
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_state.kind != kind)
            m_state.since = std::chrono::system_clock::now();
        m_state.kind = kind;
        m_state.lastError = error;
    }
    setError(std::move(error));
}

const std::string &MqttClient::url() const
{
    return m_settings.url;
}

std::map<std::string, int> MqttClient::subscriptions() const
{
    const std::lock_guard lock(m_mutex);
    return m_subscribed;
}

void MqttClient::setError(std::string error)
{
    bool changed = false;
    {
        const std::lock_guard lock(m_mutex);
        changed = error != m_lastError;
        m_lastError = error;
    }
    // The same failure every backoff step would flood the log.
    if (changed && m_log)
        m_log(error);
}

} // namespace rune::agent
