// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "functions/function.h"
#include "functions/functionconfig.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using rune::FunctionConfig;

namespace
{

/** The default configuration with @p overrides applied, read back through fromJson(). */
FunctionConfig configWith(const QJsonObject &overrides)
{
    QJsonObject json = FunctionConfig().toJson();
    for (auto it = overrides.begin(); it != overrides.end(); ++it)
        json.insert(it.key(), it.value());
    const auto config = FunctionConfig::fromJson(json);
    if (!config)
        qFatal("fixture does not parse: %s", qPrintable(config.error().message));
    return *config;
}

QJsonArray oneTrigger(const QString &type, const QString &value)
{
    return {QJsonObject {{u"type"_s, type}, {u"value"_s, value}}};
}

} // namespace

class TestFunctionConfig final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreValid();
    void validation_data();
    void validation();
    void everyProblemIsReportedAtOnce();
    void problemsNameTheirField();
    void cronExpressions_data();
    void cronExpressions();
    void mqttTopicFilters_data();
    void mqttTopicFilters();
    void jsonRoundTrip();
    void jsonUsesSnakeCase();
    void missingFieldsKeepDefaults();
    void badJsonNamesTheField_data();
    void badJsonNamesTheField();
    void functionNames_data();
    void functionNames();
    void codeDigest();
};

void TestFunctionConfig::problemsNameTheirField()
{
    FunctionConfig config;
    config.handler = u"nodot"_s;
    config.memoryMiB = 100;
    config.minReplicas = 3;
    config.maxReplicas = 2;
    config.triggers = {{rune::TriggerType::Cron, u"* *"_s}};
    config.env = {{u"RUNE_X"_s, u"1"_s}};
    QStringList fields;
    for (const rune::ConfigProblem &problem : config.problems())
        fields << problem.field;
    QCOMPARE(fields, QStringList({u"triggers"_s, u"env"_s, u"handler"_s, u"memory_mib"_s, u"max_replicas"_s}));
    QCOMPARE(config.problems().size(), config.validate().size());
    QCOMPARE(config.problems().at(1).message, config.validate().at(1));
}

void TestFunctionConfig::defaultsAreValid()
{
    const FunctionConfig config;
    QCOMPARE(config.validate(), QStringList());
    QCOMPARE(config.runtime, rune::FunctionRuntime::Python3);
    QCOMPARE(config.handler, u"handler.handle"_s);
    QCOMPARE(config.memoryMiB, 128);
    QCOMPARE(config.timeoutSeconds, 30);
}

