// SPDX-License-Identifier: GPL-3.0-or-later
// The agent's built-in benchmarks on a real agent: every test's figures and units, the bounds,
// one run at a time, cancelling, the temporary files (also after kill -9), rtt to a second agent,
// health and events while a run goes on, and functions still answering during a cpu run.

#include "../common/functions.h"
#include "../common/testmain.h"
#include "benchprotocol.h"

#include <QDir>
#include <QTest>

using namespace rune::test;
using json = nlohmann::json;
namespace bench = rune::protocol;

class TestBenchApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void testsReportTheirMetrics_data();
    void testsReportTheirMetrics();
    void rttMeasuresPeersAndNamesTheUnreachable();
    void boundsAreRefusedNamingTheLimit_data();
    void boundsAreRefusedNamingTheLimit();
    void wrongPathsAndMethodsAreRefused_data();
    void wrongPathsAndMethodsAreRefused();
    void oneRunAtATime();
    void cancellingMidRunLeavesNoFile_data();
    void cancellingMidRunLeavesNoFile();
    void killedMidFileioLeavesNoFileAfterRestart();
    void healthAndEventsShowTheRun();
    void functionsAnswerDuringCpuRun();
    void runsListsNewestFirst();
    void agentStopsCleanlyDuringRun();

private:
    std::unique_ptr<TestAgent> m_agent;
};

namespace
{

QStringList words(std::initializer_list<const char *> texts)
{
    QStringList list;
    for (const char *text : texts)
        list << QString::fromUtf8(text);
    return list;
}

QByteArray runPath(const std::string &id)
{
    return QByteArray(bench::paths::benchRuns) + '/' + QByteArray::fromStdString(id);
}

json startRun(TestAgent &agent, const QByteArray &test, const QByteArray &body)
{
    const HttpReply reply = controlPost(agent, bench::paths::benchPrefix + test, body);
    if (reply.status != 202) {
        qWarning() << "start" << test << reply.status << reply.body;
        return json::object();
    }
    return jsonOf(reply)[bench::benchrun::object];
}

json runOf(TestAgent &agent, const std::string &id)
{
    return jsonOf(controlGet(agent, runPath(id)))[bench::benchrun::object];
}

/** Polls the run until it is no longer running (or @p timeoutMs pass); its last JSON. */
json awaitEnd(TestAgent &agent, const std::string &id, int timeoutMs = 60000)
{
    QElapsedTimer timer;
    timer.start();
    json run = runOf(agent, id);
    while (run.value(bench::benchrun::state, "") == bench::benchrun::stateRunning && timer.elapsed() < timeoutMs) {
        QTest::qWait(100);
        run = runOf(agent, id);
    }
    return run;
}

/** Waits until @p ready says yes about the run (or @p timeoutMs pass); the last JSON. */
json awaitRun(
    TestAgent &agent, const std::string &id, const std::function<bool(const json &)> &ready, int timeoutMs = 30000)
{
    QElapsedTimer timer;
    timer.start();
    json run = runOf(agent, id);
    while (!ready(run) && timer.elapsed() < timeoutMs) {
        QTest::qWait(20);
        run = runOf(agent, id);
    }
    return run;
}

HttpReply cancelRun(TestAgent &agent, const std::string &id)
{
    return httpRequest(agent.port(), "DELETE", runPath(id), agent.token());
}

QStringList scratchEntries(TestAgent &agent)
{
    return QDir(agent.stateDir() + QStringLiteral("/bench")).entryList(QDir::NoDotAndDotDot | QDir::AllEntries);
}

/** The results' "metric unit" pairs, sorted, for comparing with what a test must report. */
QStringList metricsOf(const json &run)
{
    QStringList metrics;
    for (const json &result : run[bench::benchrun::results])
        metrics << textOf(result[bench::benchresult::metric]) + u' ' + textOf(result[bench::benchresult::unit]);
    metrics.sort();
    return metrics;
}

bool waitForFile(TestAgent &agent, int timeoutMs = 20000)
{
    QElapsedTimer timer;
    timer.start();
    while (scratchEntries(agent).isEmpty() && timer.elapsed() < timeoutMs)
        QTest::qWait(10);
    return !scratchEntries(agent).isEmpty();
}

} // namespace

