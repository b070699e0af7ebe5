// SPDX-License-Identifier: GPL-3.0-or-later
// The console and every agent accept and refuse exactly the same configurations, in the same
// words: one table of configurations, each run through the console's validator (what the
// Configuration tab shows beside its fields) and through a real agent's deploy
// (PUT /v1/functions/<name>), which must give the same verdict and the same problems, in order.
//
// A row is the console's own configuration (FunctionConfig) with one change, sent in the console's
// own deploy body (deployBody() of FunctionConfig::toJson()), or, for values the console's model
// cannot hold (a number as text, a list for an object), the JSON of a stored configuration,
// which the console checks with deployConfigProblems(). The console's text is Unicode; its one
// way to send text that is not UTF-8 is a lone surrogate, which Qt writes as a lone \ud800 escape.

#include "../common/fakegpus.h"
#include "../common/functions.h"
#include "../common/testmain.h"
#include "agent/functionagentclient.h"
#include "functions/functionconfig.h"

#include <QJsonArray>
#include <QTest>
#include <functional>

using namespace Qt::StringLiterals;
using namespace rune::test;
using rune::FunctionConfig;
using rune::Trigger;
using rune::TriggerType;

namespace
{

using Edit = std::function<void(FunctionConfig &)>;

/** The console's default configuration with @p edit applied, as the console sends it. */
QJsonObject edited(const Edit &edit)
{
    FunctionConfig config;
    edit(config);
    return config.toJson();
}

/** The console's default configuration as JSON with @p key set to @p value. */
QJsonObject withKey(const QString &key, const QJsonValue &value)
{
    QJsonObject json = FunctionConfig().toJson();
    json.insert(key, value);
    return json;
}

QJsonObject withTrigger(const QJsonObject &trigger)
{
    return withKey(u"triggers"_s, QJsonArray {trigger});
}

QJsonObject mqtt(const QString &filter, const QJsonValue &qos = 0, const QJsonValue &resultTopic = u""_s)
{
    return {{u"type"_s, u"mqtt"_s}, {u"value"_s, filter}, {u"qos"_s, qos}, {u"result_topic"_s, resultTopic}};
}

Edit cron(const QString &schedule)
{
    return [schedule](FunctionConfig &config) {
        config.triggers = {Trigger {TriggerType::Cron, schedule}};
    };
}

/** What the console says of @p json: through its model when the model can hold it. */
QStringList consoleProblems(const QJsonObject &json)
{
    QStringList messages;
    const auto model = FunctionConfig::fromJson(json);
    const QList<rune::ConfigProblem> problems = model ? model->problems() : rune::deployConfigProblems(json);
    for (const rune::ConfigProblem &problem : problems)
        messages << problem.message;
    return messages;
}

/** PUT /v1/functions/<name> with the very body the console's deploy sends. */
HttpReply deployAsTheConsole(TestAgent &agent, const QString &name, const QJsonObject &config)
{
    const rune::DeployBody request =
        rune::deployBody(archiveWith(u"handler.py"_s, u"def handle(event, context):\n    return 'ok'\n"_s), config);
    HttpConnection connection(agent.port());
    return connection.request("PUT",
        "/v1/functions/" + name.toUtf8(),
        {"Content-Type: " + request.contentType, "Authorization: Bearer " + agent.token().toUtf8()},
        request.body);
}

} // namespace

class TestProtocolAgreement final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void configurations_data();
    void configurations();
    void functionNames_data();
    void functionNames();

private:
    std::unique_ptr<FakeGpuHost> m_gpus;
    std::unique_ptr<TestAgent> m_agent;
    int m_deploys = 0;
};

void TestProtocolAgreement::initTestCase()
{
    // As many GPUs as a configuration may ask for, so every valid row deploys: what a node lacks
    // is tst_gpus' business, not the validator's.
    m_gpus =
        std::make_unique<FakeGpuHost>(QList<FakeGpu>(rune::protocol::limits::maxGpuCount, FakeGpu {u"A100"_s, 81920}));
    m_agent = std::make_unique<TestAgent>(m_gpus->agentArgs(), u"agreement"_s);
    QVERIFY(m_agent->waitForPort());
}

