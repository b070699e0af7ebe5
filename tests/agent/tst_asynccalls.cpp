// SPDX-License-Identifier: GPL-3.0-or-later
// Asynchronous calls on a real agent: POST /async-function/<name> answers 202 at once, the call runs
// later through the function's pool, its outcome is kept for GET /v1/results/<id> and POSTed to
// the caller's X-Callback-Url (a real HTTP server, asyncreceiver.py, that fails on demand).
// Failures are retried, then dead letters; a full queue (the node's limit or the function's own
// async_queue_limit) answers 429; calls survive kill -9; a
// damaged queue file is set aside at the next start; the controller's gateway forwards them.
#include "../common/functions.h"
#include "../common/testmain.h"

#include <QDirIterator>
#include <QSet>
#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

namespace
{

// Reports every run to the receiver (the function's own /tmp is private), then answers from the path.
const QString echoSource =
    QStringLiteral("import os, time, urllib.request\n"
                   "def handle(event, context):\n"
                   "    if event['path'] == '/sleep':\n"
                   "        time.sleep(float(event['query'].split('=')[1]))\n"
                   "    url = 'http://127.0.0.1:%s/ran/%s' % (os.environ['RECEIVER_PORT'], context.request_id)\n"
                   "    urllib.request.urlopen(url, data=b'x', timeout=10).read()\n"
                   "    if event['path'] == '/fail':\n"
                   "        return 'broken on purpose', 500\n"
                   "    if event['path'] == '/refuse':\n"
                   "        return 'not like this', 400\n"
                   "    seen = '%s %s %s %s' % (event['method'], event['path'], event['query'], "
                   "event['headers'].get('x-extra', '-'))\n"
                   "    auth = event['headers'].get('authorization', 'none')\n"
                   "    return ('done %s %s %s' % (event['body'], seen, auth), 200, {'Content-Type': 'text/plain'})\n");

const QString settings = QStringLiteral("async_max_attempts = 2\n"
                                        "async_retry_delay_ms = 100\n"
                                        "callback_retry_delay_ms = 100\n"
                                        "async_queue_limit = 120\n");

int distinctCount(const QStringList &list)
{
    return int(QSet<QString>(list.begin(), list.end()).size());
}

} // namespace

class TestAsyncCalls final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void acceptedThenSucceeded();
    void resultIdsAreChecked();
    void hostileRequestsAreRefused();
    void callbackIsRetriedUntilDelivered();
    void failuresAreRetriedThenDeadLetters();
    void fullQueueAnswers429AndDeleteDropsIt();
    void functionQueueLimitAnswers429();
    void gatewayForwardsAsyncCalls();
    void queuedCallsSurviveKillAndDamagedFiles();
    void cleanupTestCase();

private:
    HttpReply submit(const QByteArray &path, const QByteArray &body = {}, const QList<QByteArray> &headers = {});
    QString acceptedId(const HttpReply &reply);
    json waitForEnd(const QString &id, int timeoutMs = 20000);
    QList<json> received();
    QStringList runsOf(const QString &prefix = QStringLiteral("/ran/"));

    QTemporaryDir m_dir;
    QProcess m_receiver;
    quint16 m_receiverPort = 0;
    std::unique_ptr<TestAgent> m_agent;
};

void TestAsyncCalls::initTestCase()
{
    m_receiver.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_receiver.start(QStringLiteral("python3"),
        {QStringLiteral("-u"),
            QStringLiteral(RUNE_SOURCE_DIR "/tests/agent/asyncreceiver.py"),
            m_dir.filePath(QStringLiteral("received.jsonl"))});
    QVERIFY(m_receiver.waitForReadyRead(10000));
    const QByteArray line = m_receiver.readLine().trimmed();
    QVERIFY2(line.startsWith("port "), line.constData());
    m_receiverPort = quint16(line.mid(5).toUInt());

    QFile config(m_dir.filePath(QStringLiteral("agent.conf")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(settings.toUtf8());
    config.close();
    m_agent = std::make_unique<TestAgent>(
        QStringList {QStringLiteral("--config"), config.fileName()}, QStringLiteral("async-secret"));
    QVERIFY(m_agent->waitForPort());
    const QJsonObject env {{QStringLiteral("RECEIVER_PORT"), QString::number(m_receiverPort)}};
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("echo"),
                 echoSource,
                 {{QStringLiteral("env"), env},
                     {QStringLiteral("max_replicas"), 4},
                     {QStringLiteral("max_payload_bytes"), 1000}})
                 .status,
        201);
}

