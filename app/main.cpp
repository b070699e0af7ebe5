// SPDX-License-Identifier: GPL-3.0-or-later
// The console's program: reads the options, builds the Console (shell/console.h, where the
// services are composed), shows the window and, if asked, starts the local demo cluster; or runs
// a command of the command line (cli/) without a window.
#include "cli.h"
#include "cluster/nodepersister.h"
#include "demo/demobroker.h"
#include "demo/demoworkload.h"
#include "demo/localcluster.h"
#include "functions/eventspanel.h"
#include "functions/functionspane.h"
#include "functions/functionworkspace.h"
#include "metrics/metrichistory.h"
#include "settings/settings.h"
#include "shell/console.h"
#include "shell/guiprompter.h"
#include "shell/mainwindow.h"
#include "shell/theme.h"
#include "ssh/libsshtransport.h"
#include "store/storewatcher.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QMessageBox>
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
    parser.setApplicationDescription(QApplication::translate("main", "Rune console: a private serverless platform.")
        + u"\n\n"_s + rune::cli::overviewText());
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

/** Every node keeps a connection open to the console: allow as many files as the system lets us. */
void raiseFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    // A command (`rune node list`) runs headless, before anything needs a display.
    if (rune::cli::isCommandLine(argc, argv))
        return rune::cli::run(argc, argv);
    raiseFileLimit();
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"rune"_s);
    QApplication::setApplicationVersion(QStringLiteral(RUNE_VERSION));

    rune::Settings settings;
    const auto options = parseOptions(app, settings);
    if (!options)
        return 2;
    if (!options->dataDir.isEmpty()) {
        if (const auto set = settings.setValue(rune::Settings::Key::DataDir, QDir(options->dataDir).absolutePath());
            !set) {
            std::fprintf(stderr, "rune: --data-dir %s\n", qPrintable(set.error()));
            return 2;
        }
    }
    rune::views::Theme theme(&app);
    theme.apply(rune::views::themeChoiceFromName(settings.value(rune::Settings::Key::Theme).toString()));

    rune::views::GuiPrompter prompter;
    rune::ConsoleEdges edges;
    // Read for each new connection, so changed timeouts and known_hosts apply to the next one.
    edges.connectTo = [&settings, &prompter](const rune::SshTarget &target) -> std::unique_ptr<rune::SshTransport> {
        return std::make_unique<rune::LibsshTransport>(target, rune::sshOptionsFrom(settings), &prompter);
    };
    edges.prompter = &prompter;
    edges.provisioning = rune::provisionOptionsFrom(settings, options->agentBinary);
    // Opened before any window exists, so the UI never waits on it.
    auto console = rune::Console::open(&settings, edges);
    if (!console) {
        QMessageBox::critical(nullptr, QApplication::translate("main", "Rune cannot start"), console.error().message);
        return 1;
    }
    const rune::ConsoleServices &services = (*console)->services();

    rune::views::MainWindow window(services);
    window.setTheme(&theme);
    prompter.setWindow(&window);
    QStringList warnings = (*console)->warnings();
    for (const rune::Settings::Problem &problem : settings.problems())
        warnings << problem.message;
    for (const QString &warning : std::as_const(warnings)) {
        qWarning("%s", qPrintable(warning));
        window.statusBar()->showMessage(warning);
    }
    services.functions.workspace->load(&window, [&window](rune::Result<void> loaded) {
        if (!loaded)
            window.statusBar()->showMessage(loaded.error().message);
    });
    std::unique_ptr<rune::DemoWorkload> demoWorkload;
    std::unique_ptr<rune::LocalCluster> demo;
    std::unique_ptr<rune::DemoBroker> demoBroker;
    // A cluster kept by `rune demo up` is already in the fleet: the window starts no second one.
    if (options->demo && !(*console)->hasDetachedDemo()) {
        if (edges.provisioning.agentBinary.isEmpty()) {
            window.statusBar()->showMessage(QApplication::translate("main",
                "rune-agent not found: the local demo cluster is off. "
                "Set its path with --agent-binary."));
        } else {
            demo = std::make_unique<rune::LocalCluster>(
                services.fleet.nodes, edges.provisioning.agentBinary, settings.dataDir() + u"/demo"_s);
            demo->setBasePort(quint16(settings.value(rune::Settings::Key::DemoBasePort).toInt()));
            QObject::connect(demo.get(),
                &rune::LocalCluster::agentFailed,
                &window,
                [&window](const QString &nodeId, const QString &message) {
                    window.statusBar()->showMessage(nodeId + u": "_s + message);
                });
            // A real MQTT broker for edge-1, so the accident sample gets events; without mosquitto
            // the Events tab says why it stays idle.
            demoBroker = std::make_unique<rune::DemoBroker>(settings.dataDir() + u"/demo/mosquitto"_s);
            const bool haveBroker = demoBroker->start();
            const auto showBrokerProblem = [&window](const QString &reason) {
                window.functionsPane()->eventsPanel()->setNote(reason);
                window.statusBar()->showMessage(reason);
            };
            if (!haveBroker)
                showBrokerProblem(demoBroker->reason());
            QObject::connect(demoBroker.get(), &rune::DemoBroker::failed, &window, showBrokerProblem);
            demo->start(rune::LocalCluster::defaultLayout(haveBroker ? demoBroker->url() : QString()));
            // Two sample functions and a light load, so there is something to look at.
            const rune::FunctionServices &functions = services.functions;
            demoWorkload = std::make_unique<rune::DemoWorkload>(
                functions.workspace, functions.releases, functions.invoker, functions.nodes, functions.templates);
            QObject::connect(
                demoWorkload.get(), &rune::DemoWorkload::problem, &window, [&window](const QString &message) {
                    window.statusBar()->showMessage(message);
                });
            demoWorkload->start();
        }
    }
    QObject::connect(
        (*console)->persister(), &rune::NodePersister::saveFailed, &window, [&window](const QString &message) {
            window.statusBar()->showMessage(QApplication::translate("main", "Could not save: %1").arg(message));
        });
    QObject::connect(
        services.fleet.history, &rune::MetricHistory::storeFailed, &window, [&window](const QString &message) {
            window.statusBar()->showMessage(QApplication::translate("main", "Metric history: %1").arg(message));
        });
    QObject::connect(
        (*console)->storeWatcher(), &rune::StoreWatcher::problem, &window, [&window](const QString &message) {
            qWarning("%s", qPrintable(message));
            window.statusBar()->showMessage(message);
        });
    (*console)->start();
    window.show();
    return QApplication::exec();
}
