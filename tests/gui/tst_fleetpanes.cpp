// SPDX-License-Identifier: GPL-3.0-or-later
// The fleet's panes on the real local demo cluster under real calls: the Overview's live figures
// and filters, Node detail's charts, functions and events, and a screenshot of every pane and
// dialog (light and dark) in build/tests/screenshots/.
#include "../common/functions.h"
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "cluster/nodepersister.h"
#include "consolefixture.h"
#include "demo/localcluster.h"
#include "fleet/addhostdialog.h"
#include "fleet/bulkadddialog.h"
#include "fleet/nodedetailpane.h"
#include "fleet/nodespane.h"
#include "fleet/overviewmodel.h"
#include "fleet/overviewpane.h"
#include "metrics/fleetmetrics.h"
#include "shell/mainwindow.h"
#include "shell/theme.h"
#include "widgets/metricchart.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::views::MainWindow;

class TestFleetPanes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void overviewShowsLiveFiguresOfEveryNode();
    void overviewFiltersByRoleStateAndText();
    void doubleClickOpensTheNodeInDetail();
    void detailChartsFunctionsAndEventsAreLive();
    void ctrlFFiltersTheCurrentPane();
    void hourlyPriceIsSetOrRefused();
    void paneLayoutsAreRemembered();
    void screenshotsOfEveryPane();
    void nodesAddedElsewhereShowWithoutARestart();

private:
    void callFunction(int times);
    QString save(QWidget *widget, const QString &name);
    QString nodeId(const QString &name) const;

    NodeList &nodes() const;
    FleetMetrics &metrics() const;

    std::unique_ptr<test::ConsoleFixture> m_console;
    std::unique_ptr<LocalCluster> m_cluster;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<views::Theme> m_theme;
    test::FakeNetwork m_machines;
};

QString TestFleetPanes::nodeId(const QString &name) const
{
    return LocalCluster::nodeId(name);
}

NodeList &TestFleetPanes::nodes() const
{
    return *m_console->fleet().nodes;
}

FleetMetrics &TestFleetPanes::metrics() const
{
    return *m_console->fleet().metrics;
}

void TestFleetPanes::initTestCase()
{
    m_theme = std::make_unique<views::Theme>(qApp);
    m_theme->apply(views::ThemeChoice::Light);
    m_console = std::make_unique<test::ConsoleFixture>();
    m_console->fleet().monitor->setInterval(std::chrono::milliseconds(250));
    m_console->fleet().monitor->setBackgroundInterval(std::chrono::milliseconds(250));
    m_window = std::make_unique<MainWindow>(m_console->services());
    m_window->setTheme(m_theme.get());
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));

    m_cluster =
        std::make_unique<LocalCluster>(&nodes(), QStringLiteral(RUNE_AGENT_BINARY), m_console->dir.filePath(u"demo"_s));
    m_cluster->start(LocalCluster::defaultLayout());
    m_console->console->start();
    QTRY_VERIFY_WITH_TIMEOUT(nodes().count() == 4
            && std::all_of(nodes().nodes().begin(),
                nodes().nodes().end(),
                [](const Node &node) {
                    return node.state == NodeState::Running && node.facts.cores > 0;
                }),
        15000);
    const Node *compute = nodes().find(nodeId(u"compute-1"_s));
    const auto deployed = test::deployFunction(compute->agent.controlPort,
        compute->agent.token,
        u"thumbnail"_s,
        test::archiveWith(u"handler.py"_s, u"def handle(event, context):\n    return 'ok'\n"_s),
        {{u"runtime"_s, u"python3"_s}, {u"min_replicas"_s, 1}});
    QCOMPARE(deployed.status, 201);
}

void TestFleetPanes::cleanupTestCase()
{
    m_window.reset();
    m_console->fleet().monitor->stop();
    m_cluster.reset();
    m_console.reset();
}

void TestFleetPanes::callFunction(int times)
{
    const Node *compute = nodes().find(nodeId(u"compute-1"_s));
    for (int call = 0; call < times; ++call) {
        test::callFunction(compute->agent.invokePort, "GET", "/function/thumbnail");
        if (call % 10 == 0)
            QCoreApplication::processEvents();
    }
}

QString TestFleetPanes::save(QWidget *widget, const QString &name)
{
    const QString dir = QCoreApplication::applicationDirPath() + u"/screenshots"_s;
    QDir().mkpath(dir);
    const QString path = dir + u'/' + name + u".png"_s;
    if (!widget->grab().save(path))
        return {};
    return path;
}

