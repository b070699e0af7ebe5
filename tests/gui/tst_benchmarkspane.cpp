// SPDX-License-Identifier: GPL-3.0-or-later
// The Benchmarks pane on the demo cluster's four real agents, composed as app/main.cpp composes
// the console: Run measures cpu, memory and rtt on every running node, the figures appear in the
// bar charts, the heat map and Node detail's Host tab and are stored; Cancel stops the runs; a
// busy node says which run is in its way; CSV and PNG exports write what they show. Screenshots
// of the charts go to build/tests/screenshots/.
#include "../common/testmain.h"
#include "benchmarks/benchmarkcharts.h"
#include "benchmarks/benchmarkclient.h"
#include "benchmarks/benchmarkformat.h"
#include "benchmarks/benchmarkresults.h"
#include "benchmarks/benchmarksession.h"
#include "benchmarks/benchmarkspane.h"
#include "benchmarks/rttheatmap.h"
#include "benchprotocol.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "consolefixture.h"
#include "demo/localcluster.h"
#include "editortesthelpers.h"
#include "fleet/nodedetailpane.h"
#include "shell/mainwindow.h"
#include "store/store.h"

#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::waitUntil;

namespace
{

namespace p = protocol::benchparams;
namespace t = protocol::benchtests;
namespace m = protocol::benchmetrics;

QString latin(const char *text)
{
    return QString::fromLatin1(text);
}

QString id(const QString &name)
{
    return LocalCluster::nodeId(name);
}

bool allRunning(const NodeList &nodes, int count)
{
    if (nodes.count() < count)
        return false;
    for (const Node &node : nodes.nodes()) {
        if (node.state != NodeState::Running)
            return false;
    }
    return true;
}

/** The cells of @p map with a figure; every figure arrives as its node's runs end. */
int measuredPairs(const views::RttHeatMap &map)
{
    int count = 0;
    for (int from = 0; from < map.nodeNames().size(); ++from) {
        for (int to = 0; to < map.nodeNames().size(); ++to)
            count += map.cell(from, to).has_value();
    }
    return count;
}

} // namespace

class TestBenchmarksPane final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void runMeasuresEveryRunningNode();
    void exportsWriteWhatIsShown();
    void cancelStopsEveryRun();
    void busyNodeSaysWhichRun();

private:
    views::BenchmarksPane *pane() const;
    bool runPlan(int timeoutMs);

    std::unique_ptr<test::ConsoleFixture> m_fx;
    std::unique_ptr<LocalCluster> m_cluster;
    std::unique_ptr<views::MainWindow> m_window;
};

void TestBenchmarksPane::initTestCase()
{
    m_fx = std::make_unique<test::ConsoleFixture>();
    const ConsoleServices &services = m_fx->services();
    services.fleet.monitor->setInterval(std::chrono::milliseconds(200));
    services.benchmarks.session->setPollInterval(std::chrono::milliseconds(150));
    m_window = std::make_unique<views::MainWindow>(services);
    m_window->resize(1400, 900);
    m_window->show();
    m_cluster = std::make_unique<LocalCluster>(
        services.fleet.nodes, QStringLiteral(RUNE_AGENT_BINARY), m_fx->settings.dataDir() + u"/demo"_s);
    m_cluster->start(LocalCluster::defaultLayout());
    m_fx->console->start();
    QVERIFY(waitUntil(
        [this] {
            return allRunning(*m_fx->services().fleet.nodes, 4);
        },
        30000));
}

void TestBenchmarksPane::cleanupTestCase()
{
    m_window.reset();
    m_cluster.reset();
    m_fx.reset();
}

views::BenchmarksPane *TestBenchmarksPane::pane() const
{
    return m_window->benchmarksPane();
}

bool TestBenchmarksPane::runPlan(int timeoutMs)
{
    BenchmarkSession *session = m_fx->services().benchmarks.session;
    QSignalSpy finished(session, &BenchmarkSession::finished);
    if (!pane()->runButton()->isEnabled())
        return false;
    QTest::mouseClick(pane()->runButton(), Qt::LeftButton);
    return session->isRunning() && finished.wait(timeoutMs);
}

