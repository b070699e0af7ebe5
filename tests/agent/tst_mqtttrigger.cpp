// SPDX-License-Identifier: GPL-3.0-or-later
// The traffic-accident example end to end: a real Mosquitto broker, an edge agent, a function at
// zero replicas. A message on cars/<id>/crash scales it from zero, runs it, and its answer is
// published on alerts/crash; the agent rides out a broker restart.

#include "../common/functions.h"
#include "../common/mosquitto.h"
#include "../common/testmain.h"

#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestMqttTrigger final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void messageScalesFromZeroAndPublishesTheResult();
    void reconnectsAfterTheBrokerRestarts();
    void computeNodesLeaveTriggersToTheEdge();
    void badTriggersAreRefusedAtDeploy();

private:
    std::unique_ptr<MosquittoBroker> m_broker;
    std::unique_ptr<TestAgent> m_edge;
    QTemporaryDir m_dir;
};

namespace
{

int countEvents(TestAgent &agent, const std::string &kind, const std::string &function)
{
    int count = 0;
    const json events = jsonOf(controlGet(agent, "/v1/events"));
    for (const auto &event : events["events"])
        count += event.value("kind", "") == kind && event.value("function", "") == function;
    return count;
}

const QString crashReportHandler =
    QStringLiteral("import json\n"
                   "def handle(event, context):\n"
                   "    report = json.loads(event['body'])\n"
                   "    car = event['topic'].split('/')[1]\n"
                   "    return {'car': car, 'speed': report['speed'], 'trigger': event.get('trigger')}\n");

} // namespace

