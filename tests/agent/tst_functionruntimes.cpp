// SPDX-License-Identifier: GPL-3.0-or-later
// The three runtimes as a function's author sees them, through the real agent: what a handler
// receives, what its return values become, and what happens when it fails to load or raises.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QJsonArray>
#include <QTest>

using namespace rune::test;
using json = nlohmann::json;

class TestFunctionRuntimes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pythonReturnValues_data();
    void pythonReturnValues();
    void pythonSeesTheWholeRequest();
    void pythonWorkerImportsTheHandlerOnce();
    void pythonEchoesBodiesOfManyReads();
    void pythonHandlerOption();
    void pythonExceptionIs500WithTracebackInTheLog();
    void pythonImportErrorIs502WithTheReason();
    void nodeHandler();
    void nodeExceptionAndAsyncHandler();
    void execRuntime();
    void execNonZeroExitIs502();
    void execHandlerMustBeExecutable();
    void olderVersionsAreCallableByNumber();
    void controlPortInvoke();

private:
    std::unique_ptr<TestAgent> m_agent;
};

void TestFunctionRuntimes::initTestCase()
{
    m_agent = std::make_unique<TestAgent>(QStringList {}, QStringLiteral("control-token"));
    QVERIFY(m_agent->waitForPort() != 0);
    QVERIFY(m_agent->invokePort() != 0);
}

void TestFunctionRuntimes::pythonReturnValues_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("str") << "'héllo'" << 200 << QByteArray("text/plain; charset=utf-8") << QByteArray("h\xc3\xa9llo");
    QTest::newRow("bytes") << "b'\\x00\\x01'" << 200 << QByteArray("application/octet-stream")
                           << QByteArray("\x00\x01", 2);
    QTest::newRow("dict") << "{'a': [1, 2]}" << 200 << QByteArray("application/json") << QByteArray("{\"a\": [1, 2]}");
    QTest::newRow("list") << "[1, 'x']" << 200 << QByteArray("application/json") << QByteArray("[1, \"x\"]");
    QTest::newRow("none") << "None" << 200 << QByteArray() << QByteArray();
    QTest::newRow("tuple with status") << "('made', 201)" << 201 << QByteArray("text/plain; charset=utf-8")
                                       << QByteArray("made");
    QTest::newRow("tuple with headers") << "('{}', 202, {'Content-Type': 'application/json'})" << 202
                                        << QByteArray("application/json") << QByteArray("{}");
    QTest::newRow("context.response") << "context.response(b'gone', 410)" << 410
                                      << QByteArray("application/octet-stream") << QByteArray("gone");
}

void TestFunctionRuntimes::pythonReturnValues()
{
    QFETCH(QString, expression);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    const QString name = QStringLiteral("ret-%1")
                             .arg(QString::fromLatin1(QTest::currentDataTag()))
                             .replace(u' ', u'-')
                             .replace(u'.', u'-');
    const auto deployed =
        deployPython(*m_agent, name, QStringLiteral("def handle(event, context):\n    return %1\n").arg(expression));
    QCOMPARE(deployed.status, 201);
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/" + name.toUtf8());
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("content-type"), contentType);
    QCOMPARE(reply.body, body);
    QVERIFY(!reply.header("x-request-id").isEmpty());
    QCOMPARE(reply.header("x-rune-version"), QByteArray("1"));
}

void TestFunctionRuntimes::pythonSeesTheWholeRequest()
{
    const auto deployed = deployPython(*m_agent,
        QStringLiteral("echo"),
        QStringLiteral("def handle(event, context):\n"
                       "    return {'method': event['method'], 'path': event['path'], 'query': event['query'],\n"
                       "            'trace': event['headers'].get('x-trace'), 'body': event['body'],\n"
                       "            'id': context.request_id, 'fn': context.function_name,\n"
                       "            'left': context.remaining_time_ms() > 0}\n"));
    QCOMPARE(deployed.status, 201);
    const auto reply = callFunction(m_agent->invokePort(),
        "PATCH",
        "/function/echo/items/7?color=red&size=2",
        "payload",
        {"X-Trace: abc", "X-Request-Id: my-request-1"});
    QCOMPARE(reply.status, 200);
    const json body = jsonOf(reply);
    QCOMPARE(textOf(body["method"]), QStringLiteral("PATCH"));
    QCOMPARE(textOf(body["path"]), QStringLiteral("/items/7"));
    QCOMPARE(textOf(body["query"]), QStringLiteral("color=red&size=2"));
    QCOMPARE(textOf(body["trace"]), QStringLiteral("abc"));
    QCOMPARE(textOf(body["body"]), QStringLiteral("payload"));
    QCOMPARE(textOf(body["id"]), QStringLiteral("my-request-1")); // the caller's request id is kept
    QCOMPARE(textOf(body["fn"]), QStringLiteral("echo"));
    QVERIFY(body["left"].get<bool>());
    QCOMPARE(reply.header("x-request-id"), QByteArray("my-request-1"));
}

