// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/localcluster.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "fleet/nodespane.h"
#include "settings/settings.h"
#include "shell/mainwindow.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
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
    void hasTheNavigationOfTheDesign();
    void nodesPaneShowsTheInstanceList();
    void shortcutsSwitchPanes();
    void filterNarrowsTheList();
    void layoutIsRemembered();
    void screenshotWithTheLocalDemoCluster();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Settings> m_settings;
};

void TestMainWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<Settings>(m_dir->filePath(u"rune.conf"_s));
    m_settings->setValue(Settings::Key::DataDir, m_dir->filePath(u"data"_s));
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
    NodeList nodes;
    MainWindow window(m_settings.get(), &nodes);
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
            u"Scaling"_s,
            u"Benchmarks"_s,
            u"Cost"_s,
            u"Settings"_s}));
    auto *panes = window.findChild<QStackedWidget *>(u"panes"_s);
    QCOMPARE(panes->count(), navigation->count());
    navigation->setCurrentRow(3);
    QCOMPARE(panes->currentIndex(), 3);
}

void TestMainWindow::nodesPaneShowsTheInstanceList()
{
    NodeList nodes;
    nodes.add(node(u"ctl"_s, NodeRole::Controller, NodeState::Running));
    nodes.add(node(u"c1"_s, NodeRole::Compute, NodeState::Failed));
    MainWindow window(m_settings.get(), &nodes);
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
    NodeList nodes;
    MainWindow window(m_settings.get(), &nodes);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.activateWindow();
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_4));
    QCOMPARE(window.currentPane(), MainWindow::Pane::Functions);
    QTest::keySequence(&window, QKeySequence(Qt::CTRL | Qt::Key_1));
    QCOMPARE(window.currentPane(), MainWindow::Pane::Overview);
    QTest::keySequence(&window, QKeySequence::Find);
    QCOMPARE(window.currentPane(), MainWindow::Pane::Nodes);
}

void TestMainWindow::filterNarrowsTheList()
{
    NodeList nodes;
    nodes.add(node(u"edge-east"_s, NodeRole::Edge, NodeState::Running));
    nodes.add(node(u"compute-a"_s, NodeRole::Compute, NodeState::Running));
    nodes.add(node(u"edge-west"_s, NodeRole::Edge, NodeState::Running));
    MainWindow window(m_settings.get(), &nodes);
    auto *filter = window.findChild<QLineEdit *>(u"nodesFilterEdit"_s);
    auto *table = window.findChild<QTableView *>(u"nodesTable"_s);
    QTest::keyClicks(filter, u"edge"_s);
    QCOMPARE(table->model()->rowCount(), 2);
    filter->clear();
    QCOMPARE(table->model()->rowCount(), 3);
}

void TestMainWindow::layoutIsRemembered()
{
    NodeList nodes;
    {
        MainWindow window(m_settings.get(), &nodes);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.resize(913, 611);
        window.showPane(MainWindow::Pane::Cost);
        QTRY_COMPARE(window.size(), QSize(913, 611));
        window.close();
    }
    MainWindow reopened(m_settings.get(), &nodes);
    QCOMPARE(reopened.currentPane(), MainWindow::Pane::Cost);
    QCOMPARE(reopened.size(), QSize(913, 611));
}

void TestMainWindow::screenshotWithTheLocalDemoCluster()
{
    NodeList nodes;
    NodeMonitor monitor(&nodes);
    monitor.setInterval(std::chrono::milliseconds(200));
    LocalCluster cluster(&nodes, QStringLiteral(RUNE_AGENT_BINARY), m_dir->filePath(u"demo"_s));
    MainWindow window(m_settings.get(), &nodes);
    window.resize(1100, 520);
    window.showPane(MainWindow::Pane::Nodes);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    cluster.start(LocalCluster::defaultLayout());
    monitor.start();

    auto *table = window.findChild<QTableView *>(u"nodesTable"_s);
    const QString cores = QString::number(QThread::idealThreadCount());
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() == 4 && table->model()->index(3, 4).data().toString() == cores
            && table->model()->index(3, 3).data().toString() == u"Running"_s,
        15000);
    const QString dir = QCoreApplication::applicationDirPath() + u"/screenshots"_s;
    QDir().mkpath(dir);
    QVERIFY(window.grab().save(dir + u"/nodes.png"_s));
    for (auto pane : {MainWindow::Pane::Overview, MainWindow::Pane::Functions}) {
        window.showPane(pane);
        QVERIFY(window.grab().save(dir + u"/pane-%1.png"_s.arg(int(pane))));
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
