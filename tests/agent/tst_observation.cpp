// SPDX-License-Identifier: GPL-3.0-or-later
// What the console watches on a real agent: function logs (queried and followed), the event
// stream, and metrics in JSON and in Prometheus' text format.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QRegularExpression>
#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestObservation final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void logLinesAreTaggedWithTheirCall();
    void logsCanBeFollowed();
    void eventsCanBeFollowed();
    void metricsCountCallsByOutcome();
    void recentLatencyCoversOnlyItsWindow();
    void recentLatencyWindowIsChecked_data();
    void recentLatencyWindowIsChecked();
    void prometheusTextIsWellFormed();
    void stoppingEndsOpenStreams();

private:
    std::unique_ptr<TestAgent> m_agent;
};

namespace
{

// Reads a followed stream until a line contains @p text (or time runs out); returns all read.
QByteArray readStreamUntil(HttpConnection &connection, const QByteArray &text, int timeoutMs = 10000)
{
    QByteArray seen;
    QElapsedTimer timer;
    timer.start();
    while (!seen.contains(text) && timer.elapsed() < timeoutMs) {
        connection.socket().waitForReadyRead(100);
        seen += connection.socket().readAll();
    }
    return seen;
}

double sampleValue(const QString &text, const QString &sample)
{
    const QRegularExpression line(QStringLiteral("^") + QRegularExpression::escape(sample) + QStringLiteral(" (\\S+)$"),
        QRegularExpression::MultilineOption);
    const auto match = line.match(text);
    return match.hasMatch() ? match.captured(1).toDouble() : -1;
}

} // namespace

void TestObservation::initTestCase()
{
    m_agent = std::make_unique<TestAgent>(QStringList {}, QStringLiteral("watch"));
    QVERIFY(m_agent->waitForPort());
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("chatty"),
                 QStringLiteral("import sys\n"
                                "def handle(event, context):\n"
                                "    print('out:' + event['body'])\n"
                                "    print('err:' + event['body'], file=sys.stderr)\n"
                                "    if event['body'] == 'fail':\n        raise RuntimeError('failed on purpose')\n"
                                "    return 'ok'\n"))
                 .status,
        201);
}

void TestObservation::logLinesAreTaggedWithTheirCall()
{
    const auto first = callFunction(m_agent->invokePort(), "POST", "/function/chatty", "alpha");
    const auto second = callFunction(m_agent->invokePort(), "POST", "/function/chatty", "beta");
    QCOMPARE(first.status, 200);
    const json lines = jsonOf(controlGet(*m_agent, "/v1/logs?request_id=" + first.header("x-request-id")))["lines"];
    QCOMPARE(lines.size(), std::size_t(2));
    QSet<QString> texts;
    for (const auto &line : lines) {
        QCOMPARE(textOf(line["function"]), QStringLiteral("chatty"));
        QCOMPARE(line["version"].get<int>(), 1);
        QVERIFY(textOf(line["replica"]).startsWith(QStringLiteral("chatty-v1-r")));
        QVERIFY(line["time_ms"].get<qint64>() > 1'700'000'000'000);
        texts.insert(textOf(line["stream"]) + u':' + textOf(line["text"]));
    }
    QCOMPARE(texts, QSet<QString>({QStringLiteral("stdout:out:alpha"), QStringLiteral("stderr:err:alpha")}));
    const json byFunction = jsonOf(controlGet(*m_agent, "/v1/logs?function=chatty&limit=2"))["lines"];
    QCOMPARE(byFunction.size(), std::size_t(2));
    for (const auto &line : byFunction)
        QCOMPARE(QByteArray::fromStdString(line["request_id"].get<std::string>()), second.header("x-request-id"));
    QCOMPARE(jsonOf(controlGet(*m_agent, "/v1/logs?function=nobody-here"))["lines"].size(), std::size_t(0));
    QCOMPARE(httpRequest(m_agent->port(), "GET", "/v1/logs").status, 401);
}

