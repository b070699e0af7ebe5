// SPDX-License-Identifier: GPL-3.0-or-later
// The benchmark figures: the agent's runs as the protocol's fixtures show them, how the store
// keeps them (latest per test, history), and the CSV export.
#include "../common/protocolfixture.h"
#include "../common/testmain.h"
#include "benchmarks/benchmarkclient.h"
#include "benchmarks/benchmarkresults.h"
#include "benchmarks/benchmarkrun.h"
#include "benchprotocol.h"
#include "store/store.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestBenchmarks final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runIsParsed();
    void runsAreParsedWithPeersAndFailures();
    void brokenRunsAreRefused_data();
    void brokenRunsAreRefused();
    void busyNamesTheRunningRun();
    void recordsLeaveOutUnreachablePeers();
    void storeKeepsLatestAndHistory();
    void resultsServiceWritesOffTheUiThread();
    void csvQuotesAndDefusesFormulas();
    void csvExportWritesTheFile();

private:
    QTemporaryDir m_dir;
};

namespace
{

BenchmarkRecord figure(const QString &node, const QString &test, const QString &metric, double value, qint64 startedMs)
{
    BenchmarkRecord record;
    record.nodeId = node;
    record.nodeName = u"name of "_s + node;
    record.test = test;
    record.metric = metric;
    record.value = value;
    record.unit = u"MiB/s"_s;
    record.started = QDateTime::fromMSecsSinceEpoch(startedMs, QTimeZone::utc());
    record.durationMs = 3000;
    record.parameters = R"({"seconds":3})";
    record.agentVersion = u"0.9.0"_s;
    record.runId = u"b-%1"_s.arg(startedMs);
    return record;
}

std::unique_ptr<Store> openStore(const QString &path)
{
    auto store = Store::open(path);
    if (!store)
        qFatal("cannot open the store: %s", qPrintable(store.error().message));
    return std::move(*store);
}

} // namespace

void TestBenchmarks::runIsParsed()
{
    const auto run = parseBenchmarkRun(test::protocolFixture(u"bench_run.json"_s));
    QVERIFY2(run, run ? "" : qPrintable(run.error().message));
    QCOMPARE(run->id, u"b-7"_s);
    QCOMPARE(run->test, QString::fromLatin1(protocol::benchtests::cpu));
    QCOMPARE(run->state, BenchmarkRun::State::Done);
    QCOMPARE(run->node, u"compute-1"_s);
    QCOMPARE(run->agentVersion, u"0.9.0"_s);
    QCOMPARE(run->startedMs, 1796380800000);
    QCOMPARE(run->durationMs, 6012);
    QCOMPARE(run->progress, 1.0);
    QCOMPARE(QJsonDocument::fromJson(run->parameters).object().value(u"max_prime"_s).toInt(), 10000);
    QCOMPARE(run->figures.size(), 2);
    QCOMPARE(run->figures[0].metric, QString::fromLatin1(protocol::benchmetrics::cpuSingle));
    QCOMPARE(run->figures[0].value, 1234.5);
    QCOMPARE(run->figures[1].metric, QString::fromLatin1(protocol::benchmetrics::cpuMulti));
    QCOMPARE(run->figures[1].unit, QString::fromLatin1(protocol::benchunits::eventsPerSecond));
}

void TestBenchmarks::runsAreParsedWithPeersAndFailures()
{
    const auto runs = parseBenchmarkRuns(test::protocolFixture(u"bench_runs.json"_s));
    QVERIFY2(runs, runs ? "" : qPrintable(runs.error().message));
    QCOMPARE(runs->size(), 3);
    QCOMPARE(runs->at(0).state, BenchmarkRun::State::Running);
    QCOMPARE(runs->at(0).progress, 0.25);
    QVERIFY(runs->at(0).figures.isEmpty());
    const BenchmarkRun &rtt = runs->at(1);
    QCOMPARE(rtt.figures.size(), 5);
    QCOMPARE(rtt.figures[1].peer, u"127.0.0.1:18081"_s);
    QCOMPARE(rtt.figures[1].value, 0.063);
    QCOMPARE(rtt.figures[4].error, u"connection refused"_s);
    QCOMPARE(runs->at(2).state, BenchmarkRun::State::Failed);
    QVERIFY(runs->at(2).error.contains(u"free"_s));
}

