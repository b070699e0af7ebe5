// SPDX-License-Identifier: GPL-3.0-or-later
// The console as `installers/setup.sh run` starts it: the local demo cluster comes up, the two
// sample functions are deployed from the templates, the synthetic load calls them, and the
// Functions pane shows them with their log moving. Composed as app/main.cpp composes it.
#include "cluster/localcluster.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "editortesthelpers.h"
#include "functions/demoworkload.h"
#include "functions/functionagents.h"
#include "functions/functioncatalog.h"
#include "functions/functioninvoker.h"
#include "functions/functionreleases.h"
#include "functions/functionspane.h"
#include "functions/functiontreemodel.h"
#include "functions/functionworkspace.h"
#include "functions/logpanel.h"
#include "functions/logtablemodel.h"
#include "settings/settings.h"
#include "shell/mainwindow.h"
#include "store/store.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::waitUntil;

class TestDemoConsole final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void samplesAreDeployedAndCalled();
};

void TestDemoConsole::samplesAreDeployedAndCalled()
{
    QTemporaryDir dir;
    Settings settings(dir.filePath(u"rune.conf"_s));
    settings.setValue(Settings::Key::DataDir, dir.filePath(u"data"_s));
    auto store = Store::open(settings.dataDir() + u"/rune.db"_s);
    QVERIFY(store.has_value());
    NodeList nodes;
    QNetworkAccessManager network;
    NodeMonitor monitor(&nodes);
    monitor.setInterval(std::chrono::milliseconds(200));

    FunctionCatalog catalog;
    FunctionWorkspace workspace(store->get(), BucketStore(settings.dataDir() + u"/buckets"_s), &catalog);
    FunctionAgents agents(&nodes, &network);
    FunctionReleases releases(&workspace, &agents);
    FunctionInvoker invoker(&catalog, &agents);
    // The templates as the console has them: compiled into its resources.
    const auto templates = loadFunctionTemplates(u":/templates"_s);
    QVERIFY2(templates.has_value(), templates ? "" : qPrintable(templates.error().message));
    const views::FunctionServices services {&catalog, &workspace, &releases, &invoker, &agents, &nodes, *templates};

    views::MainWindow window(&settings, &nodes);
    auto *pane = new views::FunctionsPane(services, &window);
    window.setFunctionsPane(pane);
    window.resize(1400, 860);
    window.show();
    workspace.load(&window);

    LocalCluster cluster(&nodes, QStringLiteral(RUNE_AGENT_BINARY), settings.dataDir() + u"/demo"_s);
    DemoWorkload demo(&workspace, &releases, &invoker, &nodes, *templates);
    QSignalSpy deployed(&demo, &DemoWorkload::samplesDeployed);
    QSignalSpy problems(&demo, &DemoWorkload::problem);
    cluster.start(LocalCluster::defaultLayout());
    monitor.start();
    demo.start();
    QVERIFY(waitUntil(
        [&] {
            return !deployed.isEmpty();
        },
        40000));
    QCOMPARE(problems.size(), 0);

    const Function *hello = catalog.find(u"demo"_s, u"hello"_s);
    const Function *echo = catalog.find(u"demo"_s, u"echo"_s);
    QVERIFY(hello && echo);
    QCOMPARE(catalog.nodesOf(hello->id, 1),
        QStringList({LocalCluster::nodeId(u"compute-1"_s), LocalCluster::nodeId(u"compute-2"_s)}));
    QCOMPARE(catalog.nodesOf(echo->id, 1),
        QStringList({LocalCluster::nodeId(u"compute-1"_s), LocalCluster::nodeId(u"edge-1"_s)}));
    QVERIFY(pane->treeModel()->functionIndex(hello->id).isValid());

    // The pane shows hello; the load's calls show up in its log.
    window.showPane(views::MainWindow::Pane::Functions);
    pane->selectFunction(hello->id);
    QVERIFY2(waitUntil(
                 [&] {
                     return pane->logPanel()->model()->rowCount() >= 3;
                 },
                 20000),
        qPrintable(QString::number(demo.callCount())));
    QStringList texts;
    for (int row = 0; row < pane->logPanel()->model()->rowCount(); ++row)
        texts << pane->logPanel()->model()->index(row, views::LogTableModel::Text).data().toString();
    QVERIFY2(texts.contains(u"greeting Ada"_s), qPrintable(texts.join(u" | "_s)));
    QVERIFY(waitUntil(
        [&] {
            return rune::test::pixelsNear(window.grab().toImage(), QColor(0x2e, 0xa0, 0x43), 10) > 0;
        },
        5000));
    const QImage shot = rune::test::grabWhen(
        &window,
        [](const QImage &image) {
            return !image.isNull();
        },
        10000);
    QVERIFY(shot.save(rune::test::screenshotPath(u"functions-demo.png"_s)));
    demo.stop();
}

QTEST_MAIN(TestDemoConsole)
#include "tst_democonsole.moc"
