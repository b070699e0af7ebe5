// SPDX-License-Identifier: GPL-3.0-or-later
// Events end to end as a user of the demo sees them: the demo starts a real Mosquitto for edge-1,
// the accident sample waits at zero replicas, the Functions pane's Events tab publishes a test
// message through edge-1's agent and shows the alert the function published on alerts/crash.
// Settings › Events sends a broker to the running nodes. Without mosquitto the tab says why the
// sample is idle. Composed as app/main.cpp composes it.
#include "../common/testmain.h"
#include "agent/functionagents.h"
#include "cluster/nodemonitor.h"
#include "consolefixture.h"
#include "demo/demobroker.h"
#include "demo/demoworkload.h"
#include "demo/localcluster.h"
#include "editortesthelpers.h"
#include "fleet/nodedetailpane.h"
#include "fleet/overviewpane.h"
#include "functions/eventspanel.h"
#include "functions/functioncatalog.h"
#include "functions/functionspane.h"
#include "functions/functionworkspace.h"
#include "settings/settingspane.h"
#include "shell/mainwindow.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::waitUntil;

class TestEventsDemo final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accidentAnswersATestMessageFromTheEventsTab();
    void withoutMosquittoTheSampleSaysWhyItIsIdle();

private:
    /** The demo as main.cpp starts it, with @p mqttUrl for edge-1; returns when the samples run. */
    bool startDemo(test::ConsoleFixture &fx, views::MainWindow &window, const QString &mqttUrl);
    /** The accident sample's replicas on edge-1, as its agent reports them; -1 if it cannot tell. */
    static int accidentReplicas(test::ConsoleFixture &fx);

    std::unique_ptr<LocalCluster> m_cluster;
    std::unique_ptr<DemoWorkload> m_demo;
};

bool TestEventsDemo::startDemo(test::ConsoleFixture &fx, views::MainWindow &window, const QString &mqttUrl)
{
    const FunctionServices &services = fx.functions();
    fx.fleet().monitor->setInterval(std::chrono::milliseconds(200));
    services.workspace->load(&window);
    m_cluster = std::make_unique<LocalCluster>(
        services.nodes, QStringLiteral(RUNE_AGENT_BINARY), fx.settings.dataDir() + u"/demo"_s);
    m_demo = std::make_unique<DemoWorkload>(
        services.workspace, services.releases, services.invoker, services.nodes, services.templates);
    QSignalSpy deployed(m_demo.get(), &DemoWorkload::samplesDeployed);
    m_cluster->start(LocalCluster::defaultLayout(mqttUrl));
    fx.console->start();
    m_demo->start();
    return waitUntil(
        [&] {
            return !deployed.isEmpty();
        },
        60000);
}

int TestEventsDemo::accidentReplicas(test::ConsoleFixture &fx)
{
    int replicas = -1;
    bool answered = false;
    QObject context;
    fx.functions().agents->withClient(LocalCluster::nodeId(u"edge-1"_s), &context, [&](auto client) {
        if (!client) {
            answered = true;
            return;
        }
        (*client)->fetchFunction(u"accident"_s, &context, [&, keep = *client](Result<AgentFunctionStatus> status) {
            replicas = status ? status->replicas : -1;
            answered = true;
        });
    });
    waitUntil(
        [&] {
            return answered;
        },
        10000);
    return replicas;
}