void TestObservation::logsCanBeFollowed()
{
    HttpConnection follower(m_agent->port());
    follower.socket().write(
        "GET /v1/logs?function=chatty&follow=1&since=" + QByteArray::number(QDateTime::currentMSecsSinceEpoch())
        + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer watch\r\n\r\n");
    const QByteArray head = readStreamUntil(follower, "\r\n\r\n");
    QVERIFY2(head.startsWith("HTTP/1.1 200"), head.constData());
    QVERIFY2(head.contains("application/x-ndjson"), head.constData());
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/chatty", "followed-line").status, 200);
    const QByteArray streamed = readStreamUntil(follower, "err:followed-line");
    QVERIFY2(streamed.contains("\"text\":\"out:followed-line\""), streamed.constData());
    QVERIFY2(streamed.contains("\"text\":\"err:followed-line\""), streamed.constData());
}

void TestObservation::eventsCanBeFollowed()
{
    HttpConnection follower(m_agent->port());
    follower.socket().write("GET /v1/events?follow=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer watch\r\n\r\n");
    const QByteArray backlog = readStreamUntil(follower, "\"kind\":\"deployed\"");
    QVERIFY2(backlog.contains("\"function\":\"chatty\""), backlog.constData());
    QCOMPARE(
        deployPython(*m_agent, QStringLiteral("announced"), QStringLiteral("def handle(e, c):\n    return 1\n")).status,
        201);
    const QByteArray live = readStreamUntil(follower, "\"function\":\"announced\"");
    QVERIFY2(live.contains("\"function\":\"announced\""), live.constData());
}

void TestObservation::metricsCountCallsByOutcome()
{
    const json before = jsonOf(controlGet(*m_agent, "/v1/metrics"));
    auto chatty = [](const json &metrics) {
        for (const auto &function : metrics["functions"]) {
            if (function["name"] == "chatty")
                return function;
        }
        return json();
    };
    const qint64 calls = chatty(before)["invocations"].get<qint64>();
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/chatty", "x").status, 200);
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/chatty", "fail").status, 500);
    const json after = jsonOf(controlGet(*m_agent, "/v1/metrics"));
    const json function = chatty(after);
    QCOMPARE(function["invocations"].get<qint64>(), calls + 2);
    QVERIFY(function["errors"].get<qint64>() >= 1);
    QVERIFY(function["by_status"]["5xx"].get<qint64>() >= 1);
    QCOMPARE(function["version"].get<int>(), 1);
    QVERIFY(function["replicas"].get<int>() >= 1);
    // Replicas able to take calls: the one that answered, idle again.
    QCOMPARE(function["replicas_ready"].get<int>(), function["replicas"].get<int>());
    QVERIFY(function["latency"]["p50_ms"].get<double>() > 0);
    QCOMPARE(function["cold_starts"].get<int>(), 1);
    QVERIFY(after["node"]["memory_total_bytes"].get<double>() > 0);
    QVERIFY(after["node"]["disk_total_bytes"].get<double>() > 0);
    // A function that was never called is listed with zeros.
    QCOMPARE(deployPython(*m_agent, QStringLiteral("idle"), QStringLiteral("def handle(e, c):\n    return 1\n")).status,
        201);
    bool idleListed = false;
    const json listed = jsonOf(controlGet(*m_agent, "/v1/metrics"));
    for (const auto &entry : listed["functions"])
        idleListed |= entry["name"] == "idle" && entry["invocations"] == 0;
    QVERIFY2(idleListed, listed.dump().c_str());
}

namespace
{
json functionIn(const json &metrics, const std::string &name)
{
    for (const auto &function : metrics["functions"]) {
        if (function["name"] == name)
            return function;
    }
    return json();
}
} // namespace

// /v1/metrics?window=N: recent_latency holds the warm calls of the last N seconds only, while
// latency keeps everything since the start.
void TestObservation::recentLatencyCoversOnlyItsWindow()
{
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("pace"),
                 QStringLiteral("import time\n"
                                "def handle(event, context):\n"
                                "    if event['body'] == 'slow':\n"
                                "        time.sleep(0.3)\n"
                                "    return 'ok'\n"))
                 .status,
        201);
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/pace", "first").status, 200); // the cold start
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/pace", "slow").status, 200);
    const json justAfter = functionIn(jsonOf(controlGet(*m_agent, "/v1/metrics?window=2")), "pace");
    QCOMPARE(justAfter["recent_latency"]["count"].get<int>(), 1);
    QVERIFY(justAfter["recent_latency"]["p99_ms"].get<double>() >= 250);

    // The agent remembers its histograms once a second: 4 s on, a 2 s window starts after the slow call.
    QTest::qWait(4000);
    for (int call = 0; call < 3; ++call)
        QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/pace", "fast").status, 200);
    const json later = functionIn(jsonOf(controlGet(*m_agent, "/v1/metrics?window=2")), "pace");
    const json &recent = later["recent_latency"];
    QVERIFY2(recent["count"].get<int>() == 3, later.dump().c_str());
    QVERIFY2(recent["p99_ms"].get<double>() < 250, later.dump().c_str());
    QVERIFY(recent["window_s"].get<double>() >= 2 && recent["window_s"].get<double>() < 4);
    QCOMPARE(later["latency"]["count"].get<int>(), 4);
    QVERIFY(later["latency"]["p99_ms"].get<double>() >= 250);
}

