// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <MQTTAsync.h>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace rune::agent
{

/** Where the agent's MQTT client connects, and as whom. */
struct MqttSettings {
    std::string url; ///< tcp://host:port
    std::string username;
    std::string password;
    std::string clientId;
};

/** Where the connection stands; "since" is when it got there. */
struct MqttConnectionState {
    enum class Kind { Connecting, Connected, Failed };
    Kind kind = Kind::Connecting;
    std::string lastError; ///< why the last attempt failed or the connection was lost; empty while connected
    std::chrono::system_clock::time_point since;
};

struct MqttMessage {
    std::string topic;
    std::string payload;
    int qos = 0;
};

/**
 * The agent's one connection to an MQTT broker (Eclipse Paho's asynchronous C client): keeps the
 * wanted subscriptions, reconnects with a growing delay (1 s up to 30 s) when the broker is away,
 * and hands messages to the owner on its strand. Thread-safe.
 */
class MqttClient final : public std::enable_shared_from_this<MqttClient>
{
public:
    using MessageHandler = std::function<void(MqttMessage)>;
    using LogHandler = std::function<void(const std::string &)>;

    MqttClient(boost::asio::io_context &io, MqttSettings settings, MessageHandler onMessage, LogHandler log);
    /** Whether a client for @p settings would connect the same way (same URL, user, password, id). */
    bool sameSettings(const MqttSettings &settings) const;
    MqttClient(const MqttClient &) = delete;
    MqttClient &operator=(const MqttClient &) = delete;
    ~MqttClient();

    /** Connects (in the background); fails only when the URL cannot be used at all. */
    std::expected<void, std::string> start();
    /** Topic filter -> QoS: subscribed now if connected, and again after every reconnect. */
    void setSubscriptions(std::map<std::string, int> filters);
    /** Publishes if connected; otherwise the message is dropped and logged, and the reason returned. */
    std::expected<void, std::string> publish(const std::string &topic, const std::string &payload, int qos);
    bool connected() const;
    std::string lastError() const;
    MqttConnectionState state() const;
    const std::string &url() const;
    std::map<std::string, int> subscriptions() const;

private:
    static int onMessage(void *context, char *topic, int topicLength, MQTTAsync_message *message);
    static void onConnectionLost(void *context, char *cause);
    static void onConnected(void *context, char *cause);
    static void onConnectFailure(void *context, MQTTAsync_failureData *failure);

    void connect();
    void retryLater();
    void subscribe(const std::map<std::string, int> &filters);
    void setError(std::string error);
    /** Records a new state (and its reason) with the time it began. */
    void enter(MqttConnectionState::Kind kind, std::string error);

    boost::asio::strand<boost::asio::io_context::executor_type> m_strand;
    boost::asio::steady_timer m_retry;
    MqttSettings m_settings;
    MessageHandler m_onMessage;
    LogHandler m_log;
    MQTTAsync m_client = nullptr;
    std::chrono::seconds m_backoff {1};
    std::atomic<bool> m_connected {false};
    std::atomic<bool> m_everConnected {false}; ///< from then on Paho reconnects by itself
    std::atomic<bool> m_stopping {false};
    mutable std::mutex m_mutex;
    std::map<std::string, int> m_wanted;
    std::map<std::string, int> m_subscribed;
    std::string m_lastError;
    MqttConnectionState m_state;
};

} // namespace rune::agent