void TestBenchApi::initTestCase()
{
    m_agent = std::make_unique<TestAgent>(QStringList {}, QStringLiteral("bench-token"));
    QVERIFY(m_agent->waitForPort() != 0);
}

void TestBenchApi::cleanup()
{
    // A failed test must not leave a run that makes the next one busy.
    const json runs = jsonOf(controlGet(*m_agent, bench::paths::benchRuns));
    for (const json &run : runs[bench::benchrun::list]) {
        if (run.value(bench::benchrun::state, "") == bench::benchrun::stateRunning)
            cancelRun(*m_agent, run.value(bench::benchrun::id, std::string()));
    }
}

void TestBenchApi::testsReportTheirMetrics_data()
{
    QTest::addColumn<QByteArray>("test");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("metrics");
    QTest::addColumn<QStringList>("parameters");
    QTest::newRow("cpu") << QByteArray("cpu") << QByteArray(R"({"seconds": 1, "max_prime": 2000, "threads": 2})")
                         << words({"events_per_s_multi events/s", "events_per_s_single events/s"})
                         << words({"max_prime", "priority", "seconds", "threads"});
    QTest::newRow("memory") << QByteArray("memory") << QByteArray(R"({"seconds": 1, "buffer_mib": 16})")
                            << words({"read_mib_s MiB/s", "write_mib_s MiB/s"})
                            << words({"buffer_mib", "priority", "seconds"});
    QTest::newRow("fileio") << QByteArray("fileio") << QByteArray(R"({"seconds": 1, "file_mib": 4})")
                            << words({"read_iops IOPS",
                                   "read_mib_s MiB/s",
                                   "write_fsync_iops IOPS",
                                   "write_fsync_mib_s MiB/s",
                                   "write_iops IOPS",
                                   "write_mib_s MiB/s"})
                            << words({"file_mib", "priority", "seconds"});
    QTest::newRow("db") << QByteArray("db") << QByteArray(R"({"seconds": 1, "rows": 100, "priority": "normal"})")
                        << words({"read_tps tx/s", "write_tps tx/s"}) << words({"priority", "rows", "seconds"});
}

void TestBenchApi::testsReportTheirMetrics()
{
    QFETCH(QByteArray, test);
    QFETCH(QByteArray, body);
    QFETCH(QStringList, metrics);
    QFETCH(QStringList, parameters);
    const json started = startRun(*m_agent, test, body);
    QCOMPARE(textOf(started[bench::benchrun::state]), QStringLiteral("running"));
    QCOMPARE(textOf(started[bench::benchrun::test]), QString::fromLatin1(test));
    QVERIFY(started[bench::benchrun::results].empty());
    const json run = awaitEnd(*m_agent, started.value(bench::benchrun::id, std::string()));
    QCOMPARE(textOf(run[bench::benchrun::state]), QStringLiteral("done"));
    QCOMPARE(metricsOf(run), metrics);
    for (const json &result : run[bench::benchrun::results])
        QVERIFY2(result[bench::benchresult::value].get<double>() > 0, result.dump().c_str());
    QStringList keys;
    for (const auto &[key, value] : run[bench::benchrun::parameters].items())
        keys << QString::fromStdString(key);
    QCOMPARE(keys, parameters);
    QCOMPARE(run[bench::benchrun::parameters][bench::benchparams::seconds].get<int>(), 1);
    QVERIFY(!textOf(run[bench::benchrun::node]).isEmpty());
    QVERIFY(!textOf(run[bench::benchrun::agentVersion]).isEmpty());
    QVERIFY(run[bench::benchrun::startedMs].get<std::int64_t>() > 1700000000000);
    QVERIFY(run[bench::benchrun::durationMs].get<std::int64_t>() >= 1000);
    QCOMPARE(run[bench::benchrun::progress].get<double>(), 1.0);
    QVERIFY2(scratchEntries(*m_agent).isEmpty(), qPrintable(scratchEntries(*m_agent).join(u',')));
}

