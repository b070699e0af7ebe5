// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "consolefixture.h"
#include "demo/localcluster.h"
#include "fleet/nodespane.h"
#include "functions/functionspane.h"
#include "metrics/fleetmetrics.h"
#include "scaling/scalingpane.h"
#include "settings/settingspane.h"
#include "shell/mainwindow.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::views::MainWindow;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void hasTheNavigationOfTheDesign();
    void nodesPaneShowsTheInstanceList();
    void shortcutsSwitchPanes();
    void filterNarrowsTheList();
    void layoutIsRemembered();
    void screenshotWithTheLocalDemoCluster();
    void settingsPaneShowsEverySetting();

private:
    std::unique_ptr<test::ConsoleFixture> m_console;
};

void TestMainWindow::init()
{
    m_console = std::make_unique<test::ConsoleFixture>();
}

void TestMainWindow::cleanup()
{
    m_console.reset();
}

static Node node(const QString &id, NodeRole role, NodeState state)
{
    Node n;
    n.id = id;
    n.name = id;
    n.role = role;
    n.state = state;
    n.ssh = {u"192.0.2.10"_s, 22, u"admin"_s, {}};
    return n;
}

void TestMainWindow::hasTheNavigationOfTheDesign()
{
    MainWindow window(m_console->services());
    auto *navigation = window.findChild<QListWidget *>(u"navigation"_s);
    QVERIFY(navigation);
    QStringList entries;
    for (int row = 0; row < navigation->count(); ++row)
        entries << navigation->item(row)->text();
    QCOMPARE(entries,
        QStringList({u"Overview"_s,
            u"Nodes"_s,
            u"Node detail"_s,
            u"Functions"_s,
            u"Benchmarks"_s,
            u"Cost"_s,
            u"Scaling"_s,
            u"Settings"_s}));
    auto *panes = window.findChild<QStackedWidget *>(u"panes"_s);
    QCOMPARE(panes->count(), navigation->count());
    navigation->setCurrentRow(3);
    QCOMPARE(panes->currentIndex(), 3);
    QCOMPARE(panes->currentWidget(), window.functionsPane());

    // Scaling shows the fleet's functions as the nodes report them, not only its name.
    navigation->setCurrentRow(6);
    QCOMPARE(panes->currentWidget(), window.scalingPane());
    FleetMetrics &metrics = *m_console->fleet().metrics;
    FunctionSample resize;
    resize.name = u"resize"_s;
    resize.replicas = 2;
    resize.replicasReady = 2;
    metrics.setFunctionSamples(u"n1"_s, {resize});
    NodeSample sample;
    sample.timeMs = QDateTime::currentMSecsSinceEpoch();
    metrics.record(u"n1"_s, sample);
    metrics.endBatch();
    auto *table = window.scalingPane()->findChild<QTableView *>(u"scalingTable"_s);
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, 0).data().toString(), u"resize"_s);
    QCOMPARE(table->model()->index(0, 2).data().toString(), u"2"_s);
    auto *title = window.scalingPane()->findChild<QLabel *>(u"scalingTitleLabel"_s);
    QCOMPARE(title->text(), u"Select a function to see it scale"_s);
    table->selectRow(0);
    QCOMPARE(title->text(), u"resize"_s);
}

void TestMainWindow::nodesPaneShowsTheInstanceList()
{
    NodeList &nodes = *m_console->fleet().nodes;
    nodes.add(node(u"ctl"_s, NodeRole::Controller, NodeState::Running));
    nodes.add(node(u"c1"_s, NodeRole::Compute, NodeState::Failed));
    MainWindow window(m_console->services());
    auto *table = window.findChild<QTableView *>(u"nodesTable"_s);
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), 2);
    QCOMPARE(table->model()->columnCount(), 8);
    nodes.add(node(u"e1"_s, NodeRole::Edge, NodeState::Running));
    QCOMPARE(table->model()->rowCount(), 3);
    auto *status = window.findChild<QLabel *>(u"fleetStatusLabel"_s);
    QTRY_VERIFY2(status->text().contains(u"Partial-Failed:1 (R:2/3)"_s), qPrintable(status->text()));
}