void TestFunctionConfig::validation_data()
{
    QTest::addColumn<QJsonObject>("overrides");
    QTest::addColumn<QStringList>("problems");
    // clang-format off
    QTest::newRow("smallest memory") << QJsonObject{{u"memory_mib"_s, 64}} << QStringList();
    QTest::newRow("largest memory") << QJsonObject{{u"memory_mib"_s, 16384}} << QStringList();
    QTest::newRow("memory off the step") << QJsonObject{{u"memory_mib"_s, 100}}
        << QStringList{u"memory_mib must be a multiple of 64 (got 100)"_s};
    QTest::newRow("memory too small") << QJsonObject{{u"memory_mib"_s, 32}}
        << QStringList{u"memory_mib must be between 64 and 16384 (got 32)"_s};
    QTest::newRow("memory too large") << QJsonObject{{u"memory_mib"_s, 16448}}
        << QStringList{u"memory_mib must be between 64 and 16384 (got 16448)"_s};
    QTest::newRow("longest timeout") << QJsonObject{{u"timeout_seconds"_s, 900}} << QStringList();
    QTest::newRow("no timeout") << QJsonObject{{u"timeout_seconds"_s, 0}}
        << QStringList{u"timeout_seconds must be between 1 and 900 (got 0)"_s};
    QTest::newRow("timeout too long") << QJsonObject{{u"timeout_seconds"_s, 901}}
        << QStringList{u"timeout_seconds must be between 1 and 900 (got 901)"_s};
    QTest::newRow("no payload") << QJsonObject{{u"max_payload_bytes"_s, 0}}
        << QStringList{u"max_payload_bytes must be between 1 and 1073741824 (got 0)"_s};
    QTest::newRow("largest payload") << QJsonObject{{u"max_payload_bytes"_s, 1073741824}} << QStringList();
    QTest::newRow("payload past 1 GiB") << QJsonObject{{u"max_payload_bytes"_s, 1073741825}}
        << QStringList{u"max_payload_bytes must be between 1 and 1073741824 (got 1073741825)"_s};
    QTest::newRow("negative minimum") << QJsonObject{{u"min_replicas"_s, -1}}
        << QStringList{u"min_replicas must be between 0 and 1000 (got -1)"_s};
    QTest::newRow("no maximum") << QJsonObject{{u"max_replicas"_s, 0}}
        << QStringList{u"max_replicas must be between 1 and 1000 (got 0)"_s};
    QTest::newRow("maximum below minimum") << QJsonObject{{u"min_replicas"_s, 5}, {u"max_replicas"_s, 2}}
        << QStringList{u"max_replicas (2) must not be below min_replicas (5)"_s};
    QTest::newRow("minimum equals maximum") << QJsonObject{{u"min_replicas"_s, 3}, {u"max_replicas"_s, 3}} << QStringList();
    QTest::newRow("no concurrency") << QJsonObject{{u"target_concurrency"_s, 0}}
        << QStringList{u"target_concurrency must be between 1 and 10000 (got 0)"_s};
    QTest::newRow("never scale to zero") << QJsonObject{{u"idle_to_zero_seconds"_s, 0}} << QStringList();
    QTest::newRow("negative idle time") << QJsonObject{{u"idle_to_zero_seconds"_s, -5}}
        << QStringList{u"idle_to_zero_seconds must be between 0 and 604800 (got -5)"_s};
    QTest::newRow("empty handler") << QJsonObject{{u"handler"_s, u""_s}} << QStringList{u"handler must not be empty"_s};
    QTest::newRow("handler without function") << QJsonObject{{u"handler"_s, u"handler"_s}}
        << QStringList{u"handler must be module.function, e.g. handler.handle (got 'handler')"_s};
    QTest::newRow("dotted python module") << QJsonObject{{u"handler"_s, u"pkg.mod.handle"_s}} << QStringList();
    QTest::newRow("node handler") << QJsonObject{{u"runtime"_s, u"node"_s}, {u"handler"_s, u"index.handler"_s}} << QStringList();
    QTest::newRow("exec handler") << QJsonObject{{u"runtime"_s, u"exec"_s}, {u"handler"_s, u"bin/run"_s}} << QStringList();
    QTest::newRow("exec handler outside the files") << QJsonObject{{u"runtime"_s, u"exec"_s}, {u"handler"_s, u"../run"_s}}
        << QStringList{u"handler of an exec function must be a path inside its files, e.g. bin/handler (got '../run')"_s};
    QTest::newRow("exec absolute handler") << QJsonObject{{u"runtime"_s, u"exec"_s}, {u"handler"_s, u"/bin/sh"_s}}
        << QStringList{u"handler of an exec function must be a path inside its files, e.g. bin/handler (got '/bin/sh')"_s};
    QTest::newRow("cron trigger") << QJsonObject{{u"triggers"_s, oneTrigger(u"cron"_s, u"*/5 * * * 1-5"_s)}} << QStringList();
    QTest::newRow("bad cron trigger") << QJsonObject{{u"triggers"_s, oneTrigger(u"cron"_s, u"61 * * * *"_s)}}
        << QStringList{u"trigger 1: the minute field '61' of the cron schedule is not valid: '61' is not a value from 0 to 59"_s};
    QTest::newRow("short cron trigger") << QJsonObject{{u"triggers"_s, oneTrigger(u"cron"_s, u"* * *"_s)}}
        << QStringList{u"trigger 1: a cron schedule has five fields (minute hour day-of-month month day-of-week) or is a shorthand such as @hourly; '* * *' has 3"_s};
    QTest::newRow("cron names") << QJsonObject{{u"triggers"_s, oneTrigger(u"cron"_s, u"*/15 9-17 * jan-jun mon-fri"_s)}} << QStringList();
    QTest::newRow("cron shorthand") << QJsonObject{{u"triggers"_s, oneTrigger(u"cron"_s, u"@hourly"_s)}} << QStringList();
    QTest::newRow("mqtt trigger") << QJsonObject{{u"triggers"_s, oneTrigger(u"mqtt"_s, u"sensors/+/accident/#"_s)}} << QStringList();
    QTest::newRow("bad mqtt trigger") << QJsonObject{{u"triggers"_s, oneTrigger(u"mqtt"_s, u"sensors/#/x"_s)}}
        << QStringList{u"trigger 1: in the MQTT topic filter 'sensors/#/x', # must be a whole last level"_s};
    QTest::newRow("mqtt qos and result topic") << QJsonObject{{u"triggers"_s, QJsonArray{QJsonObject{{u"type"_s, u"mqtt"_s},
        {u"value"_s, u"cars/+/crash"_s}, {u"qos"_s, 1}, {u"result_topic"_s, u"alerts/crash"_s}}}}} << QStringList();
    QTest::newRow("mqtt qos 2") << QJsonObject{{u"triggers"_s, QJsonArray{QJsonObject{{u"type"_s, u"mqtt"_s},
        {u"value"_s, u"cars/+/crash"_s}, {u"qos"_s, 2}}}}}
        << QStringList{u"trigger 1: qos of an mqtt trigger must be 0 or 1 (got 2)"_s};
    QTest::newRow("no triggers") << QJsonObject{{u"triggers"_s, QJsonArray()}} << QStringList();
    QTest::newRow("env") << QJsonObject{{u"env"_s, QJsonObject{{u"DB_URL"_s, u"x"_s}, {u"_private"_s, u""_s}}}} << QStringList();
    QTest::newRow("bad env name") << QJsonObject{{u"env"_s, QJsonObject{{u"1X"_s, u"x"_s}}}}
        << QStringList{u"env name '1X' is not a valid variable name (letters, digits and _, not a digit first)"_s};
    QTest::newRow("env name with '='") << QJsonObject{{u"env"_s, QJsonObject{{u"A=B"_s, u"x"_s}}}}
        << QStringList{u"env name 'A=B' is not a valid variable name (letters, digits and _, not a digit first)"_s};
    QTest::newRow("reserved env name") << QJsonObject{{u"env"_s, QJsonObject{{u"RUNE_TOKEN"_s, u"x"_s}}}}
        << QStringList{u"env name 'RUNE_TOKEN' is reserved (names starting with RUNE_ are set by Rune)"_s};
    // clang-format on
}

