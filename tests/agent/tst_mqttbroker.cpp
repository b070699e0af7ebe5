// SPDX-License-Identifier: GPL-3.0-or-later
// The node's MQTT broker from the console's side, against a real Mosquitto: set through the
// control API without a restart (and kept across one), reported in GET /v1/triggers, lost and
// found again, reloaded from the config file on SIGHUP, and a test message published through the
// agent with the function's answer awaited on its result topic. Hostile input gets specific errors.

#include "../common/functions.h"
#include "../common/mosquitto.h"
#include "../common/testmain.h"

#include <QTest>
#include <csignal>
#include <sys/stat.h>

using namespace rune::test;
using json = nlohmann::json;

class TestMqttBroker final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void brokerSetThroughTheApiConnectsWithoutARestart();
    void publishAwaitsTheFunctionsAnswer();
    void brokerGoneAndBackIsReportedAndReconnects();
    void unreachableBrokerFailsWithTheReason();
    void brokerSetThroughTheApiSurvivesARestart();
    void sighupReloadsTheConfigFilesBroker();
    void badBrokerSettingsAreRefused();
    void hostilePublishesAreRefused();
    void answersThatAreNotUtf8AreFlagged();
    void computeNodesRefuseToPublish();

private:
    std::unique_ptr<MosquittoBroker> m_broker;
    std::unique_ptr<TestAgent> m_edge;
    QTemporaryDir m_dir;
};

namespace
{

const QString crashHandler =
    QStringLiteral("import json\n"
                   "def handle(event, context):\n"
                   "    report = json.loads(event['body'])\n"
                   "    return {'car': event['topic'].split('/')[1], 'speed': report['speed']}\n");

HttpReply controlRequest(
    TestAgent &agent, const QByteArray &method, const QByteArray &path, const QByteArray &body, int timeoutMs = 5000)
{
    HttpConnection connection(agent.port());
    QByteArray raw = method + ' ' + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!agent.token().isEmpty())
        raw += "Authorization: Bearer " + agent.token().toUtf8() + "\r\n";
    return connection.sendRaw(raw + "\r\n" + body, timeoutMs);
}

HttpReply putBroker(TestAgent &agent, const json &body)
{
    return controlRequest(agent, "PUT", "/v1/triggers/broker", QByteArray::fromStdString(body.dump()));
}

HttpReply publish(TestAgent &agent, const json &body, int timeoutMs = 15000)
{
    return controlRequest(agent, "POST", "/v1/triggers/publish", QByteArray::fromStdString(body.dump()), timeoutMs);
}

json brokerOf(TestAgent &agent)
{
    return jsonOf(controlGet(agent, "/v1/triggers"))["broker"];
}

QString brokerState(TestAgent &agent)
{
    const json broker = brokerOf(agent);
    return broker.is_object() ? textOf(broker["state"]) : QStringLiteral("none");
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
}

} // namespace

void TestMqttBroker::initTestCase()
{
    if (!MosquittoBroker::available())
        QSKIP("mosquitto and mosquitto-clients are not installed (installers/setup.sh installs them)");
    m_broker = std::make_unique<MosquittoBroker>();
    m_edge = std::make_unique<TestAgent>(QStringList {QStringLiteral("--role"), QStringLiteral("edge")});
    QVERIFY(m_edge->waitForPort());
    QCOMPARE(deployPython(*m_edge,
                 QStringLiteral("crash"),
                 crashHandler,
                 mqttTriggerConfig(QStringLiteral("cars/+/crash"), QStringLiteral("alerts/crash")))
                 .status,
        201);
}