// The worker reads a message in as many pieces as the socket hands it: small calls, one larger than
// a read, and small again after it, on one worker, each answered with exactly its own bytes.
void TestFunctionRuntimes::pythonEchoesBodiesOfManyReads()
{
    const auto deployed = deployPython(*m_agent,
        QStringLiteral("mirror"),
        QStringLiteral("def handle(event, context):\n    return event['body']\n"),
        QJsonObject {{QStringLiteral("max_replicas"), 1}});
    QCOMPARE(deployed.status, 201);
    QByteArray large(3 * 1024 * 1024 + 7, Qt::Uninitialized);
    for (qsizetype index = 0; index < large.size(); ++index)
        large[index] = char((index * 131 + index / 4096) & 0xff); // not UTF-8: the handler gets bytes
    for (const QByteArray &body : {QByteArray("a"), large, QByteArray("tail"), large.left(70000)}) {
        const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/mirror", body);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body.size(), body.size());
        QVERIFY(reply.body == body);
    }
}

void TestFunctionRuntimes::pythonWorkerImportsTheHandlerOnce()
{
    const auto deployed = deployPython(*m_agent,
        QStringLiteral("counter"),
        QStringLiteral("import os\nimports = 0\nimports += 1\ncalls = 0\n"
                       "def handle(event, context):\n"
                       "    global calls\n    calls += 1\n"
                       "    return {'imports': imports, 'calls': calls, 'pid': os.getpid()}\n"),
        QJsonObject {{QStringLiteral("max_replicas"), 1}});
    QCOMPARE(deployed.status, 201);
    const json first = jsonOf(callFunction(m_agent->invokePort(), "GET", "/function/counter"));
    const json second = jsonOf(callFunction(m_agent->invokePort(), "GET", "/function/counter"));
    QCOMPARE(first["calls"].get<int>(), 1);
    QCOMPARE(second["calls"].get<int>(), 2);
    QCOMPARE(second["imports"].get<int>(), 1);
    QCOMPARE(second["pid"].get<int>(), first["pid"].get<int>());
}

void TestFunctionRuntimes::pythonHandlerOption()
{
    const auto archive = makeArchive(QJsonArray {file(QStringLiteral("app/__init__.py"), QString()),
        file(QStringLiteral("app/main.py"), QStringLiteral("def run(event, context):\n    return 'from run'\n"))});
    const auto deployed = deployFunction(m_agent->port(),
        m_agent->token(),
        QStringLiteral("custom"),
        archive,
        {{QStringLiteral("runtime"), QStringLiteral("python3")},
            {QStringLiteral("handler"), QStringLiteral("app.main.run")}});
    QCOMPARE(deployed.status, 201);
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/custom");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("from run"));
}

void TestFunctionRuntimes::pythonExceptionIs500WithTracebackInTheLog()
{
    QCOMPARE(deployPython(*m_agent,
                 QStringLiteral("raiser"),
                 QStringLiteral("def handle(event, context):\n    print('before the fall')\n"
                                "    raise ValueError('bad input: ' + event['body'])\n"))
                 .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(), "POST", "/function/raiser", "42");
    QCOMPARE(reply.status, 500);
    QCOMPARE(reply.body, QByteArray("ValueError: bad input: 42"));
    const QByteArray requestId = reply.header("x-request-id");
    QVERIFY(!requestId.isEmpty());
    const json logs = jsonOf(controlGet(*m_agent, "/v1/logs?request_id=" + requestId));
    QString all;
    for (const auto &line : logs["lines"]) {
        QCOMPARE(textOf(line["function"]), QStringLiteral("raiser"));
        QCOMPARE(line["version"].get<int>(), 1);
        all +=
            QString::fromStdString(line["stream"].get<std::string>() + ":" + line["text"].get<std::string>()) + u'\n';
    }
    QVERIFY2(all.contains(QStringLiteral("stdout:before the fall")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("stderr:Traceback (most recent call last):")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("stderr:ValueError: bad input: 42")), qPrintable(all));
    QVERIFY2(!all.contains(QStringLiteral("bootstrap.py")), qPrintable(all)); // the author's frames only
    // The worker survives its handler's exception.
    QCOMPARE(callFunction(m_agent->invokePort(), "POST", "/function/raiser", "1").status, 500);
}