void TestFleetPanes::overviewShowsLiveFiguresOfEveryNode()
{
    m_window->showPane(MainWindow::Pane::Overview);
    QTableView *table = m_window->overviewPane()->table();
    QCOMPARE(table->model()->rowCount(), 4);
    // Figures come in for every node: CPU, memory and disk as meters, the agent's version.
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->index(0, views::OverviewModel::Memory).data().toString() != u"—"_s, 5000);
    for (int row = 0; row < 4; ++row) {
        const QModelIndex memory = table->model()->index(row, views::OverviewModel::Memory);
        QVERIFY(memory.data(Qt::UserRole + 50).toDouble() > 0); // MeterDelegate::ValueRole
        QCOMPARE(
            table->model()->index(row, views::OverviewModel::Agent).data().toString(), QStringLiteral(RUNE_VERSION));
    }
    // Calls on compute-1 show up as its calls per second and in the fleet's total.
    auto *calls = m_window->findChild<QLabel *>(u"overviewTotal1"_s);
    QVERIFY(calls);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 8000
        && (!metrics().latest(nodeId(u"compute-1"_s))
            || metrics().latest(nodeId(u"compute-1"_s))->invocationsPerSecond <= 0))
        callFunction(20);
    QVERIFY(metrics().latest(nodeId(u"compute-1"_s))->invocationsPerSecond > 0);
    QTRY_VERIFY_WITH_TIMEOUT(calls->text() != u"0"_s, 2000);
    auto *summary = m_window->findChild<QLabel *>(u"overviewSummaryLabel"_s);
    QVERIFY2(summary->text().contains(u"Running"_s), qPrintable(summary->text()));
}

void TestFleetPanes::overviewFiltersByRoleStateAndText()
{
    m_window->showPane(MainWindow::Pane::Overview);
    QTableView *table = m_window->overviewPane()->table();
    auto *role = m_window->findChild<QComboBox *>(u"overviewRoleCombo"_s);
    auto *state = m_window->findChild<QComboBox *>(u"overviewStateCombo"_s);
    auto *filter = m_window->findChild<QLineEdit *>(u"overviewFilterEdit"_s);
    role->setCurrentIndex(role->findText(u"compute"_s));
    QCOMPARE(table->model()->rowCount(), 2);
    QTest::keyClicks(filter, u"-2"_s);
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, 0).data().toString(), u"compute-2"_s);
    filter->clear();
    role->setCurrentIndex(0);
    QTest::keyClicks(filter, u"demo"_s); // a label every demo node has
    QCOMPARE(table->model()->rowCount(), 4);
    filter->clear();
    state->setCurrentIndex(state->findText(u"Failed"_s));
    QCOMPARE(table->model()->rowCount(), 0);
    state->setCurrentIndex(0);
    QCOMPARE(table->model()->rowCount(), 4);
    // Sorting by CPU orders by the number, not the text.
    table->sortByColumn(views::OverviewModel::Cpu, Qt::DescendingOrder);
    const double first = table->model()->index(0, views::OverviewModel::Cpu).data(Qt::UserRole + 2).toDouble();
    const double last = table->model()->index(3, views::OverviewModel::Cpu).data(Qt::UserRole + 2).toDouble();
    QVERIFY(first >= last);
    table->sortByColumn(-1, Qt::AscendingOrder);
}

void TestFleetPanes::doubleClickOpensTheNodeInDetail()
{
    m_window->showPane(MainWindow::Pane::Overview);
    QTableView *table = m_window->overviewPane()->table();
    int row = 0;
    while (table->model()->index(row, 0).data().toString() != u"compute-1"_s)
        ++row;
    const QRect cell = table->visualRect(table->model()->index(row, 0));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(m_window->currentPane(), MainWindow::Pane::NodeDetail);
    QCOMPARE(m_window->detailPane()->node(), nodeId(u"compute-1"_s));
}