void TestEventsDemo::accidentAnswersATestMessageFromTheEventsTab()
{
    if (DemoBroker::program().isEmpty())
        QSKIP("mosquitto is not installed (installers/setup.sh installs it)");
    test::ConsoleFixture fx;
    DemoBroker broker(fx.dir.filePath(u"mosquitto"_s));
    QVERIFY2(broker.start(), qPrintable(broker.reason()));
    QVERIFY(broker.url().startsWith(u"tcp://127.0.0.1:"_s));
    views::MainWindow window(fx.services());
    window.resize(1400, 900);
    window.show();
    QVERIFY(startDemo(fx, window, broker.url()));

    const Function *accident = fx.functions().catalog->find(u"demo"_s, u"accident"_s);
    QVERIFY(accident);
    QCOMPARE(fx.functions().catalog->nodesOf(accident->id, 1), QStringList({LocalCluster::nodeId(u"edge-1"_s)}));
    // Deployed, and at zero until an event comes (the synthetic load leaves it alone).
    QCOMPARE(accidentReplicas(fx), 0);

    views::FunctionsPane *pane = window.functionsPane();
    views::EventsPanel *events = pane->eventsPanel();
    window.showPane(views::MainWindow::Pane::Functions);
    pane->selectFunction(accident->id);
    pane->showTab(views::FunctionsPane::Tab::Events);
    QVERIFY2(events->statusText().contains(u"cars/+/crash"_s) && events->statusText().contains(u"alerts/crash"_s),
        qPrintable(events->statusText()));
    QCOMPARE(events->topicField()->text(), u"cars/test/crash"_s);
    QVERIFY2(waitUntil(
                 [&] {
                     events->refreshBrokers();
                     return waitUntil(
                         [&] {
                             return events->brokersText().contains(u"connected"_s);
                         },
                         1000);
                 },
                 20000),
        qPrintable(events->brokersText()));
    QVERIFY2(events->brokersText().contains(u"edge-1: connected "_s + broker.url()), qPrintable(events->brokersText()));

    // Node detail and Overview tell each node's broker, as the monitor reads it at the background rate.
    views::NodeDetailPane *detail = window.detailPane();
    detail->setNode(LocalCluster::nodeId(u"edge-1"_s));
    QVERIFY2(waitUntil(
                 [&] {
                     return detail->fact(u"mqtt"_s).startsWith(broker.url() + u" — connected since "_s);
                 },
                 20000),
        qPrintable(detail->fact(u"mqtt"_s)));
    window.showPane(views::MainWindow::Pane::NodeDetail);
    // The Host tab, where the broker line is.
    auto *tabs = detail->findChild<QTabWidget *>();
    QVERIFY(tabs);
    for (int index = 0; index < tabs->count(); ++index) {
        if (tabs->tabText(index) == u"Host"_s)
            tabs->setCurrentIndex(index);
    }
    QCOMPARE(tabs->tabText(tabs->currentIndex()), u"Host"_s);
    auto *facts = qobject_cast<QScrollArea *>(tabs->currentWidget());
    QVERIFY(facts);
    for (QLabel *label : facts->findChildren<QLabel *>()) {
        if (label->text() == detail->fact(u"mqtt"_s))
            facts->ensureWidgetVisible(label);
    }
    QVERIFY(rune::test::grabWhen(
        &window,
        [](const QImage &image) {
            return !image.isNull();
        },
        10000)
                .save(rune::test::screenshotPath(u"node-detail-mqtt.png"_s)));
    detail->setNode(LocalCluster::nodeId(u"compute-1"_s));
    QVERIFY2(waitUntil(
                 [&] {
                     return detail->fact(u"mqtt"_s) == u"none set"_s;
                 },
                 20000),
        qPrintable(detail->fact(u"mqtt"_s)));
    auto *brokers = window.overviewPane()->findChild<QLabel *>(u"overviewTotal6"_s);
    QVERIFY(brokers);
    QVERIFY2(waitUntil(
                 [&] {
                     return brokers->text() == u"1 connected, 0 failed"_s;
                 },
                 20000),
        qPrintable(brokers->text()));

    // A topic the filter does not match, or a wildcard, cannot be published.
    events->topicField()->setText(u"cars/+/crash"_s);
    QVERIFY(!events->publishButton()->isEnabled());
    QVERIFY2(events->statusText().contains(u"must not contain +"_s), qPrintable(events->statusText()));
    events->topicField()->setText(u"trucks/1/crash"_s);
    QVERIFY(!events->publishButton()->isEnabled());
    events->topicField()->setText(u"cars/test/crash"_s);
    QVERIFY(events->publishButton()->isEnabled());
    RUNE_TRY_COMPARE(events->payloadField()->toPlainText(), uR"({"speed_kmh": 72, "location": "A7 km 112"})"_s);

    QSignalSpy published(events, &views::EventsPanel::published);
    QTest::mouseClick(events->publishButton(), Qt::LeftButton);
    QVERIFY(waitUntil(
        [&] {
            return !published.isEmpty();
        },
        30000));
    QVERIFY2(published.first().first().toBool(), qPrintable(events->resultText()));
    QVERIFY2(events->resultText().contains(u"Answer on alerts/crash"_s), qPrintable(events->resultText()));
    QVERIFY2(events->resultText().contains(u"by edge-1"_s), qPrintable(events->resultText()));
    const QJsonObject alert = QJsonDocument::fromJson(events->answerPayload().toUtf8()).object();
    QCOMPARE(alert.value(u"car"_s).toString(), u"test"_s);
    QCOMPARE(alert.value(u"severity"_s).toString(), u"severe"_s);
    QCOMPARE(alert.value(u"location"_s).toString(), u"A7 km 112"_s);
    QCOMPARE(accidentReplicas(fx), 1); // the event started it from zero

    const QImage shot = rune::test::grabWhen(
        &window,
        [](const QImage &image) {
            return !image.isNull();
        },
        10000);
    QVERIFY(shot.save(rune::test::screenshotPath(u"events-publish.png"_s)));

    // Settings › Events: another broker for every running node, without a restart; the compute
    // nodes keep it for when their triggers are turned on.
    views::SettingsPane *settings = window.settingsPane();
    QVERIFY(settings->sendBrokerButton()->isVisibleTo(settings));
    QVERIFY(fx.settings.setValue(Settings::Key::MqttBrokerUrl, broker.url()).has_value());
    int asked = 0;
    settings->setPasswordPrompt([&asked](QWidget *, const QString &) -> std::optional<QString> {
        ++asked;
        return QString();
    });
    settings->sendBrokerToNodes();
    QVERIFY2(waitUntil(
                 [&] {
                     return settings->brokerResultText().contains(u"compute-1"_s);
                 },
                 15000),
        qPrintable(settings->brokerResultText()));
    QCOMPARE(asked, 0); // no user: nothing to ask
    const QString result = settings->brokerResultText();
    QVERIFY2(result.contains(u"edge-1: "_s + broker.url()), qPrintable(result));
    QVERIFY2(result.contains(u"compute-1: kept; triggers are off"_s), qPrintable(result));
    m_demo->stop();
}

