// SPDX-License-Identifier: GPL-3.0-or-later
// The metric history: samples in memory for five minutes, averages for the hour and the day in a
// real SQLite file that a console started again reads back.
#include "../common/testmain.h"
#include "metrics/metrichistory.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestMetricHistory final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fiveMinutesKeepsEverySample();
    void averagesCloseOnTheWallClock();
    void theHourSurvivesARestart();
    void forgettingANodeDropsItsHistory();
    void retentionPrunesOlderAverages();
    void aFileThatIsNoHistoryIsRefused();
    void aSchemaOneFileKeepsItsPointsAndGainsTheNewFigures();

private:
    static MetricHistory::Points load(MetricHistory &history, const QString &node, HistoryRange range);
};

static NodeSample sampleAt(qint64 timeMs, double cpu, double invocations = 0, double latency = 0)
{
    NodeSample sample;
    sample.timeMs = timeMs;
    sample.cpuPercent = cpu;
    sample.invocationsPerSecond = invocations;
    sample.meanLatencyMs = latency;
    sample.memoryTotalBytes = 1000;
    sample.memoryUsedBytes = 500;
    return sample;
}

MetricHistory::Points TestMetricHistory::load(MetricHistory &history, const QString &node, HistoryRange range)
{
    std::optional<MetricHistory::Points> points;
    QObject context;
    history.load(node, range, &context, [&points](MetricHistory::Points loaded) {
        points = std::move(loaded);
    });
    if (!QTest::qWaitFor(
            [&points] {
                return points.has_value();
            },
            5000))
        return {};
    return *points;
}

void TestMetricHistory::fiveMinutesKeepsEverySample()
{
    MetricHistory history(nullptr);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Seven minutes of one sample a second: the chart shows the last five.
    for (qint64 t = now - 7 * 60 * 1000; t <= now; t += 1000)
        history.record(u"a"_s, sampleAt(t, double(t % 100)));
    const auto points = load(history, u"a"_s, HistoryRange::FiveMinutes);
    QVERIFY(points.size() >= 295 && points.size() <= 302);
    QCOMPARE(points.last().timeMs, now);
    QCOMPARE(points.last().value(Metric::CpuPercent), float(now % 100));
    QVERIFY(load(history, u"nobody"_s, HistoryRange::FiveMinutes).isEmpty());
}

void TestMetricHistory::averagesCloseOnTheWallClock()
{
    MetricHistory history(nullptr);
    QSignalSpy added(&history, &MetricHistory::pointAdded);
    const qint64 start = (QDateTime::currentMSecsSinceEpoch() / 60000 - 2) * 60000; // a whole minute
    // 10 s at 10 % CPU and 10 calls/s of 20 ms, then 10 s at 30 % and 30 calls/s of 40 ms.
    for (int s = 0; s < 10; ++s)
        history.record(u"a"_s, sampleAt(start + s * 1000, 10, 10, 20));
    for (int s = 10; s < 20; ++s)
        history.record(u"a"_s, sampleAt(start + s * 1000, 30, 30, 40));
    history.record(u"a"_s, sampleAt(start + 20 * 1000, 0));
    QList<MetricPoint> hour;
    for (const auto &args : std::as_const(added)) {
        if (args.at(1).value<HistoryRange>() == HistoryRange::OneHour)
            hour << args.at(2).value<MetricPoint>();
    }
    QCOMPARE(hour.size(), 2);
    QCOMPARE(hour.at(0).timeMs, start);
    QCOMPARE(hour.at(0).value(Metric::CpuPercent), 10.0f);
    QCOMPARE(hour.at(1).timeMs, start + 10000);
    QCOMPARE(hour.at(1).value(Metric::InvocationsPerSecond), 30.0f);
    QCOMPARE(hour.at(1).value(Metric::MeanLatencyMs), 40.0f);
    // The minute is still open: its average (weighted by calls for the latency) comes when it closes.
    history.record(u"a"_s, sampleAt(start + 60 * 1000, 0));
    const auto day = load(history, u"a"_s, HistoryRange::Day);
    QCOMPARE(day.size(), 1);
    QCOMPARE(day.first().timeMs, start);
    QVERIFY(qAbs(day.first().value(Metric::CpuPercent) - 20.0f * 20 / 21) < 0.01f);
    QVERIFY(qAbs(day.first().value(Metric::MeanLatencyMs) - 35.0f) < 0.01f); // (10*20 + 30*40) / 40
}

void TestMetricHistory::theHourSurvivesARestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"metrics.db"_s);
    const qint64 start = (QDateTime::currentMSecsSinceEpoch() / 10000 - 30) * 10000;
    {
        auto store = HistoryStore::open(path);
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        MetricHistory history(std::move(*store));
        for (int s = 0; s <= 120; ++s)
            history.record(u"a"_s, sampleAt(start + s * 1000, s));
        history.flush(true);
    } // the console quits
    auto store = HistoryStore::open(path);
    QVERIFY(store);
    MetricHistory again(std::move(*store));
    const auto hour = load(again, u"a"_s, HistoryRange::OneHour);
    QCOMPARE(hour.size(), 12);
    QCOMPARE(hour.first().timeMs, start);
    QCOMPARE(hour.first().value(Metric::CpuPercent), 4.5f); // mean of 0..9
    QCOMPARE(hour.last().timeMs, start + 110000);
    QCOMPARE(hour.first().value(Metric::MemoryUsedBytes), 500.0f);
    // Five minutes of samples live in memory only: a new console starts them empty.
    QVERIFY(load(again, u"a"_s, HistoryRange::FiveMinutes).isEmpty());
}

