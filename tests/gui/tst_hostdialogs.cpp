// SPDX-License-Identifier: GPL-3.0-or-later
// Adding hosts without a machine behind them: what the two dialogs accept, refuse and explain,
// and the hosts they put in the Nodes list.
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "consolefixture.h"
#include "fleet/addhostdialog.h"
#include "fleet/bulkadddialog.h"
#include "fleet/nodeactions.h"
#include "fleet/nodespane.h"
#include "fleet/nodetablemodel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::views;

class TestHostDialogs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void addHostExplainsWhatIsMissing();
    void bulkAddPreviewsAndLeavesOutDuplicates();
    void bulkAddImportsSshConfigHosts();
    void addedHostsAppearInTheList();

private:
    NodeList m_nodes;
    test::FakeNetwork m_machines;
};

void TestHostDialogs::init()
{
    m_nodes.clear();
    Node existing;
    existing.id = u"db"_s;
    existing.name = u"db"_s;
    existing.ssh = {u"10.0.0.5"_s, 22, u"ops"_s, {}};
    m_nodes.add(existing);
}

void TestHostDialogs::addHostExplainsWhatIsMissing()
{
    AddHostDialog dialog(&m_nodes, m_machines.factory());
    auto *add = dialog.findChild<QPushButton *>(u"addButton"_s);
    auto *host = dialog.findChild<QLineEdit *>(u"hostEdit"_s);
    QVERIFY(!add->isEnabled());
    QVERIFY(add->toolTip().contains(u"name or address"_s));
    host->setText(u"10.0.0.5"_s);
    QVERIFY(!add->isEnabled());
    QVERIFY2(add->toolTip().contains(u"in the fleet already, as db"_s), qPrintable(add->toolTip()));
    host->setText(u"root@10.0.0.6"_s);
    QVERIFY2(add->toolTip().contains(u"own field"_s), qPrintable(add->toolTip()));
    host->setText(u"10.0.0.6"_s);
    dialog.findChild<QLineEdit *>(u"nameEdit"_s)->setText(u"db"_s);
    QVERIFY2(add->toolTip().contains(u"named db exists"_s), qPrintable(add->toolTip()));
    dialog.findChild<QLineEdit *>(u"nameEdit"_s)->clear();
    dialog.findChild<QRadioButton *>(u"keyRadio"_s)->setChecked(true);
    QVERIFY(!add->isEnabled());
    QVERIFY(add->toolTip().contains(u"key file"_s));
    dialog.findChild<QLineEdit *>(u"keyEdit"_s)->setText(u"/keys/id"_s);
    QVERIFY(add->isEnabled());
    const Node node = dialog.node();
    QCOMPARE(node.name, u"10.0.0.6"_s);
    QCOMPARE(node.ssh.keyFile, u"/keys/id"_s);
    QCOMPARE(node.state, NodeState::Undefined);
    QVERIFY(!node.id.isEmpty());
}

void TestHostDialogs::bulkAddPreviewsAndLeavesOutDuplicates()
{
    BulkAddDialog dialog(&m_nodes);
    auto *role = dialog.findChild<QComboBox *>(u"defaultRoleCombo"_s);
    role->setCurrentIndex(role->findText(u"edge"_s));
    dialog.findChild<QLineEdit *>(u"defaultUserEdit"_s)->setText(u"admin"_s);
    dialog.editor()->setPlainText(u"10.0.0.31 compute rack-3\n"
                                  "pi@10.0.0.32:2222\n"
                                  "10.0.0.5 compute\n" // db, already there
                                  "10.0.0.31:22 edge\n" // twice in the paste
                                  "not an address at all\n"_s);
    auto *preview = dialog.findChild<QTableWidget *>(u"hostPreview"_s);
    QTRY_COMPARE(preview->rowCount(), 2);
    const QString problems = dialog.findChild<QLabel *>(u"hostProblemsLabel"_s)->text();
    QVERIFY2(problems.contains(u"Line 3: 10.0.0.5:22 is in the fleet already, as db"_s)
            || problems.contains(u"Line 3: ops@10.0.0.5:22 is in the fleet already, as db"_s),
        qPrintable(problems));
    QVERIFY2(problems.contains(u"Line 4"_s), qPrintable(problems));
    QVERIFY2(problems.contains(u"Line 5"_s), qPrintable(problems));
    QCOMPARE(dialog.findChild<QPushButton *>(u"addButton"_s)->text(), u"Add 2 host(s)"_s);
    const QList<Node> nodes = dialog.nodes();
    QCOMPARE(nodes.at(0).role, NodeRole::Compute); // the line said so
    QCOMPARE(nodes.at(0).ssh.user, u"admin"_s); // the default filled in
    QCOMPARE(nodes.at(0).labels, QStringList {u"rack-3"_s});
    QCOMPARE(nodes.at(1).role, NodeRole::Edge); // the default role
    QCOMPARE(nodes.at(1).ssh.user, u"pi"_s);
    QCOMPARE(nodes.at(1).ssh.port, 2222);
}