void TestFunctionConfig::validation()
{
    QFETCH(QJsonObject, overrides);
    QFETCH(QStringList, problems);
    QCOMPARE(configWith(overrides).validate(), problems);
}

void TestFunctionConfig::everyProblemIsReportedAtOnce()
{
    FunctionConfig config;
    config.handler = u"nodot"_s;
    config.memoryMiB = 100;
    config.timeoutSeconds = 0;
    config.minReplicas = -1;
    config.targetConcurrency = 0;
    config.triggers = {{rune::TriggerType::Cron, u"bad"_s}, {rune::TriggerType::Mqtt, u""_s}};
    config.env = {{u"RUNE_X"_s, u"1"_s}};
    const QStringList problems = config.validate();
    QCOMPARE(problems.size(), 8);
    QVERIFY(problems.contains(u"memory_mib must be a multiple of 64 (got 100)"_s));
    QVERIFY(problems.filter(u"trigger 2: a mqtt trigger needs a value"_s).size() == 1);
    for (const QString &problem : problems)
        QVERIFY2(!problem.isEmpty(), "every problem is a sentence");
}

void TestFunctionConfig::cronExpressions_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<bool>("valid");
    QTest::newRow("every minute") << u"* * * * *"_s << true;
    QTest::newRow("tabs and spaces") << u" 0\t12  * * 0 "_s << true;
    QTest::newRow("lists and ranges") << u"0,15,30-45/5 8-18 1,15 */2 1-5"_s << true;
    QTest::newRow("sunday as 7") << u"0 0 * * 7"_s << true;
    QTest::newRow("start/step") << u"5/15 * * * *"_s << true;
    QTest::newRow("shorthand") << u"@hourly"_s << true;
    QTest::newRow("unknown shorthand") << u"@reboot"_s << false;
    QTest::newRow("empty") << u""_s << false;
    QTest::newRow("six fields") << u"0 * * * * *"_s << false;
    QTest::newRow("hour 24") << u"0 24 * * *"_s << false;
    QTest::newRow("day 0") << u"0 0 0 * *"_s << false;
    QTest::newRow("month 13") << u"0 0 1 13 *"_s << false;
    QTest::newRow("month name") << u"0 0 1 jan *"_s << true;
    QTest::newRow("day names") << u"*/15 9-17 * * mon-fri"_s << true;
    QTest::newRow("unknown name") << u"0 0 1 foo *"_s << false;
    QTest::newRow("reversed range") << u"0 10-5 * * *"_s << false;
    QTest::newRow("zero step") << u"*/0 * * * *"_s << false;
    QTest::newRow("empty list item") << u"1,,2 * * * *"_s << false;
    QTest::newRow("negative") << u"-1 * * * *"_s << false;
    QTest::newRow("signed") << u"+1 * * * *"_s << false;
}

