// SPDX-License-Identifier: GPL-3.0-or-later
// A function's configuration is untrusted input: every number, length and character the
// checks read is bounded, and what passes no bound is refused with a sentence naming it, never
// an exception, an overflow or a stack that runs out.

#include "../common/testmain.h"
#include "cronexpression.h"
#include "deployconfig.h"

#include <QTest>

using namespace rune::protocol;
using json = nlohmann::json;

Q_DECLARE_METATYPE(json)

class TestConfigBounds final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cronNumbersAreBounded_data();
    void cronNumbersAreBounded();
    void largestStepsStillWork();
    void refusedConfigsNameTheProblem_data();
    void refusedConfigsNameTheProblem();
    void envWithinTheBoundsPasses();
};

void TestConfigBounds::cronNumbersAreBounded_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QString>("reason");
    QTest::newRow("minute step INT_MAX") << "1/2147483647 * * * *"
                                         << "the step '2147483647' must be from 1 to 60";
    QTest::newRow("weekday step INT_MAX") << "* * * * 1/2147483647"
                                          << "day of week field";
    QTest::newRow("range step INT_MAX") << "0-59/2147483647 * * * *"
                                        << "must be from 1 to 60";
    QTest::newRow("step past 64 bits") << "*/99999999999999999999999 * * * *"
                                       << "step";
    QTest::newRow("negative step") << "*/-1 * * * *"
                                   << "step";
    QTest::newRow("value INT_MAX") << "2147483647 * * * *"
                                   << "is not a value from 0 to 59";
    QTest::newRow("negative value") << "-5 * * * *"
                                    << "minute field";
    QTest::newRow("range to INT_MAX") << "0 0 1-2147483647 * *"
                                      << "day of month field";
    QTest::newRow("step of the hour field") << "0 */25 * * *"
                                            << "must be from 1 to 24";
    QTest::newRow("long field is quoted short")
        << QString(QStringLiteral("1,")).repeated(5000) + QStringLiteral("x * * * *") << "...";
}

void TestConfigBounds::cronNumbersAreBounded()
{
    QFETCH(QString, schedule);
    QFETCH(QString, reason);
    const auto cron = CronExpression::parse(schedule.toStdString());
    QVERIFY(!cron);
    QVERIFY2(QString::fromStdString(cron.error()).contains(reason), cron.error().c_str());
    QVERIFY2(cron.error().size() < 400, cron.error().c_str());
}

void TestConfigBounds::largestStepsStillWork()
{
    const auto minutes = CronExpression::parse("*/60 * * * *");
    QVERIFY2(minutes, minutes ? "" : minutes.error().c_str());
    std::tm time {};
    time.tm_mday = 1;
    QVERIFY(minutes->matches(time));
    time.tm_min = 30;
    QVERIFY(!minutes->matches(time));
    QVERIFY(CronExpression::parse("0 0 * * 0/8"));
}