void TestMqttTrigger::initTestCase()
{
    if (!MosquittoBroker::available())
        QSKIP("mosquitto and mosquitto-clients are not installed (installers/setup.sh installs them)");
    m_broker = std::make_unique<MosquittoBroker>();
    QFile config(m_dir.filePath(QStringLiteral("edge.conf")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("role = edge\nmqtt_url = " + m_broker->url().toUtf8() + "\n");
    config.close();
    m_edge = std::make_unique<TestAgent>(QStringList {QStringLiteral("--config"), config.fileName()});
    QVERIFY(m_edge->waitForPort());
    QTRY_VERIFY_WITH_TIMEOUT(jsonOf(controlGet(*m_edge, "/v1/triggers"))["broker"].value("connected", false), 10000);
}

void TestMqttTrigger::messageScalesFromZeroAndPublishesTheResult()
{
    QCOMPARE(deployPython(*m_edge,
                 QStringLiteral("crash"),
                 crashReportHandler,
                 mqttTriggerConfig(QStringLiteral("cars/+/crash"), QStringLiteral("alerts/crash")))
                 .status,
        201);
    QTRY_COMPARE(jsonOf(controlGet(*m_edge, "/v1/triggers"))["mqtt"].size(), std::size_t(1));
    QCOMPARE(jsonOf(controlGet(*m_edge, "/v1/functions/crash"))["replicas"].get<int>(), 0);
    MosquittoSubscriber alerts(m_broker->port(), QStringLiteral("alerts/crash"));
    QVERIFY(m_broker->publish(QStringLiteral("cars/42/crash"), R"({"speed": 80})"));
    const json alert = json::parse(alerts.wait().trimmed().toStdString(), nullptr, false);
    QVERIFY2(alert.is_object(), "no alert was published");
    QCOMPARE(textOf(alert["car"]), QStringLiteral("42"));
    QCOMPARE(alert["speed"].get<int>(), 80);
    QCOMPARE(textOf(alert["trigger"]), QStringLiteral("mqtt"));
    QCOMPARE(countEvents(*m_edge, "scale_up", "crash"), 1); // it started from zero for the message
    QCOMPARE(countEvents(*m_edge, "trigger_fired", "crash"), 1);
    // Topics outside the filter fire nothing.
    QVERIFY(m_broker->publish(QStringLiteral("cars/42/parked"), R"({"speed": 0})"));
    QTest::qWait(500);
    QCOMPARE(countEvents(*m_edge, "trigger_fired", "crash"), 1);
}

void TestMqttTrigger::reconnectsAfterTheBrokerRestarts()
{
    QCOMPARE(deployPython(*m_edge,
                 QStringLiteral("survivor"),
                 crashReportHandler,
                 mqttTriggerConfig(QStringLiteral("trucks/+/crash"), QStringLiteral("alerts/trucks")))
                 .status,
        201);
    m_broker->stop();
    QTRY_VERIFY(!jsonOf(controlGet(*m_edge, "/v1/triggers"))["broker"].value("connected", true));
    QTest::qWait(1500); // the agent retries against a closed port meanwhile
    QVERIFY(m_broker->start());
    QTRY_VERIFY_WITH_TIMEOUT(jsonOf(controlGet(*m_edge, "/v1/triggers"))["broker"].value("connected", false), 35000);
    MosquittoSubscriber alerts(m_broker->port(), QStringLiteral("alerts/trucks"));
    QVERIFY(m_broker->publish(QStringLiteral("trucks/7/crash"), R"({"speed": 55})"));
    const json alert = json::parse(alerts.wait().trimmed().toStdString(), nullptr, false);
    QVERIFY2(alert.is_object(), "no alert after the broker came back");
    QCOMPARE(textOf(alert["car"]), QStringLiteral("7"));
}

void TestMqttTrigger::computeNodesLeaveTriggersToTheEdge()
{
    QFile config(m_dir.filePath(QStringLiteral("compute.conf")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("role = compute\nmqtt_url = " + m_broker->url().toUtf8() + "\n");
    config.close();
    TestAgent compute({QStringLiteral("--config"), config.fileName()});
    QVERIFY(compute.waitForPort());
    QCOMPARE(deployPython(compute,
                 QStringLiteral("crash"),
                 crashReportHandler,
                 mqttTriggerConfig(QStringLiteral("cars/+/crash"), QStringLiteral("alerts/compute")))
                 .status,
        201);
    QVERIFY(!jsonOf(controlGet(compute, "/v1/triggers"))["enabled"].get<bool>());
    QVERIFY(m_broker->publish(QStringLiteral("cars/1/crash"), R"({"speed": 1})"));
    QTest::qWait(800);
    QCOMPARE(countEvents(compute, "trigger_fired", "crash"), 0);
    QCOMPARE(jsonOf(controlGet(compute, "/v1/functions/crash"))["replicas"].get<int>(), 0);
}

void TestMqttTrigger::badTriggersAreRefusedAtDeploy()
{
    const auto reply = deployPython(*m_edge,
        QStringLiteral("wrong"),
        crashReportHandler,
        {{QStringLiteral("triggers"),
            QJsonArray {QJsonObject {{QStringLiteral("type"), QStringLiteral("mqtt")},
                            {QStringLiteral("value"), QStringLiteral("a/#/b")}},
                QJsonObject {{QStringLiteral("type"), QStringLiteral("cron")},
                    {QStringLiteral("value"), QStringLiteral("61 * * * *")}},
                QJsonObject {{QStringLiteral("type"), QStringLiteral("mqtt")},
                    {QStringLiteral("value"), QStringLiteral("ok/+")},
                    {QStringLiteral("qos"), 2}}}}});
    QCOMPARE(reply.status, 400);
    const QString problems = QString::fromStdString(jsonOf(reply)["error"]["problems"].dump());
    QVERIFY2(problems.contains(QStringLiteral("whole last level")), qPrintable(problems));
    QVERIFY2(problems.contains(QStringLiteral("minute field '61'")), qPrintable(problems));
    QVERIFY2(problems.contains(QStringLiteral("qos")), qPrintable(problems));
}

RUNE_TEST_GUILESS_MAIN(TestMqttTrigger)
#include "tst_mqtttrigger.moc"
