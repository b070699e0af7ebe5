// SPDX-License-Identifier: GPL-3.0-or-later
// The Scaling pane on the local demo cluster (real agents): a function that idles to zero after
// two seconds is loaded from the pane's Load button, its replicas rise in the chart and a scale
// up shows in the events list and as a mark, then it scales back to zero and says so. The
// screenshot is build-gui/tests/screenshots/scaling.png.
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "consolefixture.h"
#include "demo/localcluster.h"
#include "editortesthelpers.h"
#include "functions/deployjob.h"
#include "functions/functioncatalog.h"
#include "functions/functionreleases.h"
#include "functions/functionspane.h"
#include "functions/functionworkspace.h"
#include "metrics/fleetmetrics.h"
#include "scaling/scalingchart.h"
#include "scaling/scalingdetail.h"
#include "scaling/scalingeventsmodel.h"
#include "scaling/scalingpane.h"
#include "scaling/scalingtablemodel.h"
#include "shell/mainwindow.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::test;
using namespace std::chrono_literals;

class TestScalingPane final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void scalesUpUnderLoadAndBackToZero();
    void loadCanBeCancelled();
    void settingsLinkOpensTheConfiguration();

private:
    bool hasEvent(ScalingKind kind) const;
    bool replicasAbove(const QString &nodeName, double value) const;
    QString deployPulse();

    std::unique_ptr<ConsoleFixture> m_fx;
    std::unique_ptr<views::MainWindow> m_window;
    std::unique_ptr<LocalCluster> m_cluster;
    views::ScalingPane *m_pane = nullptr;
    QString m_functionId;
    QObject m_context;
};

void TestScalingPane::initTestCase()
{
    qRegisterMetaType<LoadSummary>();
    m_fx = std::make_unique<ConsoleFixture>();
    m_fx->fleet().monitor->setInterval(250ms);
    m_fx->fleet().monitor->setBackgroundInterval(500ms);
    m_window = std::make_unique<views::MainWindow>(m_fx->services());
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    const FunctionServices &functions = m_fx->functions();
    bool loaded = false;
    functions.workspace->load(&m_context, [&loaded](Result<void> done) {
        loaded = done.has_value();
    });
    QVERIFY(waitUntil([&loaded] {
        return loaded;
    }));
    m_cluster = std::make_unique<LocalCluster>(
        functions.nodes, QStringLiteral(RUNE_AGENT_BINARY), m_fx->settings.dataDir() + u"/demo"_s);
    m_cluster->start({{u"compute-1"_s, NodeRole::Compute}, {u"compute-2"_s, NodeRole::Compute}});
    m_fx->console->start();
    QVERIFY(waitUntil(
        [this] {
            const FleetMetrics &metrics = *m_fx->fleet().metrics;
            return metrics.latest(LocalCluster::nodeId(u"compute-1"_s))
                && metrics.latest(LocalCluster::nodeId(u"compute-2"_s));
        },
        40000));
    m_functionId = deployPulse();
    QVERIFY(!m_functionId.isEmpty());
    m_window->showPane(views::MainWindow::Pane::Scaling);
    m_pane = m_window->scalingPane();
    // Deployed and never called: listed at zero all the same.
    QVERIFY(waitUntil(
        [this] {
            return m_pane->tableModel()->rowOf(u"pulse"_s) >= 0;
        },
        15000));
    m_pane->selectFunction(u"pulse"_s);
}

void TestScalingPane::cleanupTestCase()
{
    m_window.reset();
    m_cluster.reset();
    m_fx.reset();
}

