// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "haproxyconfig.h"
#include "logs/eventlog.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace rune::agent
{

/** What the controller needs to run HAProxy: the program, where it listens, where its files go. */
struct HaproxyOptions {
    std::filesystem::path binary;
    protocol::HaproxyListen listen;
    std::filesystem::path dir; ///< <state dir>/haproxy: haproxy.cfg, its admin socket, its log
    std::chrono::milliseconds checkTimeout {10000}; ///< for `haproxy -c`
};

/** The node list of PUT /v1/cluster's body (already accepted by the gateway) as the writer takes it. */
std::vector<protocol::HaproxyNode> haproxyNodesOf(const nlohmann::json &body);

/**
 * Runs HAProxy in master-worker mode as the controller's gateway, from a thread of its own (so
 * no io thread ever waits for it): every node list becomes a new haproxy.cfg that `haproxy -c`
 * must accept before it replaces the old one, and a reload (SIGUSR2 to the master) applies it
 * without dropping a connection. A refused configuration keeps the old one serving. A master that
 * dies is started again after a pause that doubles up to 30 s. HAProxy runs in its own process
 * group and dies with the agent (also when the agent is killed: PR_SET_PDEATHSIG tied to this
 * thread, which lives as long as the supervisor). Thread-safe.
 */
class HaproxySupervisor final
{
public:
    HaproxySupervisor(HaproxyOptions options, EventLog &events);
    HaproxySupervisor(const HaproxySupervisor &) = delete;
    HaproxySupervisor &operator=(const HaproxySupervisor &) = delete;
    ~HaproxySupervisor();

    /** Starts HAProxy with an empty node list (it answers /healthz and 404s until one comes). */
    void start();
    /** Stops HAProxy (SIGTERM, then SIGKILL to its group after 3 s) and the thread. */
    void stop();

    /** Whether @p nodes make a configuration (the writer's check; HAProxy's own comes later). */
    std::expected<void, std::string> check(const std::vector<protocol::HaproxyNode> &nodes) const;
    /** Hands @p nodes to the thread, which writes, checks and applies them; never waits. */
    void apply(std::vector<protocol::HaproxyNode> nodes);
    /** GET /v1/cluster's "haproxy": state, listen, pid, reloads, restarts, generation, last_error. */
    nlohmann::json status() const;

private:
    enum class State { starting, running, failed };

    void run();
    void supervise();
    void applyPending(const std::vector<protocol::HaproxyNode> &nodes);
    std::expected<void, std::string> checkWithHaproxy(const std::filesystem::path &config) const;
    void startMaster();
    void watchMaster();
    void stopMaster();
    bool answersOnListenPort() const;
    void setError(const std::string &text, const char *eventKind);
    protocol::HaproxySettings settings() const;
    std::filesystem::path configPath() const;

    HaproxyOptions m_options;
    EventLog &m_events;
    std::thread m_thread;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::optional<std::vector<protocol::HaproxyNode>> m_pending;
    // What status() shows; written by the thread under m_mutex.
    State m_state = State::starting;
    pid_t m_pid = -1;
    std::uint64_t m_reloads = 0;
    std::uint64_t m_restarts = 0;
    std::uint64_t m_generation = 0;
    std::string m_lastError;

    // The thread's own.
    std::string m_appliedText; ///< the configuration in force; empty before the first
    std::chrono::steady_clock::time_point m_restartAt;
    std::chrono::steady_clock::time_point m_startedAt;
    std::uint64_t m_startedGeneration = 0; ///< the configuration the running master read at its start
    std::chrono::seconds m_backoff {1};
};

} // namespace rune::agent
