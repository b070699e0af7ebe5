// SPDX-License-Identifier: GPL-3.0-or-later
// Composition root: builds core services, hands them to the views.
#include "cluster/localcluster.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "cluster/nodepersister.h"
#include "functions/demoworkload.h"
#include "functions/functionagents.h"
#include "functions/functioncatalog.h"
#include "functions/functioninvoker.h"
#include "functions/functionreleases.h"
#include "functions/functionspane.h"
#include "functions/functionworkspace.h"
#include "metrics/fleetmetrics.h"
#include "metrics/metrichistory.h"
#include "provision/nodeoperations.h"
#include "provision/nodesessions.h"
#include "provision/sshagentaccess.h"
#include "settings/settings.h"
#include "shell/guiprompter.h"
#include "shell/mainwindow.h"
#include "shell/theme.h"
#include "ssh/libsshtransport.h"
#include "store/store.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QStatusBar>
#include <cstdio>
#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace
{

struct Options {
    bool demo = true;
    QString agentBinary;
    QString dataDir;
};

std::optional<Options> parseOptions(const QApplication &app, const rune::Settings &settings)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Rune console: a private serverless platform."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(
        u"demo"_s, QApplication::translate("main", "Start the local demo cluster: on or off."), u"on|off"_s);
    const QCommandLineOption agent(
        u"agent-binary"_s, QApplication::translate("main", "Path to rune-agent."), u"path"_s);
    const QCommandLineOption data(
        u"data-dir"_s, QApplication::translate("main", "Directory for the console's data."), u"dir"_s);
    parser.addOptions({demo, agent, data});
    parser.process(app);

    Options options;
    options.demo = settings.value(rune::Settings::Key::DemoCluster).toBool();
    if (parser.isSet(demo)) {
        const QString value = parser.value(demo).toLower();
        if (value != u"on"_s && value != u"off"_s) {
            std::fprintf(stderr, "rune: --demo takes on or off, not '%s'\n", qPrintable(value));
            return std::nullopt;
        }
        options.demo = value == u"on"_s;
    }
    options.agentBinary = parser.value(agent);
    options.dataDir = parser.value(data);
    return options;
}

QString resolveAgentBinary(const Options &options, const rune::Settings &settings)
{
    const QString appDir = QApplication::applicationDirPath();
    const QStringList candidates = {options.agentBinary,
        settings.value(rune::Settings::Key::AgentBinary).toString(),
        appDir + u"/rune-agent"_s,
        appDir + u"/../remote-agent/rune-agent"_s};
    for (const QString &candidate : candidates) {
        if (!candidate.isEmpty() && QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).absoluteFilePath();
    }
    return {};
}

/** Every node keeps a connection open to the console: allow as many files as the system lets us. */
void raiseFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

std::unique_ptr<rune::MetricHistory> openHistory(const QString &dataDir, QString *warning)
{
    auto store = rune::HistoryStore::open(dataDir + u"/metrics.db"_s);
    if (!store) {
        // Charts still work for as long as the console runs; only older history is missing.
        *warning =
            QApplication::translate("main", "Metric history is kept in memory only: %1").arg(store.error().message);
        return std::make_unique<rune::MetricHistory>(nullptr);
    }
    return std::make_unique<rune::MetricHistory>(std::move(*store));
}

} // namespace

