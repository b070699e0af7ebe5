// SPDX-License-Identifier: GPL-3.0-or-later
// The console as `installers/setup.sh run` starts it: the local demo cluster comes up, the two
// sample functions are deployed from the templates, the synthetic load calls them, and the
// Functions pane shows them with their log moving. Composed as app/main.cpp composes it
// (Console).
#include "../common/testmain.h"
#include "cluster/nodemonitor.h"
#include "consolefixture.h"
#include "demo/demoworkload.h"
#include "demo/localcluster.h"
#include "editortesthelpers.h"
#include "functions/functioncatalog.h"
#include "functions/functionspane.h"
#include "functions/functiontreemodel.h"
#include "functions/functionworkspace.h"
#include "functions/invokepanel.h"
#include "functions/logpanel.h"
#include "functions/logtablemodel.h"
#include "shell/mainwindow.h"

#include <QLabel>
#include <QPushButton>
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
    void invokeStatusNeverContradictsTheHeader();
};

void TestDemoConsole::samplesAreDeployedAndCalled()
{
    test::ConsoleFixture fx;
    const FunctionServices &services = fx.functions();
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

void TestDemoConsole::invokeStatusNeverContradictsTheHeader()
{
    // A new user's first look: hello's Invoke tab open while the demo deploys it. Its status line
    // said "not deployed yet" from the moment a deploy step refreshed it, and kept saying so after
    // the header showed v1 on compute-1 and compute-2.
    test::ConsoleFixture fx;
    const FunctionServices &services = fx.functions();
    fx.fleet().monitor->setInterval(std::chrono::milliseconds(200));
    views::MainWindow window(fx.services());
    views::FunctionsPane *pane = window.functionsPane();
    window.resize(1400, 860);
    window.showPane(views::MainWindow::Pane::Functions);
    window.show();
    QObject::connect(services.catalog, &FunctionCatalog::functionAdded, pane, [&](const QString &id) {
        if (services.catalog->find(id)->name == u"hello"_s) {
            pane->selectFunction(id);
            pane->showTab(views::FunctionsPane::Tab::Invoke);
        }
    });
    services.workspace->load(&window);
    LocalCluster cluster(services.nodes, QStringLiteral(RUNE_AGENT_BINARY), fx.settings.dataDir() + u"/demo"_s);
    DemoWorkload demo(services.workspace, services.releases, services.invoker, services.nodes, services.templates);
    QSignalSpy deployed(&demo, &DemoWorkload::samplesDeployed);
    cluster.start(LocalCluster::defaultLayout());
    fx.console->start();
    demo.start();
    QVERIFY(deployed.wait(40000));

    const Function *hello = services.catalog->find(u"demo"_s, u"hello"_s);
    QVERIFY(hello);
    QCOMPARE(pane->currentFunctionId(), hello->id);
    auto *header = pane->findChild<QLabel *>(u"functionDetailLabel"_s);
    auto *status = pane->invokePanel()->findChild<QLabel *>(u"invokeStatusLabel"_s);
    auto *invoke = pane->invokePanel()->findChild<QPushButton *>(u"invokeButton"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(header->text().contains(u"compute-2"_s), qPrintable(header->text()), 10000);
    QVERIFY2(!status->text().contains(u"not deployed"_s), qPrintable(status->text()));
    QVERIFY2(!status->text().contains(u"no node"_s), qPrintable(status->text()));
    QCOMPARE(status->text(), u"Send a request to see the answer."_s);
    QVERIFY(invoke->isEnabled());
    // And the call the line invites works.
    QSignalSpy answered(pane->invokePanel(), &views::InvokePanel::invoked);
    QTest::mouseClick(invoke, Qt::LeftButton);
    QVERIFY(answered.wait(20000));
    QCOMPARE(answered.at(0).at(0).value<InvokeResult>().status, 200);
    QVERIFY2(status->text().contains(u"200"_s), qPrintable(status->text()));
    demo.stop();
}

RUNE_TEST_MAIN(TestDemoConsole)
#include "tst_democonsole.moc"