void TestBenchApi::rttMeasuresPeersAndNamesTheUnreachable()
{
    TestAgent peer;
    QVERIFY(peer.waitForPort() != 0);
    const std::string reachable = "127.0.0.1:" + std::to_string(peer.invokePort());
    const std::string unreachable = "127.0.0.1:" + std::to_string(closedPort());
    const json body = {{"peers", {reachable, unreachable}}, {"probes", 5}, {"timeout_ms", 500}, {"seconds", 10}};
    const json started = startRun(*m_agent, "rtt", QByteArray::fromStdString(body.dump()));
    const json run = awaitEnd(*m_agent, started.value(bench::benchrun::id, std::string()));
    QCOMPARE(textOf(run[bench::benchrun::state]), QStringLiteral("done"));
    std::map<std::string, std::map<std::string, json>> byPeer;
    for (const json &result : run[bench::benchrun::results]) {
        QCOMPARE(textOf(result[bench::benchresult::unit]), QStringLiteral("ms"));
        byPeer[result[bench::benchresult::peer].get<std::string>()][result[bench::benchresult::metric]] = result;
    }
    QCOMPARE(byPeer.size(), std::size_t(2));
    const auto &measured = byPeer[reachable];
    const auto &missing = byPeer[unreachable];
    QCOMPARE(measured.size(), std::size_t(4));
    QCOMPARE(missing.size(), std::size_t(4));
    const double minimum = measured.at("rtt_min_ms")["value"].get<double>();
    const double average = measured.at("rtt_avg_ms")["value"].get<double>();
    const double maximum = measured.at("rtt_max_ms")["value"].get<double>();
    const double p99 = measured.at("rtt_p99_ms")["value"].get<double>();
    QVERIFY(minimum > 0);
    QVERIFY(minimum <= average && average <= maximum);
    QVERIFY(p99 >= minimum && p99 <= maximum);
    for (const auto &[metric, result] : missing) {
        QVERIFY2(!result.contains("value"), result.dump().c_str());
        QVERIFY2(textOf(result["error"]).contains(QString::fromStdString(unreachable)), result.dump().c_str());
    }
}