void TestBenchmarksPane::runMeasuresEveryRunningNode()
{
    m_window->showPane(views::MainWindow::Pane::Benchmarks);
    views::BenchmarksPane *benchmarks = pane();
    // Every running node is chosen unless the user says otherwise.
    const QStringList all {id(u"controller"_s), id(u"compute-1"_s), id(u"compute-2"_s), id(u"edge-1"_s)};
    const auto chosen = [benchmarks] {
        QStringList ids = benchmarks->checkedNodes();
        ids.sort();
        return ids;
    };
    QStringList sortedAll = all;
    sortedAll.sort();
    QTRY_COMPARE(chosen(), sortedAll);
    for (const QString &test : views::benchmarkTests())
        benchmarks->setTestChecked(test, test == latin(t::cpu) || test == latin(t::memory) || test == latin(t::rtt));
    benchmarks->findChild<QSpinBox *>(u"benchmarkSeconds"_s)->setValue(1);
    benchmarks->setExtraParameters(latin(t::cpu), {{latin(p::maxPrime), 2000}});
    benchmarks->setExtraParameters(latin(t::memory), {{latin(p::bufferMiB), protocol::benchlimits::minBufferMiB}});
    benchmarks->setExtraParameters(latin(t::rtt), {{latin(p::probes), 10}});
    QSignalSpy shown(benchmarks, &views::BenchmarksPane::figuresShown);

    BenchmarkSession *session = m_fx->services().benchmarks.session;
    QSignalSpy finished(session, &BenchmarkSession::finished);
    QTest::mouseClick(benchmarks->runButton(), Qt::LeftButton);
    QVERIFY(session->isRunning());
    QVERIFY(!benchmarks->runButton()->isEnabled());
    QVERIFY(benchmarks->cancelButton()->isEnabled());
    // A bar per node and test, moving while the tests run.
    for (const QString &node : all) {
        for (const QString &test : {latin(t::cpu), latin(t::memory), latin(t::rtt)})
            QVERIFY2(benchmarks->progressBar(node, test), qPrintable(node + u" "_s + test));
    }
    QVERIFY(waitUntil(
        [&] {
            return benchmarks->progressBar(id(u"compute-1"_s), latin(t::cpu))->value() > 0;
        },
        20000));
    QVERIFY(finished.wait(90000));
    for (const BenchmarkSession::Step &step : session->steps())
        QVERIFY2(step.state == BenchmarkSession::StepState::Done,
            qPrintable(step.nodeId + u" "_s + step.test + u": "_s + step.error));
    QCOMPARE(benchmarks->progressBar(id(u"edge-1"_s), latin(t::rtt))->value(), 100);
    QVERIFY(benchmarks->nodeProblem(id(u"edge-1"_s)).isEmpty());
    QVERIFY(benchmarks->statusText().contains(u"12 done"_s));

    // The bar charts: a group per node, single and all cores side by side.
    QVERIFY(waitUntil(
        [&] {
            return benchmarks->barChart(latin(t::rtt)) == nullptr
                && benchmarks->barChart(latin(t::cpu))->categories().size() == 4
                && benchmarks->barChart(latin(t::memory))->categories().size() == 4
                && benchmarks->heatMap()->nodeNames().size() == 4 && measuredPairs(*benchmarks->heatMap()) == 12;
        },
        10000));
    views::BenchmarkBarChart *cpu = benchmarks->barChart(latin(t::cpu));
    // In the fleet's order, which is the order the agents came up in.
    QStringList names = cpu->categories();
    names.sort();
    QCOMPARE(names, QStringList({u"compute-1"_s, u"compute-2"_s, u"controller"_s, u"edge-1"_s}));
    const int compute1 = int(cpu->categories().indexOf(u"compute-1"_s));
    for (int node = 0; node < 4; ++node) {
        QVERIFY(cpu->value(0, node) > 0);
        QVERIFY(cpu->value(1, node) > 0);
        QVERIFY(benchmarks->barChart(latin(t::memory))->value(0, node) > 0);
    }
    const QString tooltip = cpu->tooltipText(1, compute1);
    QVERIFY2(
        tooltip.startsWith(u"compute-1 · CPU all cores: "_s) && tooltip.endsWith(u"events/s"_s), qPrintable(tooltip));
    QVERIFY(benchmarks->barChart(latin(t::db))->isEmpty());

    // The heat map: every ordered pair measured, none against itself, the slowest named.
    views::RttHeatMap *map = benchmarks->heatMap();
    for (int from = 0; from < 4; ++from) {
        for (int to = 0; to < 4; ++to)
            QCOMPARE(map->cell(from, to).has_value(), from != to);
    }
    QVERIFY2(map->slowestText().startsWith(u"Slowest: "_s), qPrintable(map->slowestText()));

    // Stored: 4 nodes × (2 cpu + 2 memory + 4 rtt metrics × 3 peers).
    Store *store = m_fx->console->store();
    m_fx->services().benchmarks.results->flush();
    const auto latest = store->latestBenchmarks();
    QVERIFY2(latest, latest ? "" : qPrintable(latest.error().message));
    QCOMPARE(latest->size(), 4 * (2 + 2 + 4 * 3));

    // Node detail's Host tab has the node's latest figures, a line per test.
    m_window->showNode(id(u"compute-2"_s));
    views::NodeDetailPane *detail = m_window->detailPane();
    QVERIFY(waitUntil(
        [&] {
            return detail->fact(u"benchmarks"_s).startsWith(u"CPU "_s);
        },
        5000));
    const QStringList lines = detail->fact(u"benchmarks"_s).split(u'\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY2(lines[0].contains(u"events/s single"_s) && lines[0].contains(u"all cores"_s)
            && lines[0].contains(u"measured"_s),
        qPrintable(lines[0]));
    QVERIFY2(lines[1].startsWith(u"Memory "_s) && lines[1].contains(u"/s read"_s), qPrintable(lines[1]));
    QVERIFY2(lines[2].startsWith(u"RTT avg "_s) && lines[2].contains(u"to 3 nodes"_s), qPrintable(lines[2]));
    QCOMPARE(detail->fact(u"gpus"_s), u"none"_s); // the demo nodes have none, and their agents say so
    auto *tabs = detail->findChild<QTabWidget *>(u"detailTabs"_s);
    tabs->setCurrentIndex(1);
    QTest::qWait(200);
    // The Host tab's page as a whole: the figures are its last row, below the fold of the window.
    QWidget *facts = detail->findChild<QLabel *>(u"fact_benchmarks"_s)->parentWidget();
    QVERIFY(facts->grab().save(test::screenshotPath(u"benchmarks-host-tab.png"_s)));

    // A second cpu run on one node: its history has two points per cpu metric.
    m_window->showPane(views::MainWindow::Pane::Benchmarks);
    for (const QString &node : all)
        benchmarks->setNodeChecked(node, node == id(u"compute-1"_s));
    for (const QString &test : views::benchmarkTests())
        benchmarks->setTestChecked(test, test == latin(t::cpu));
    QVERIFY(runPlan(60000));
    m_fx->services().benchmarks.results->flush();
    QSignalSpy history(benchmarks, &views::BenchmarksPane::historyShown);
    benchmarks->showHistory(id(u"compute-1"_s));
    QVERIFY(history.wait(5000));
    // cpu single and multi, memory read and write, rtt's mean.
    QCOMPARE(benchmarks->historyChart()->lineCount(), 5);
    QCOMPARE(benchmarks->historyChart()->pointCount(), 2 + 2 + 1 + 1 + 1);

    // Screenshots of what the user sees.
    benchmarks->tabs()->setCurrentIndex(views::BenchmarksPane::Comparison);
    QTest::qWait(300);
    QVERIFY(m_window->grab().save(test::screenshotPath(u"benchmarks-bars.png"_s)));
    QVERIFY(cpu->grab().save(test::screenshotPath(u"benchmarks-bars-cpu.png"_s)));
    benchmarks->tabs()->setCurrentIndex(views::BenchmarksPane::RoundTrips);
    QTest::qWait(300);
    QVERIFY(m_window->grab().save(test::screenshotPath(u"benchmarks-heatmap.png"_s)));
    benchmarks->tabs()->setCurrentIndex(views::BenchmarksPane::History);
    QTest::qWait(300);
    QVERIFY(m_window->grab().save(test::screenshotPath(u"benchmarks-history.png"_s)));
}

