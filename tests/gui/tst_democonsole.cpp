// SPDX-License-Identifier: GPL-3.0-or-later
// The console as `installers/setup.sh run` starts it: the local demo cluster comes up, the two
// sample functions are deployed from the templates, the synthetic load calls them, and the
// Functions pane shows them with their log moving. Composed as app/main.cpp composes it
// (views::Console).
#include "cluster/nodemonitor.h"
#include "consolefixture.h"
#include "demo/demoworkload.h"
#include "demo/localcluster.h"
#include "editortesthelpers.h"
#include "functions/functioncatalog.h"
#include "functions/functionspane.h"
#include "functions/functiontreemodel.h"
#include "functions/functionworkspace.h"
#include "functions/logpanel.h"
#include "functions/logtablemodel.h"
#include "shell/mainwindow.h"

#include <QSignalSpy>
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
    test::ConsoleFixture fx;
    const views::FunctionServices &services = fx.functions();
    // The templates as the console has them: compiled into its resources.
    QVERIFY2(fx.console->warnings().isEmpty(), qPrintable(fx.console->warnings().join(u'\n')));
    QVERIFY(services.templates.size() >= 2);
    fx.fleet().monitor->setInterval(std::chrono::milliseconds(200));

    views::MainWindow window(fx.services());
    views::FunctionsPane *pane = window.functionsPane();
    window.resize(1400, 860);
    window.show();
    services.workspace->load(&window);

    LocalCluster cluster(services.nodes, QStringLiteral(RUNE_AGENT_BINARY), fx.settings.dataDir() + u"/demo"_s);
    DemoWorkload demo(services.workspace, services.releases, services.invoker, services.nodes, services.templates);
    QSignalSpy deployed(&demo, &DemoWorkload::samplesDeployed);
    QSignalSpy problems(&demo, &DemoWorkload::problem);
    cluster.start(LocalCluster::defaultLayout());
    fx.console->start();
    demo.start();
    QVERIFY(waitUntil(
        [&] {
            return !deployed.isEmpty();
        },
        40000));
    QCOMPARE(problems.size(), 0);

    FunctionCatalog &catalog = *services.catalog;
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
