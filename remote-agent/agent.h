// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config.h"
#include "httpserver.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <memory>

namespace rune::agent
{

// The daemon as a whole: the control API server on a small thread pool, signals (SIGTERM/SIGINT
// stop gracefully, SIGHUP reloads), and systemd readiness.
class Agent final
{
public:
    Agent(CommandLine commandLine, Config config);
    Agent(const Agent &) = delete;
    Agent &operator=(const Agent &) = delete;

    // Blocks until the agent has stopped; returns the process exit code.
    int run();

    // For endpoints added by other parts of the agent; only before run().
    Router &router();

private:
    void waitForSignal();
    void onSignal(int signalNumber);
    void reload();
    void beginShutdown();
    void runThreads();

    static constexpr int threadCount = 2;
    static constexpr auto shutdownGrace = std::chrono::seconds(10);

    CommandLine m_commandLine;
    std::chrono::steady_clock::time_point m_startedAt;
    boost::asio::io_context m_io {threadCount};
    std::shared_ptr<LiveConfig> m_config;
    std::shared_ptr<Router> m_router;
    HttpServer m_server;
    boost::asio::signal_set m_signals;
    bool m_shuttingDown = false;
};

} // namespace rune::agent