int main(int argc, char *argv[])
{
    raiseFileLimit();
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"rune"_s);
    QApplication::setApplicationVersion(QStringLiteral(RUNE_VERSION));

    rune::Settings settings;
    const auto options = parseOptions(app, settings);
    if (!options)
        return 2;
    if (!options->dataDir.isEmpty())
        settings.setValue(rune::Settings::Key::DataDir, QDir(options->dataDir).absolutePath());
    rune::views::Theme theme(&app);
    theme.apply(rune::views::themeChoiceFromName(settings.value(rune::Settings::Key::Theme).toString()));

    // Opened before any window exists, so the UI never waits on it.
    auto store = rune::Store::open(settings.dataDir() + u"/rune.db"_s);
    if (!store) {
        QMessageBox::critical(nullptr, QApplication::translate("main", "Rune cannot start"), store.error().message);
        return 1;
    }
    rune::NodeList nodes;
    if (auto saved = (*store)->loadNodes()) {
        for (const rune::Node &node : *saved)
            nodes.add(node);
    }
    rune::NodePersister persister(&nodes, store->get());

    rune::FleetMetrics metrics;
    QString historyWarning;
    const auto history = openHistory(settings.dataDir(), &historyWarning);
    QObject::connect(&metrics, &rune::FleetMetrics::sampled, history.get(), &rune::MetricHistory::record);

    rune::views::GuiPrompter prompter;
    rune::SshOptions sshOptions;
    sshOptions.knownHostsFile = settings.value(rune::Settings::Key::KnownHostsFile).toString();
    const auto connectTo = [&sshOptions, &prompter](const rune::SshTarget &target) {
        return std::make_unique<rune::LibsshTransport>(target, sshOptions, &prompter);
    };
    rune::NodeSessions sessions([&connectTo](const rune::SshTarget &target) -> std::unique_ptr<rune::SshTransport> {
        return connectTo(target);
    });
    QNetworkAccessManager network;
    rune::ProvisionOptions provisioning;
    provisioning.agentBinary = resolveAgentBinary(*options, settings);
    rune::NodeOperations operations(&nodes, &sessions, &network, &prompter, provisioning);
    rune::SshAgentAccess remoteAccess(&sessions, &operations, provisioning);

    rune::NodeMonitor monitor(&nodes, &metrics);
    monitor.setRemoteAccess(&remoteAccess);
    monitor.setInterval(std::chrono::milliseconds(settings.value(rune::Settings::Key::PollIntervalMs).toInt()));
    monitor.setBackgroundInterval(
        std::chrono::milliseconds(settings.value(rune::Settings::Key::BackgroundPollIntervalMs).toInt()));
    QObject::connect(&nodes, &rune::NodeList::nodeAboutToBeRemoved, &sessions, [&](qsizetype row) {
        const QString id = nodes.at(row).id;
        history->forget(id);
        sessions.drop(id);
    });

    rune::views::FleetServices fleet;
    fleet.nodes = &nodes;
    fleet.metrics = &metrics;
    fleet.history = history.get();
    fleet.monitor = &monitor;
    fleet.operations = &operations;
    fleet.connectTo = connectTo;
    rune::views::MainWindow window(&settings, fleet);
    window.setTheme(&theme);
    prompter.setWindow(&window);
    if (!historyWarning.isEmpty())
        window.statusBar()->showMessage(historyWarning);

    // Functions: the catalog, their files under <data dir>/buckets, versions on the agents.
    rune::FunctionCatalog catalog;
    rune::FunctionWorkspace workspace(store->get(), rune::BucketStore(settings.dataDir() + u"/buckets"_s), &catalog);
    rune::FunctionAgents agents(&nodes, &network, rune::AgentDirectory(&sessions));
    rune::FunctionReleases releases(&workspace, &agents);
    rune::FunctionInvoker invoker(&catalog, &agents);
    auto templates = rune::loadFunctionTemplates(u":/templates"_s);
    if (!templates)
        qWarning("%s", qPrintable(templates.error().message));
    const rune::views::FunctionServices functionServices {&catalog,
        &workspace,
        &releases,
        &invoker,
        &agents,
        &nodes,
        templates.value_or(QList<rune::FunctionTemplate>())};
    window.setFunctionsPane(new rune::views::FunctionsPane(functionServices, &window));
    workspace.load(&window, [&window](rune::Result<void> loaded) {
        if (!loaded)
            window.statusBar()->showMessage(loaded.error().message);
    });
    std::unique_ptr<rune::DemoWorkload> demoWorkload;
    std::unique_ptr<rune::LocalCluster> demo;
    if (options->demo) {
        if (provisioning.agentBinary.isEmpty()) {
            window.statusBar()->showMessage(QApplication::translate("main",
                "rune-agent not found: the local demo cluster is off. "
                "Set its path with --agent-binary."));
        } else {
            demo =
                std::make_unique<rune::LocalCluster>(&nodes, provisioning.agentBinary, settings.dataDir() + u"/demo"_s);
            QObject::connect(demo.get(),
                &rune::LocalCluster::agentFailed,
                &window,
                [&window](const QString &nodeId, const QString &message) {
                    window.statusBar()->showMessage(nodeId + u": "_s + message);
                });
            demo->start(rune::LocalCluster::defaultLayout());
            // Two sample functions and a light load, so there is something to look at.
            demoWorkload = std::make_unique<rune::DemoWorkload>(
                &workspace, &releases, &invoker, &nodes, functionServices.templates);
            QObject::connect(
                demoWorkload.get(), &rune::DemoWorkload::problem, &window, [&window](const QString &message) {
                    window.statusBar()->showMessage(message);
                });
            demoWorkload->start();
        }
    }
    QObject::connect(&persister, &rune::NodePersister::saveFailed, &window, [&window](const QString &message) {
        window.statusBar()->showMessage(QApplication::translate("main", "Could not save: %1").arg(message));
    });
    QObject::connect(history.get(), &rune::MetricHistory::storeFailed, &window, [&window](const QString &message) {
        window.statusBar()->showMessage(QApplication::translate("main", "Metric history: %1").arg(message));
    });
    monitor.start();
    operations.resumePending();
    window.show();
    return QApplication::exec();
}