void TestBenchApi::boundsAreRefusedNamingTheLimit_data()
{
    QTest::addColumn<QByteArray>("test");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("named");
    std::string manyPeers = R"({"peers": [)";
    for (int index = 0; index <= 1000; ++index)
        manyPeers += std::string(index ? "," : "") + "\"10.0.0.1:7471\"";
    manyPeers += "]}";
    const auto row =
        [](const char *name, const char *test, const QByteArray &body, std::initializer_list<const char *> named) {
            QTest::newRow(name) << QByteArray(test) << body << words(named);
        };
    row("seconds above", "cpu", R"({"seconds": 61})", {"seconds", "60"});
    row("seconds below", "memory", R"({"seconds": 0})", {"seconds", "1"});
    row("seconds negative", "db", R"({"seconds": -5})", {"seconds", "1"});
    row("seconds huge", "cpu", R"({"seconds": 18446744073709551615})", {"seconds", "60"});
    row("seconds float", "cpu", R"({"seconds": 1.5})", {"seconds", "1 to 60"});
    row("seconds string", "cpu", R"({"seconds": "3"})", {"seconds", "1 to 60"});
    row("max_prime", "cpu", R"({"max_prime": 10000001})", {"max_prime", "10000000"});
    row("max_prime below", "cpu", R"({"max_prime": 2})", {"max_prime", "3"});
    row("threads", "cpu", R"({"threads": 1025})", {"threads", "1024"});
    row("buffer_mib", "memory", R"({"buffer_mib": 4097})", {"buffer_mib", "4096"});
    row("buffer_mib below", "memory", R"({"buffer_mib": 15})", {"buffer_mib", "16"});
    row("file_mib", "fileio", R"({"file_mib": 16385})", {"file_mib", "16384"});
    row("file_mib below", "fileio", R"({"file_mib": 3})", {"file_mib", "4"});
    row("rows", "db", R"({"rows": 1000001})", {"rows", "1000000"});
    row("rows below", "db", R"({"rows": 99})", {"rows", "100"});
    row("probes", "rtt", R"({"peers": ["a:1"], "probes": 1001})", {"probes", "1000"});
    row("timeout_ms", "rtt", R"({"peers": ["a:1"], "timeout_ms": 9})", {"timeout_ms", "10"});
    row("too many peers", "rtt", QByteArray::fromStdString(manyPeers), {"peers", "1000"});
    row("no peers", "rtt", "{}", {"peers", "at least one"});
    row("peer without port", "rtt", R"({"peers": ["host"]})", {"peers", "host:port"});
    row("peer without host", "rtt", R"({"peers": [":7471"]})", {"peers", "no host"});
    row("port zero", "rtt", R"({"peers": ["host:0"]})", {"peers", "1 to 65535"});
    row("port too big", "rtt", R"({"peers": ["host:65536"]})", {"peers", "1 to 65535"});
    row("peer not a string", "rtt", R"({"peers": [7471]})", {"peers", "host:port"});
    row("peers not an array", "rtt", R"({"peers": "a:1"})", {"peers", "array"});
    row("priority", "cpu", R"({"priority": "high"})", {"priority", "low", "normal"});
    row("parameter of another test", "cpu", R"({"rows": 100})", {"rows", "max_prime", "threads"});
    row("unknown parameter", "memory", R"({"sekonds": 3})", {"sekonds", "buffer_mib"});
    row("not json", "cpu", "{\"seconds\": ", {"JSON"});
    row("not an object", "cpu", "[1, 2]", {"object"});
    row("invalid UTF-8", "cpu", "{\"priority\": \"l\xff\"}", {"UTF-8"});
}

void TestBenchApi::boundsAreRefusedNamingTheLimit()
{
    QFETCH(QByteArray, test);
    QFETCH(QByteArray, body);
    QFETCH(QStringList, named);
    const auto runCount = [this] {
        return jsonOf(controlGet(*m_agent, bench::paths::benchRuns))[bench::benchrun::list].size();
    };
    const std::size_t before = runCount();
    const HttpReply reply = controlPost(*m_agent, bench::paths::benchPrefix + test, body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("bad_request"));
    for (const QString &word : named)
        QVERIFY2(errorMessageOf(reply).contains(word), qPrintable(errorMessageOf(reply) + u" lacks " + word));
    QCOMPARE(runCount(), before);
}

void TestBenchApi::wrongPathsAndMethodsAreRefused_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::newRow("GET a test") << QByteArray("GET") << QByteArray("/v1/bench/cpu") << 405;
    QTest::newRow("POST the runs") << QByteArray("POST") << QByteArray("/v1/bench/runs") << 405;
    QTest::newRow("DELETE the runs") << QByteArray("DELETE") << QByteArray("/v1/bench/runs") << 405;
    QTest::newRow("PUT a run") << QByteArray("PUT") << QByteArray("/v1/bench/runs/b-1") << 405;
    QTest::newRow("unknown test") << QByteArray("POST") << QByteArray("/v1/bench/gpu") << 404;
    QTest::newRow("unknown run") << QByteArray("GET") << QByteArray("/v1/bench/runs/b-1") << 404;
    QTest::newRow("cancel unknown run") << QByteArray("DELETE") << QByteArray("/v1/bench/runs/b-1") << 404;
}