void TestFleetPanes::detailChartsFunctionsAndEventsAreLive()
{
    m_window->showNode(nodeId(u"compute-1"_s));
    views::NodeDetailPane *detail = m_window->detailPane();
    detail->setRange(HistoryRange::FiveMinutes);
    views::MetricChart *cpu = detail->chart(views::NodeDetailPane::Cpu);
    views::MetricChart *calls = detail->chart(views::NodeDetailPane::Calls);
    // The five minutes so far are there at once, and new samples keep coming.
    QTRY_VERIFY_WITH_TIMEOUT(cpu->pointCount() > 3, 2000);
    const int before = cpu->pointCount();
    QTRY_VERIFY_WITH_TIMEOUT(cpu->pointCount() > before + 2, 5000);
    QVERIFY(detail->chart(views::NodeDetailPane::Memory)->lastValue() > 0);
    callFunction(60);
    QTRY_VERIFY_WITH_TIMEOUT(calls->lastValue() > 0, 5000);
    QVERIFY2(calls->title().contains(u"calls "_s), qPrintable(calls->title()));
    // The functions on the node, with their replicas; the agent's events, newest first.
    QTableView *functions = detail->functionsTable();
    QTRY_COMPARE_WITH_TIMEOUT(functions->model()->rowCount(), 1, 5000);
    QCOMPARE(functions->model()->index(0, 0).data().toString(), u"thumbnail"_s);
    QCOMPARE(functions->model()->index(0, 2).data().toString(), u"PUBLISHED"_s);
    QTRY_VERIFY_WITH_TIMEOUT(functions->model()->index(0, 4).data().toString().endsWith(u"of 1"_s), 5000);
    QTableView *events = detail->eventsTable();
    QTRY_VERIFY_WITH_TIMEOUT(events->model()->rowCount() >= 1, 5000);
    QCOMPARE(events->model()->index(events->model()->rowCount() - 1, 1).data().toString(), u"deployed"_s);
    QCOMPARE(detail->fact(u"cores"_s), QString::number(QThread::idealThreadCount()));
    QCOMPARE(detail->fact(u"role"_s), u"compute"_s);
    // The hour: the averages closed so far (at least the store is asked and answers).
    detail->setRange(HistoryRange::OneHour);
    QTRY_VERIFY_WITH_TIMEOUT(cpu->pointCount() >= 0, 2000);
    detail->setRange(HistoryRange::FiveMinutes);
    QTRY_VERIFY_WITH_TIMEOUT(cpu->pointCount() > 3, 5000);
}

void TestFleetPanes::ctrlFFiltersTheCurrentPane()
{
    m_window->activateWindow();
    m_window->showPane(MainWindow::Pane::Overview);
    QTest::keySequence(m_window.get(), QKeySequence::Find);
    QCOMPARE(m_window->currentPane(), MainWindow::Pane::Overview);
    QVERIFY(m_window->findChild<QLineEdit *>(u"overviewFilterEdit"_s)->hasFocus());
    m_window->showPane(MainWindow::Pane::NodeDetail);
    QTest::keySequence(m_window.get(), QKeySequence::Find);
    QCOMPARE(m_window->currentPane(), MainWindow::Pane::Nodes);
    QVERIFY(m_window->findChild<QLineEdit *>(u"nodesFilterEdit"_s)->hasFocus());
}

void TestFleetPanes::hourlyPriceIsSetOrRefused()
{
    views::NodesPane *pane = m_window->nodesPane();
    const QString id = nodeId(u"compute-1"_s);
    QSignalSpy message(pane, &views::NodesPane::message);
    QVERIFY(pane->setHourlyPrice(id, u" 0.0850 "_s));
    QCOMPARE(nodes().find(id)->hourlyPrice, u"0.085"_s);
    QVERIFY(message.last().at(0).toString().contains(u"$0.085 an hour"_s));
    for (const QString &bad : {u"cheap"_s, u"-1"_s, u"1e3"_s, u"99999999999999999"_s}) {
        QVERIFY2(!pane->setHourlyPrice(id, bad), qPrintable(bad));
        QVERIFY(message.last().at(0).toString().contains(u"is not a price"_s));
        QCOMPARE(nodes().find(id)->hourlyPrice, u"0.085"_s); // nothing lost
    }
    QVERIFY(pane->setHourlyPrice(id, QString()));
    QVERIFY(nodes().find(id)->hourlyPrice.isEmpty());
    // The dialog the context menu opens does not block, and writes what was typed.
    pane->askHourlyPrice(id);
    auto *dialog = pane->findChild<QInputDialog *>(u"hourlyPriceDialog"_s);
    QVERIFY(dialog);
    dialog->setTextValue(u"0.12"_s);
    dialog->accept();
    QCOMPARE(nodes().find(id)->hourlyPrice, u"0.12"_s);
}

void TestFleetPanes::paneLayoutsAreRemembered()
{
    m_window->showNode(nodeId(u"edge-1"_s));
    m_window->detailPane()->setRange(HistoryRange::OneHour);
    m_window->overviewPane()->table()->horizontalHeader()->resizeSection(views::OverviewModel::Name, 222);
    m_window->close();
    {
        MainWindow again(m_console->services());
        QCOMPARE(again.currentPane(), MainWindow::Pane::NodeDetail);
        QCOMPARE(again.detailPane()->node(), nodeId(u"edge-1"_s));
        QCOMPARE(again.detailPane()->range(), HistoryRange::OneHour);
        QCOMPARE(again.overviewPane()->table()->horizontalHeader()->sectionSize(views::OverviewModel::Name), 222);
    }
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->detailPane()->setRange(HistoryRange::FiveMinutes);
    m_window->overviewPane()->table()->horizontalHeader()->resizeSection(views::OverviewModel::Name, 140);
}

