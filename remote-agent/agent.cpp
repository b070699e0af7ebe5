// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent.h"

#include "log.h"
#include "sdnotify.h"
#include "systemendpoints.h"

#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>
#include <vector>

namespace rune::agent
{

Agent::Agent(CommandLine commandLine, Config config)
    : m_commandLine(std::move(commandLine))
    , m_startedAt(std::chrono::steady_clock::now())
    , m_config(std::make_shared<LiveConfig>(std::move(config)))
    , m_router(std::make_shared<Router>())
    , m_server(m_io, ServerContext {m_router, m_config})
    , m_signals(m_io, SIGTERM, SIGINT, SIGHUP)
{
    addSystemEndpoints(*m_router, m_config, m_startedAt);
}

Router &Agent::router()
{
    return *m_router;
}

int Agent::run()
{
    const auto config = m_config->current();
    std::error_code dirError;
    std::filesystem::create_directories(config->stateDir, dirError);
    if (dirError) {
        std::cerr << "rune-agent: cannot create state directory " << config->stateDir << ": " << dirError.message()
                  << '\n';
        return 1;
    }
    const auto endpoint = m_server.listen(config->listen);
    if (!endpoint) {
        std::cerr << "rune-agent: " << endpoint.error() << '\n';
        return 1;
    }
    const std::string where = endpoint->address().to_string() + ":" + std::to_string(endpoint->port());
    logLine("rune-agent " RUNE_VERSION " (" + config->role + ") listening on " + where
        + (config->token.empty() ? " without authentication" : ""));
    // The one line on stdout: whoever started the agent with port 0 learns the port from it.
    std::cout << "listening on " << where << std::endl;
    waitForSignal();
    m_server.start();
    notifySystemd("READY=1");
    runThreads();
    logLine("stopped");
    return 0;
}

void Agent::runThreads()
{
    const auto work = [this] {
        // A throwing handler must not take the whole daemon down with it.
        for (;;) {
            try {
                m_io.run();
                return;
            } catch (const std::exception &failure) {
                logLine(std::string("unexpected error: ") + failure.what());
            }
        }
    };
    std::vector<std::jthread> pool;
    for (int index = 1; index < threadCount; ++index)
        pool.emplace_back(work);
    work();
}

void Agent::waitForSignal()
{
    m_signals.async_wait([this](boost::system::error_code error, int signalNumber) {
        if (!error)
            onSignal(signalNumber);
    });
}

void Agent::onSignal(int signalNumber)
{
    if (signalNumber == SIGHUP) {
        reload();
        return waitForSignal();
    }
    if (m_shuttingDown) {
        logLine("second stop signal: leaving now");
        return m_io.stop();
    }
    logLine(std::string("received ") + (signalNumber == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
    beginShutdown();
    waitForSignal();
}

void Agent::reload()
{
    auto next = loadConfig(m_commandLine);
    if (!next) {
        logLine("SIGHUP: keeping the current configuration: " + next.error());
        return;
    }
    const auto current = m_config->current();
    if (next->listen != current->listen || next->stateDir != current->stateDir)
        logLine("SIGHUP: listen and state_dir changes take effect after a restart");
    next->listen = current->listen;
    next->stateDir = current->stateDir;
    const bool hasToken = !next->token.empty();
    m_config->replace(std::move(*next));
    logLine(std::string("SIGHUP: configuration and token reloaded") + (hasToken ? "" : " (no authentication)"));
}

void Agent::beginShutdown()
{
    m_shuttingDown = true;
    notifySystemd("STOPPING=1");
    m_server.shutdown(shutdownGrace, [this] {
        m_signals.cancel();
        m_io.stop();
    });
}

} // namespace rune::agent
