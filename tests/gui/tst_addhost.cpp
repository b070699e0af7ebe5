// SPDX-License-Identifier: GPL-3.0-or-later
// The admin's way of adding a machine, through the real window against a real sshd in a network
// namespace (tests/cluster/testcluster.sh): the Add host dialog, its connection test, the host-key
// prompt, provisioning progress to done, live figures in Node detail, and Terminate from the
// toolbar. Needs root (namespaces, test users); skipped otherwise.
#include "../cluster/testcluster.h"
#include "../common/testmain.h"
#include "agent/sshagentaccess.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "consolefixture.h"
#include "fleet/addhostdialog.h"
#include "fleet/nodeactions.h"
#include "fleet/nodedetailpane.h"
#include "fleet/nodespane.h"
#include "fleet/provisioningmodel.h"
#include "fleet/provisioningpanel.h"
#include "metrics/fleetmetrics.h"
#include "metrics/metrichistory.h"
#include "provision/nodeoperations.h"
#include "provision/nodesessions.h"
#include "settings/settings.h"
#include "shell/guiprompter.h"
#include "shell/mainwindow.h"
#include "ssh/libsshtransport.h"
#include "widgets/metricchart.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTableView>
#include <QToolBar>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::test;
using rune::views::MainWindow;

class TestAddHost final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void addAndProvisionThroughTheDialog();
    void liveFiguresInNodeDetail();
    void actionsFollowTheNodesState();
    void terminateFromTheToolbar();

private:
    template <typename T> T *waitForDialog(const QString &name);
    const Node *addedNode() const;
    QString save(QWidget *widget, const QString &name);

    std::unique_ptr<TestCluster> m_cluster;
    views::GuiPrompter m_prompter;
    std::unique_ptr<test::ConsoleFixture> m_console;
    std::unique_ptr<MainWindow> m_window;
};

template <typename T> T *TestAddHost::waitForDialog(const QString &name)
{
    T *found = nullptr;
    (void)QTest::qWaitFor(
        [&] {
            for (QWidget *widget : QApplication::topLevelWidgets()) {
                found = widget->objectName() == name ? qobject_cast<T *>(widget) : widget->findChild<T *>(name);
                if (found && found->isVisible())
                    return true;
            }
            found = nullptr;
            return false;
        },
        20000);
    return found;
}

const Node *TestAddHost::addedNode() const
{
    for (const Node &node : m_console->fleet().nodes->nodes()) {
        if (node.name == u"edge-east"_s)
            return &node;
    }
    return nullptr;
}

QString TestAddHost::save(QWidget *widget, const QString &name)
{
    const QString dir = QCoreApplication::applicationDirPath() + u"/screenshots"_s;
    QDir().mkpath(dir);
    return widget->grab().save(dir + u'/' + name + u".png"_s) ? name : QString();
}

void TestAddHost::initTestCase()
{
    m_cluster = std::make_unique<TestCluster>(QStringList {u"compute1"_s});
    if (!m_cluster->isUp())
        QSKIP(qPrintable(m_cluster->error()));
    // The console as app/main.cpp composes it, with the real SSH transport to the test cluster.
    ConsoleEdges edges;
    // Each node of the test cluster installs under its own root, as its own agent user.
    edges.provisioning.agentBinary = QStringLiteral(RUNE_AGENT_BINARY);
    edges.provisioning.installRoot = m_cluster->dir() + u"/nodes/%n"_s;
    edges.provisioning.agentUser = m_cluster->env(u"RUNE_TEST_PREFIX"_s) + u"%n"_s;
    edges.provisioning.healthTimeout = std::chrono::seconds(15);
    edges.provisioning.commandTimeout = std::chrono::seconds(60);
    edges.connectTo = [this, sshOptions = m_cluster->options()](
                          const SshTarget &target) -> std::unique_ptr<SshTransport> {
        return std::make_unique<LibsshTransport>(target, sshOptions, &m_prompter);
    };
    edges.prompter = &m_prompter;
    m_console = std::make_unique<test::ConsoleFixture>(edges);
    NodeMonitor *monitor = m_console->fleet().monitor;
    monitor->setInterval(std::chrono::milliseconds(300));
    monitor->setBackgroundInterval(std::chrono::milliseconds(300));
    m_window = std::make_unique<MainWindow>(m_console->services());
    m_prompter.setWindow(m_window.get());
    m_window->resize(1280, 800);
    m_window->showPane(MainWindow::Pane::Nodes);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_console->console->start();
}