void TestBenchmarks::brokenRunsAreRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("not json") << QByteArray("{\"run\":");
    QTest::newRow("no run") << QByteArray(R"({"runs":[]})");
    QTest::newRow("unknown state") << QByteArray(R"({"run":{"id":"b-1","test":"cpu","state":"exploded"}})");
    QTest::newRow("no id") << QByteArray(R"({"run":{"test":"cpu","state":"done"}})");
    QTest::newRow("results not a list") << QByteArray(
        R"({"run":{"id":"b-1","test":"cpu","state":"done","results":7}})");
    QTest::newRow("result without a value")
        << QByteArray(R"({"run":{"id":"b-1","test":"cpu","state":"done","results":[{"metric":"x","unit":"ms"}]}})");
    QTest::newRow("result not an object")
        << QByteArray(R"({"run":{"id":"b-1","test":"cpu","state":"done","results":["x"]}})");
}

void TestBenchmarks::brokenRunsAreRefused()
{
    QFETCH(QByteArray, body);
    const auto run = parseBenchmarkRun(body);
    QVERIFY(!run);
    QCOMPARE(run.error().code, u"agent.bad_response"_s);
    QVERIFY(!run.error().message.isEmpty());
}

void TestBenchmarks::busyNamesTheRunningRun()
{
    // The agent's message may or may not name it; the console's always does.
    const Error silent =
        benchmarkError(409, R"({"error":{"code":"busy","message":"A benchmark is running."},"run":"b-12"})");
    QCOMPARE(silent.code, u"agent.busy"_s);
    QVERIFY2(silent.message.contains(u"A benchmark is running."_s) && silent.message.contains(u"b-12"_s),
        qPrintable(silent.message));
    const Error asObject = benchmarkError(
        409, R"({"error":{"code":"busy","message":"A benchmark is running.","run":{"id":"b-13","test":"cpu"}}})");
    QVERIFY2(asObject.message.contains(u"b-13"_s), qPrintable(asObject.message));
    const Error named = benchmarkError(409, R"({"error":{"code":"busy","message":"b-14 is running."},"run":"b-14"})");
    QCOMPARE(named.message, u"b-14 is running."_s);
    const Error limit =
        benchmarkError(400, R"({"error":{"code":"bad_request","message":"\"seconds\" is 90; the most is 60."}})");
    QCOMPARE(limit.code, u"agent.bad_request"_s);
    QCOMPARE(limit.message, u"\"seconds\" is 90; the most is 60."_s);
}

void TestBenchmarks::recordsLeaveOutUnreachablePeers()
{
    const auto runs = parseBenchmarkRuns(test::protocolFixture(u"bench_runs.json"_s));
    QVERIFY(runs);
    const QList<BenchmarkRecord> records =
        benchmarkRecords(u"n1"_s, u"compute-1"_s, runs->at(1), {{u"127.0.0.1:18081"_s, u"n2"_s}});
    QCOMPARE(records.size(), 4);
    for (const BenchmarkRecord &record : records) {
        QCOMPARE(record.peerNodeId, u"n2"_s);
        QCOMPARE(record.runId, u"b-8"_s);
        QCOMPARE(record.started.toMSecsSinceEpoch(), 1796380810000);
        QCOMPARE(record.nodeName, u"compute-1"_s);
    }
}

void TestBenchmarks::storeKeepsLatestAndHistory()
{
    auto store = openStore(m_dir.filePath(u"history.db"_s));
    const QList<BenchmarkRecord> older {figure(u"a"_s, u"memory"_s, u"read_mib_s"_s, 9000, 1000),
        figure(u"a"_s, u"memory"_s, u"write_mib_s"_s, 7000, 1000),
        figure(u"a"_s, u"cpu"_s, u"events_per_s_single"_s, 1200, 1500)};
    const QList<BenchmarkRecord> newer {figure(u"a"_s, u"memory"_s, u"read_mib_s"_s, 8000, 2000),
        figure(u"a"_s, u"memory"_s, u"write_mib_s"_s, 6500, 2000),
        figure(u"b"_s, u"memory"_s, u"read_mib_s"_s, 11000, 2500)};
    QVERIFY(store->addBenchmarkRecords(older));
    QVERIFY(store->addBenchmarkRecords(newer));

    const auto latestA = store->latestBenchmarks(u"a"_s);
    QVERIFY2(latestA, latestA ? "" : qPrintable(latestA.error().message));
    // The newest memory run and the only cpu run; the older memory run is history only.
    QCOMPARE(latestA->size(), 3);
    QCOMPARE(latestA->at(0).test, u"cpu"_s);
    QCOMPARE(latestA->at(1).metric, u"read_mib_s"_s);
    QCOMPARE(latestA->at(1).value, 8000.0);
    QCOMPARE(latestA->at(2).value, 6500.0);
    QCOMPARE(latestA->at(1), newer.at(0));

    const auto latestAll = store->latestBenchmarks();
    QVERIFY(latestAll);
    QCOMPARE(latestAll->size(), 4);
    QCOMPARE(latestAll->last().nodeId, u"b"_s);

    const auto history = store->benchmarkHistory(u"a"_s, u"memory"_s, u"read_mib_s"_s);
    QVERIFY(history);
    QCOMPARE(history->size(), 2);
    QCOMPARE(history->at(0).value, 9000.0);
    QCOMPARE(history->at(1).value, 8000.0);
    const auto everything = store->benchmarkHistory(u"a"_s);
    QVERIFY(everything);
    QCOMPARE(everything->size(), 5);
    QCOMPARE(store->allBenchmarks()->size(), 6);

    // They survive reopening the file.
    store.reset();
    auto reopened = openStore(m_dir.filePath(u"history.db"_s));
    QCOMPARE(reopened->latestBenchmarks(u"a"_s)->size(), 3);
}