void TestBenchmarksPane::exportsWriteWhatIsShown()
{
    views::BenchmarksPane *benchmarks = pane();
    QTemporaryDir dir;
    QSignalSpy exported(benchmarks, &views::BenchmarksPane::exported);

    const QString csvPath = dir.filePath(u"figures.csv"_s);
    benchmarks->exportCsv(csvPath);
    QVERIFY(exported.wait(10000));
    QCOMPARE(exported.last().at(0).toString(), csvPath);
    QCOMPARE(exported.last().at(1).toString(), QString());
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = csv.readAll().split('\n');
    const auto stored = m_fx->console->store()->allBenchmarks();
    QVERIFY(stored);
    // The header, a row per stored figure, and the empty rest after the last line end.
    QCOMPARE(rows.size(), stored->size() + 2);
    QVERIFY(rows[0].startsWith("node,node_id,test,metric,value,unit,peer"));
    int cpuRows = 0;
    for (const QByteArray &row : rows)
        cpuRows += row.startsWith("compute-1,local-compute-1,cpu,");
    QCOMPARE(cpuRows, 4); // two runs, two metrics each

    int index = 0;
    for (QWidget *chart : {static_cast<QWidget *>(benchmarks->barChart(latin(t::cpu))),
             static_cast<QWidget *>(benchmarks->heatMap()),
             static_cast<QWidget *>(benchmarks->historyChart())}) {
        const QString pngPath = dir.filePath(u"chart-%1.png"_s.arg(index++));
        benchmarks->exportPng(chart, pngPath);
        QVERIFY(exported.wait(10000));
        QCOMPARE(exported.last().at(1).toString(), QString());
        const QImage image(pngPath);
        QVERIFY2(!image.isNull() && image.width() > 100 && image.height() > 100, qPrintable(pngPath));
    }
    benchmarks->exportPng(benchmarks->heatMap(), dir.filePath(u"no/such/dir/map.png"_s));
    QVERIFY(exported.wait(10000));
    QVERIFY(!exported.last().at(1).toString().isEmpty());
}