void TestConfigBounds::refusedConfigsNameTheProblem_data()
{
    QTest::addColumn<json>("config");
    QTest::addColumn<QString>("reason");
    const auto cron = [](const std::string &value) {
        return json {{"triggers", json::array({{{"type", "cron"}, {"value", value}}})}};
    };
    const auto mqtt = [](const std::string &value, const std::string &result) {
        return json {{"triggers", json::array({{{"type", "mqtt"}, {"value", value}, {"result_topic", result}}})}};
    };
    QTest::newRow("cron step") << cron("1/2147483647 * * * *") << "the step '2147483647'";
    QTest::newRow("cron weekday step") << cron("* * * * 1/2147483647") << "day of week";
    QTest::newRow("cron too long") << cron(std::string(300, '*')) << "more than 256";
    QTest::newRow("env name of 30000 characters")
        << json {{"env", {{std::string(30000, 'A'), "x"}}}} << "env name is 30000 bytes long, more than 256";
    QTest::newRow("env name of 200 characters with a dash")
        << json {{"env", {{std::string(200, 'A') + "-", "x"}}}} << "is not a valid variable name";
    QTest::newRow("env name with NUL") << json {{"env", {{std::string("A\0B", 3), "x"}}}} << "contains a NUL";
    QTest::newRow("env name not UTF-8") << json {{"env", {{"A\xff", "x"}}}} << "is not valid UTF-8";
    QTest::newRow("env name overlong UTF-8") << json {{"env", {{"A\xc0\xaf", "x"}}}} << "is not valid UTF-8";
    QTest::newRow("env name surrogate") << json {{"env", {{"A\xed\xa0\x80", "x"}}}} << "is not valid UTF-8";
    QTest::newRow("env name non-ASCII") << json {{"env", {{"caf\xc3\xa9", "x"}}}} << "not a valid variable name";
    QTest::newRow("env name digit first") << json {{"env", {{"1A", "x"}}}} << "not a valid variable name";
    QTest::newRow("env value with NUL") << json {{"env", {{"A", std::string("x\0y", 3)}}}} << "contains a NUL";
    QTest::newRow("env value too long") << json {{"env", {{"A", std::string(40000, 'x')}}}} << "more than 32768";
    QTest::newRow("env too large in total") << [] {
        json env = json::object();
        for (int i = 0; i < 10; ++i)
            env["V" + std::to_string(i)] = std::string(30000, 'x');
        return json {{"env", env}};
    }() << "more than the limit of 262144";
    QTest::newRow("env value a number") << json {{"env", {{"A", 5}}}} << "must be a string";
    QTest::newRow("topic with NUL") << mqtt(std::string("a/\0b", 4), "") << "contains a NUL";
    QTest::newRow("result topic with NUL") << mqtt("a/b", std::string("r\0s", 3)) << "result_topic";
    QTest::newRow("result topic with wildcard") << mqtt("a/b", "r/#") << "must not contain + or #";
    QTest::newRow("topic not UTF-8") << mqtt("a/\xff", "") << "is not valid UTF-8";
    QTest::newRow("handler with NUL") << json {{"handler", std::string("h\0x", 3)}} << "contains a NUL";
    QTest::newRow("handler too long") << json {{"handler", std::string(5000, 'h')}} << "more than 1024";
    QTest::newRow("runtime not UTF-8") << json {{"runtime", "py\xff"}} << "not valid UTF-8";
    QTest::newRow("qos huge") << json {{"triggers",
        json::array({{{"type", "mqtt"}, {"value", "a"}, {"qos", 1ull << 40}}})}}
                              << "qos";
    QTest::newRow("memory past 64 bits") << json {{"memory_mib", 18446744073709551615ull}}
                                         << "between 64 and 16384 (got 18446744073709551615)";
    QTest::newRow("timeout negative") << json {{"timeout_seconds", -1}} << "between 1 and 900 (got -1)";
    QTest::newRow("async queue past 64 bits")
        << json {{"async_queue_limit", 18446744073709551615ull}} << "async_queue_limit must be between 0 and 1000000";
    QTest::newRow("async queue negative")
        << json {{"async_queue_limit", -3}} << "async_queue_limit must be between 0 and 1000000 (got -3)";
    QTest::newRow("async queue a fraction")
        << json {{"async_queue_limit", 2.5}} << "async_queue_limit must be a whole number (got 2.5)";
    QTest::newRow("too many triggers") << json {{"triggers", json(std::vector<json>(65, {{"type", "http"}}))}}
                                       << "at most 64 triggers";
}

void TestConfigBounds::refusedConfigsNameTheProblem()
{
    QFETCH(json, config);
    QFETCH(QString, reason);
    const auto parsed = parseFunctionConfig(config);
    QVERIFY(!parsed);
    QString all;
    for (const std::string &problem : messagesOf(parsed.error())) {
        all += QString::fromStdString(problem) + QStringLiteral("; ");
        QVERIFY2(problem.size() < 400, problem.c_str()); // a hostile value is never quoted whole
    }
    QVERIFY2(all.contains(reason), qPrintable(all));
}

void TestConfigBounds::envWithinTheBoundsPasses()
{
    json env = json::object();
    env[std::string(256, 'A')] = std::string(32 * 1024, 'x');
    env["_private2"] = "caf\xc3\xa9";
    const auto parsed = parseFunctionConfig({{"env", env}});
    QVERIFY(parsed);
    QCOMPARE(parsed->env.size(), std::size_t(2));
}

RUNE_TEST_GUILESS_MAIN(TestConfigBounds)
#include "tst_configbounds.moc"
