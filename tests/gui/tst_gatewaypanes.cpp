// SPDX-License-Identifier: GPL-3.0-or-later
// The controller's gateway in the window: the console composed as app/main.cpp composes it, on
// the real local demo cluster with its sample functions; Overview and Node detail list the nodes
// the controller routes to, with the health and calls its gateway reports; screenshots in
// build/tests/screenshots/.
#include "../common/functions.h"
#include "../common/testmain.h"
#include "agent/functionagents.h"
#include "cluster/gatewaysync.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "consolefixture.h"
#include "demo/demoworkload.h"
#include "demo/localcluster.h"
#include "fleet/gatewaymodel.h"
#include "fleet/gatewaypanel.h"
#include "fleet/nodedetailpane.h"
#include "fleet/overviewpane.h"
#include "functions/functioncatalog.h"
#include "functions/functionworkspace.h"
#include "shell/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::views::GatewayModel;
using rune::views::MainWindow;

class TestGatewayPanes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void overviewListsTheRoutesWithTheirHealthAndCalls();
    void nodeDetailShowsTheGatewayOfAControllerOnly();
    void garbageFromTheControllerIsSaidInThePanel();

private:
    /** The model's rows as "node: functions (health)", sorted. */
    static QStringList rowsOf(const GatewayModel *model);
    static qint64 forwarded(const GatewayModel *model);
    QString save(QWidget *widget, const QString &name);
    QString nodeId(const QString &name) const;

    std::unique_ptr<test::ConsoleFixture> m_console;
    std::unique_ptr<LocalCluster> m_cluster;
    std::unique_ptr<DemoWorkload> m_demo;
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_dir;
};

void TestGatewayPanes::initTestCase()
{
    m_console = std::make_unique<test::ConsoleFixture>();
    const ConsoleServices &services = m_console->services();
    bool loaded = false;
    services.functions.workspace->load(this, [&](Result<void> result) {
        loaded = result.has_value();
    });
    QTRY_VERIFY(loaded);
    m_cluster = std::make_unique<LocalCluster>(
        services.fleet.nodes, QStringLiteral(RUNE_AGENT_BINARY), m_dir.filePath(u"demo"_s));
    m_demo = std::make_unique<DemoWorkload>(services.functions.workspace,
        services.functions.releases,
        services.functions.invoker,
        services.functions.nodes,
        services.functions.templates);
    m_demo->setCallInterval(std::chrono::milliseconds(0));
    QSignalSpy deployed(m_demo.get(), &DemoWorkload::samplesDeployed);
    m_window = std::make_unique<MainWindow>(services);
    m_window->resize(1400, 900);
    m_console->console->start();
    m_cluster->start(LocalCluster::defaultLayout());
    m_demo->start();
    m_window->show();
    QVERIFY(deployed.wait(90000));
}

void TestGatewayPanes::cleanupTestCase()
{
    m_window.reset();
    m_demo.reset();
    m_console->fleet().monitor->stop();
    m_cluster.reset();
    m_console.reset();
}

QStringList TestGatewayPanes::rowsOf(const GatewayModel *model)
{
    QStringList rows;
    for (int row = 0; row < model->rowCount(); ++row) {
        rows << u"%1: %2 (%3)"_s.arg(model->index(row, GatewayModel::Node).data().toString(),
            model->index(row, GatewayModel::Functions).data().toString(),
            model->index(row, GatewayModel::Health).data().toString());
    }
    rows.sort();
    return rows;
}

qint64 TestGatewayPanes::forwarded(const GatewayModel *model)
{
    qint64 sum = 0;
    for (int row = 0; row < model->rowCount(); ++row)
        sum += model->index(row, GatewayModel::Forwarded).data().toLongLong();
    return sum;
}

QString TestGatewayPanes::save(QWidget *widget, const QString &name)
{
    const QString dir = QCoreApplication::applicationDirPath() + u"/screenshots"_s;
    QDir().mkpath(dir);
    const QString path = dir + u'/' + name + u".png"_s;
    return widget->grab().save(path) ? path : QString();
}

QString TestGatewayPanes::nodeId(const QString &name) const
{
    return LocalCluster::nodeId(name);
}