QString TestScalingPane::deployPulse()
{
    const FunctionServices &functions = m_fx->functions();
    QString id;
    bool created = false;
    const FunctionTemplate *python = nullptr;
    for (const FunctionTemplate &t : functions.templates)
        python = t.id == u"python3"_s ? &t : python;
    if (!python)
        return {};
    functions.workspace->createFunction(u"demo"_s, u"pulse"_s, *python, &m_context, [&](Result<Function> made) {
        id = made ? made->id : QString();
        created = true;
    });
    if (!waitUntil([&created] {
            return created;
        })
        || id.isEmpty())
        return {};
    FunctionConfig config = functions.catalog->find(id)->config;
    config.minReplicas = 0;
    config.maxReplicas = 3;
    config.targetConcurrency = 1;
    config.idleToZeroSeconds = 2; // back to zero soon after the load
    bool saved = false;
    functions.workspace->saveConfig(id, config, &m_context, [&saved](Result<void> done) {
        saved = done.has_value();
    });
    if (!waitUntil([&saved] {
            return saved;
        }))
        return {};
    QPointer<DeployJob> job = functions.releases->deploy(
        id, {LocalCluster::nodeId(u"compute-1"_s), LocalCluster::nodeId(u"compute-2"_s)}, u"scaling test"_s);
    if (!waitUntil(
            [&job] {
                return !job || job->isFinished();
            },
            60000)
        || !job || !job->succeeded())
        return {};
    return id;
}

bool TestScalingPane::hasEvent(ScalingKind kind) const
{
    const views::ScalingEventsModel *events = m_pane->detail()->eventsModel();
    for (int row = 0; row < events->rowCount(); ++row) {
        if (events->eventAt(row).kind == kind && events->eventAt(row).function == u"pulse"_s)
            return true;
    }
    return false;
}

bool TestScalingPane::replicasAbove(const QString &nodeName, double value) const
{
    const QList<QPointF> points = m_pane->detail()->replicasChart()->linePoints(nodeName);
    return std::any_of(points.begin(), points.end(), [value](const QPointF &point) {
        return point.y() > value;
    });
}

void TestScalingPane::scalesUpUnderLoadAndBackToZero()
{
    const QString node = LocalCluster::nodeId(u"compute-1"_s);
    const QString nodeName = m_fx->fleet().nodes->find(node)->name;
    auto *title = m_pane->findChild<QLabel *>(u"scalingTitleLabel"_s);
    QCOMPARE(title->text(), u"pulse"_s);
    const QString settings = m_pane->findChild<QLabel *>(u"scalingSettingsLabel"_s)->text();
    QVERIFY2(settings.contains(u"0 – 3"_s) && settings.contains(u"2 s idle, then zero"_s), qPrintable(settings));
    // Both nodes run it: both are polled at the fast pace while the pane shows it.
    QVERIFY(waitUntil(
        [this] {
            return m_pane->visibleNodes().size() == 2;
        },
        10000));
    QVERIFY(m_pane->visibleNodes().contains(node));
    QVERIFY(!hasEvent(ScalingKind::ScaleUp));
    QVERIFY(!replicasAbove(nodeName, 0));

    auto *nodes = m_pane->findChild<QComboBox *>(u"loadNodeCombo"_s);
    nodes->setCurrentIndex(nodes->findData(node));
    QVERIFY(nodes->currentIndex() >= 0);
    m_pane->findChild<QSpinBox *>(u"loadRateSpin"_s)->setValue(40);
    m_pane->findChild<QSpinBox *>(u"loadSecondsSpin"_s)->setValue(4);
    QSignalSpy finished(m_pane, &views::ScalingPane::loadFinished);
    QTest::mouseClick(m_pane->findChild<QPushButton *>(u"loadButton"_s), Qt::LeftButton);

    QVERIFY2(waitUntil(
                 [&] {
                     return replicasAbove(nodeName, 0);
                 },
                 20000),
        qPrintable(m_pane->detail()->replicasChart()->lineNames().join(u", "_s)));
    QVERIFY(waitUntil(
        [this] {
            return hasEvent(ScalingKind::ScaleUp);
        },
        20000));
    QVERIFY(finished.wait(20000));
    const auto summary = finished.first().first().value<LoadSummary>();
    QVERIFY2(summary.totals.succeeded > 100, qPrintable(summary.sentence()));

    // Two seconds idle after the last call, and the function is at zero again.
    QVERIFY(waitUntil(
        [this] {
            return hasEvent(ScalingKind::ToZero);
        },
        30000));
    QVERIFY(waitUntil(
        [&] {
            const QList<QPointF> points = m_pane->detail()->replicasChart()->linePoints(nodeName);
            return !points.isEmpty() && points.constLast().y() == 0;
        },
        10000));
    QVERIFY(waitUntil(
        [this] {
            return m_pane->tableModel()
                       ->index(m_pane->tableModel()->rowOf(u"pulse"_s), views::ScalingTableModel::State)
                       .data()
                       .toString()
                == u"at zero"_s;
        },
        10000));
    // The events are marks on the chart's time axis: hovering one shows its reason.
    bool upMarked = false;
    for (const views::ScalingChart::Mark &mark : m_pane->detail()->replicasChart()->marks())
        upMarked |= mark.text.startsWith(u"scale up on "_s + nodeName + u": 0 -> "_s) && mark.value >= 1;
    QVERIFY(upMarked);

    const QImage shot = grabWhen(
        m_window.get(),
        [](const QImage &image) {
            return !image.isNull();
        },
        10000);
    QVERIFY(shot.save(screenshotPath(u"scaling.png"_s)));

    // The charts' figures as CSV: every node's points, with the replicas that ran.
    QTemporaryDir dir;
    QSignalSpy exported(m_pane, &views::ScalingPane::exported);
    m_pane->exportCsv(dir.filePath(u"scaling.csv"_s));
    QVERIFY(exported.wait(10000));
    QCOMPARE(exported.first().at(1).toString(), QString());
    QFile csv(dir.filePath(u"scaling.csv"_s));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(csv.readAll());
    QVERIFY(text.startsWith(
        u"time,node,function,replicas,ready,starting,in_flight,calls_per_s,queued,cold_starts_per_s"_s));
    const QRegularExpression scaledUp(u","_s + QRegularExpression::escape(nodeName) + u",pulse,[1-9]"_s);
    QVERIFY2(text.contains(scaledUp), qPrintable(text.left(2000)));
    m_pane->exportChartPng(dir.filePath(u"scaling.png"_s));
    QVERIFY(exported.wait(10000));
    QImage png(dir.filePath(u"scaling.png"_s));
    QVERIFY(!png.isNull());
}

