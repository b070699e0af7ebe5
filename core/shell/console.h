// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "provision/nodesessions.h"
#include "provision/provisionoptions.h"
#include "shell/benchmarkservices.h"
#include "shell/fleetservices.h"
#include "shell/functionservices.h"
#include "shell/scalingservices.h"
#include "util/result.h"

#include <QStringList>
#include <memory>

class QNetworkAccessManager;

namespace rune
{
class BenchmarkResults;
class BenchmarkSession;
class FleetMetrics;
class FunctionAgents;
class FunctionCatalog;
class FunctionInvoker;
class FunctionReleases;
class FunctionWorkspace;
class GatewaySync;
class MetricHistory;
class NodeList;
class NodeMonitor;
class NodeOperations;
class NodePersister;
class ScalingEvents;
class ScalingFleet;
class Settings;
class SshAgentAccess;
class SshPrompter;
class Store;
class StoreWatcher;

/** Every service the window's panes work with; all of them are always there. */
struct ConsoleServices {
    Settings *settings = nullptr;
    FleetServices fleet;
    FunctionServices functions;
    BenchmarkServices benchmarks;
    ScalingServices scaling;
};

/** What lies outside the console: how it reaches machines and who answers SSH's questions. */
struct ConsoleEdges {
    /** A fresh SSH connection to a machine (LibsshTransport in the console; a fake in unit tests). */
    NodeSessions::Factory connectTo;
    /** Host keys, passphrases and sudo passwords; must outlive the console. */
    SshPrompter *prompter = nullptr;
    ProvisionOptions provisioning;
};

/**
 * The rune-agent program to install and to run the demo cluster with: @p given (--agent-binary),
 * else the AgentBinary setting, else next to this program or in its build tree. Empty: none found.
 */
QString findAgentBinary(const QString &given, const Settings &settings);

/**
 * The rune-agent .deb that Debian and Ubuntu nodes get: the AgentPackage setting, else the one
 * `installers/setup.sh package` built beside this program (<build>/packages), of this version.
 * Empty: none, and every node gets the agent binary.
 */
QString findAgentPackage(const Settings &settings);

/**
 * How nodes are provisioned as @p settings say, for the window and the command line alike:
 * the agent binary (@p givenAgentBinary, see findAgentBinary()), the package, the controllers'
 * HAProxy port.
 */
ProvisionOptions provisionOptionsFrom(const Settings &settings, const QString &givenAgentBinary = {});

/**
 * The console's composition root: opens the data directory and builds every core service, wired
 * together, in the one way the window (app/main.cpp), the command line (cli/) and the tests use. Nothing is started
 * until start().
 */
class Console final
{
public:
    /** Opens the store under @p settings' data directory; fails when it cannot be opened. */
    static Result<std::unique_ptr<Console>> open(Settings *settings, ConsoleEdges edges);
    ~Console();
    Q_DISABLE_COPY_MOVE(Console)

    const ConsoleServices &services() const;
    /** What works in a lesser way since opening (metric history in memory only, templates missing). */
    QStringList warnings() const;

    Store *store() const;
    NodePersister *persister() const;
    /**
     * Notices changes made to the store elsewhere (the `rune` command line); started by start(),
     * after which the nodes and the loaded functions follow them within about a second.
     */
    StoreWatcher *storeWatcher() const;
    NodeSessions *sessions() const;
    QNetworkAccessManager *network() const;
    /** Whether a demo cluster run by another process (`rune demo up`) was found, its nodes added. */
    bool hasDetachedDemo() const;

    /**
     * Polls the nodes, resumes the lifecycle actions a previous run left under way and follows
     * the store's changes made elsewhere.
     */
    void start();

private:
    Console(Settings *settings, std::unique_ptr<Store> store, ConsoleEdges edges);
    void buildFleet(ConsoleEdges edges);
    void buildFunctions();
    void buildBenchmarks();
    void buildScaling();
    /** Reloads the nodes, then the functions, whenever the watcher sees the store change. */
    void followStore();
    void reloadFromStore();
    void reloaded(const Result<void> &result);
    /** Applies @p key's value to the service it tunes; keys that apply after a restart are left. */
    void applySetting(int key);

    // Declared in the order they depend on each other, so they are destroyed the other way round.
    Settings *m_settings;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<NodeList> m_nodes;
    std::unique_ptr<NodePersister> m_persister;
    std::unique_ptr<FleetMetrics> m_metrics;
    std::unique_ptr<MetricHistory> m_history;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<NodeSessions> m_sessions;
    std::unique_ptr<NodeOperations> m_operations;
    std::unique_ptr<SshAgentAccess> m_remoteAccess;
    std::unique_ptr<NodeMonitor> m_monitor;
    std::unique_ptr<FunctionCatalog> m_catalog;
    std::unique_ptr<FunctionWorkspace> m_workspace;
    std::unique_ptr<FunctionAgents> m_agents;
    std::unique_ptr<FunctionReleases> m_releases;
    std::unique_ptr<FunctionInvoker> m_invoker;
    std::unique_ptr<GatewaySync> m_gateways;
    std::unique_ptr<BenchmarkResults> m_benchmarkResults;
    std::unique_ptr<BenchmarkSession> m_benchmarkSession;
    std::unique_ptr<MetricHistory> m_functionHistory;
    std::unique_ptr<ScalingFleet> m_scalingFleet;
    std::unique_ptr<ScalingEvents> m_scalingEvents;
    std::unique_ptr<StoreWatcher> m_storeWatcher;
    ConsoleServices m_services;
    QStringList m_warnings;
    bool m_detachedDemo = false;
    bool m_reloading = false; ///< a reload after a change of the store is under way
    bool m_reloadAgain = false; ///< and the store changed again since it started
};

} // namespace rune
