// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/console.h"

#include "agent/functionagents.h"
#include "agent/sshagentaccess.h"
#include "benchmarks/benchmarkresults.h"
#include "benchmarks/benchmarksession.h"
#include "cluster/gatewaysync.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "cluster/nodepersister.h"
#include "demo/demorecord.h"
#include "functions/functioncatalog.h"
#include "functions/functioninvoker.h"
#include "functions/functionreleases.h"
#include "functions/functionworkspace.h"
#include "metrics/fleetmetrics.h"
#include "metrics/historystore.h"
#include "metrics/metrichistory.h"
#include "provision/nodeoperations.h"
#include "scaling/scalingevents.h"
#include "scaling/scalingfleet.h"
#include "settings/settings.h"
#include "store/store.h"
#include "store/storewatcher.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QNetworkAccessManager>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::Console", text);
}

std::unique_ptr<MetricHistory> openHistory(const QString &path, QStringList *warnings)
{
    auto store = HistoryStore::open(path);
    if (!store) {
        // Charts still work for as long as the console runs; only older history is missing.
        *warnings << tr("Metric history is kept in memory only: %1").arg(store.error().message);
        return std::make_unique<MetricHistory>(nullptr);
    }
    return std::make_unique<MetricHistory>(std::move(*store));
}

} // namespace

QString findAgentBinary(const QString &given, const Settings &settings)
{
    const QString appDir = QCoreApplication::applicationDirPath();
    const QStringList candidates = {given,
        settings.value(Settings::Key::AgentBinary).toString(),
        appDir + u"/rune-agent"_s,
        // In a build tree: the portable agent (glibc 2.31) when the build makes it, else this machine's.
        appDir + u"/../portable-agent/remote-agent/rune-agent"_s,
        appDir + u"/../remote-agent/rune-agent"_s};
    for (const QString &candidate : candidates) {
        if (!candidate.isEmpty() && QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).absoluteFilePath();
    }
    return {};
}

QString findAgentPackage(const Settings &settings)
{
    const QString chosen = settings.value(Settings::Key::AgentPackage).toString();
    if (!chosen.isEmpty())
        return QFileInfo(chosen).absoluteFilePath();
    const QString built = QCoreApplication::applicationDirPath() + u"/../packages/rune-agent_"_s
        + QStringLiteral(RUNE_VERSION) + u"_amd64.deb"_s;
    return QFileInfo(built).isFile() ? QFileInfo(built).absoluteFilePath() : QString();
}

ProvisionOptions provisionOptionsFrom(const Settings &settings, const QString &givenAgentBinary)
{
    ProvisionOptions options;
    options.agentBinary = findAgentBinary(givenAgentBinary, settings);
    options.agentPackage = findAgentPackage(settings);
    options.controllerHaproxyPort = quint16(settings.value(Settings::Key::ControllerHaproxyPort).toInt());
    return options;
}

Result<std::unique_ptr<Console>> Console::open(Settings *settings, ConsoleEdges edges)
{
    auto store = Store::open(settings->dataDir() + u"/rune.db"_s);
    if (!store)
        return std::unexpected(store.error());
    return std::unique_ptr<Console>(new Console(settings, std::move(*store), std::move(edges)));
}

Console::Console(Settings *settings, std::unique_ptr<Store> store, ConsoleEdges edges)
    : m_settings(settings)
    , m_store(std::move(store))
    , m_nodes(std::make_unique<NodeList>())
{
    if (auto saved = m_store->loadNodes()) {
        for (const Node &node : *saved)
            m_nodes->add(node);
    }
    // A demo cluster that a process of its own keeps running (`rune demo up`): its nodes, polled
    // like any other, and no second cluster on the same state directories.
    if (const auto demo = readLiveDemoRecord(settings->dataDir())) {
        m_detachedDemo = true;
        for (const Node &node : demo->nodes)
            m_nodes->add(node);
    }
    m_persister = std::make_unique<NodePersister>(m_nodes.get(), m_store.get());
    buildFleet(std::move(edges));
    buildFunctions();
    buildBenchmarks();
    buildScaling();
    followStore();
}

Console::~Console()
{
    // The operations go before the persister that asks them which nodes are busy.
    m_storeWatcher.reset();
    m_persister->setBusy({});
}