void TestFunctionConfig::cronExpressions()
{
    QFETCH(QString, expression);
    QFETCH(bool, valid);
    const QString problem = rune::cronExpressionProblem(expression);
    QVERIFY2(problem.isEmpty() == valid, qPrintable(problem));
    if (!valid)
        QVERIFY2(problem.contains(u"cron"_s), qPrintable(problem)); // a sentence about the schedule
}

void TestFunctionConfig::mqttTopicFilters_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain") << u"sensors/temperature"_s << true;
    QTest::newRow("everything") << u"#"_s << true;
    QTest::newRow("single level") << u"+"_s << true;
    QTest::newRow("mixed") << u"city/+/cars/#"_s << true;
    QTest::newRow("system topics") << u"$SYS/broker/#"_s << true;
    QTest::newRow("empty") << u""_s << false;
    QTest::newRow("hash not last") << u"a/#/b"_s << false;
    QTest::newRow("hash inside a level") << u"a/b#"_s << false;
    QTest::newRow("plus inside a level") << u"a/b+/c"_s << false;
    QTest::newRow("nul") << u"a\u0000b"_s << false;
}

void TestFunctionConfig::mqttTopicFilters()
{
    QFETCH(QString, filter);
    QFETCH(bool, valid);
    const QString problem = rune::mqttTopicFilterProblem(filter);
    QVERIFY2(problem.isEmpty() == valid, qPrintable(problem));
}

void TestFunctionConfig::jsonRoundTrip()
{
    FunctionConfig config;
    config.runtime = rune::FunctionRuntime::Node;
    config.handler = u"src/index.main"_s;
    config.memoryMiB = 512;
    config.timeoutSeconds = 120;
    config.maxPayloadBytes = 1024 * 1024;
    config.minReplicas = 1;
    config.maxReplicas = 10;
    config.targetConcurrency = 8;
    config.idleToZeroSeconds = 0;
    config.gpuCount = 2;
    config.gpuMemoryMiB = 8192;
    config.gpuPercent = 50;
    config.asyncQueueLimit = 25;
    config.triggers = {{rune::TriggerType::Http, {}},
        {rune::TriggerType::Cron, u"0 3 * * *"_s},
        {rune::TriggerType::Mqtt, u"cars/+/crash"_s, u"alerts/crash"_s, 1}};
    config.env = {{u"MODE"_s, u"prod"_s}, {u"GREETING"_s, u"héllo, wörld"_s}};
    config.auth = rune::FunctionAuth::Public;
    QVERIFY(config != FunctionConfig());
    const auto parsed = FunctionConfig::fromJson(config.toJson());
    QVERIFY2(parsed.has_value(), parsed ? "" : qPrintable(parsed.error().message));
    QCOMPARE(*parsed, config);
}

void TestFunctionConfig::jsonUsesSnakeCase()
{
    QStringList keys = FunctionConfig().toJson().keys();
    keys.sort();
    QCOMPARE(keys,
        (QStringList {u"async_queue_limit"_s,
            u"auth"_s,
            u"env"_s,
            u"gpu_count"_s,
            u"gpu_memory_mib"_s,
            u"gpu_percent"_s,
            u"handler"_s,
            u"idle_to_zero_seconds"_s,
            u"max_payload_bytes"_s,
            u"max_replicas"_s,
            u"memory_mib"_s,
            u"min_replicas"_s,
            u"runtime"_s,
            u"target_concurrency"_s,
            u"timeout_seconds"_s,
            u"triggers"_s}));
    QCOMPARE(FunctionConfig().toJson().value(u"runtime"_s).toString(), u"python3"_s);
    QCOMPARE(FunctionConfig().toJson().value(u"auth"_s).toString(), u"token"_s);
}