void TestFunctionRuntimes::pythonImportErrorIs502WithTheReason()
{
    QCOMPARE(
        deployPython(*m_agent, QStringLiteral("broken"), QStringLiteral("def handle(event, context)\n    return 1\n"))
            .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/broken");
    QCOMPARE(reply.status, 502);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("init_failed"));
    QVERIFY2(errorMessageOf(reply).contains(QStringLiteral("SyntaxError")), qPrintable(errorMessageOf(reply)));

    QCOMPARE(
        deployPython(*m_agent, QStringLiteral("nameless"), QStringLiteral("def other(e, c):\n    return 1\n")).status,
        201);
    const auto missing = callFunction(m_agent->invokePort(), "GET", "/function/nameless");
    QCOMPARE(missing.status, 502);
    QVERIFY2(
        errorMessageOf(missing).contains(QStringLiteral("no function 'handle'")), qPrintable(errorMessageOf(missing)));
}

void TestFunctionRuntimes::nodeHandler()
{
    const auto archive = archiveWith(QStringLiteral("index.js"),
        QStringLiteral("let calls = 0;\n"
                       "exports.main = (event, context) => {\n"
                       "  calls += 1;\n"
                       "  console.log('node call', calls);\n"
                       "  return {calls, method: event.method, path: event.path, body: event.body,\n"
                       "          header: event.headers['x-thing'], id: context.requestId};\n"
                       "};\n"));
    const auto deployed = deployFunction(m_agent->port(),
        m_agent->token(),
        QStringLiteral("nodey"),
        archive,
        {{QStringLiteral("runtime"), QStringLiteral("node")},
            {QStringLiteral("handler"), QStringLiteral("index.main")},
            {QStringLiteral("max_replicas"), 1}});
    QCOMPARE(deployed.status, 201);
    for (int call = 1; call <= 2; ++call) {
        const auto reply = callFunction(m_agent->invokePort(), "PUT", "/function/nodey/x", "data", {"X-Thing: t"});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
        const json body = jsonOf(reply);
        QCOMPARE(body["calls"].get<int>(), call);
        QCOMPARE(textOf(body["method"]), QStringLiteral("PUT"));
        QCOMPARE(textOf(body["path"]), QStringLiteral("/x"));
        QCOMPARE(textOf(body["body"]), QStringLiteral("data"));
        QCOMPARE(textOf(body["header"]), QStringLiteral("t"));
        QCOMPARE(QByteArray::fromStdString(body["id"].get<std::string>()), reply.header("x-request-id"));
    }
}

void TestFunctionRuntimes::nodeExceptionAndAsyncHandler()
{
    const auto archive = archiveWith(QStringLiteral("handler.js"),
        QStringLiteral("exports.handle = async (event, context) => {\n"
                       "  await new Promise((resolve) => setTimeout(resolve, 10));\n"
                       "  if (event.path === '/fail') throw new TypeError('no such thing');\n"
                       "  return context.response('created', 201, {'X-Made': 'yes'});\n"
                       "};\n"));
    QCOMPARE(deployFunction(m_agent->port(),
                 m_agent->token(),
                 QStringLiteral("nodeasync"),
                 archive,
                 {{QStringLiteral("runtime"), QStringLiteral("node")}})
                 .status,
        201);
    const auto made = callFunction(m_agent->invokePort(), "GET", "/function/nodeasync");
    QCOMPARE(made.status, 201);
    QCOMPARE(made.body, QByteArray("created"));
    QCOMPARE(made.header("x-made"), QByteArray("yes"));
    const auto failed = callFunction(m_agent->invokePort(), "GET", "/function/nodeasync/fail");
    QCOMPARE(failed.status, 500);
    QCOMPARE(failed.body, QByteArray("TypeError: no such thing"));
    const json logs = jsonOf(controlGet(*m_agent, "/v1/logs?request_id=" + failed.header("x-request-id")));
    QVERIFY2(QByteArray::fromStdString(logs.dump()).contains("TypeError: no such thing"), logs.dump().c_str());
}