void TestAsyncCalls::cleanupTestCase()
{
    m_agent.reset();
    m_receiver.kill();
    m_receiver.waitForFinished(3000);
}

HttpReply TestAsyncCalls::submit(const QByteArray &path, const QByteArray &body, const QList<QByteArray> &headers)
{
    return callFunction(m_agent->invokePort(), "POST", path, body, headers);
}

QString TestAsyncCalls::acceptedId(const HttpReply &reply)
{
    if (reply.status != 202)
        return {};
    const QString id = textOf(jsonOf(reply)["request_id"]);
    return id.size() == 32 && QString::fromUtf8(reply.header("x-rune-request-id")) == id ? id : QString();
}

json TestAsyncCalls::waitForEnd(const QString &id, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    json last;
    while (timer.elapsed() < timeoutMs) {
        const auto reply = controlGet(*m_agent, "/v1/results/" + id.toUtf8());
        last = jsonOf(reply);
        if (reply.status == 200) {
            const std::string status = last.value("status", "");
            if (status != "queued" && status != "running")
                return last;
        }
        QTest::qWait(50);
    }
    return last;
}

QList<json> TestAsyncCalls::received()
{
    QList<json> entries;
    QFile file(m_dir.filePath(QStringLiteral("received.jsonl")));
    if (!file.open(QIODevice::ReadOnly))
        return entries;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.isEmpty())
            entries.append(json::parse(line.toStdString(), nullptr, false));
    }
    return entries;
}

// The paths after @p prefix of what the receiver got, in order (a run's request id for /ran/).
QStringList TestAsyncCalls::runsOf(const QString &prefix)
{
    QStringList runs;
    for (const json &entry : received()) {
        const QString path = textOf(entry["path"]);
        if (path.startsWith(prefix))
            runs.append(path.mid(prefix.size()));
    }
    return runs;
}

void TestAsyncCalls::acceptedThenSucceeded()
{
    const auto reply = submit("/async-function/echo/some/path?x=1",
        "hello",
        {"X-Extra: kept", "Authorization: Bearer async-secret", "Content-Type: text/plain"});
    const QString id = acceptedId(reply);
    QVERIFY2(!id.isEmpty(), reply.body.constData());
    QVERIFY(reply.header("content-type").startsWith("application/json"));

    const json result = waitForEnd(id);
    QCOMPARE(textOf(result["status"]), QStringLiteral("succeeded"));
    QCOMPARE(textOf(result["request_id"]), id);
    QCOMPARE(textOf(result["function"]), QStringLiteral("echo"));
    QCOMPARE(result["attempts"].get<int>(), 1);
    QVERIFY(result["accepted_at"].get<std::int64_t>() <= result["finished_at"].get<std::int64_t>());
    QCOMPARE(result["result"]["status"].get<int>(), 200);
    // Method, path, query, headers and body reach the function; the caller's credentials do not.
    QCOMPARE(textOf(result["result"]["body"]), QStringLiteral("done hello POST /some/path x=1 kept none"));
    QCOMPARE(textOf(result["result"]["body_encoding"]), QStringLiteral("text"));
    QCOMPARE(textOf(result["result"]["content_type"]), QStringLiteral("text/plain"));
    QCOMPARE(runsOf().count(id), 1);
}

void TestAsyncCalls::resultIdsAreChecked()
{
    for (const QByteArray &id : {QByteArray("0123456789abcdef0123456789abcdef"),
             QByteArray("..%2F..%2Fetc%2Fpasswd"),
             QByteArray("%2E%2E"),
             QByteArray("0123456789ABCDEF0123456789ABCDEF"),
             QByteArray("x")}) {
        const auto reply = controlGet(*m_agent, "/v1/results/" + id);
        QCOMPARE(reply.status, 404);
        QCOMPARE(errorCodeOf(reply), QStringLiteral("result_not_found"));
    }
    // The control API's token guards the results.
    const auto id = acceptedId(submit("/async-function/echo", "x"));
    QVERIFY(!id.isEmpty());
    QCOMPARE(httpRequest(m_agent->port(), "GET", "/v1/results/" + id.toUtf8()).status, 401);
    QCOMPARE(textOf(waitForEnd(id)["status"]), QStringLiteral("succeeded"));
}