void TestMqttBroker::brokerSetThroughTheApiConnectsWithoutARestart()
{
    const json before = jsonOf(controlGet(*m_edge, "/v1/triggers"));
    QVERIFY(before["enabled"].get<bool>());
    QVERIFY2(before["broker"].is_null(), before.dump().c_str());
    const HttpReply reply = putBroker(*m_edge, {{"url", m_broker->url().toStdString()}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(textOf(jsonOf(reply)["broker"]["url"]), m_broker->url());
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(*m_edge), QStringLiteral("connected"), 10000);
    const json broker = brokerOf(*m_edge);
    QCOMPARE(textOf(broker["source"]), QStringLiteral("api"));
    QVERIFY(broker["since_ms"].get<std::int64_t>() > 0);
    QCOMPARE(textOf(broker["last_error"]), QString());
    // The trigger fires for a message from an outside client, and its answer reaches one.
    MosquittoSubscriber alerts(m_broker->port(), QStringLiteral("alerts/crash"));
    QVERIFY(m_broker->publish(QStringLiteral("cars/5/crash"), R"({"speed": 30})"));
    const json alert = json::parse(alerts.wait().trimmed().toStdString(), nullptr, false);
    QVERIFY2(alert.is_object(), "no alert was published");
    QCOMPARE(textOf(alert["car"]), QStringLiteral("5"));
}

void TestMqttBroker::publishAwaitsTheFunctionsAnswer()
{
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(*m_edge), QStringLiteral("connected"), 10000);
    MosquittoSubscriber outside(m_broker->port(), QStringLiteral("alerts/crash"));
    const HttpReply reply = publish(*m_edge,
        {{"topic", "cars/test/crash"},
            {"payload", R"({"speed": 120})"},
            {"await_topic", "alerts/crash"},
            {"timeout_ms", 10000}});
    QCOMPARE(reply.status, 200);
    const json answer = jsonOf(reply);
    QVERIFY(answer["published"].get<bool>());
    QCOMPARE(textOf(answer["message"]["topic"]), QStringLiteral("alerts/crash"));
    QVERIFY(answer["message"]["payload_utf8"].get<bool>());
    const json result = json::parse(answer["message"]["payload"].get<std::string>(), nullptr, false);
    QCOMPARE(textOf(result["car"]), QStringLiteral("test"));
    QCOMPARE(result["speed"].get<int>(), 120);
    // The same answer went out on the broker for everyone else too.
    QVERIFY(outside.wait().contains("\"test\""));
    // Without await_topic the agent answers once the message is handed to the broker.
    const HttpReply fireAndForget = publish(*m_edge, {{"topic", "cars/other/crash"}, {"payload", R"({"speed": 1})"}});
    QCOMPARE(fireAndForget.status, 200);
    QVERIFY(!jsonOf(fireAndForget).contains("message"));
    // Nothing on the awaited topic: a timeout with its own code, after the time asked for.
    const HttpReply silent =
        publish(*m_edge, {{"topic", "nobody/listens"}, {"await_topic", "nobody/answers"}, {"timeout_ms", 300}});
    QCOMPARE(silent.status, 504);
    QCOMPARE(errorCodeOf(silent), QStringLiteral("await_timeout"));
    QVERIFY2(errorMessageOf(silent).contains(QStringLiteral("nobody/answers")), qPrintable(errorMessageOf(silent)));
}

void TestMqttBroker::brokerGoneAndBackIsReportedAndReconnects()
{
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(*m_edge), QStringLiteral("connected"), 10000);
    const std::int64_t connectedSince = brokerOf(*m_edge)["since_ms"].get<std::int64_t>();
    m_broker->stop();
    QTRY_VERIFY_WITH_TIMEOUT(brokerState(*m_edge) != QStringLiteral("connected"), 10000);
    const json lost = brokerOf(*m_edge);
    QVERIFY2(QStringList({QStringLiteral("connecting"), QStringLiteral("failed")}).contains(textOf(lost["state"])),
        lost.dump().c_str());
    QVERIFY2(!textOf(lost["last_error"]).isEmpty(), lost.dump().c_str());
    QVERIFY(lost["since_ms"].get<std::int64_t>() >= connectedSince);
    const HttpReply refused = publish(*m_edge, {{"topic", "cars/1/crash"}, {"payload", "{}"}});
    QCOMPARE(refused.status, 503);
    QCOMPARE(errorCodeOf(refused), QStringLiteral("broker_unavailable"));
    QVERIFY(m_broker->start());
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(*m_edge), QStringLiteral("connected"), 40000);
    const HttpReply again = publish(
        *m_edge, {{"topic", "cars/back/crash"}, {"payload", R"({"speed": 2})"}, {"await_topic", "alerts/crash"}});
    QCOMPARE(again.status, 200);
    QVERIFY(jsonOf(again)["message"]["payload"].get<std::string>().find("back") != std::string::npos);
}

void TestMqttBroker::unreachableBrokerFailsWithTheReason()
{
    const QString nowhere = QStringLiteral("tcp://127.0.0.1:%1").arg(closedPort());
    QCOMPARE(putBroker(*m_edge, {{"url", nowhere.toStdString()}}).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(*m_edge), QStringLiteral("failed"), 15000);
    const json failed = brokerOf(*m_edge);
    QCOMPARE(textOf(failed["url"]), nowhere);
    QVERIFY2(textOf(failed["last_error"]).contains(nowhere), failed.dump().c_str());
    // Back to the real one: the switch needs no restart either.
    QCOMPARE(putBroker(*m_edge, {{"url", m_broker->url().toStdString()}}).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(*m_edge), QStringLiteral("connected"), 10000);
}