void TestMainWindow::shortcutsSwitchPanes()
{
    MainWindow window(m_console->services());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_4));
    QCOMPARE(window.currentPane(), MainWindow::Pane::Functions);
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_5));
    QCOMPARE(window.currentPane(), MainWindow::Pane::Benchmarks);
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_3));
    QCOMPARE(window.currentPane(), MainWindow::Pane::NodeDetail);
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_6));
    QCOMPARE(window.currentPane(), MainWindow::Pane::Cost);
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_7));
    QCOMPARE(window.currentPane(), MainWindow::Pane::Scaling);
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_8));
    QCOMPARE(window.currentPane(), MainWindow::Pane::Settings);
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_3));
    QCOMPARE(window.currentPane(), MainWindow::Pane::NodeDetail);
    // The platform's Preferences key opens Settings too, where it has one.
    if (!QKeySequence(QKeySequence::Preferences).isEmpty()) {
        QTest::keySequence(&window, QKeySequence(QKeySequence::Preferences));
        QCOMPARE(window.currentPane(), MainWindow::Pane::Settings);
        QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_3));
    }
    // No shortcut beyond the last pane.
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_9));
    QCOMPARE(window.currentPane(), MainWindow::Pane::NodeDetail);
    // Ctrl+F filters the node list from any pane but the Overview, which has its own filter.
    QTest::keySequence(&window, QKeySequence::Find);
    QCOMPARE(window.currentPane(), MainWindow::Pane::Nodes);
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_1));
    QCOMPARE(window.currentPane(), MainWindow::Pane::Overview);
    QTest::keySequence(&window, QKeySequence::Find);
    QCOMPARE(window.currentPane(), MainWindow::Pane::Overview);
}

void TestMainWindow::filterNarrowsTheList()
{
    NodeList &nodes = *m_console->fleet().nodes;
    nodes.add(node(u"edge-east"_s, NodeRole::Edge, NodeState::Running));
    nodes.add(node(u"compute-a"_s, NodeRole::Compute, NodeState::Running));
    nodes.add(node(u"edge-west"_s, NodeRole::Edge, NodeState::Running));
    MainWindow window(m_console->services());
    auto *filter = window.findChild<QLineEdit *>(u"nodesFilterEdit"_s);
    auto *table = window.findChild<QTableView *>(u"nodesTable"_s);
    QTest::keyClicks(filter, u"edge"_s);
    QCOMPARE(table->model()->rowCount(), 2);
    filter->clear();
    QCOMPARE(table->model()->rowCount(), 3);
}

void TestMainWindow::layoutIsRemembered()
{
    {
        MainWindow window(m_console->services());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.resize(913, 611);
        window.showPane(MainWindow::Pane::NodeDetail);
        QTRY_COMPARE(window.size(), QSize(913, 611));
        window.close();
    }
    MainWindow reopened(m_console->services());
    QCOMPARE(reopened.currentPane(), MainWindow::Pane::NodeDetail);
    QCOMPARE(reopened.size(), QSize(913, 611));
}

void TestMainWindow::screenshotWithTheLocalDemoCluster()
{
    m_console->fleet().monitor->setInterval(std::chrono::milliseconds(200));
    LocalCluster cluster(
        m_console->fleet().nodes, QStringLiteral(RUNE_AGENT_BINARY), m_console->dir.filePath(u"demo"_s));
    MainWindow window(m_console->services());
    window.resize(1100, 520);
    window.showPane(MainWindow::Pane::Nodes);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    cluster.start(LocalCluster::defaultLayout());
    m_console->console->start();

    auto *table = window.findChild<QTableView *>(u"nodesTable"_s);
    const QString cores = QString::number(QThread::idealThreadCount());
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() == 4 && table->model()->index(3, 4).data().toString() == cores
            && table->model()->index(3, 3).data().toString() == u"Running"_s,
        15000);
    const QString dir = QCoreApplication::applicationDirPath() + u"/screenshots"_s;
    QDir().mkpath(dir);
    QVERIFY(window.grab().save(dir + u"/nodes.png"_s));
    for (auto pane : {MainWindow::Pane::Overview, MainWindow::Pane::NodeDetail, MainWindow::Pane::Functions}) {
        window.showPane(pane);
        QVERIFY(window.grab().save(dir + u"/pane-%1.png"_s.arg(int(pane))));
    }
}

void TestMainWindow::settingsPaneShowsEverySetting()
{
    MainWindow window(m_console->services());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showPane(MainWindow::Pane::Settings);
    auto *panes = window.findChild<QStackedWidget *>(u"panes"_s);
    QCOMPARE(panes->currentWidget(), window.settingsPane());
    // Real content, not only its name: the settings in use, editable, and the file they live in.
    auto *poll = window.settingsPane()->findChild<QLineEdit *>(u"settingEditor_monitoring_pollIntervalMs"_s);
    QVERIFY(poll);
    QVERIFY(poll->isVisible());
    QCOMPARE(poll->text(), u"1000"_s);
    auto *file = window.settingsPane()->findChild<QLabel *>(u"settingsFileLabel"_s);
    QVERIFY2(file->text().contains(m_console->settings.fileName()), qPrintable(file->text()));
    QVERIFY(window.settingsPane()->findChild<QTableView *>(u"nodePricesTable"_s)->isVisible());
}

RUNE_TEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