void TestGatewayPanes::overviewListsTheRoutesWithTheirHealthAndCalls()
{
    m_window->showPane(MainWindow::Pane::Overview);
    views::GatewayPanel *panel = m_window->overviewPane()->gatewayPanel();
    QVERIFY(panel);
    QAbstractItemModelTester tester(panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY(panel->isVisible());
    const QStringList expected {
        u"compute-1: echo, hello (up)"_s, u"compute-2: hello (up)"_s, u"edge-1: accident, echo (up)"_s};
    QTRY_COMPARE_WITH_TIMEOUT(rowsOf(panel->model()), expected, 20000);
    QVERIFY2(panel->statusText().contains(u"routes 3 functions on 3 nodes"_s), qPrintable(panel->statusText()));

    // Calls through the controller's invoke port show up as forwarded, polled while on screen.
    const Node *controller = m_console->fleet().nodes->find(nodeId(u"controller"_s));
    QVERIFY(controller);
    // The line tells where to call the functions.
    const QString callAt = u"http://127.0.0.1:%1/function/"_s.arg(controller->agent.invokePort);
    QVERIFY2(panel->statusText().contains(callAt), qPrintable(panel->statusText()));
    // The first call may wait for its replica longer than one request waits: asked again then.
    QTRY_COMPARE_WITH_TIMEOUT(
        test::httpRequest(controller->agent.invokePort, "GET", "/function/hello/?name=Ada").status, 200, 30000);
    for (int call = 0; call < 4; ++call) {
        const auto answer = test::httpRequest(controller->agent.invokePort, "GET", "/function/hello/?name=Ada");
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.body.contains("Ada"));
    }
    QTRY_VERIFY_WITH_TIMEOUT(forwarded(panel->model()) >= 5, 10000);
    QVERIFY(!save(m_window.get(), u"gateway-overview"_s).isEmpty());
}

void TestGatewayPanes::nodeDetailShowsTheGatewayOfAControllerOnly()
{
    m_window->showNode(nodeId(u"compute-1"_s));
    views::NodeDetailPane *detail = m_window->detailPane();
    views::GatewayPanel *panel = detail->gatewayPanel();
    QVERIFY(panel);
    auto *tabs = detail->findChild<QTabWidget *>(u"detailTabs"_s);
    QVERIFY(tabs);
    QVERIFY(!tabs->isTabVisible(tabs->indexOf(panel)));

    m_window->showNode(nodeId(u"controller"_s));
    QVERIFY(tabs->isTabVisible(tabs->indexOf(panel)));
    tabs->setCurrentWidget(panel);
    QTRY_VERIFY(panel->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 3, 10000);
    QVERIFY(panel->table()->isColumnHidden(GatewayModel::Controller)); // one controller: said above
    QCOMPARE(panel->model()->index(0, GatewayModel::Address).data().toString().left(17), u"http://127.0.0.1:"_s);
    QVERIFY(!save(m_window.get(), u"gateway-node-detail"_s).isEmpty());
}

void TestGatewayPanes::garbageFromTheControllerIsSaidInThePanel()
{
    // A "controller" answering 200 with JSON that is not the agent's: only a fake can send it.
    QTcpServer garbage;
    QVERIFY(garbage.listen(QHostAddress::LocalHost, 0));
    connect(&garbage, &QTcpServer::newConnection, &garbage, [&garbage] {
        while (QTcpSocket *socket = garbage.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                if (!socket->readAll().contains("\r\n\r\n"))
                    return;
                const QByteArray body = "{\"nodes\": \"all of them\"}";
                socket->write("HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size())
                    + "\r\nConnection: close\r\n\r\n" + body);
                socket->disconnectFromHost();
            });
        }
    });
    NodeList nodes;
    Node node;
    node.id = u"c"_s;
    node.name = u"broken-controller"_s;
    node.role = NodeRole::Controller;
    node.state = NodeState::Running;
    node.agent = AgentEndpoint {garbage.serverPort(), u"t"_s, true, 0};
    nodes.add(node);
    FunctionCatalog catalog;
    catalog.markLoaded();
    QNetworkAccessManager network;
    FunctionAgents agents(&nodes, &network, AgentDirectory(nullptr));
    GatewaySync sync(&nodes, &catalog, &agents);
    sync.setWatchedInterval(std::chrono::milliseconds(200));
    views::GatewayPanel panel(&sync, &nodes);
    panel.setControllers({u"c"_s});
    panel.resize(900, 200);
    panel.show();
    sync.start();
    QTRY_VERIFY_WITH_TIMEOUT(panel.statusText().contains(u"could not be read"_s), 10000);
    QVERIFY2(panel.statusText().contains(u"not the agent's protocol"_s), qPrintable(panel.statusText()));
    QCOMPARE(panel.model()->rowCount(), 0);
    QVERIFY(!save(&panel, u"gateway-garbage"_s).isEmpty());
}

RUNE_TEST_MAIN(TestGatewayPanes)
#include "tst_gatewaypanes.moc"