void TestFunctionRuntimes::execRuntime()
{
    const auto archive = archiveWith(QStringLiteral("bin/run"),
        QStringLiteral("#!/bin/sh\n"
                       "printf 'method=%s path=%s query=%s agent=%s\\n' \"$REQUEST_METHOD\" \"$PATH_INFO\" "
                       "\"$QUERY_STRING\" \"$Http_User_Agent\"\n"
                       "cat\n"
                       "echo 'to the log' >&2\n"),
        0755);
    QCOMPARE(deployFunction(m_agent->port(),
                 m_agent->token(),
                 QStringLiteral("cgi"),
                 archive,
                 {{QStringLiteral("runtime"), QStringLiteral("exec")},
                     {QStringLiteral("handler"), QStringLiteral("bin/run")}})
                 .status,
        201);
    const auto reply =
        callFunction(m_agent->invokePort(), "POST", "/function/cgi/p?q=1", "stdin body", {"User-Agent: tester/1"});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("method=POST path=/p query=q=1 agent=tester/1\nstdin body"));
    const json logs = jsonOf(controlGet(*m_agent, "/v1/logs?request_id=" + reply.header("x-request-id")));
    QCOMPARE(logs["lines"].size(), std::size_t(1));
    QCOMPARE(textOf(logs["lines"][0]["text"]), QStringLiteral("to the log"));

    // CGI headers at the top of the output set the status and content type.
    const auto cgiArchive = archiveWith(QStringLiteral("run.sh"),
        QStringLiteral("#!/bin/sh\nprintf 'Status: 201\\nContent-Type: text/csv\\n\\na,b\\n'\n"),
        0755);
    QCOMPARE(deployFunction(m_agent->port(),
                 m_agent->token(),
                 QStringLiteral("cgi-headers"),
                 cgiArchive,
                 {{QStringLiteral("runtime"), QStringLiteral("exec")},
                     {QStringLiteral("handler"), QStringLiteral("run.sh")}})
                 .status,
        201);
    const auto csv = callFunction(m_agent->invokePort(), "GET", "/function/cgi-headers");
    QCOMPARE(csv.status, 201);
    QCOMPARE(csv.header("content-type"), QByteArray("text/csv"));
    QCOMPARE(csv.body, QByteArray("a,b\n"));
}

void TestFunctionRuntimes::execNonZeroExitIs502()
{
    const auto archive =
        archiveWith(QStringLiteral("fail.sh"), QStringLiteral("#!/bin/sh\necho 'disk is on fire' >&2\nexit 3\n"), 0755);
    QCOMPARE(deployFunction(m_agent->port(),
                 m_agent->token(),
                 QStringLiteral("exitcode"),
                 archive,
                 {{QStringLiteral("runtime"), QStringLiteral("exec")},
                     {QStringLiteral("handler"), QStringLiteral("fail.sh")}})
                 .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/exitcode");
    QCOMPARE(reply.status, 502);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("crashed"));
    QCOMPARE(errorMessageOf(reply), QStringLiteral("the function exited with exit code 3: disk is on fire"));
}

void TestFunctionRuntimes::execHandlerMustBeExecutable()
{
    const auto archive = archiveWith(QStringLiteral("plain.sh"), QStringLiteral("#!/bin/sh\necho hi\n"), 0644);
    QCOMPARE(deployFunction(m_agent->port(),
                 m_agent->token(),
                 QStringLiteral("notexec"),
                 archive,
                 {{QStringLiteral("runtime"), QStringLiteral("exec")},
                     {QStringLiteral("handler"), QStringLiteral("plain.sh")}})
                 .status,
        201);
    const auto reply = callFunction(m_agent->invokePort(), "GET", "/function/notexec");
    QCOMPARE(reply.status, 502);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("init_failed"));
    QVERIFY2(errorMessageOf(reply).contains(QStringLiteral("not executable")), qPrintable(errorMessageOf(reply)));
}

void TestFunctionRuntimes::olderVersionsAreCallableByNumber()
{
    for (const char *text : {"first", "second"}) {
        QCOMPARE(deployPython(*m_agent,
                     QStringLiteral("versioned"),
                     QStringLiteral("def handle(event, context):\n    return '%1'\n").arg(QLatin1StringView(text)))
                     .status,
            201);
    }
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/versioned").body, QByteArray("second"));
    const auto pinned = callFunction(m_agent->invokePort(), "GET", "/function/versioned@v1");
    QCOMPARE(pinned.body, QByteArray("first"));
    QCOMPARE(pinned.header("x-rune-version"), QByteArray("1"));
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/versioned@2").body, QByteArray("second"));
    const auto missing = callFunction(m_agent->invokePort(), "GET", "/function/versioned@v9");
    QCOMPARE(missing.status, 404);
    QCOMPARE(errorCodeOf(missing), QStringLiteral("not_found"));
    QVERIFY(jsonOf(controlGet(*m_agent, "/v1/functions/versioned"))["versions"] == json({1, 2}));
}

void TestFunctionRuntimes::controlPortInvoke()
{
    QCOMPARE(deployPython(
                 *m_agent, QStringLiteral("viacontrol"), QStringLiteral("def handle(e, c):\n    return e['body']\n"))
                 .status,
        201);
    const auto reply = controlPost(*m_agent, "/v1/functions/viacontrol/invoke", "ping");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("ping"));
    QCOMPARE(httpRequest(m_agent->port(), "POST", "/v1/functions/viacontrol/invoke", {}, "ping").status, 401);
    QCOMPARE(callFunction(m_agent->invokePort(), "GET", "/function/no-such-function").status, 404);
}

RUNE_TEST_GUILESS_MAIN(TestFunctionRuntimes)
#include "tst_functionruntimes.moc"