void TestMqttBroker::brokerSetThroughTheApiSurvivesARestart()
{
    // A broker with a password: the agent keeps it in a file only its user reads.
    MosquittoBroker secured({QStringLiteral("rune"), QStringLiteral("s3cret pass")});
    TestAgent agent({QStringLiteral("--role"), QStringLiteral("edge")});
    QVERIFY(agent.waitForPort());
    QCOMPARE(
        putBroker(agent, {{"url", secured.url().toStdString()}, {"username", "rune"}, {"password", "wrong"}}).status,
        200);
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(agent), QStringLiteral("failed"), 10000);
    QCOMPARE(putBroker(agent, {{"url", secured.url().toStdString()}, {"username", "rune"}, {"password", "s3cret pass"}})
                 .status,
        200);
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(agent), QStringLiteral("connected"), 10000);
    const QString passwordFile = agent.stateDir() + QStringLiteral("/triggers/mqtt-password");
    struct stat info {
    };
    QCOMPARE(::stat(passwordFile.toLocal8Bit().constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, 0600u);
    QVERIFY(!controlGet(agent, "/v1/triggers").body.contains("s3cret"));
    agent.stop();
    agent.start();
    QVERIFY(agent.waitForPort());
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(agent), QStringLiteral("connected"), 10000);
    QCOMPARE(textOf(brokerOf(agent)["source"]), QStringLiteral("api"));
    // Without "password" the stored one is kept; an empty URL goes back to the config file (none).
    QCOMPARE(putBroker(agent, {{"url", secured.url().toStdString()}, {"username", "rune"}}).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(agent), QStringLiteral("connected"), 10000);
    const HttpReply cleared = putBroker(agent, {{"url", ""}});
    QCOMPARE(cleared.status, 200);
    QVERIFY(jsonOf(cleared)["broker"].is_null());
    QVERIFY(!QFile::exists(passwordFile));
}

void TestMqttBroker::sighupReloadsTheConfigFilesBroker()
{
    const QString configPath = m_dir.filePath(QStringLiteral("edge.conf"));
    const QString nowhere = QStringLiteral("tcp://127.0.0.1:%1").arg(closedPort());
    writeFile(configPath, "role = edge\nmqtt_url = " + nowhere.toUtf8() + "\n");
    TestAgent agent({QStringLiteral("--config"), configPath});
    QVERIFY(agent.waitForPort());
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(agent), QStringLiteral("failed"), 15000);
    QCOMPARE(textOf(brokerOf(agent)["source"]), QStringLiteral("config"));
    writeFile(configPath, "role = edge\nmqtt_url = " + m_broker->url().toUtf8() + "\n");
    const qint64 pid = agent.process().processId();
    QCOMPARE(::kill(pid_t(pid), SIGHUP), 0);
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(agent), QStringLiteral("connected"), 10000);
    QCOMPARE(textOf(brokerOf(agent)["url"]), m_broker->url());
    QCOMPARE(agent.process().processId(), pid); // no restart
}