void TestObservation::recentLatencyWindowIsChecked_data()
{
    QTest::addColumn<QByteArray>("window");
    QTest::newRow("zero") << QByteArray("0");
    QTest::newRow("past a minute") << QByteArray("61");
    QTest::newRow("not a number") << QByteArray("ten");
    QTest::newRow("trailing junk") << QByteArray("5s");
}

void TestObservation::recentLatencyWindowIsChecked()
{
    QFETCH(QByteArray, window);
    const auto reply = controlGet(*m_agent, "/v1/metrics?window=" + window);
    QCOMPARE(reply.status, 400);
    QVERIFY2(reply.body.contains("window must be a whole number of seconds from 1 to 60"), reply.body.constData());
}

void TestObservation::prometheusTextIsWellFormed()
{
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/chatty", "p").status, 200);
    const auto reply = controlGet(*m_agent, "/metrics");
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("content-type").startsWith("text/plain; version=0.0.4"));
    const QString text = QString::fromUtf8(reply.body);
    QSet<QString> typed;
    for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts)) {
        if (line.startsWith(QStringLiteral("# TYPE "))) {
            const QStringList parts = line.split(u' ');
            QCOMPARE(parts.size(), 4);
            QVERIFY(QStringList({QStringLiteral("counter"), QStringLiteral("gauge"), QStringLiteral("histogram")})
                        .contains(parts[3]));
            typed.insert(parts[2]);
            continue;
        }
        if (line.startsWith(u'#')) {
            QVERIFY2(line.startsWith(QStringLiteral("# HELP ")), qPrintable(line));
            continue;
        }
        // Every sample belongs to a family announced before it.
        static const QRegularExpression sample(
            QStringLiteral("^([a-z0-9_]+?)(_bucket|_sum|_count)?(\\{[^}]*\\})? \\S+$"));
        const auto match = sample.match(line);
        QVERIFY2(match.hasMatch(), qPrintable(line));
        QVERIFY2(typed.contains(match.captured(1)) || typed.contains(match.captured(1) + match.captured(2)),
            qPrintable(line));
    }
    for (const char *family : {"rune_function_invocations_total",
             "rune_function_duration_seconds",
             "rune_function_replicas",
             "rune_function_in_flight",
             "rune_node_cpu_usage_percent",
             "rune_node_memory_available_bytes",
             "rune_node_disk_free_bytes",
             "rune_node_network_receive_bytes_per_second"})
        QVERIFY2(typed.contains(QLatin1StringView(family)), family);
    const double warm = sampleValue(text, QStringLiteral("rune_function_duration_seconds_count{function=\"chatty\"}"));
    const double infBucket =
        sampleValue(text, QStringLiteral("rune_function_duration_seconds_bucket{function=\"chatty\",le=\"+Inf\"}"));
    QVERIFY(warm >= 1);
    QCOMPARE(infBucket, warm);
    QVERIFY(
        sampleValue(text, QStringLiteral("rune_function_invocations_total{function=\"chatty\",code=\"2xx\"}")) >= 1);
}

void TestObservation::stoppingEndsOpenStreams()
{
    // A console following logs must not hold up a stopping agent for its grace period.
    HttpConnection follower(m_agent->port());
    follower.socket().write("GET /v1/logs?follow=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer watch\r\n\r\n");
    QVERIFY(readStreamUntil(follower, "\r\n\r\n").startsWith("HTTP/1.1 200"));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(m_agent->stop(5000));
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(readStreamUntil(follower, "0\r\n\r\n", 2000).endsWith("0\r\n\r\n")); // the stream's proper end
}

RUNE_TEST_GUILESS_MAIN(TestObservation)
#include "tst_observation.moc"