void TestFleetPanes::screenshotsOfEveryPane()
{
    // A few seconds of steady calls, so the charts and figures have something to show.
    m_window->showNode(nodeId(u"compute-1"_s));
    QTimer load;
    connect(&load, &QTimer::timeout, this, [this] {
        callFunction(3);
    });
    load.start(40);
    QTest::qWait(6000);
    for (const auto &[pane, name] : {std::pair {MainWindow::Pane::Overview, u"overview"_s},
             std::pair {MainWindow::Pane::Nodes, u"nodes"_s},
             std::pair {MainWindow::Pane::NodeDetail, u"node-detail"_s}}) {
        m_window->showPane(pane);
        QTest::qWait(150);
        QVERIFY(!save(m_window.get(), name).isEmpty());
    }
    m_theme->apply(views::ThemeChoice::Dark);
    for (const auto &[pane, name] : {std::pair {MainWindow::Pane::Overview, u"overview-dark"_s},
             std::pair {MainWindow::Pane::Nodes, u"nodes-dark"_s},
             std::pair {MainWindow::Pane::NodeDetail, u"node-detail-dark"_s}}) {
        m_window->showPane(pane);
        QTest::qWait(150);
        QVERIFY(!save(m_window.get(), name).isEmpty());
    }
    m_theme->apply(views::ThemeChoice::Light);
    load.stop();

    views::AddHostDialog add(&nodes(), m_machines.factory(), m_window.get());
    add.findChild<QLineEdit *>(u"hostEdit"_s)->setText(u"10.0.0.21"_s);
    add.findChild<QLineEdit *>(u"userEdit"_s)->setText(u"admin"_s);
    add.findChild<QLineEdit *>(u"labelsEdit"_s)->setText(u"rack-2, ssd"_s);
    add.show();
    QVERIFY(!save(&add, u"dialog-add-host"_s).isEmpty());
    views::BulkAddDialog bulk(&nodes(), m_window.get());
    bulk.editor()->setPlainText(u"admin@10.0.0.31 compute rack-3\nadmin@10.0.0.32:2222 edge camera north\n"
                                "pi@[2001:db8::7] edge name=gate-cam\nbroken@@line\n"_s);
    bulk.show();
    QTest::qWait(300);
    QVERIFY(!save(&bulk, u"dialog-add-many"_s).isEmpty());
    HostKeyInfo key {u"10.0.0.21"_s,
        22,
        u"ssh-ed25519"_s,
        u"SHA256:3q2+7w0XbM8kqgGQ3UeUbs1Cj2Qb8oMZ7bKk0gq9hYc"_s,
        {},
        u"/root/.ssh/known_hosts"_s,
        HostKeyStatus::Unknown};
    bool answered = false;
    m_console->prompter.setWindow(m_window.get());
    m_console->prompter.askHostKey(key, [&answered](bool) {
        answered = true;
    });
    auto *box = m_window->findChild<QMessageBox *>(u"hostKeyDialog"_s);
    QVERIFY(box);
    QTest::qWait(100);
    QVERIFY(!save(box, u"dialog-host-key"_s).isEmpty());
    box->reject();
    QTRY_VERIFY(answered);
}

void TestFleetPanes::nodesAddedElsewhereShowWithoutARestart()
{
    m_window->showPane(MainWindow::Pane::Nodes);
    QTableView *table = m_window->nodesPane()->table();
    const int before = table->model()->rowCount();
    QVERIFY(!save(m_window.get(), u"fleet-before-command-line-add"_s).isEmpty());
    {
        // What `rune node add` does once its SSH check passed: the same Console on the same
        // settings and data directory, in a process (here: a composition) of its own.
        auto cli = Console::open(&m_console->settings, ConsoleEdges {});
        QVERIFY(cli);
        Node node;
        node.id = u"db-7-id"_s;
        node.name = u"db-7"_s;
        node.ssh = {u"192.0.2.77"_s, 22, u"ops"_s, {}};
        node.labels = {u"added-elsewhere"_s};
        QVERIFY((*cli)->services().fleet.nodes->add(node));
        (*cli)->persister()->flush();
    }
    // The window's watcher looks every second.
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), before + 1, 5000);
    QVERIFY(nodes().find(u"db-7-id"_s));
    QVERIFY(!save(m_window.get(), u"fleet-after-command-line-add"_s).isEmpty());
    QVERIFY(nodes().remove(u"db-7-id"_s));
}

RUNE_TEST_MAIN(TestFleetPanes)
#include "tst_fleetpanes.moc"