void TestBenchmarksPane::cancelStopsEveryRun()
{
    views::BenchmarksPane *benchmarks = pane();
    const QStringList chosen {id(u"compute-1"_s), id(u"compute-2"_s)};
    for (const QString &node : {id(u"controller"_s), id(u"compute-1"_s), id(u"compute-2"_s), id(u"edge-1"_s)})
        benchmarks->setNodeChecked(node, chosen.contains(node));
    for (const QString &test : views::benchmarkTests())
        benchmarks->setTestChecked(test, test == latin(t::cpu) || test == latin(t::memory));
    benchmarks->findChild<QSpinBox *>(u"benchmarkSeconds"_s)->setValue(30);
    m_fx->services().benchmarks.results->flush();
    const qsizetype storedBefore = m_fx->console->store()->allBenchmarks()->size();

    BenchmarkSession *session = m_fx->services().benchmarks.session;
    QSignalSpy finished(session, &BenchmarkSession::finished);
    QTest::mouseClick(benchmarks->runButton(), Qt::LeftButton);
    QVERIFY(waitUntil(
        [&] {
            return !session->step(chosen[0], latin(t::cpu)).runId.isEmpty()
                && !session->step(chosen[1], latin(t::cpu)).runId.isEmpty();
        },
        10000));
    const QString runId = session->step(chosen[0], latin(t::cpu)).runId;
    QTest::mouseClick(benchmarks->cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(15000)); // the cpu runs alone would take a minute
    for (const QString &node : chosen) {
        QCOMPARE(session->step(node, latin(t::cpu)).state, BenchmarkSession::StepState::Cancelled);
        QCOMPARE(session->step(node, latin(t::memory)).state, BenchmarkSession::StepState::Cancelled);
        QCOMPARE(benchmarks->progressBar(node, latin(t::memory))->format(), u"cancelled"_s);
    }
    QVERIFY(benchmarks->statusText().contains(u"4 cancelled"_s));
    QVERIFY(benchmarks->runButton()->isEnabled());
    QVERIFY(!benchmarks->cancelButton()->isEnabled());

    // The agent stopped the run, and nothing was stored for it.
    const Node *node = m_fx->services().fleet.nodes->find(chosen[0]);
    BenchmarkClient client(m_fx->console->network(),
        AgentAddress {node->id, QUrl(u"http://127.0.0.1:%1"_s.arg(node->agent.controlPort)), {}, node->agent.token});
    std::optional<Result<BenchmarkRun>> run;
    client.fetch(runId, this, [&run](Result<BenchmarkRun> answer) {
        run = std::move(answer);
    });
    QVERIFY(waitUntil(
        [&] {
            return run.has_value();
        },
        5000));
    QVERIFY2(*run, *run ? "" : qPrintable(run->error().message));
    QCOMPARE((*run)->state, BenchmarkRun::State::Cancelled);
    m_fx->services().benchmarks.results->flush();
    QCOMPARE(m_fx->console->store()->allBenchmarks()->size(), storedBefore);
}