void TestAddHost::cleanupTestCase()
{
    m_window.reset();
    m_console.reset();
    m_cluster.reset();
}

void TestAddHost::addAndProvisionThroughTheDialog()
{
    views::NodesPane *pane = m_window->nodesPane();
    pane->toolBar()->findChild<QAction *>(u"addHostAction"_s)->trigger();
    auto *dialog = waitForDialog<views::AddHostDialog>(u"addHostDialog"_s);
    QVERIFY(dialog);
    auto *add = dialog->findChild<QPushButton *>(u"addButton"_s);
    QVERIFY(!add->isEnabled()); // nothing entered yet
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"hostEdit"_s), m_cluster->address(u"compute1"_s));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"userEdit"_s), m_cluster->user());
    dialog->findChild<QRadioButton *>(u"keyRadio"_s)->setChecked(true);
    dialog->findChild<QLineEdit *>(u"keyEdit"_s)->setText(m_cluster->key());
    auto *role = dialog->findChild<QComboBox *>(u"roleCombo"_s);
    role->setCurrentIndex(role->findText(u"edge"_s));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"labelsEdit"_s), u"rack-9, east"_s);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"nameEdit"_s), u"edge-east"_s);
    QVERIFY(add->isEnabled());

    // Testing the connection meets the unknown host key: the admin sees its real fingerprint.
    QSignalSpy tested(dialog, &views::AddHostDialog::tested);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"testConnectionButton"_s), Qt::LeftButton);
    auto *hostKey = waitForDialog<QMessageBox>(u"hostKeyDialog"_s);
    QVERIFY(hostKey);
    QVERIFY2(hostKey->text().contains(m_cluster->hostFingerprint(u"compute1"_s)), qPrintable(hostKey->text()));
    QVERIFY(hostKey->text().contains(m_cluster->address(u"compute1"_s)));
    save(hostKey, u"dialog-host-key-real"_s);
    QTest::mouseClick(hostKey->findChild<QPushButton *>(u"acceptHostKeyButton"_s), Qt::LeftButton);
    QVERIFY(tested.wait(20000));
    QVERIFY2(tested.at(0).at(0).toBool(), qPrintable(tested.at(0).at(1).toString()));
    auto *result = dialog->findChild<QLabel *>(u"testResultLabel"_s);
    QVERIFY2(result->text().contains(u"Connected"_s), qPrintable(result->text()));
    QVERIFY2(result->text().contains(u"sudo"_s), qPrintable(result->text())); // not root: through sudo
    save(dialog, u"dialog-add-host-tested"_s);

    // Add, with "provision now" ticked: the panel shows the host's progress until it is done.
    QTest::mouseClick(add, Qt::LeftButton);
    QTRY_VERIFY(addedNode());
    const QString id = addedNode()->id;
    QCOMPARE(addedNode()->role, NodeRole::Edge);
    QCOMPARE(addedNode()->labels, (QStringList {u"rack-9"_s, u"east"_s}));
    views::ProvisioningPanel *panel = pane->provisioningPanel();
    QTRY_VERIFY(panel->isVisible());
    views::ProvisioningModel *progress = panel->model();
    QCOMPARE(progress->rowCount(), 1);
    QList<int> percents;
    const auto watching = connect(progress, &QAbstractItemModel::dataChanged, this, [&] {
        percents << progress->at(0).percent;
    });
    QTRY_VERIFY_WITH_TIMEOUT(progress->at(0).outcome != views::ProvisioningModel::Outcome::Queued
            && progress->at(0).outcome != views::ProvisioningModel::Outcome::Running,
        45000);
    disconnect(watching);
    QVERIFY2(progress->at(0).outcome == views::ProvisioningModel::Outcome::Done, qPrintable(progress->at(0).error));
    QCOMPARE(progress->index(0, views::ProvisioningModel::Progress).data().toString(), u"done"_s);
    QVERIFY(std::is_sorted(percents.begin(), percents.end()));
    QVERIFY(percents.size() > 3 && percents.first() < 100);
    const QString log = panel->logView()->toPlainText();
    QVERIFY2(log.contains(u"Uploading"_s) && log.contains(u"Provision done."_s), qPrintable(log));
    QCOMPARE(m_console->fleet().nodes->find(id)->state, NodeState::Running);
    // The host key was asked once, at the test: provisioning met a known host.
    QVERIFY(!m_prompter.isAsking());
    save(m_window.get(), u"nodes-provisioned"_s);
}