void TestAsyncCalls::hostileRequestsAreRefused()
{
    for (const QByteArray &url : {QByteArray("https://127.0.0.1/x"),
             QByteArray("ftp://127.0.0.1/"),
             QByteArray("http://"),
             QByteArray("http://user:pw@127.0.0.1/"),
             QByteArray("http://127.0.0.1:99999/"),
             QByteArray("http://127.0.0.1:0/"),
             QByteArray("http://127.0.0.1/a#b"),
             QByteArray("http://h\xc3\xa9llo/"),
             QByteArray("/relative"),
             QByteArray("http://" + QByteArray(3000, 'a'))}) {
        const auto reply = submit("/async-function/echo", "x", {"X-Callback-Url: " + url});
        QVERIFY2(reply.status == 400, url.constData());
        QCOMPARE(errorCodeOf(reply), QStringLiteral("invalid_callback_url"));
    }
    const auto unknown = submit("/async-function/nothing-here", "x");
    QCOMPARE(unknown.status, 404);
    QCOMPARE(errorCodeOf(unknown), QStringLiteral("not_found"));
    // A version that is not there (never deployed, or retired) is refused like an unknown function.
    const auto retired = submit("/async-function/echo@v9", "x");
    QCOMPARE(retired.status, 404);
    QCOMPARE(errorCodeOf(retired), QStringLiteral("not_found"));
    const auto badName = submit("/async-function/..%2F..", "x");
    QCOMPARE(badName.status, 404);
    // The function's own max_payload_bytes (1000) bounds what is queued, as for synchronous calls.
    const auto large = submit("/async-function/echo", QByteArray(1001, 'x'));
    QCOMPARE(large.status, 413);
    QCOMPARE(errorCodeOf(large), QStringLiteral("payload_too_large"));

    // A header that is not UTF-8 is kept as bytes: the call is accepted and runs.
    const QString id = acceptedId(submit("/async-function/echo", "bytes", {"X-Extra: \xff\xfe"}));
    QVERIFY(!id.isEmpty());
    QCOMPARE(textOf(waitForEnd(id)["status"]), QStringLiteral("succeeded"));

    QCOMPARE(controlPost(*m_agent, "/v1/functions/echo:block").status, 200);
    const auto blocked = submit("/async-function/echo", "x");
    QCOMPARE(controlPost(*m_agent, "/v1/functions/echo:unblock").status, 200);
    QCOMPARE(blocked.status, 423);
    QCOMPARE(errorCodeOf(blocked), QStringLiteral("blocked"));
}

void TestAsyncCalls::callbackIsRetriedUntilDelivered()
{
    // The receiver answers 503 twice on this path, then 200.
    const QByteArray path = "/flaky/2/" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    const QByteArray url = "http://127.0.0.1:" + QByteArray::number(m_receiverPort) + path;
    const QString id = acceptedId(submit(
        "/async-function/echo", "called back", {"X-Callback-Url: " + url, "Authorization: Bearer async-secret"}));
    QVERIFY(!id.isEmpty());
    QCOMPARE(textOf(waitForEnd(id)["status"]), QStringLiteral("succeeded"));
    QTRY_COMPARE_WITH_TIMEOUT(runsOf(QString::fromUtf8(path)).size(), 3, 10000);
    QList<json> deliveries;
    for (const json &entry : received()) {
        if (textOf(entry["path"]) == QString::fromUtf8(path))
            deliveries.append(entry);
    }
    QCOMPARE(deliveries.size(), 3); // two failed, one delivered, no more
    for (const json &delivery : deliveries) {
        QCOMPARE(textOf(delivery["method"]), QStringLiteral("POST"));
        QCOMPARE(textOf(delivery["headers"]["x-rune-request-id"]), id);
        QCOMPARE(textOf(delivery["headers"]["x-rune-status"]), QStringLiteral("succeeded"));
        QCOMPARE(textOf(delivery["headers"]["x-rune-result-status"]), QStringLiteral("200"));
        QCOMPARE(textOf(delivery["headers"]["content-type"]), QStringLiteral("text/plain"));
        QCOMPARE(textOf(delivery["body"]), QStringLiteral("done called back POST /  - none"));
        // Nobody's token leaves the agent: not the caller's, not the agent's.
        QVERIFY(!delivery["headers"].contains("authorization"));
        QVERIFY(!QByteArray::fromStdString(delivery.dump()).contains("async-secret"));
    }
}