void TestHostDialogs::bulkAddImportsSshConfigHosts()
{
    QTemporaryDir dir;
    QFile config(dir.filePath(u"config"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("Host *\n  User nobody\nHost web1 web2\n  HostName 192.0.2.10\n  User deploy\n  Port 2022\n");
    config.close();
    BulkAddDialog dialog(&m_nodes);
    dialog.editor()->setPlainText(u"10.0.0.40 compute"_s);
    dialog.importFile(config.fileName(), true);
    // Shown as lines to edit before adding, after what was typed.
    QTRY_COMPARE(dialog.editor()->toPlainText(), u"10.0.0.40 compute\ndeploy@web1:2022\ndeploy@web2:2022"_s);
    QTRY_COMPARE(dialog.nodes().size(), 3);
    QCOMPARE(dialog.nodes().at(1).ssh.host, u"web1"_s);

    // A named pipe chosen by mistake: refused at once, not waited on; the lines stay.
    const QString pipe = dir.filePath(u"pipe"_s);
    QVERIFY(::mkfifo(QFile::encodeName(pipe).constData(), 0644) == 0);
    auto *problems = dialog.findChild<QLabel *>(u"hostProblemsLabel"_s);
    QVERIFY(problems);
    dialog.importFile(pipe, false);
    QTRY_VERIFY2(problems->text().contains(u"not a regular file"_s), qPrintable(problems->text()));
    QCOMPARE(dialog.nodes().size(), 3);
}

void TestHostDialogs::addedHostsAppearInTheList()
{
    test::ConsoleFixture console;
    NodeList &nodes = *console.fleet().nodes;
    for (const Node &node : m_nodes.nodes())
        nodes.add(node);
    NodesPane pane(console.fleet());
    pane.show();
    pane.toolBar()->findChild<QAction *>(u"addManyHostsAction"_s)->trigger();
    BulkAddDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = pane.findChild<BulkAddDialog *>()) != nullptr);
    dialog->editor()->setPlainText(u"admin@10.0.0.51 compute a\nadmin@10.0.0.52 edge b\n"_s);
    dialog->findChild<QCheckBox *>(u"provisionCheck"_s)->setChecked(false);
    QTRY_VERIFY(dialog->findChild<QPushButton *>(u"addButton"_s)->isEnabled());
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"addButton"_s), Qt::LeftButton);
    QTRY_COMPARE(nodes.count(), 3);
    QTableView *table = pane.table();
    QCOMPARE(table->model()->rowCount(), 3);
    // Not provisioned: the state says so, and Provision is what the toolbar offers.
    const QModelIndex state = table->model()->index(1, NodeTableModel::State);
    QCOMPARE(state.data().toString(), u"Undefined"_s);
    QVERIFY(state.data(Qt::ToolTipRole).toString().contains(u"Not provisioned yet"_s));
    table->selectRow(1);
    QVERIFY(pane.actions()->action(NodeAction::Provision)->isEnabled());
    QVERIFY(!pane.actions()->action(NodeAction::Suspend)->isEnabled());
    QVERIFY(pane.actions()->removeAction()->isEnabled());
}

RUNE_TEST_MAIN(TestHostDialogs)
#include "tst_hostdialogs.moc"