void TestMqttBroker::badBrokerSettingsAreRefused()
{
    const std::vector<std::pair<std::string, QString>> urls {
        {"http://127.0.0.1:1883", QStringLiteral("must start with tcp://")},
        {"tcp://user:secret@127.0.0.1:1883", QStringLiteral("must not hold a user or password")},
        {"tcp://127.0.0.1:99999", QStringLiteral("from 1 to 65535")},
        {"tcp://127.0.0.1:1883/path", QStringLiteral("without a path")},
        {"tcp://:1883", QStringLiteral("names no host")},
        {"tcp://bröker:1883", QStringLiteral("non-ASCII")},
        {std::string(2000, 'a'), QStringLiteral("longer than 1024 bytes")},
    };
    const json before = brokerOf(*m_edge);
    for (const auto &[url, expected] : urls) {
        const HttpReply reply = putBroker(*m_edge, {{"url", url}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorCodeOf(reply), QStringLiteral("bad_request"));
        QVERIFY2(errorMessageOf(reply).contains(expected), qPrintable(errorMessageOf(reply)));
    }
    QCOMPARE(putBroker(*m_edge, {{"username", "x"}}).status, 400);
    QCOMPARE(putBroker(*m_edge, {{"url", 7}}).status, 400);
    QCOMPARE(putBroker(*m_edge, {{"url", m_broker->url().toStdString()}, {"password", "a\nb"}}).status, 400);
    QCOMPARE(controlRequest(*m_edge, "PUT", "/v1/triggers/broker", "{\"url\": ").status, 400);
    // Nothing refused changed the broker in use.
    QCOMPARE(textOf(brokerOf(*m_edge)["url"]), textOf(before["url"]));
}

void TestMqttBroker::hostilePublishesAreRefused()
{
    const auto refused = [this](const QByteArray &body, int status, const QString &code, const QString &words) {
        const HttpReply reply = controlRequest(*m_edge, "POST", "/v1/triggers/publish", body);
        QCOMPARE(reply.status, status);
        QCOMPARE(errorCodeOf(reply), code);
        QVERIFY2(errorMessageOf(reply).contains(words), qPrintable(errorMessageOf(reply)));
    };
    refused(R"({"topic": "cars/+/crash"})", 400, QStringLiteral("bad_request"), QStringLiteral("must not contain +"));
    refused(R"({"topic": "cars/#"})", 400, QStringLiteral("bad_request"), QStringLiteral("must not contain +"));
    refused(R"({"payload": "x"})", 400, QStringLiteral("bad_request"), QStringLiteral("\"topic\" is missing"));
    refused(R"({"topic": ""})", 400, QStringLiteral("bad_request"), QStringLiteral("must not be empty"));
    refused(R"({"topic": "a/b", "await_topic": "a/#/b"})",
        400,
        QStringLiteral("bad_request"),
        QStringLiteral("whole last level"));
    refused(R"({"topic": "a/b", "timeout_ms": 0})", 400, QStringLiteral("bad_request"), QStringLiteral("timeout_ms"));
    refused(R"({"topic": "a/b", "qos": 3})", 400, QStringLiteral("bad_request"), QStringLiteral("qos"));
    refused("{\"topic\": \"a/b\", \"payload\": \"\xff\xfe\"}",
        400,
        QStringLiteral("bad_request"),
        QStringLiteral("not valid JSON"));
    refused("[1, 2]", 400, QStringLiteral("bad_request"), QStringLiteral("JSON object"));
    const QByteArray huge = R"({"topic": "a/b", "payload": ")" + QByteArray(300 * 1024, 'x') + R"("})";
    refused(huge, 413, QStringLiteral("payload_too_large"), QStringLiteral("at most 262144"));
    // The agent still works.
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(*m_edge), QStringLiteral("connected"), 10000);
    QCOMPARE(publish(*m_edge, {{"topic", "a/b"}, {"payload", "ok"}}).status, 200);
}

void TestMqttBroker::answersThatAreNotUtf8AreFlagged()
{
    QTRY_COMPARE_WITH_TIMEOUT(brokerState(*m_edge), QStringLiteral("connected"), 10000);
    const QString binary = m_dir.filePath(QStringLiteral("binary"));
    writeFile(binary, QByteArray("ok \xff\xfe end"));
    // An outside client answers a moment after the agent has subscribed to the awaited topic.
    QProcess late;
    late.start(QStringLiteral("sh"),
        {QStringLiteral("-c"),
            QStringLiteral("sleep 1; mosquitto_pub -h 127.0.0.1 -p %1 -t bin/out -f '%2'")
                .arg(m_broker->port())
                .arg(binary)});
    const HttpReply reply =
        publish(*m_edge, {{"topic", "bin/in"}, {"payload", "go"}, {"await_topic", "bin/out"}, {"timeout_ms", 8000}});
    late.waitForFinished(5000);
    QCOMPARE(reply.status, 200);
    const json message = jsonOf(reply)["message"];
    QCOMPARE(textOf(message["topic"]), QStringLiteral("bin/out"));
    QVERIFY(!message["payload_utf8"].get<bool>());
    const QString payload = QString::fromStdString(message["payload"].get<std::string>());
    QVERIFY2(payload.startsWith(QStringLiteral("ok ")) && payload.endsWith(QStringLiteral(" end"))
            && payload.contains(QChar(0xFFFD)),
        qPrintable(payload));
}

void TestMqttBroker::computeNodesRefuseToPublish()
{
    TestAgent compute({QStringLiteral("--role"), QStringLiteral("compute")});
    QVERIFY(compute.waitForPort());
    const HttpReply reply = publish(compute, {{"topic", "cars/1/crash"}});
    QCOMPARE(reply.status, 409);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("triggers_disabled"));
    // The broker is kept for when triggers are turned on; the answer says they are off.
    const HttpReply set = putBroker(compute, {{"url", m_broker->url().toStdString()}});
    QCOMPARE(set.status, 200);
    QVERIFY(!jsonOf(set)["enabled"].get<bool>());
}

RUNE_TEST_GUILESS_MAIN(TestMqttBroker)
#include "tst_mqttbroker.moc"
