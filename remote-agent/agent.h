// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/agentservices.h"
#include "bench/benchrunner.h"
#include "config.h"
#include "httpserver.h"
#include "triggers/triggerendpoints.h"
#include "triggers/triggerservice.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace rune::agent
{

/**
 * Where a program built around the agent library can step into the agent's work. rune-agent
 * itself passes none; the crash tests' agent (tests/agent/deploypauseagent.cpp) stops a deploy
 * half-way to be killed there.
 */
struct AgentHooks {
    /** Runs on the deploy's thread after each step of a deploy: "staged", "renamed", "linked". */
    std::function<void(std::string_view step)> afterDeployStep;
};

// The daemon as a whole: the control API and invoke servers on a small thread pool, the function
// runtime, signals (SIGTERM/SIGINT stop gracefully, SIGHUP reloads), and systemd readiness.
class Agent final
{
public:
    Agent(CommandLine commandLine, Config config, AgentHooks hooks = {});
    Agent(const Agent &) = delete;
    Agent &operator=(const Agent &) = delete;
    ~Agent();

    // Blocks until the agent has stopped; returns the process exit code.
    int run();

    // For endpoints added by other parts of the agent; only before run().
    Router &router();

private:
    std::expected<void, std::string> prepareRuntime();
    std::expected<void, std::string> prepareTriggers();
    /** The broker to use and where it was set: the console's (state directory), else mqtt_url. */
    struct BrokerChoice {
        std::optional<MqttSettings> settings;
        std::string source;
    };
    std::expected<BrokerChoice, std::string> chooseBroker() const;
    /** Connects the triggers to the chosen broker (nothing happens if it is the one in use). */
    std::expected<void, std::string> applyBroker();
    std::expected<std::string, std::string> listenAll();
    void waitForSignal();
    void onSignal(int signalNumber);
    void reload();
    void beginShutdown();
    void sampleNode();
    void reapOrphansRegularly();
    void runThreads();
    /** Raises the open-file limit and derives each port's connection cap from it. */
    void limitConnections();

    /** Threads running m_io: the configured number, else half the cores, from one to eight. */
    static int ioThreadCount(const Config &config);
    static constexpr auto shutdownGrace = std::chrono::seconds(10);

    CommandLine m_commandLine;
    AgentHooks m_hooks;
    std::chrono::steady_clock::time_point m_startedAt;
    int m_ioThreads;
    // Declared before m_io, so destroyed after it: handlers still queued on m_io when it goes hold
    // strands on this pool (per-function operations), which must go while the pool is alive.
    boost::asio::thread_pool m_blocking {1};
    boost::asio::io_context m_io;
    std::shared_ptr<LiveConfig> m_config;
    std::shared_ptr<Router> m_router;
    std::shared_ptr<Router> m_invokeRouter;
    std::shared_ptr<BodyBudget> m_bodyBudget = std::make_shared<BodyBudget>(); // both ports' bodies
    std::unique_ptr<FunctionStore> m_store;
    std::unique_ptr<LogStore> m_logs;
    EventLog m_events;
    /** The benchmark runs; stopped (cancelled, thread joined) first thing in the destructor. */
    std::shared_ptr<BenchRunner> m_bench;
    MetricsRegistry m_metrics;
    std::unique_ptr<NodeSampler> m_node;
    std::shared_ptr<const RuntimeContext> m_runtime;
    std::unique_ptr<FunctionHost> m_host;
    std::shared_ptr<TriggerService> m_triggers;
    std::shared_ptr<BrokerControl> m_brokerControl;
    std::string m_mqttClientId;
    std::shared_ptr<Gateway> m_gateway;
    std::shared_ptr<HaproxySupervisor> m_haproxy;
    std::shared_ptr<AsyncQueue> m_async;
    std::shared_ptr<AgentServices> m_services;
    HttpServer m_server;
    HttpServer m_invokeServer;
    boost::asio::signal_set m_signals;
    boost::asio::steady_timer m_sampleTimer;
    boost::asio::steady_timer m_reapTimer;
    /** /v1/info's "isolation", known once the sandbox is; read by the info endpoint afterwards. */
    std::shared_ptr<nlohmann::json> m_isolationInfo = std::make_shared<nlohmann::json>(nlohmann::json::object());
    /** /v1/info's "gpus", found once at start (nvidia-smi may take seconds); read by the info endpoint. */
    std::shared_ptr<nlohmann::json> m_gpuInfo = std::make_shared<nlohmann::json>(nlohmann::json::array());
    bool m_shuttingDown = false;
    /** When the stop signal came, and when both ports had no connection left (the log's stop times). */
    std::optional<std::chrono::steady_clock::time_point> m_stopRequestedAt;
    std::optional<std::chrono::steady_clock::time_point> m_drainedAt;
};

/** --delegate-cgroups: prints the group to start the agent in; the process exit code. */
int delegateCgroupsCommand(const Config &config, const std::string &user);

} // namespace rune::agent