void Console::followStore()
{
    m_storeWatcher = std::make_unique<StoreWatcher>(m_store.get());
    QObject::connect(m_storeWatcher.get(), &StoreWatcher::changed, m_storeWatcher.get(), [this] {
        reloadFromStore();
    });
}

void Console::reloadFromStore()
{
    // A slow disk gets one reload at a time, and one more for whatever changed meanwhile.
    if (m_reloading) {
        m_reloadAgain = true;
        return;
    }
    m_reloading = true;
    // One after the other, so a damaged store is reported once per change, not once per reload.
    m_persister->reload([this](const Result<void> &nodes) {
        if (!nodes)
            return reloaded(nodes);
        m_workspace->reload(m_storeWatcher.get(), [this](const Result<void> &functions) {
            reloaded(functions);
        });
    });
}

void Console::reloaded(const Result<void> &result)
{
    m_reloading = false;
    m_storeWatcher->reportReload(result);
    if (std::exchange(m_reloadAgain, false))
        reloadFromStore();
}

void Console::buildFleet(ConsoleEdges edges)
{
    m_metrics = std::make_unique<FleetMetrics>();
    m_history = openHistory(m_settings->dataDir() + u"/metrics.db"_s, &m_warnings);
    QObject::connect(m_metrics.get(), &FleetMetrics::sampled, m_history.get(), &MetricHistory::record);

    m_network = std::make_unique<QNetworkAccessManager>();
    m_sessions = std::make_unique<NodeSessions>(edges.connectTo);
    // A node installed after the broker was set connects to it without being sent it again.
    if (!edges.provisioning.broker) {
        edges.provisioning.broker = [settings = m_settings] {
            return ProvisionBroker {settings->value(Settings::Key::MqttBrokerUrl).toString(),
                settings->value(Settings::Key::MqttUsername).toString()};
        };
    }
    m_operations = std::make_unique<NodeOperations>(
        m_nodes.get(), m_sessions.get(), m_network.get(), edges.prompter, edges.provisioning);
    // A node a job works on keeps what the job wrote, whatever another process stored meanwhile.
    m_persister->setBusy([operations = m_operations.get()](const QString &nodeId) {
        return operations->isBusy(nodeId);
    });
    m_remoteAccess = std::make_unique<SshAgentAccess>(m_sessions.get(), m_operations.get(), edges.provisioning);
    m_monitor = std::make_unique<NodeMonitor>(m_nodes.get(), m_metrics.get(), m_remoteAccess.get());
    // The settings that apply at once, now and on every change.
    for (const Settings::Key key : {Settings::Key::PollIntervalMs,
             Settings::Key::BackgroundPollIntervalMs,
             Settings::Key::MetricRetentionHours,
             Settings::Key::ProvisionParallel})
        applySetting(int(key));
    QObject::connect(m_settings, &Settings::changed, m_monitor.get(), [this](Settings::Key key) {
        applySetting(int(key));
    });
    // A removed node takes its history and its SSH session with it.
    QObject::connect(m_nodes.get(), &NodeList::nodeAboutToBeRemoved, m_sessions.get(), [this](qsizetype row) {
        const QString id = m_nodes->at(row).id;
        m_history->forget(id);
        m_sessions->drop(id);
    });

    FleetServices &fleet = m_services.fleet;
    fleet.nodes = m_nodes.get();
    fleet.metrics = m_metrics.get();
    fleet.history = m_history.get();
    fleet.monitor = m_monitor.get();
    fleet.operations = m_operations.get();
    fleet.connectTo = std::move(edges.connectTo);
    m_services.settings = m_settings;
}