void TestBenchmarksPane::busyNodeSaysWhichRun()
{
    views::BenchmarksPane *benchmarks = pane();
    const Node *node = m_fx->services().fleet.nodes->find(id(u"edge-1"_s));
    BenchmarkClient client(m_fx->console->network(),
        AgentAddress {node->id, QUrl(u"http://127.0.0.1:%1"_s.arg(node->agent.controlPort)), {}, node->agent.token});
    // Another console measures edge-1 meanwhile.
    std::optional<Result<BenchmarkRun>> other;
    client.start(latin(t::cpu), {{latin(p::seconds), 20}}, this, [&other](Result<BenchmarkRun> answer) {
        other = std::move(answer);
    });
    QVERIFY(waitUntil(
        [&] {
            return other.has_value();
        },
        5000));
    QVERIFY2(*other, *other ? "" : qPrintable(other->error().message));

    for (const QString &name : {u"controller"_s, u"compute-1"_s, u"compute-2"_s, u"edge-1"_s})
        benchmarks->setNodeChecked(id(name), name == u"edge-1"_s || name == u"controller"_s);
    for (const QString &test : views::benchmarkTests())
        benchmarks->setTestChecked(test, test == latin(t::memory));
    benchmarks->findChild<QSpinBox *>(u"benchmarkSeconds"_s)->setValue(1);
    QVERIFY(runPlan(30000));
    BenchmarkSession *session = m_fx->services().benchmarks.session;
    QCOMPARE(session->step(id(u"edge-1"_s), latin(t::memory)).state, BenchmarkSession::StepState::Failed);
    QCOMPARE(session->step(id(u"controller"_s), latin(t::memory)).state, BenchmarkSession::StepState::Done);
    const QString problem = benchmarks->nodeProblem(id(u"edge-1"_s));
    QVERIFY2(problem.startsWith(u"Memory: "_s) && problem.contains((*other)->id), qPrintable(problem));
    QCOMPARE(benchmarks->progressBar(id(u"edge-1"_s), latin(t::memory))->format(), u"failed"_s);
    QVERIFY(m_window->grab().save(test::screenshotPath(u"benchmarks-busy.png"_s)));

    std::optional<Result<BenchmarkRun>> cancelled;
    client.cancel((*other)->id, this, [&cancelled](Result<BenchmarkRun> answer) {
        cancelled = std::move(answer);
    });
    QVERIFY(waitUntil(
        [&] {
            return cancelled.has_value();
        },
        5000));
    QVERIFY(*cancelled);
}

RUNE_TEST_MAIN(TestBenchmarksPane)
#include "tst_benchmarkspane.moc"