void TestAsyncCalls::failuresAreRetriedThenDeadLetters()
{
    const QByteArray url = "http://127.0.0.1:" + QByteArray::number(m_receiverPort) + "/dead-callback";
    const QString id = acceptedId(submit("/async-function/echo/fail", "doomed", {"X-Callback-Url: " + url}));
    QVERIFY(!id.isEmpty());
    const json result = waitForEnd(id);
    QCOMPARE(textOf(result["status"]), QStringLiteral("dead"));
    QCOMPARE(result["attempts"].get<int>(), 2); // async_max_attempts
    QCOMPARE(result["result"]["status"].get<int>(), 500);
    QCOMPARE(textOf(result["result"]["body"]), QStringLiteral("broken on purpose"));
    QCOMPARE(runsOf().count(id), 2);
    // Every attempt counts in the function's metrics, like a synchronous call.
    const json metrics = jsonOf(controlGet(*m_agent, "/v1/metrics"));
    for (const json &function : metrics["functions"]) {
        if (function.value("name", "") == "echo")
            QVERIFY(function["by_status"].value("5xx", 0) >= 2);
    }

    const json letters = jsonOf(controlGet(*m_agent, "/v1/functions/echo/dead-letters"));
    QVERIFY(letters["dead_letters"].is_array());
    QCOMPARE(letters["dead_letters"].size(), std::size_t(1));
    QCOMPARE(textOf(letters["dead_letters"][0]["request_id"]), id);
    QCOMPARE(textOf(letters["dead_letters"][0]["status"]), QStringLiteral("dead"));
    QTRY_COMPARE_WITH_TIMEOUT(runsOf(QStringLiteral("/dead-callback")).size(), 1, 5000);
    for (const json &entry : received()) {
        if (textOf(entry["path"]) == QStringLiteral("/dead-callback"))
            QCOMPARE(textOf(entry["headers"]["x-rune-status"]), QStringLiteral("failed"));
    }

    // A 4xx is the caller's mistake: failed at once, not retried, not a dead letter.
    const QString refused = acceptedId(submit("/async-function/echo/refuse", "no"));
    const json refusedResult = waitForEnd(refused);
    QCOMPARE(textOf(refusedResult["status"]), QStringLiteral("failed"));
    QCOMPARE(refusedResult["attempts"].get<int>(), 1);
    QCOMPARE(refusedResult["result"]["status"].get<int>(), 400);
    QCOMPARE(jsonOf(controlGet(*m_agent, "/v1/functions/echo/dead-letters"))["dead_letters"].size(), std::size_t(1));
}