void TestBenchApi::wrongPathsAndMethodsAreRefused()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    const HttpReply reply = httpRequest(m_agent->port(), method, path, m_agent->token());
    QCOMPARE(reply.status, status);
    QCOMPARE(errorCodeOf(reply), status == 405 ? QStringLiteral("method_not_allowed") : QStringLiteral("not_found"));
    if (status == 405)
        QVERIFY(!reply.header("allow").isEmpty());
    QCOMPARE(httpRequest(m_agent->port(), method, path).status, 401);
}

void TestBenchApi::oneRunAtATime()
{
    const json first = startRun(*m_agent, "cpu", R"({"seconds": 30, "threads": 1})");
    const std::string id = first.value(bench::benchrun::id, std::string());
    const HttpReply second = controlPost(*m_agent, "/v1/bench/memory", R"({"seconds": 1})");
    QCOMPARE(second.status, 409);
    QCOMPARE(errorCodeOf(second), QStringLiteral("busy"));
    QCOMPARE(jsonOf(second)[bench::benchrun::object].get<std::string>(), id);
    QVERIFY(errorMessageOf(second).contains(QString::fromStdString(id)));
    const HttpReply cancelled = cancelRun(*m_agent, id);
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(textOf(jsonOf(cancelled)[bench::benchrun::object][bench::benchrun::state]), QStringLiteral("cancelled"));
    QVERIFY(jsonOf(cancelled)[bench::benchrun::object][bench::benchrun::results].empty());
    // Cancelling again answers the same, and the node takes the next run.
    QCOMPARE(textOf(jsonOf(cancelRun(*m_agent, id))[bench::benchrun::object][bench::benchrun::state]),
        QStringLiteral("cancelled"));
    const json next = startRun(*m_agent, "memory", R"({"seconds": 1, "buffer_mib": 16})");
    QVERIFY(next.value(bench::benchrun::id, std::string()) != id);
    QCOMPARE(textOf(awaitEnd(*m_agent, next.value(bench::benchrun::id, std::string()))[bench::benchrun::state]),
        QStringLiteral("done"));
}

void TestBenchApi::cancellingMidRunLeavesNoFile_data()
{
    QTest::addColumn<QByteArray>("test");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("fileio") << QByteArray("fileio") << QByteArray(R"({"seconds": 30, "file_mib": 32})");
    QTest::newRow("db") << QByteArray("db") << QByteArray(R"({"seconds": 30, "rows": 1000})");
}

void TestBenchApi::cancellingMidRunLeavesNoFile()
{
    QFETCH(QByteArray, test);
    QFETCH(QByteArray, body);
    const json started = startRun(*m_agent, test, body);
    const std::string id = started.value(bench::benchrun::id, std::string());
    // Into the timed phases, where the file is complete and in use.
    const json running = awaitRun(*m_agent, id, [](const json &run) {
        return run.value(bench::benchrun::progress, 0.0) > 0.4;
    });
    QCOMPARE(textOf(running[bench::benchrun::state]), QStringLiteral("running"));
    QVERIFY2(!scratchEntries(*m_agent).isEmpty(), "the test's file is where the check looks");
    const HttpReply cancelled = cancelRun(*m_agent, id);
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(textOf(jsonOf(cancelled)[bench::benchrun::object][bench::benchrun::state]), QStringLiteral("cancelled"));
    QVERIFY2(jsonOf(cancelled)[bench::benchrun::object][bench::benchrun::durationMs].get<int>() < 30000,
        "the cancel stopped the run");
    QVERIFY2(scratchEntries(*m_agent).isEmpty(), qPrintable(scratchEntries(*m_agent).join(u',')));
}

void TestBenchApi::killedMidFileioLeavesNoFileAfterRestart()
{
    TestAgent agent;
    QVERIFY(agent.waitForPort() != 0);
    startRun(agent, "fileio", R"({"seconds": 30, "file_mib": 16})");
    QVERIFY(waitForFile(agent));
    agent.killHard();
    QVERIFY2(!scratchEntries(agent).isEmpty(), "the killed run left its file behind");
    agent.start();
    QVERIFY(agent.waitForPort() != 0);
    QVERIFY2(scratchEntries(agent).isEmpty(), qPrintable(scratchEntries(agent).join(u',')));
}