void TestBenchmarks::resultsServiceWritesOffTheUiThread()
{
    auto store = openStore(m_dir.filePath(u"service.db"_s));
    BenchmarkResults results(store.get());
    QSignalSpy recorded(&results, &BenchmarkResults::recorded);
    results.record({figure(u"n"_s, u"db"_s, u"read_tps"_s, 5000, 3000)});
    QVERIFY(recorded.wait(5000));
    QCOMPARE(recorded.at(0).at(0).toStringList(), QStringList {u"n"_s});

    std::optional<Result<QList<BenchmarkRecord>>> latest;
    results.latest(u"n"_s, this, [&latest](Result<QList<BenchmarkRecord>> records) {
        latest = std::move(records);
    });
    QTRY_VERIFY(latest.has_value());
    QVERIFY(*latest);
    QCOMPARE((*latest)->size(), 1);
    QCOMPARE((*latest)->at(0).value, 5000.0);
}

void TestBenchmarks::csvQuotesAndDefusesFormulas()
{
    BenchmarkRecord record = figure(u"n1"_s, u"rtt"_s, u"rtt_avg_ms"_s, 0.25, 1796380800000);
    record.nodeName = u"rack \"A\", row 2"_s;
    record.unit = u"ms"_s;
    record.peer = u"10.0.0.2:8080"_s;
    record.parameters = "{\"peers\":[\"10.0.0.2:8080\"],\"probes\":20}";
    record.agentVersion = u"=HYPERLINK(\"x\")"_s;
    record.runId = u"line\nbreak"_s;
    const QByteArray csv = benchmarkCsv({record});
    const QList<QByteArray> lines = csv.split('\n');
    QCOMPARE(lines[0],
        QByteArray("node,node_id,test,metric,value,unit,peer,peer_node_id,started,duration_ms,parameters,agent_version,"
                   "run_id\r"));
    // The expected row, field by field: quoted where a comma, quote or line break is inside.
    const QByteArray row = "\"rack \"\"A\"\", row 2\",n1,rtt,rtt_avg_ms,0.25,ms,10.0.0.2:8080,,"
                           "2026-12-04T10:40:00.000Z,3000,"
                           "\"{\"\"peers\"\":[\"\"10.0.0.2:8080\"\"],\"\"probes\"\":20}\","
                           "\"'=HYPERLINK(\"\"x\"\")\","
                           "\"line\nbreak\"\r\n";
    QCOMPARE(csv.mid(csv.indexOf("\r\n") + 2), row);
}

void TestBenchmarks::csvExportWritesTheFile()
{
    const QString path = m_dir.filePath(u"export.csv"_s);
    std::optional<Result<void>> written;
    BenchmarkResults::exportCsv(
        {figure(u"n"_s, u"cpu"_s, u"events_per_s_multi"_s, 4567, 1000)}, path, this, [&written](Result<void> done) {
            written = std::move(done);
        });
    QTRY_VERIFY(written.has_value());
    QVERIFY(*written);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QCOMPARE(content.count("\r\n"), 2);
    QVERIFY(content.contains(",cpu,events_per_s_multi,4567,MiB/s,"));

    // A directory that does not exist is an error in words, not a crash.
    written.reset();
    BenchmarkResults::exportCsv({}, m_dir.filePath(u"missing/dir/x.csv"_s), this, [&written](Result<void> done) {
        written = std::move(done);
    });
    QTRY_VERIFY(written.has_value());
    QVERIFY(!*written);
    QCOMPARE(written->error().code, u"export.failed"_s);
}

RUNE_TEST_GUILESS_MAIN(TestBenchmarks)
#include "tst_benchmarks.moc"