void TestAsyncCalls::fullQueueAnswers429AndDeleteDropsIt()
{
    // One replica, so one call at a time, each sleeping long enough for the queue to fill.
    const QJsonObject env {{QStringLiteral("RECEIVER_PORT"), QString::number(m_receiverPort)}};
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("stuck"),
                 echoSource,
                 {{QStringLiteral("env"), env}, {QStringLiteral("max_replicas"), 1}})
                 .status,
        201);
    QStringList ids;
    for (int call = 0; call < 120; ++call) {
        const QString id = acceptedId(submit("/async-function/stuck/sleep?s=5"));
        QVERIFY2(!id.isEmpty(), qPrintable(QString::number(call)));
        ids.append(id);
    }
    const auto full = submit("/async-function/stuck/sleep?s=5");
    QCOMPARE(full.status, 429);
    QCOMPARE(errorCodeOf(full), QStringLiteral("queue_full"));
    QCOMPARE(full.header("retry-after"), QByteArray("5"));

    // The queue's depth is in /v1/metrics: one running (at most one replica), the rest waiting.
    const auto depth = [this] {
        const json metrics = jsonOf(controlGet(*m_agent, "/v1/metrics"));
        for (const json &function : metrics["functions"]) {
            if (function.value("name", "") == "stuck")
                return std::pair(function.value("async_queued", -1), function.value("async_running", -1));
        }
        return std::pair(-1, -1);
    };
    QTRY_COMPARE_WITH_TIMEOUT(depth(), std::pair(119, 1), 10000);

    // Deleting the function drops its queue: the waiting calls are gone, their ids unknown.
    QCOMPARE(httpRequest(m_agent->port(), "DELETE", "/v1/functions/stuck", m_agent->token()).status, 200);
    const auto dropped = controlGet(*m_agent, "/v1/results/" + ids.last().toUtf8());
    QCOMPARE(dropped.status, 404);
    QCOMPARE(errorCodeOf(dropped), QStringLiteral("result_not_found"));
    // Their files go too; only the call that was running may stay until it ends.
    const auto filesLeft = [this, &ids] {
        int left = 0;
        for (const QString &id : ids)
            left += QFile::exists(m_agent->stateDir() + QStringLiteral("/async/calls/") + id + QStringLiteral(".call"));
        return left;
    };
    QTRY_VERIFY_WITH_TIMEOUT(filesLeft() <= 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(filesLeft(), 0, 15000);
}

void TestAsyncCalls::functionQueueLimitAnswers429()
{
    const QJsonObject env {{QStringLiteral("RECEIVER_PORT"), QString::number(m_receiverPort)}};
    // The limit is checked like every other setting: out of range, the deploy is refused.
    const auto refused = deployPython(*m_agent,
        QStringLiteral("limited"),
        echoSource,
        {{QStringLiteral("env"), env}, {QStringLiteral("async_queue_limit"), -1}});
    QCOMPARE(refused.status, 400);
    QVERIFY2(
        refused.body.contains("async_queue_limit must be between 0 and 1000000 (got -1)"), refused.body.constData());

    // One call at a time (one replica), each a second long; at most three queued or running.
    const auto deployed = deployPython(*m_agent,
        QStringLiteral("limited"),
        echoSource,
        {{QStringLiteral("env"), env}, {QStringLiteral("max_replicas"), 1}, {QStringLiteral("async_queue_limit"), 3}});
    QCOMPARE(deployed.status, 201);
    QVERIFY(jsonOf(controlGet(*m_agent, "/v1/functions/limited"))["config"]["async_queue_limit"] == 3);
    QStringList ids;
    for (int call = 0; call < 3; ++call) {
        const QString id = acceptedId(submit("/async-function/limited/sleep?s=1"));
        QVERIFY2(!id.isEmpty(), qPrintable(QString::number(call)));
        ids.append(id);
    }
    // The fourth is one too many for the function, far below the node's limit of 120.
    const auto full = submit("/async-function/limited/sleep?s=1");
    QCOMPARE(full.status, 429);
    QCOMPARE(errorCodeOf(full), QStringLiteral("queue_full"));
    QCOMPARE(full.header("retry-after"), QByteArray("5"));
    QVERIFY2(full.body.contains("as many as the function's async_queue_limit (3) allows"), full.body.constData());
    // Another function is not held back by it.
    QVERIFY(!acceptedId(submit("/async-function/echo/free")).isEmpty());

    // Once they ended, the function takes calls again.
    for (const QString &id : std::as_const(ids))
        QCOMPARE(textOf(waitForEnd(id)["status"]), QStringLiteral("succeeded"));
    const QString again = acceptedId(submit("/async-function/limited/after"));
    QVERIFY(!again.isEmpty());
    QCOMPARE(textOf(waitForEnd(again)["status"]), QStringLiteral("succeeded"));
    QCOMPARE(httpRequest(m_agent->port(), "DELETE", "/v1/functions/limited", m_agent->token()).status, 200);
}