void Console::buildFunctions()
{
    // The catalog, their files under <data dir>/buckets, versions on the agents.
    m_catalog = std::make_unique<FunctionCatalog>();
    m_workspace = std::make_unique<FunctionWorkspace>(
        m_store.get(), BucketStore(m_settings->dataDir() + u"/buckets"_s), m_catalog.get());
    m_agents = std::make_unique<FunctionAgents>(m_nodes.get(), m_network.get(), AgentDirectory(m_remoteAccess.get()));
    m_releases = std::make_unique<FunctionReleases>(m_workspace.get(), m_agents.get());
    m_invoker = std::make_unique<FunctionInvoker>(m_catalog.get(), m_agents.get());
    // Every controller's gateway follows the fleet and its functions, through the same agent access.
    m_gateways = std::make_unique<GatewaySync>(m_nodes.get(), m_catalog.get(), m_agents.get());
    m_gateways->setWatchedInterval(std::chrono::milliseconds(m_settings->value(Settings::Key::PollIntervalMs).toInt()));
    m_services.fleet.gateways = m_gateways.get();
    // Benchmark figures live in the store; the deploy dialog ranks nodes by them.
    m_benchmarkResults = std::make_unique<BenchmarkResults>(m_store.get());
    auto templates = loadFunctionTemplates(u":/templates"_s);
    if (!templates)
        m_warnings << templates.error().message;

    m_services.functions = FunctionServices {m_catalog.get(),
        m_workspace.get(),
        m_releases.get(),
        m_invoker.get(),
        m_agents.get(),
        m_nodes.get(),
        templates.value_or(QList<FunctionTemplate>()),
        m_metrics.get(),
        m_benchmarkResults.get(),
        u":/pricing"_s,
        m_settings->dataDir() + u"/pricing"_s};
}

void Console::buildScaling()
{
    // Every function's figures on every node, apart from the nodes' own history: a fleet of
    // functions writes many more points, and either file can be deleted alone.
    m_functionHistory = openHistory(m_settings->dataDir() + u"/function-metrics.db"_s, &m_warnings);
    m_scalingFleet = std::make_unique<ScalingFleet>(m_metrics.get(), m_functionHistory.get(), m_catalog.get());
    m_scalingEvents = std::make_unique<ScalingEvents>(m_metrics.get());
    m_services.scaling = ScalingServices {m_scalingFleet.get(),
        m_scalingEvents.get(),
        m_functionHistory.get(),
        m_catalog.get(),
        m_invoker.get(),
        m_nodes.get()};
}

void Console::buildBenchmarks()
{
    // Figures in the store (made with the function services); runs reach the agents the way the
    // function services do.
    m_benchmarkSession = std::make_unique<BenchmarkSession>(m_agents.get(), m_benchmarkResults.get());
    m_services.benchmarks = BenchmarkServices {m_nodes.get(), m_benchmarkResults.get(), m_benchmarkSession.get()};
}

void Console::applySetting(int key)
{
    const QVariant value = m_settings->value(Settings::Key(key));
    switch (Settings::Key(key)) {
    case Settings::Key::PollIntervalMs:
    case Settings::Key::BackgroundPollIntervalMs:
        // Both each time: the monitor keeps the background interval at least the other one.
        m_monitor->setInterval(std::chrono::milliseconds(m_settings->value(Settings::Key::PollIntervalMs).toInt()));
        if (m_gateways) // built after the fleet: buildFunctions() reads the interval itself
            m_gateways->setWatchedInterval(
                std::chrono::milliseconds(m_settings->value(Settings::Key::PollIntervalMs).toInt()));
        return m_monitor->setBackgroundInterval(
            std::chrono::milliseconds(m_settings->value(Settings::Key::BackgroundPollIntervalMs).toInt()));
    case Settings::Key::MetricRetentionHours:
        return m_history->setRetention(std::chrono::hours(value.toInt()));
    case Settings::Key::ProvisionParallel:
        return m_operations->setMaxParallel(value.toInt());
    default:
        return;
    }
}

const ConsoleServices &Console::services() const
{
    return m_services;
}

QStringList Console::warnings() const
{
    return m_warnings;
}

Store *Console::store() const
{
    return m_store.get();
}

NodePersister *Console::persister() const
{
    return m_persister.get();
}

StoreWatcher *Console::storeWatcher() const
{
    return m_storeWatcher.get();
}

NodeSessions *Console::sessions() const
{
    return m_sessions.get();
}

bool Console::hasDetachedDemo() const
{
    return m_detachedDemo;
}

QNetworkAccessManager *Console::network() const
{
    return m_network.get();
}

void Console::start()
{
    m_monitor->start();
    m_operations->resumePending();
    m_gateways->start();
    m_storeWatcher->start();
}

} // namespace rune
