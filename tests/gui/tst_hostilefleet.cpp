// SPDX-License-Identifier: GPL-3.0-or-later
// The fleet's panes (offscreen) with a real agent, a newer agent's answers (isolation warnings, a
// function that cannot start; served from the protocol fixtures by tests/core/hostilenodes.py)
// and nodes that flood, trickle and answer garbage: the window keeps turning, the hostile nodes
// carry a marker that says what is wrong, and screenshots of each pane go to
// build/tests/screenshots/.
#include "../common/testagent.h"
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "consolefixture.h"
#include "fleet/nodeattention.h"
#include "fleet/nodedetailpane.h"
#include "fleet/nodefunctionsmodel.h"
#include "fleet/nodespane.h"
#include "fleet/nodetablemodel.h"
#include "fleet/overviewmodel.h"
#include "metrics/fleetmetrics.h"
#include "shell/theme.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QProcess>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace rune;

class TestHostileFleet final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void overviewAndNodeListMarkWhatIsWrong();
    void nodeDetailSaysItInWords();

private:
    quint16 fakePort(const QString &behaviour) const;
    NodeList &nodes() const;
    FleetMetrics &metrics() const;
    static void save(QWidget *widget, const QString &name);

    QTemporaryDir m_dir;
    QProcess m_fakes;
    QHash<QString, quint16> m_ports;
    std::unique_ptr<test::TestAgent> m_agent;
    std::unique_ptr<test::ConsoleFixture> m_console;
    std::unique_ptr<views::Theme> m_theme;
};

static Node localNode(const QString &name, quint16 port, const QString &token = {})
{
    Node node;
    node.id = name;
    node.name = name;
    node.agent = AgentEndpoint {port, token, true, 0};
    node.state = NodeState::Creating;
    return node;
}

void TestHostileFleet::initTestCase()
{
    m_theme = std::make_unique<views::Theme>(qApp);
    m_theme->apply(views::ThemeChoice::Light);
    m_fakes.setProgram(u"python3"_s);
    m_fakes.setArguments({QStringLiteral(RUNE_SOURCE_DIR "/tests/core/hostilenodes.py"),
        u"newer"_s,
        u"garbage"_s,
        u"flood"_s,
        u"trickle"_s,
        u"wrong-shape"_s});
    m_fakes.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_fakes.start();
    QElapsedTimer timer;
    timer.start();
    bool ready = false;
    while (!ready && timer.elapsed() < 30000 && m_fakes.state() != QProcess::NotRunning) {
        m_fakes.waitForReadyRead(500);
        while (m_fakes.canReadLine()) {
            const QStringList words = QString::fromUtf8(m_fakes.readLine()).trimmed().split(u' ');
            ready = words.value(0) == u"ready"_s;
            m_ports.insert(words.value(0), quint16(words.value(1).toUInt()));
        }
    }
    QVERIFY(ready);
    m_agent = std::make_unique<test::TestAgent>(QStringList {}, u"token"_s);
    QVERIFY(m_agent->waitForPort());

    m_console = std::make_unique<test::ConsoleFixture>();
    NodeMonitor *monitor = m_console->fleet().monitor;
    monitor->setReplyLimits(ReplyLimits {8 * 1024 * 1024, 1500ms, 3s});
    monitor->setInterval(300ms);
    nodes().add(localNode(u"real"_s, m_agent->port(), m_agent->token()));
    for (const QString &name : {u"newer"_s, u"garbage"_s, u"flood"_s, u"trickle"_s, u"wrong-shape"_s})
        nodes().add(localNode(name, fakePort(name)));
    monitor->setWatched({u"real"_s, u"newer"_s, u"garbage"_s, u"flood"_s, u"trickle"_s, u"wrong-shape"_s});
    monitor->setFocus(u"newer"_s);
    m_console->console->start();
    // Every hostile node has shown its fault, the newer one its functions.
    QTRY_VERIFY_WITH_TIMEOUT(metrics().problem(u"trickle"_s) && metrics().problem(u"flood"_s)
            && metrics().problem(u"garbage"_s) && metrics().problem(u"wrong-shape"_s)
            && !metrics().functions(u"newer"_s).isEmpty() && nodes().find(u"newer"_s)->facts.isolation.isReported(),
        15000);
}

void TestHostileFleet::cleanupTestCase()
{
    m_console.reset();
    m_fakes.closeWriteChannel();
    if (!m_fakes.waitForFinished(3000))
        m_fakes.kill();
}

NodeList &TestHostileFleet::nodes() const
{
    return *m_console->fleet().nodes;
}

FleetMetrics &TestHostileFleet::metrics() const
{
    return *m_console->fleet().metrics;
}

quint16 TestHostileFleet::fakePort(const QString &behaviour) const
{
    return m_ports.value(behaviour);
}

void TestHostileFleet::save(QWidget *widget, const QString &name)
{
    const QString dir = QCoreApplication::applicationDirPath() + u"/screenshots"_s;
    QDir().mkpath(dir);
    QVERIFY(widget->grab().save(dir + u'/' + name + u".png"_s));
}