void TestAsyncCalls::gatewayForwardsAsyncCalls()
{
    TestAgent controller(QStringList {QStringLiteral("--role"), QStringLiteral("controller")});
    QVERIFY(controller.waitForPort());
    const QJsonObject node {{QStringLiteral("name"), QStringLiteral("compute-1")},
        {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1").arg(m_agent->invokePort())},
        {QStringLiteral("functions"), QJsonArray {QStringLiteral("echo")}}};
    HttpConnection connection(controller.port());
    QCOMPARE(connection
                 .request("PUT",
                     "/v1/cluster",
                     {},
                     QJsonDocument(QJsonObject {{QStringLiteral("nodes"), QJsonArray {node}}}).toJson())
                 .status,
        200);
    const auto reply = callFunction(controller.invokePort(), "POST", "/async-function/echo/via?g=1", "through");
    const QString id = acceptedId(reply);
    QVERIFY2(!id.isEmpty(), reply.body.constData());
    // The node queued it: its results know the id.
    const json result = waitForEnd(id);
    QCOMPARE(textOf(result["status"]), QStringLiteral("succeeded"));
    QCOMPARE(textOf(result["result"]["body"]), QStringLiteral("done through POST /via g=1 - none"));
}

void TestAsyncCalls::queuedCallsSurviveKillAndDamagedFiles()
{
    const QJsonObject env {{QStringLiteral("RECEIVER_PORT"), QString::number(m_receiverPort)}};
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("durable"),
                 echoSource,
                 {{QStringLiteral("env"), env}, {QStringLiteral("max_replicas"), 4}})
                 .status,
        201);
    // Calls run two at a time (half of max_replicas); each reports its request id when it runs.
    QStringList ids;
    for (int call = 0; call < 100; ++call) {
        const QString id = acceptedId(submit("/async-function/durable/sleep?s=0.2"));
        QVERIFY2(!id.isEmpty(), qPrintable(QString::number(call)));
        ids.append(id);
    }
    const auto ranOfOurs = [this, &ids] {
        QStringList ours;
        for (const QString &run : runsOf()) {
            if (ids.contains(run))
                ours.append(run);
        }
        return ours;
    };
    QTRY_VERIFY_WITH_TIMEOUT(ranOfOurs().size() >= 4, 20000);
    m_agent->killHard();
    const int ranBeforeKill = distinctCount(ranOfOurs());
    QVERIFY2(ranBeforeKill < 100, "every call ran before the kill: the test proves nothing");

    // Damage planted while the agent is down: garbage, and a real call's file cut short.
    const QString calls = m_agent->stateDir() + QStringLiteral("/async/calls/");
    QFile garbage(calls + QStringLiteral("00000000000000000000000000000000.call"));
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    garbage.write("{\"v\":1,\"id\":\"nonsense\"\n\xff\xfe");
    garbage.close();
    QFile::copy(
        calls + ids.last() + QStringLiteral(".call"), calls + QStringLiteral("11111111111111111111111111111111.call"));
    QFile cut(calls + QStringLiteral("11111111111111111111111111111111.call"));
    QVERIFY(cut.open(QIODevice::ReadWrite));
    QVERIFY(cut.resize(cut.size() - 3));
    cut.close();

    m_agent->start();
    QVERIFY(m_agent->waitForPort());
    // At least once: every call that got 202 runs. A call running at the kill may run again (at
    // most the two that ran at once); none is lost.
    QTRY_COMPARE_WITH_TIMEOUT(distinctCount(ranOfOurs()), 100, 40000);
    QVERIFY(ranOfOurs().size() <= 100 + 2);
    for (const QString &id : {ids.first(), ids.last()})
        QCOMPARE(textOf(waitForEnd(id)["status"]), QStringLiteral("succeeded"));

    const QStringList damaged =
        QDir(m_agent->stateDir() + QStringLiteral("/async/damaged")).entryList(QDir::Files, QDir::Name);
    QCOMPARE(damaged,
        QStringList({QStringLiteral("00000000000000000000000000000000.call"),
            QStringLiteral("11111111111111111111111111111111.call")}));
    QVERIFY(!QFile::exists(calls + QStringLiteral("00000000000000000000000000000000.call")));
    const QString log = QString::fromUtf8(m_agent->process().readAllStandardError());
    QVERIFY2(log.contains(QStringLiteral("is damaged")), qPrintable(log));
    QCOMPARE(controlGet(*m_agent, "/v1/health").status, 200);
}

RUNE_TEST_GUILESS_MAIN(TestAsyncCalls)
#include "tst_asynccalls.moc"