void TestMetricHistory::retentionPrunesOlderAverages()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"metrics.db"_s);
    const qint64 minute = (QDateTime::currentMSecsSinceEpoch() / 60000) * 60000;
    {
        auto writer = HistoryStore::open(path);
        QVERIFY(writer);
        QList<StoredPoint> points;
        for (const int hoursAgo : {20, 5, 1}) {
            MetricPoint point;
            point.timeMs = minute - qint64(hoursAgo) * 3'600'000;
            points.append(StoredPoint {u"a"_s, HistoryRange::Day, point});
        }
        QVERIFY((*writer)->write(points));
    }
    auto store = HistoryStore::open(path);
    QVERIFY(store);
    MetricHistory history(std::move(*store));
    history.flush(true); // the prune at opening keeps the day
    QCOMPARE(load(history, u"a"_s, HistoryRange::Day).size(), 3);
    history.setRetention(std::chrono::hours(6));
    QCOMPARE(history.retention(), std::chrono::hours(6));
    history.flush(true);
    const auto kept = load(history, u"a"_s, HistoryRange::Day);
    QCOMPARE(kept.size(), 2);
    QCOMPARE(kept.first().timeMs, minute - 5 * 3'600'000);
}

void TestMetricHistory::forgettingANodeDropsItsHistory()
{
    QTemporaryDir dir;
    auto store = HistoryStore::open(dir.filePath(u"metrics.db"_s));
    QVERIFY(store);
    MetricHistory history(std::move(*store));
    const qint64 start = (QDateTime::currentMSecsSinceEpoch() / 10000 - 10) * 10000;
    for (int s = 0; s <= 40; ++s) {
        history.record(u"a"_s, sampleAt(start + s * 1000, 1));
        history.record(u"b"_s, sampleAt(start + s * 1000, 2));
    }
    history.flush(true);
    history.forget(u"a"_s);
    history.flush(true);
    QVERIFY(load(history, u"a"_s, HistoryRange::OneHour).isEmpty());
    QCOMPARE(load(history, u"b"_s, HistoryRange::OneHour).size(), 4);
}

void TestMetricHistory::aFileThatIsNoHistoryIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"metrics.db"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(4096, 'x'));
    file.close();
    const auto store = HistoryStore::open(path);
    QVERIFY(!store);
    QVERIFY2(store.error().message.contains(path), qPrintable(store.error().message));
    QCOMPARE(QFileInfo(path).size(), 4096); // left alone
}

void TestMetricHistory::aSchemaOneFileKeepsItsPointsAndGainsTheNewFigures()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"metrics.db"_s);
    const qint64 start = (QDateTime::currentMSecsSinceEpoch() / 10000 - 30) * 10000;
    {
        // A file as the first version of the history wrote it: the node's twelve figures only.
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"schema1"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"CREATE TABLE points (node_id TEXT NOT NULL, resolution INTEGER NOT NULL, "
                           "time_ms INTEGER NOT NULL, cpu_percent REAL NOT NULL, memory_used_bytes REAL NOT NULL, "
                           "disk_read_bps REAL NOT NULL, disk_write_bps REAL NOT NULL, net_rx_bps REAL NOT NULL, "
                           "net_tx_bps REAL NOT NULL, invocations_per_s REAL NOT NULL, errors_per_s REAL NOT NULL, "
                           "mean_latency_ms REAL NOT NULL, p99_latency_ms REAL NOT NULL, in_flight REAL NOT NULL, "
                           "replicas REAL NOT NULL, PRIMARY KEY (node_id, resolution, time_ms)) WITHOUT ROWID"_s));
        QVERIFY(
            query.exec(u"INSERT INTO points VALUES ('a', 1, %1, 42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3)"_s.arg(start)));
        QVERIFY(query.exec(u"PRAGMA user_version = 1"_s));
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"schema1"_s);
    auto store = HistoryStore::open(path);
    QVERIFY2(store, store ? "" : qPrintable(store.error().message));
    MetricHistory history(std::move(*store));
    MetricPoint point;
    point.timeMs = start + 10000;
    point.value(Metric::Replicas) = 2;
    point.value(Metric::ReplicasReady) = 1;
    point.value(Metric::Queued) = 5;
    history.recordPoint(u"a"_s, point);
    point.timeMs = start + 20000; // closes the bucket of the first
    history.recordPoint(u"a"_s, point);
    history.flush(true);
    const auto hour = load(history, u"a"_s, HistoryRange::OneHour);
    QCOMPARE(hour.size(), 2);
    QCOMPARE(hour.first().value(Metric::CpuPercent), 42.0f); // the old point, kept
    QCOMPARE(hour.first().value(Metric::ReplicasReady), 0.0f); // a figure it never had reads zero
    QCOMPARE(hour.last().value(Metric::ReplicasReady), 1.0f);
    QCOMPARE(hour.last().value(Metric::Queued), 5.0f);
}

RUNE_TEST_GUILESS_MAIN(TestMetricHistory)
#include "tst_metrichistory.moc"