void TestFunctionConfig::missingFieldsKeepDefaults()
{
    const auto parsed = FunctionConfig::fromJson(QJsonObject {{u"memory_mib"_s, 256}, {u"future_field"_s, true}});
    QVERIFY(parsed.has_value());
    FunctionConfig expected;
    expected.memoryMiB = 256;
    QCOMPARE(*parsed, expected);
}

void TestFunctionConfig::badJsonNamesTheField_data()
{
    QTest::addColumn<QJsonObject>("json");
    QTest::addColumn<QString>("field");
    QTest::newRow("text for a number") << QJsonObject {{u"memory_mib"_s, u"lots"_s}} << u"\"memory_mib\""_s;
    QTest::newRow("fraction") << QJsonObject {{u"timeout_seconds"_s, 1.5}} << u"\"timeout_seconds\""_s;
    QTest::newRow("out of range") << QJsonObject {{u"max_replicas"_s, 1e12}} << u"\"max_replicas\""_s;
    QTest::newRow("unknown runtime") << QJsonObject {{u"runtime"_s, u"java"_s}} << u"\"runtime\""_s;
    QTest::newRow("runtime not text") << QJsonObject {{u"runtime"_s, 3}} << u"\"runtime\""_s;
    QTest::newRow("unknown auth") << QJsonObject {{u"auth"_s, u"none"_s}} << u"\"auth\""_s;
    QTest::newRow("handler not text") << QJsonObject {{u"handler"_s, QJsonArray()}} << u"\"handler\""_s;
    QTest::newRow("triggers not a list") << QJsonObject {{u"triggers"_s, u"cron"_s}} << u"\"triggers\""_s;
    QTest::newRow("trigger not an object") << QJsonObject {{u"triggers"_s, QJsonArray {5}}} << u"\"triggers[0]\""_s;
    QTest::newRow("unknown trigger type")
        << QJsonObject {{u"triggers"_s, oneTrigger(u"smtp"_s, {})}} << u"\"triggers[0].type\""_s;
    QTest::newRow("env not an object") << QJsonObject {{u"env"_s, QJsonArray()}} << u"\"env\""_s;
    QTest::newRow("env value not text") << QJsonObject {{u"env"_s, QJsonObject {{u"PORT"_s, 80}}}} << u"\"env.PORT\""_s;
}

void TestFunctionConfig::badJsonNamesTheField()
{
    QFETCH(QJsonObject, json);
    QFETCH(QString, field);
    const auto parsed = FunctionConfig::fromJson(json);
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().code, u"function.config_invalid"_s);
    QVERIFY2(parsed.error().message.contains(field), qPrintable(parsed.error().message));
}

void TestFunctionConfig::functionNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("word") << u"hello"_s << true;
    QTest::newRow("one letter") << u"a"_s << true;
    QTest::newRow("digits and dashes") << u"resize-image-2"_s << true;
    QTest::newRow("63 characters") << QString(63, u'a') << true;
    QTest::newRow("64 characters") << QString(64, u'a') << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("uppercase") << u"Hello"_s << false;
    QTest::newRow("starts with a digit") << u"1st"_s << false;
    QTest::newRow("starts with a dash") << u"-x"_s << false;
    QTest::newRow("underscore") << u"a_b"_s << false;
    QTest::newRow("dot") << u"a.b"_s << false;
    QTest::newRow("slash") << u"a/b"_s << false;
    QTest::newRow("accent") << u"café"_s << false;
}

void TestFunctionConfig::functionNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    const QString problem = rune::functionNameProblem(name);
    QVERIFY2(problem.isEmpty() == valid, qPrintable(problem));
}

void TestFunctionConfig::codeDigest()
{
    QCOMPARE(rune::codeDigestOf({}), u"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"_s);
    QVERIFY(rune::isCodeDigest(rune::codeDigestOf("def handle(event, context): return 'hi'")));
    QVERIFY(!rune::isCodeDigest(u"E3B0"_s));
    QVERIFY(!rune::isCodeDigest(rune::codeDigestOf({}).toUpper()));
}

RUNE_TEST_GUILESS_MAIN(TestFunctionConfig)
#include "tst_functionconfig.moc"