void TestProtocolAgreement::configurations_data()
{
    QTest::addColumn<QJsonObject>("config");
    QTest::addColumn<bool>("valid");
    const auto row = [](const char *name, const QJsonObject &config, bool valid) {
        QTest::newRow(name) << config << valid;
    };
    const auto change = [&row](const char *name, const Edit &edit, bool valid) {
        row(name, edited(edit), valid);
    };
    const QString nul(1, QChar(u'\0'));
    const QString loneSurrogate(1, QChar(0xD800));

    // clang-format off
    change("the console's defaults", [](FunctionConfig &) {}, true);
    // Memory, timeout, payload: steps and ranges.
    change("memory 64", [](FunctionConfig &c) { c.memoryMiB = 64; }, true);
    change("memory 16384", [](FunctionConfig &c) { c.memoryMiB = 16384; }, true);
    change("memory not a multiple of 64", [](FunctionConfig &c) { c.memoryMiB = 100; }, false);
    change("memory below 64", [](FunctionConfig &c) { c.memoryMiB = 32; }, false);
    change("memory past 16384", [](FunctionConfig &c) { c.memoryMiB = 16448; }, false);
    change("timeout 0", [](FunctionConfig &c) { c.timeoutSeconds = 0; }, false);
    change("timeout 900", [](FunctionConfig &c) { c.timeoutSeconds = 900; }, true);
    change("timeout 901", [](FunctionConfig &c) { c.timeoutSeconds = 901; }, false);
    change("payload 0", [](FunctionConfig &c) { c.maxPayloadBytes = 0; }, false);
    change("payload 64 MiB + 1", [](FunctionConfig &c) { c.maxPayloadBytes = (64 << 20) + 1; }, true);
    change("payload 1 GiB", [](FunctionConfig &c) { c.maxPayloadBytes = qint64(1) << 30; }, true);
    change("payload past 1 GiB", [](FunctionConfig &c) { c.maxPayloadBytes = (qint64(1) << 30) + 1; }, false);
    // Scaling.
    change("min > max", [](FunctionConfig &c) { c.minReplicas = 5; c.maxReplicas = 2; }, false);
    change("min = max", [](FunctionConfig &c) { c.minReplicas = 1; c.maxReplicas = 1; }, true);
    change("negative min", [](FunctionConfig &c) { c.minReplicas = -1; }, false);
    change("max 0", [](FunctionConfig &c) { c.maxReplicas = 0; }, false);
    change("max past 1000", [](FunctionConfig &c) { c.maxReplicas = 1001; }, false);
    change("concurrency 0", [](FunctionConfig &c) { c.targetConcurrency = 0; }, false);
    change("idle -1", [](FunctionConfig &c) { c.idleToZeroSeconds = -1; }, false);
    change("idle 0: never", [](FunctionConfig &c) { c.idleToZeroSeconds = 0; }, true);
    change("idle past a week", [](FunctionConfig &c) { c.idleToZeroSeconds = 7 * 86400 + 1; }, false);
    // GPUs: a count, memory in steps of 256 MiB, a share; memory and share only with a count.
    change("gpu count 64", [](FunctionConfig &c) { c.gpuCount = 64; }, true);
    change("gpu count 65", [](FunctionConfig &c) { c.gpuCount = 65; }, false);
    change("gpu count -1", [](FunctionConfig &c) { c.gpuCount = -1; }, false);
    change("gpu memory 8192", [](FunctionConfig &c) { c.gpuCount = 1; c.gpuMemoryMiB = 8192; }, true);
    change("gpu memory not a multiple of 256", [](FunctionConfig &c) { c.gpuCount = 1; c.gpuMemoryMiB = 8000; }, false);
    change("gpu memory past 1 TiB", [](FunctionConfig &c) { c.gpuCount = 1; c.gpuMemoryMiB = (1 << 20) + 256; }, false);
    change("gpu memory without a gpu", [](FunctionConfig &c) { c.gpuMemoryMiB = 4096; }, false);
    change("gpu percent 50", [](FunctionConfig &c) { c.gpuCount = 2; c.gpuPercent = 50; }, true);
    change("gpu percent 1", [](FunctionConfig &c) { c.gpuCount = 1; c.gpuPercent = 1; }, true);
    change("gpu percent 0", [](FunctionConfig &c) { c.gpuCount = 1; c.gpuPercent = 0; }, false);
    change("gpu percent 101", [](FunctionConfig &c) { c.gpuCount = 1; c.gpuPercent = 101; }, false);
    change("gpu percent without a gpu", [](FunctionConfig &c) { c.gpuPercent = 50; }, false);
    change("gpu everything wrong", [](FunctionConfig &c) { c.gpuMemoryMiB = 100; c.gpuPercent = 30; }, false);
    // The function's own async queue limit: 0 leaves only the node's.
    change("async queue 0: the node's", [](FunctionConfig &c) { c.asyncQueueLimit = 0; }, true);
    change("async queue 3", [](FunctionConfig &c) { c.asyncQueueLimit = 3; }, true);
    change("async queue 1000000", [](FunctionConfig &c) { c.asyncQueueLimit = 1000000; }, true);
    change("async queue past 1000000", [](FunctionConfig &c) { c.asyncQueueLimit = 1000001; }, false);
    change("async queue -1", [](FunctionConfig &c) { c.asyncQueueLimit = -1; }, false);
    row("async queue as text", withKey(u"async_queue_limit"_s, u"3"_s), false);
    row("gpu count as text", withKey(u"gpu_count"_s, u"1"_s), false);
    row("gpu percent a fraction", withKey(u"gpu_percent"_s, 50.5), false);
    // Handlers.
    change("empty handler", [](FunctionConfig &c) { c.handler.clear(); }, false);
    change("handler without a function", [](FunctionConfig &c) { c.handler = u"handler"_s; }, false);
    change("node handler", [](FunctionConfig &c) { c.runtime = rune::FunctionRuntime::Node; c.handler = u"index.main"_s; }, true);
    change("exec path", [](FunctionConfig &c) { c.runtime = rune::FunctionRuntime::Exec; c.handler = u"bin/run"_s; }, true);
    change("exec path outside", [](FunctionConfig &c) { c.runtime = rune::FunctionRuntime::Exec; c.handler = u"../run"_s; }, false);
    change("exec absolute path", [](FunctionConfig &c) { c.runtime = rune::FunctionRuntime::Exec; c.handler = u"/bin/sh"_s; }, false);
    change("handler with NUL", [nul](FunctionConfig &c) { c.handler = u"handler"_s + nul + u".handle"_s; }, false);
    // Cron: names, ranges, steps, shorthands.
    change("cron every minute", cron(u"* * * * *"_s), true);
    change("cron weekday names", cron(u"*/15 9-17 * * mon-fri"_s), true);
    change("cron month names", cron(u"0 0 1 jan-jun *"_s), true);
    change("cron unknown name", cron(u"0 0 1 foo *"_s), false);
    change("cron lists, ranges, steps", cron(u"0,15,30-45/5 8-18 1,15 */2 1-5"_s), true);
    change("cron start/step", cron(u"5/15 * * * *"_s), true);
    change("cron sunday as 7", cron(u"0 0 * * 7"_s), true);
    change("cron minute 60", cron(u"60 * * * *"_s), false);
    change("cron hour 24", cron(u"0 24 * * *"_s), false);
    change("cron day 0", cron(u"0 0 0 * *"_s), false);
    change("cron month 13", cron(u"0 0 1 13 *"_s), false);
    change("cron backwards range", cron(u"0 10-5 * * *"_s), false);
    change("cron step 0", cron(u"*/0 * * * *"_s), false);
    change("cron step past the field", cron(u"*/61 * * * *"_s), false);
    change("cron empty list item", cron(u"1,,2 * * * *"_s), false);
    change("cron signed number", cron(u"+1 * * * *"_s), false);
    change("cron three fields", cron(u"* * *"_s), false);
    change("cron six fields", cron(u"0 * * * * *"_s), false);
    change("cron @hourly", cron(u"@hourly"_s), true);
    change("cron @daily", cron(u"@daily"_s), true);
    change("cron @annually", cron(u"@annually"_s), true);
    change("cron @reboot", cron(u"@reboot"_s), false);
    change("cron @HOURLY", cron(u"@HOURLY"_s), false);
    change("cron empty", cron(u""_s), false);
    change("cron with NUL", cron(u"* * * * *"_s + nul), false);
    change("cron past 256 bytes", cron(u"0 "_s + QString(300, u'1') + u" * * *"_s), false);
    // MQTT: wildcards, QoS, result topic.
    change("mqtt filter", [](FunctionConfig &c) { c.triggers = {Trigger {TriggerType::Mqtt, u"cars/+/crash"_s, u"alerts/crash"_s, 1}}; }, true);
    change("mqtt #", [](FunctionConfig &c) { c.triggers = {Trigger {TriggerType::Mqtt, u"#"_s}}; }, true);
    change("mqtt + and #", [](FunctionConfig &c) { c.triggers = {Trigger {TriggerType::Mqtt, u"+/cars/#"_s}}; }, true);
    change("mqtt # not last", [](FunctionConfig &c) { c.triggers = {Trigger {TriggerType::Mqtt, u"a/#/b"_s}}; }, false);
    change("mqtt # inside a level", [](FunctionConfig &c) { c.triggers = {Trigger {TriggerType::Mqtt, u"a/b#"_s}}; }, false);
    change("mqtt + inside a level", [](FunctionConfig &c) { c.triggers = {Trigger {TriggerType::Mqtt, u"a/b+/c"_s}}; }, false);
    change("mqtt empty filter", [](FunctionConfig &c) { c.triggers = {Trigger {TriggerType::Mqtt, {}}}; }, false);
    change("mqtt qos 2", [](FunctionConfig &c) { c.triggers = {Trigger {TriggerType::Mqtt, u"a"_s, {}, 2}}; }, false);
    change("mqtt result topic with +", [](FunctionConfig &c) { c.triggers = {Trigger {TriggerType::Mqtt, u"a"_s, u"b/+"_s, 0}}; }, false);
    change("mqtt filter with NUL", [nul](FunctionConfig &c) { c.triggers = {Trigger {TriggerType::Mqtt, u"a"_s + nul}}; }, false);
    row("mqtt qos as text", withTrigger(mqtt(u"a"_s, u"1"_s)), false);
    row("mqtt qos -1", withTrigger(mqtt(u"a"_s, -1)), false);
    row("mqtt result topic a number", withTrigger(mqtt(u"a"_s, 0, 5)), false);
    row("unknown trigger type", withTrigger({{u"type"_s, u"smtp"_s}, {u"value"_s, u"x"_s}}), false);
    change("second trigger bad", [](FunctionConfig &c) { c.triggers = {Trigger {}, Trigger {TriggerType::Cron, u"61 * * * *"_s}}; }, false);
    row("65 triggers", withKey(u"triggers"_s, QJsonArray::fromVariantList(QVariantList(65, QVariantMap {{u"type"_s, u"http"_s}}))), false);
    // Environment.
    change("env", [](FunctionConfig &c) { c.env = {{u"DB_URL"_s, u"x"_s}, {u"_private"_s, u""_s}}; }, true);
    change("env name starting with a digit", [](FunctionConfig &c) { c.env = {{u"1X"_s, u"x"_s}}; }, false);
    change("env name with =", [](FunctionConfig &c) { c.env = {{u"A=B"_s, u"x"_s}}; }, false);
    change("env name reserved", [](FunctionConfig &c) { c.env = {{u"RUNE_TOKEN"_s, u"x"_s}}; }, false);
    change("env name past 256 bytes", [](FunctionConfig &c) { c.env = {{QString(257, u'A'), u"x"_s}}; }, false);
    change("env value with NUL", [nul](FunctionConfig &c) { c.env = {{u"A"_s, u"x"_s + nul}}; }, false);
    change("env value past 32 KiB", [](FunctionConfig &c) { c.env = {{u"A"_s, QString(32 * 1024 + 1, u'x')}}; }, false);
    change("env past 256 KiB in all", [](FunctionConfig &c) {
        for (int i = 0; i < 9; ++i)
            c.env.insert(u"V%1"_s.arg(i), QString(32 * 1024, u'x'));
    }, false);
    // Qt writes a lone surrogate as a lone \ud800 escape, which is no character: neither side takes it.
    change("env value with a lone surrogate", [loneSurrogate](FunctionConfig &c) { c.env = {{u"A"_s, loneSurrogate}}; }, false);
    row("env value a number", withKey(u"env"_s, QJsonObject {{u"PORT"_s, 80}}), false);
    // Types the console's model cannot hold, as a stored configuration may.
    row("memory as text", withKey(u"memory_mib"_s, u"big"_s), false);
    row("timeout a fraction", withKey(u"timeout_seconds"_s, 1.5), false);
    row("unknown runtime", withKey(u"runtime"_s, u"java"_s), false);
    row("unknown auth", withKey(u"auth"_s, u"none"_s), false);
    row("triggers not a list", withKey(u"triggers"_s, u"cron"_s), false);
    row("env not an object", withKey(u"env"_s, QJsonArray()), false);
    change("public", [](FunctionConfig &c) { c.auth = rune::FunctionAuth::Public; }, true);
    // Everything wrong at once: every problem, in the same order.
    change("many problems", [](FunctionConfig &c) {
        c.handler = u"nodot"_s;
        c.memoryMiB = 100;
        c.timeoutSeconds = 0;
        c.minReplicas = 3;
        c.maxReplicas = 2;
        c.triggers = {Trigger {TriggerType::Cron, u"bad"_s}, Trigger {TriggerType::Mqtt, u"a/#/b"_s, {}, 2}};
        c.env = {{u"RUNE_X"_s, u"1"_s}};
    }, false);
    // clang-format on
}