void TestBenchApi::healthAndEventsShowTheRun()
{
    const json started = startRun(*m_agent, "cpu", R"({"seconds": 30, "threads": 1})");
    const std::string id = started.value(bench::benchrun::id, std::string());
    const json health = jsonOf(httpRequest(m_agent->port(), "GET", "/v1/health"));
    QCOMPARE(health[bench::benchhealth::object][bench::benchhealth::id].get<std::string>(), id);
    QCOMPARE(textOf(health[bench::benchhealth::object][bench::benchhealth::test]), QStringLiteral("cpu"));
    const double progress = health[bench::benchhealth::object][bench::benchhealth::progress].get<double>();
    QVERIFY(progress >= 0 && progress < 1);
    QCOMPARE(cancelRun(*m_agent, id).status, 200);
    QVERIFY(!jsonOf(httpRequest(m_agent->port(), "GET", "/v1/health")).contains(bench::benchhealth::object));
    QStringList seen;
    const json events = jsonOf(controlGet(*m_agent, "/v1/events"));
    for (const json &event : events["events"]) {
        if (event.value("run", "") == id)
            seen << textOf(event["kind"]) + u' ' + textOf(event["detail"]).section(u':', 0, 0);
    }
    QCOMPARE(seen, words({"bench_started {\"max_prime\"", "bench_finished cancelled"}));
}

void TestBenchApi::functionsAnswerDuringCpuRun()
{
    QCOMPARE(
        deployPython(*m_agent, QStringLiteral("echo"), QStringLiteral("def handle(e, c):\n    return 'pong'\n")).status,
        201);
    const json started = startRun(*m_agent, "cpu", R"({"seconds": 30, "threads": 0})");
    const std::string id = started.value(bench::benchrun::id, std::string());
    QVERIFY(awaitRun(*m_agent,
                id,
                [](const json &run) {
                    return run.value(bench::benchrun::progress, 0.0) > 0.5;
                })
                .value(bench::benchrun::state, "")
        == bench::benchrun::stateRunning);
    // Every core is busy with primes, at nice 19: the calls still go through.
    for (int call = 0; call < 10; ++call) {
        const HttpReply reply = callFunction(m_agent->invokePort(), "GET", "/function/echo");
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.body.contains("pong"));
    }
    QCOMPARE(textOf(runOf(*m_agent, id)[bench::benchrun::state]), QStringLiteral("running"));
    QCOMPARE(cancelRun(*m_agent, id).status, 200);
}

void TestBenchApi::runsListsNewestFirst()
{
    const json first = startRun(*m_agent, "cpu", R"({"seconds": 30})");
    QCOMPARE(cancelRun(*m_agent, first.value("id", std::string())).status, 200);
    const json second = startRun(*m_agent, "cpu", R"({"seconds": 30})");
    const json runs = jsonOf(controlGet(*m_agent, bench::paths::benchRuns))[bench::benchrun::list];
    QVERIFY(runs.size() >= 2);
    QVERIFY(runs[0]["id"] == second["id"]);
    QCOMPARE(textOf(runs[0]["state"]), QStringLiteral("running"));
    QVERIFY(runs[1]["id"] == first["id"]);
    QCOMPARE(cancelRun(*m_agent, second.value("id", std::string())).status, 200);
}

void TestBenchApi::agentStopsCleanlyDuringRun()
{
    TestAgent agent;
    QVERIFY(agent.waitForPort() != 0);
    startRun(agent, "fileio", R"({"seconds": 60, "file_mib": 16})");
    QVERIFY(waitForFile(agent));
    QVERIFY2(agent.stop(), "the agent exits by itself, with 0, while a run goes on");
    QVERIFY2(scratchEntries(agent).isEmpty(), qPrintable(scratchEntries(agent).join(u',')));
}

RUNE_TEST_GUILESS_MAIN(TestBenchApi)
#include "tst_benchapi.moc"