void TestEventsDemo::withoutMosquittoTheSampleSaysWhyItIsIdle()
{
    test::ConsoleFixture fx;
    DemoBroker broker(fx.dir.filePath(u"mosquitto"_s));
    broker.setProgram(QString()); // as on a machine without the package
    QVERIFY(!broker.start());
    QVERIFY2(broker.reason().contains(u"mosquitto is not installed"_s), qPrintable(broker.reason()));
    QVERIFY2(broker.reason().contains(u"apt-get install mosquitto"_s), qPrintable(broker.reason()));
    views::MainWindow window(fx.services());
    window.resize(1400, 900);
    window.show();
    window.functionsPane()->eventsPanel()->setNote(broker.reason()); // as main.cpp does
    QVERIFY(startDemo(fx, window, QString()));

    const Function *accident = fx.functions().catalog->find(u"demo"_s, u"accident"_s);
    QVERIFY(accident);
    QCOMPARE(accidentReplicas(fx), 0);
    views::FunctionsPane *pane = window.functionsPane();
    views::EventsPanel *events = pane->eventsPanel();
    window.showPane(views::MainWindow::Pane::Functions);
    pane->selectFunction(accident->id);
    pane->showTab(views::FunctionsPane::Tab::Events);
    QVERIFY(events->findChild<QWidget *>(u"eventNote"_s)->isVisible());
    QVERIFY(events->note().contains(u"accident sample gets no events"_s));
    QVERIFY2(waitUntil(
                 [&] {
                     return events->brokersText().contains(u"edge-1: no MQTT broker"_s);
                 },
                 10000),
        qPrintable(events->brokersText()));
    QSignalSpy published(events, &views::EventsPanel::published);
    QTest::mouseClick(events->publishButton(), Qt::LeftButton);
    QVERIFY(published.wait(15000));
    QVERIFY(!published.first().first().toBool());
    QVERIFY2(events->resultText().contains(u"edge-1: it has no MQTT broker"_s), qPrintable(events->resultText()));
    QCOMPARE(accidentReplicas(fx), 0);
    m_demo->stop();
}

RUNE_TEST_MAIN(TestEventsDemo)
#include "tst_eventsdemo.moc"