void TestProtocolAgreement::configurations()
{
    QFETCH(QJsonObject, config);
    QFETCH(bool, valid);
    const QStringList console = consoleProblems(config);

    const QString name = u"agree-%1"_s.arg(++m_deploys);
    const HttpReply reply = deployAsTheConsole(*m_agent, name, config);
    QStringList agent;
    if (reply.status != 201) {
        // invalid_config lists every problem; bad_request is configuration text that is not
        // JSON at all, one problem.
        const auto answer = jsonOf(reply);
        QCOMPARE(reply.status, 400);
        const QString code = textOf(answer["error"]["code"]);
        QVERIFY2(code == u"invalid_config"_s || code == u"bad_request"_s, qPrintable(code));
        if (code == u"bad_request"_s)
            agent << textOf(answer["error"]["message"]);
        else
            for (const auto &problem : answer["error"]["problems"])
                agent << textOf(problem);
        QVERIFY2(!agent.isEmpty(), reply.body.constData());
    }
    QCOMPARE(console, agent);
    QVERIFY2(console.isEmpty() == valid, qPrintable(console.join(u"; "_s)));
}

void TestProtocolAgreement::functionNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("word") << u"hello"_s << true;
    QTest::newRow("digits and dashes") << u"resize-image-2"_s << true;
    QTest::newRow("63 characters") << QString(63, u'a') << true;
    QTest::newRow("64 characters") << QString(64, u'a') << false;
    QTest::newRow("uppercase") << u"Hello"_s << false;
    QTest::newRow("starts with a digit") << u"1st"_s << false;
    QTest::newRow("starts with a dash") << u"-x"_s << false;
    QTest::newRow("underscore") << u"a_b"_s << false;
    QTest::newRow("dot") << u"a.b"_s << false;
}

void TestProtocolAgreement::functionNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    const QString console = rune::functionNameProblem(name);
    const HttpReply reply = deployAsTheConsole(*m_agent, name, FunctionConfig().toJson());
    QString agent;
    if (reply.status != 201) {
        QCOMPARE(reply.status, 400);
        agent = textOf(jsonOf(reply)["error"]["message"]);
    }
    QCOMPARE(console, agent);
    QCOMPARE(console.isEmpty(), valid);
}

RUNE_TEST_GUILESS_MAIN(TestProtocolAgreement)
#include "tst_protocolagreement.moc"