void TestScalingPane::loadCanBeCancelled()
{
    m_pane->findChild<QSpinBox *>(u"loadRateSpin"_s)->setValue(10);
    m_pane->findChild<QSpinBox *>(u"loadSecondsSpin"_s)->setValue(120);
    QSignalSpy finished(m_pane, &views::ScalingPane::loadFinished);
    auto *load = m_pane->findChild<QPushButton *>(u"loadButton"_s);
    auto *cancel = m_pane->findChild<QPushButton *>(u"cancelLoadButton"_s);
    QVERIFY(load->isEnabled());
    QTest::mouseClick(load, Qt::LeftButton);
    QVERIFY(!load->isEnabled());
    QVERIFY(cancel->isEnabled());
    QTest::qWait(1000);
    QTest::mouseClick(cancel, Qt::LeftButton);
    // At once when no call is out, else once those are answered or the grace time is over.
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, LoadRun::cancelGraceMs + 3000);
    const auto summary = finished.first().first().value<LoadSummary>();
    QVERIFY(summary.cancelled);
    QVERIFY(summary.totals.sent < 120 * 10);
    QVERIFY(load->isEnabled());
    QVERIFY(!cancel->isEnabled());
    QVERIFY2(m_pane->findChild<QLabel *>(u"loadStatusLabel"_s)->text().startsWith(u"Cancelled"_s),
        qPrintable(m_pane->findChild<QLabel *>(u"loadStatusLabel"_s)->text()));
}

void TestScalingPane::settingsLinkOpensTheConfiguration()
{
    auto *link = m_pane->findChild<QLabel *>(u"configureLink"_s);
    QVERIFY(link->isVisible());
    Q_EMIT link->linkActivated(u"configure"_s);
    QCOMPARE(m_window->currentPane(), views::MainWindow::Pane::Functions);
    QCOMPARE(m_window->functionsPane()->currentFunctionId(), m_functionId);
    QCOMPARE(m_window->functionsPane()->tabs()->currentIndex(), int(views::FunctionsPane::Tab::Configuration));
}

RUNE_TEST_MAIN(TestScalingPane)
#include "tst_scalingpane.moc"