void TestHostileFleet::overviewAndNodeListMarkWhatIsWrong()
{
    views::OverviewModel overview(&nodes(), &metrics());
    QTableView table;
    table.setModel(&overview);
    table.resize(1100, 280);
    table.horizontalHeader()->resizeSection(views::OverviewModel::Name, 150);
    table.show();
    QTimer turns;
    int fired = 0;
    connect(&turns, &QTimer::timeout, this, [&fired] {
        ++fired;
    });
    turns.start(20);
    QTest::qWait(2000); // the hostile nodes are polled again meanwhile
    QVERIFY2(fired > 20, qPrintable(QString::number(fired))); // the window's loop kept turning
    const auto row = [this](const QString &id) {
        return int(nodes().indexOf(id));
    };
    const auto badge = [&overview](int r) {
        return overview.index(r, views::OverviewModel::Name).data(Qt::DecorationRole);
    };
    QVERIFY(!badge(row(u"real"_s)).isValid());
    QCOMPARE(overview.index(row(u"real"_s), views::OverviewModel::State).data().toString(), u"Running"_s);
    for (const QString &id : {u"newer"_s, u"garbage"_s, u"flood"_s, u"trickle"_s, u"wrong-shape"_s})
        QVERIFY2(badge(row(id)).isValid(), qPrintable(id));
    const QString newerTip =
        overview.index(row(u"newer"_s), views::OverviewModel::Name).data(Qt::ToolTipRole).toString();
    QVERIFY2(newerTip.contains(u"cgroup v2 is not available"_s), qPrintable(newerTip));
    const QString floodTip =
        overview.index(row(u"flood"_s), views::OverviewModel::State).data(Qt::ToolTipRole).toString();
    QVERIFY2(floodTip.contains(u"larger than"_s), qPrintable(floodTip));
    const QString shapeTip =
        overview.index(row(u"wrong-shape"_s), views::OverviewModel::Name).data(Qt::ToolTipRole).toString();
    QVERIFY2(shapeTip.contains(u"not the agent's protocol"_s), qPrintable(shapeTip));
    save(&table, u"hostile-overview"_s);

    views::NodesPane nodesPane(m_console->fleet());
    nodesPane.resize(1100, 420);
    nodesPane.show();
    QTest::qWait(100);
    const auto *list = nodesPane.findChild<QTableView *>(u"nodesTable"_s);
    QVERIFY(list);
    int marked = 0;
    for (int r = 0; r < list->model()->rowCount(); ++r)
        marked += list->model()->index(r, views::NodeTableModel::Name).data(Qt::DecorationRole).isValid();
    QCOMPARE(marked, 5);
    save(&nodesPane, u"hostile-nodes"_s);
}

void TestHostileFleet::nodeDetailSaysItInWords()
{
    views::NodeDetailPane detail(
        &nodes(), &metrics(), m_console->fleet().history, m_console->services().benchmarks.results);
    detail.resize(1200, 800);
    detail.show();
    detail.setNode(u"newer"_s);
    QTRY_VERIFY_WITH_TIMEOUT(detail.functionsTable()->model()->rowCount() == 2, 5000);
    QVERIFY2(detail.attentionText().contains(u"cannot keep this node's functions fully apart"_s),
        qPrintable(detail.attentionText()));
    QVERIFY2(detail.fact(u"isolation"_s).contains(u"RLIMIT_AS"_s), qPrintable(detail.fact(u"isolation"_s)));
    QVERIFY(detail.fact(u"warnings"_s).contains(u"run_as is empty"_s));
    // The function whose replicas cannot start says so, with the agent's reason.
    QAbstractItemModel *functions = detail.functionsTable()->model();
    bool seen = false;
    for (int r = 0; r < functions->rowCount(); ++r) {
        if (functions->index(r, views::NodeFunctionsModel::Name).data().toString() != u"thumbnail"_s)
            continue;
        seen = true;
        QCOMPARE(functions->index(r, views::NodeFunctionsModel::State).data().toString(), u"cannot start"_s);
        const QString tip = functions->index(r, views::NodeFunctionsModel::State).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(u"No module named 'PIL'"_s) && tip.contains(u"3 failure"_s), qPrintable(tip));
    }
    QVERIFY(seen);
    save(&detail, u"hostile-detail-newer"_s);
    auto *tabs = detail.findChild<QTabWidget *>(u"detailTabs"_s);
    QVERIFY(tabs);
    tabs->setCurrentIndex(1); // Host
    save(&detail, u"hostile-detail-newer-host"_s);
    tabs->setCurrentIndex(0);

    detail.setNode(u"flood"_s);
    QTRY_VERIFY_WITH_TIMEOUT(detail.attentionText().contains(u"larger than"_s), 5000);
    save(&detail, u"hostile-detail-flood"_s);
    detail.setNode(u"real"_s);
    QTRY_VERIFY_WITH_TIMEOUT(detail.attentionText().isEmpty(), 5000);
    QCOMPARE(nodes().find(u"real"_s)->state, NodeState::Running);
}

RUNE_TEST_MAIN(TestHostileFleet)
#include "tst_hostilefleet.moc"