void TestAddHost::liveFiguresInNodeDetail()
{
    const Node *node = addedNode();
    QVERIFY(node);
    m_window->showNode(node->id);
    views::NodeDetailPane *detail = m_window->detailPane();
    QCOMPARE(detail->node(), node->id);
    // Through the SSH tunnel, the monitor reads the node's figures every poll.
    QTRY_VERIFY_WITH_TIMEOUT(detail->chart(views::NodeDetailPane::Cpu)->pointCount() >= 3, 15000);
    QVERIFY(detail->chart(views::NodeDetailPane::Memory)->lastValue() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(detail->fact(u"role"_s), u"edge"_s, 5000);
    QVERIFY(detail->fact(u"cores"_s).toInt() > 0);
    QVERIFY(!detail->fact(u"hostname"_s).isEmpty() && detail->fact(u"hostname"_s) != u"—"_s);
    QCOMPARE(detail->fact(u"labels"_s), u"rack-9, east"_s);
    QVERIFY(m_console->fleet().metrics->latest(node->id));
    QTRY_VERIFY_WITH_TIMEOUT(detail->chart(views::NodeDetailPane::Cpu)->pointCount() >= 12, 15000);
    save(m_window.get(), u"node-detail-remote"_s);
}

void TestAddHost::actionsFollowTheNodesState()
{
    m_window->showPane(MainWindow::Pane::Nodes);
    views::NodesPane *pane = m_window->nodesPane();
    QTableView *table = pane->table();
    table->selectRow(0);
    views::NodeActions *actions = pane->actions();
    // Running: it can be suspended or terminated, not provisioned again; the tooltip says why.
    QAction *provision = actions->action(NodeAction::Provision);
    QVERIFY(!provision->isEnabled());
    QVERIFY2(provision->toolTip().contains(u"already provisioned"_s), qPrintable(provision->toolTip()));
    QVERIFY(actions->action(NodeAction::Suspend)->isEnabled());
    QVERIFY(!actions->action(NodeAction::Resume)->isEnabled());
    QVERIFY(actions->action(NodeAction::Terminate)->isEnabled());
    QVERIFY(!actions->removeAction()->isEnabled());
    QVERIFY2(actions->removeAction()->toolTip().contains(u"terminate it first"_s),
        qPrintable(actions->removeAction()->toolTip()));
}

void TestAddHost::terminateFromTheToolbar()
{
    const QString id = addedNode()->id;
    m_window->nodesPane()->table()->selectRow(0);
    m_window->nodesPane()->actions()->action(NodeAction::Terminate)->trigger();
    auto *confirm = waitForDialog<QMessageBox>(u"confirmDialog"_s);
    QVERIFY(confirm);
    QAbstractButton *yes = nullptr;
    for (QAbstractButton *button : confirm->buttons()) {
        if (confirm->buttonRole(button) == QMessageBox::DestructiveRole)
            yes = button;
    }
    QVERIFY(yes);
    QTest::mouseClick(yes, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_console->fleet().nodes->find(id)->state, NodeState::Terminated, 30000);
    // Terminated: now it may leave the list.
    m_window->nodesPane()->table()->selectRow(0);
    QTRY_VERIFY(m_window->nodesPane()->actions()->removeAction()->isEnabled());
}

RUNE_TEST_MAIN(TestAddHost)
#include "tst_addhost.moc"
