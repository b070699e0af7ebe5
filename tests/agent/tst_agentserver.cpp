// SPDX-License-Identifier: GPL-3.0-or-later
// The agent's HTTP server as a client and an operator see it: the real binary for endpoints, auth,
// errors, signals and flags; an in-process server for the handler API later endpoints build on
// (answers that come later, streamed responses, graceful shutdown).

#include "../common/testagent.h"
#include "../common/testmain.h"
#include "httpserver.h"
#include "router.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSysInfo>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace rune::test;
using namespace std::chrono_literals;
using json = nlohmann::json;
namespace agent = rune::agent;
namespace http = boost::beast::http;

namespace
{

json bodyJson(const HttpReply &reply)
{
    return json::parse(reply.body.toStdString(), nullptr, false);
}

// The error code of a JSON error body; "malformed" when the body is not the one error shape.
QString errorCode(const HttpReply &reply)
{
    const json body = bodyJson(reply);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object())
        return QStringLiteral("malformed");
    const json &error = body["error"];
    if (!error.value("code", json()).is_string() || error.value("message", std::string()).empty())
        return QStringLiteral("malformed");
    return QString::fromStdString(error["code"].get<std::string>());
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(file.fileName()));
    file.write(content);
    return file.fileName();
}

// A datagram socket standing in for systemd's notification socket.
class NotifySocket
{
public:
    explicit NotifySocket(const QByteArray &name)
        : m_fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0))
    {
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, name.constData(), size_t(name.size()));
        if (name.startsWith('@'))
            address.sun_path[0] = '\0';
        const auto length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(name.size()));
        m_bound = bind(m_fd, reinterpret_cast<const sockaddr *>(&address), length) == 0;
    }
    ~NotifySocket()
    {
        close(m_fd);
    }

    bool isBound() const
    {
        return m_bound;
    }

    QByteArray receive(int timeoutMs = 5000)
    {
        pollfd ready {m_fd, POLLIN, 0};
        if (poll(&ready, 1, timeoutMs) != 1)
            return {};
        char buffer[512];
        const auto length = recv(m_fd, buffer, sizeof buffer, 0);
        return length > 0 ? QByteArray(buffer, length) : QByteArray();
    }

private:
    int m_fd;
    bool m_bound = false;
};

// The server library inside the test, so a test can add the kinds of handlers later endpoints need.
class InProcessServer
{
public:
    ~InProcessServer()
    {
        m_io.stop();
        for (auto &thread : m_threads)
            thread.join();
    }

    agent::Router &router()
    {
        return *m_router;
    }
    agent::HttpServer &server()
    {
        return *m_server;
    }
    boost::asio::io_context &io()
    {
        return m_io;
    }

    quint16 start()
    {
        m_server = std::make_unique<agent::HttpServer>(
            m_io, agent::ServerContext {m_router, m_config, std::make_shared<agent::BodyBudget>()});
        const auto endpoint = m_server->listen(agent::ListenAddress {"127.0.0.1", 0});
        if (!endpoint)
            return 0;
        m_server->start();
        for (int index = 0; index < 2; ++index)
            m_threads.emplace_back([this] {
                m_io.run();
            });
        return endpoint->port();
    }

private:
    boost::asio::io_context m_io {2};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> m_work =
        boost::asio::make_work_guard(m_io);
    std::shared_ptr<agent::Router> m_router = std::make_shared<agent::Router>();
    std::shared_ptr<agent::LiveConfig> m_config = std::make_shared<agent::LiveConfig>(agent::Config {});
    std::unique_ptr<agent::HttpServer> m_server;
    std::vector<std::thread> m_threads;
};

// Streams a line every 10 ms until the client is gone, like a log follower.
class Ticker : public std::enable_shared_from_this<Ticker>
{
public:
    Ticker(agent::StreamWriter writer, boost::asio::io_context &io, std::shared_ptr<std::atomic<bool>> noticedGone)
        : m_writer(std::move(writer))
        , m_timer(io)
        , m_noticedGone(std::move(noticedGone))
    {
    }

    void tick()
    {
        m_writer.write("tick\n", [self = shared_from_this()](bool delivered) {
            if (!delivered) {
                *self->m_noticedGone = true;
                return;
            }
            self->m_timer.expires_after(10ms);
            self->m_timer.async_wait([self](boost::system::error_code) {
                self->tick();
            });
        });
    }

private:
    agent::StreamWriter m_writer;
    boost::asio::steady_timer m_timer;
    std::shared_ptr<std::atomic<bool>> m_noticedGone;
};

} // namespace

class TestAgentServer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void healthAnswersWithoutToken();
    void infoDescribesThisHost();
    void tokenIsRequired_data();
    void tokenIsRequired();
    void unknownPathIsNotFound();
    void wrongMethodIsNotAllowed();
    void malformedRequestIsBadRequest();
    void oversizeBodyIsRefused_data();
    void oversizeBodyIsRefused();
    void keepAliveServesSeveralRequests();
    void ioThreadsSetsTheServingThreads();
    void sigtermStopsCleanly();
    void sighupReloadsTheToken();
    void versionFlagPrintsTheVersion();
    void badInvocationExitsWithTwo_data();
    void badInvocationExitsWithTwo();
    void systemdIsNotified_data();
    void systemdIsNotified();

    void asyncHandlerAnswersLater();
    void streamedResponseArrivesInChunks();
    void streamNoticesTheClientLeaving();
    void brokenHandlerGivesInternalError_data();
    void brokenHandlerGivesInternalError();
    void shutdownFinishesTheRequestInFlight();

private:
    QTemporaryDir m_scratch;
};

void TestAgentServer::healthAnswersWithoutToken()
{
    TestAgent agent({}, QStringLiteral("health-token"));
    QVERIFY(agent.waitForPort());
    const HttpReply reply = httpRequest(agent.port(), "GET", "/v1/health");
    QCOMPARE(reply.status, 200);
    const json body = bodyJson(reply);
    QCOMPARE(body.value("status", ""), "ok");
    QCOMPARE(body.value("version", ""), RUNE_VERSION);
    QCOMPARE(body.value("role", ""), "compute");
    QVERIFY(body.value("uptime_s", -1) >= 0);
}

void TestAgentServer::infoDescribesThisHost()
{
    TestAgent agent({QStringLiteral("--role"), QStringLiteral("edge")}, QStringLiteral("info-token"));
    QVERIFY(agent.waitForPort());
    const HttpReply reply = httpRequest(agent.port(), "GET", "/v1/info", agent.token());
    QCOMPARE(reply.status, 200);
    const json body = bodyJson(reply);
    QCOMPARE(body.value("cores", 0), QThread::idealThreadCount());
    QVERIFY(body.value("memory_bytes", 0ull) > 0);
    QVERIFY(body.value("disk_bytes", 0ull) >= body.value("disk_free_bytes", 0ull));
    QCOMPARE(QString::fromStdString(body.value("hostname", "")), QSysInfo::machineHostName());
    QCOMPARE(QString::fromStdString(body.value("kernel", "")), QSysInfo::kernelVersion());
    QVERIFY(!body.value("os", "").empty());
    QCOMPARE(body.value("agent_version", ""), RUNE_VERSION);
    QCOMPARE(body.value("role", ""), "edge");
}

void TestAgentServer::tokenIsRequired_data()
{
    QTest::addColumn<QList<QByteArray>>("headers");
    QTest::addColumn<int>("status");
    QTest::newRow("no token") << QList<QByteArray> {} << 401;
    QTest::newRow("wrong token") << QList<QByteArray> {"Authorization: Bearer guess"} << 401;
    QTest::newRow("token prefix") << QList<QByteArray> {"Authorization: Bearer right"} << 401;
    QTest::newRow("basic scheme") << QList<QByteArray> {"Authorization: Basic right-token"} << 401;
    QTest::newRow("right token") << QList<QByteArray> {"Authorization: Bearer right-token"} << 200;
}

void TestAgentServer::tokenIsRequired()
{
    QFETCH(QList<QByteArray>, headers);
    QFETCH(int, status);
    TestAgent agent({}, QStringLiteral("right-token"));
    QVERIFY(agent.waitForPort());
    HttpConnection connection(agent.port());
    const HttpReply reply = connection.request("GET", "/v1/info", headers);
    QCOMPARE(reply.status, status);
    if (status == 401) {
        QCOMPARE(errorCode(reply), QStringLiteral("unauthorized"));
        // Without the token, unknown API paths do not reveal that they do not exist.
        QCOMPARE(connection.request("GET", "/v1/secret-plans", headers).status, 401);
    }
}

void TestAgentServer::unknownPathIsNotFound()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    const HttpReply reply = httpRequest(agent.port(), "GET", "/v1/nothing-here", agent.token());
    QCOMPARE(reply.status, 404);
    QCOMPARE(errorCode(reply), QStringLiteral("not_found"));
    QCOMPARE(httpRequest(agent.port(), "GET", "/index.html").status, 404);
}

void TestAgentServer::wrongMethodIsNotAllowed()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    const HttpReply reply = httpRequest(agent.port(), "DELETE", "/v1/info", agent.token());
    QCOMPARE(reply.status, 405);
    QCOMPARE(errorCode(reply), QStringLiteral("method_not_allowed"));
    QCOMPARE(reply.header("allow"), QByteArray("GET, HEAD")); // HEAD is served wherever GET is
}

void TestAgentServer::malformedRequestIsBadRequest()
{
    TestAgent agent;
    QVERIFY(agent.waitForPort());
    HttpConnection connection(agent.port());
    const HttpReply reply = connection.sendRaw("this is not HTTP at all\r\n\r\n");
    QCOMPARE(reply.status, 400);
    QCOMPARE(errorCode(reply), QStringLiteral("bad_request"));
    // The byte stream cannot be trusted any more, so the agent hangs up.
    QTRY_VERIFY_WITH_TIMEOUT(!connection.isConnected() || !connection.socket().waitForReadyRead(100), 5000);
    QCOMPARE(httpRequest(agent.port(), "GET", "/v1/health").status, 200);
}

void TestAgentServer::oversizeBodyIsRefused_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("request");
    const QByteArray head = "GET /v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    QTest::newRow("configured limit") << QByteArray("max_body_bytes = 1024\n")
                                      << head + "Content-Length: 2048\r\n\r\n" + QByteArray(2048, 'x');
    QTest::newRow("default 8 MiB, length announced") << QByteArray() << head + "Content-Length: 9437184\r\n\r\n";
    QTest::newRow("chunked past the limit") << QByteArray("max_body_bytes = 1024\n")
                                            << head + "Transfer-Encoding: chunked\r\n\r\n320\r\n" + QByteArray(800, 'x')
            + "\r\n320\r\n" + QByteArray(800, 'x') + "\r\n0\r\n\r\n";
}

void TestAgentServer::oversizeBodyIsRefused()
{
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, request);
    QStringList args;
    if (!config.isEmpty())
        args << QStringLiteral("--config") << writeFile(m_scratch, QStringLiteral("limit.conf"), config);
    TestAgent agent(args);
    QVERIFY(agent.waitForPort());
    HttpConnection connection(agent.port());
    const HttpReply reply = connection.sendRaw(request);
    QCOMPARE(reply.status, 413);
    QCOMPARE(errorCode(reply), QStringLiteral("payload_too_large"));
}

void TestAgentServer::keepAliveServesSeveralRequests()
{
    TestAgent agent({}, QStringLiteral("t"));
    QVERIFY(agent.waitForPort());
    HttpConnection connection(agent.port());
    const QList<QByteArray> auth {"Authorization: Bearer t"};
    QCOMPARE(connection.request("GET", "/v1/health").status, 200);
    QCOMPARE(connection.request("GET", "/v1/info", auth).status, 200);
    QCOMPARE(connection.request("GET", "/v1/nope", auth).status, 404); // an error keeps the connection too
    QCOMPARE(connection.request("GET", "/v1/health").status, 200);
    QVERIFY(connection.isConnected());
}

namespace
{

// The agent's threads, from /proc, once it has started @p expected of them (or after 5 s; 0: at
// once): the io threads begin after the agent says it listens.
int threadsOf(const QString &config, const QTemporaryDir &scratch, int expected)
{
    TestAgent agent(config.isEmpty()
            ? QStringList()
            : QStringList {QStringLiteral("--config"), writeFile(scratch, QStringLiteral("io.conf"), config.toUtf8())});
    if (!agent.waitForPort())
        return -1;
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(agent.process().processId()));
    QElapsedTimer waited;
    waited.start();
    const auto count = [&tasks] {
        return int(tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
    };
    while (expected > 0 && count() != expected && waited.elapsed() < 5000)
        QThread::msleep(20);
    // Settled: a count that is still right a moment later is not a thread half-way to starting.
    QThread::msleep(100);
    return count();
}

} // namespace

void TestAgentServer::ioThreadsSetsTheServingThreads()
{
    // One io thread: the main thread serves, nothing is started later.
    const int one = threadsOf(QStringLiteral("io_threads = 1\n"), m_scratch, 0);
    QVERIFY(one > 0);
    QCOMPARE(threadsOf(QStringLiteral("io_threads = 4\n"), m_scratch, one + 3), one + 3);
    // By default half the cores serve the network, at least one: the functions get the rest.
    const int automatic = std::clamp(int(std::thread::hardware_concurrency()) / 2, 1, 8);
    QCOMPARE(threadsOf({}, m_scratch, one + automatic - 1), one + automatic - 1);
}

void TestAgentServer::sigtermStopsCleanly()
{
    TestAgent agent;
    QVERIFY(agent.waitForPort());
    HttpConnection idle(agent.port()); // an idle keep-alive client must not hold the shutdown up
    QCOMPARE(idle.request("GET", "/v1/health").status, 200);
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(::kill(pid_t(agent.process().processId()), SIGTERM), 0);
    QVERIFY(agent.process().waitForFinished(5000));
    QVERIFY2(timer.elapsed() < 3000, "shutdown waited for an idle connection");
    QCOMPARE(agent.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(agent.process().exitCode(), 0);
}

void TestAgentServer::sighupReloadsTheToken()
{
    TestAgent agent({}, QStringLiteral("old-token"));
    QVERIFY(agent.waitForPort());
    HttpConnection connection(agent.port()); // opened before the reload, still served after it
    QCOMPARE(connection.request("GET", "/v1/info", {"Authorization: Bearer old-token"}).status, 200);
    QVERIFY(agent.rewriteToken(QStringLiteral("  new-token\n")));
    QCOMPARE(::kill(pid_t(agent.process().processId()), SIGHUP), 0);
    QTRY_COMPARE_WITH_TIMEOUT(
        httpRequest(agent.port(), "GET", "/v1/info", QStringLiteral("new-token")).status, 200, 5000);
    QCOMPARE(httpRequest(agent.port(), "GET", "/v1/info", QStringLiteral("old-token")).status, 401);
    QCOMPARE(connection.request("GET", "/v1/info", {"Authorization: Bearer new-token"}).status, 200);
    QVERIFY(agent.process().state() == QProcess::Running);
}

void TestAgentServer::versionFlagPrintsTheVersion()
{
    QProcess process;
    process.start(QStringLiteral(RUNE_AGENT_BINARY), {QStringLiteral("--version")});
    QVERIFY(process.waitForFinished(5000));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput().trimmed(), QByteArray("rune-agent " RUNE_VERSION));
}

void TestAgentServer::badInvocationExitsWithTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("complaint");
    const auto config = [this](const QByteArray &content) {
        return QStringList {QStringLiteral("--config"), writeFile(m_scratch, QString::number(qHash(content)), content)};
    };
    const QString emptyToken = writeFile(m_scratch, QStringLiteral("empty-token"), "\n  \n");
    QTest::newRow("unknown flag") << QStringList {QStringLiteral("--frobnicate")} << QStringLiteral("--frobnicate");
    QTest::newRow("bad role") << QStringList {QStringLiteral("--role"), QStringLiteral("king")}
                              << QStringLiteral("role");
    QTest::newRow("bad listen") << QStringList {QStringLiteral("--listen"), QStringLiteral("nowhere")}
                                << QStringLiteral("HOST:PORT");
    QTest::newRow("bad port") << QStringList {QStringLiteral("--listen=127.0.0.1:99999")} << QStringLiteral("port");
    QTest::newRow("missing value") << QStringList {QStringLiteral("--state-dir")} << QStringLiteral("needs a value");
    QTest::newRow("unreadable token") << QStringList {QStringLiteral("--token-file"), QStringLiteral("/nonexistent/t")}
                                      << QStringLiteral("token file");
    QTest::newRow("empty token") << QStringList {QStringLiteral("--token-file"), emptyToken} << QStringLiteral("empty");
    QTest::newRow("missing config") << QStringList {QStringLiteral("--config"), QStringLiteral("/nonexistent/c")}
                                    << QStringLiteral("config file");
    QTest::newRow("unknown setting") << config("# ok\ncolour = blue\n") << QStringLiteral(":2: unknown setting");
    QTest::newRow("bad body limit") << config("max_body_bytes = lots\n") << QStringLiteral("max_body_bytes");
    QTest::newRow("too many io threads") << config("io_threads = 65\n") << QStringLiteral("io_threads must be");
    QTest::newRow("no body budget") << config("max_buffered_body_bytes = 0\n")
                                    << QStringLiteral("max_buffered_body_bytes must be");
    QTest::newRow("no body rate") << config("min_body_bytes_per_second = 0\n")
                                  << QStringLiteral("min_body_bytes_per_second must be");
    QTest::newRow("bad rate window") << config("body_rate_window_seconds = soon\n")
                                     << QStringLiteral("body_rate_window_seconds must be");
    QTest::newRow("bad connection cap") << config("max_connections = -5\n")
                                        << QStringLiteral("max_connections must be");
}

void TestAgentServer::badInvocationExitsWithTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, complaint);
    QProcess process;
    const QStringList safe {QStringLiteral("--listen"),
        QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--state-dir"),
        m_scratch.filePath(QStringLiteral("state"))};
    process.start(QStringLiteral(RUNE_AGENT_BINARY), safe + args);
    const auto cleanup = qScopeGuard([&process] {
        process.kill();
        process.waitForFinished(1000);
    });
    QVERIFY(process.waitForFinished(5000));
    QCOMPARE(process.exitCode(), 2);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.contains(complaint), qPrintable(error));
}

void TestAgentServer::systemdIsNotified_data()
{
    QTest::addColumn<QByteArray>("socketName");
    QTest::newRow("path") << m_scratch.filePath(QStringLiteral("notify")).toUtf8();
    QTest::newRow("abstract") << "@rune-test-notify-" + QByteArray::number(QCoreApplication::applicationPid());
}

void TestAgentServer::systemdIsNotified()
{
    QFETCH(QByteArray, socketName);
    QFile::remove(QString::fromUtf8(socketName));
    NotifySocket systemd(socketName);
    QVERIFY(systemd.isBound());
    TestAgent agent({}, {}, {QStringLiteral("NOTIFY_SOCKET=") + QString::fromUtf8(socketName)});
    QVERIFY(agent.waitForPort());
    QCOMPARE(systemd.receive(), QByteArray("READY=1"));
    agent.process().terminate();
    QCOMPARE(systemd.receive(), QByteArray("STOPPING=1"));
    QVERIFY(agent.process().waitForFinished(5000));
    QCOMPARE(agent.process().exitCode(), 0);
}

void TestAgentServer::asyncHandlerAnswersLater()
{
    InProcessServer server;
    auto &io = server.io();
    server.router().add(http::verb::get, "/v1/echo/{word}", [&io](agent::Exchange exchange) {
        auto timer = std::make_shared<boost::asio::steady_timer>(io, 100ms);
        timer->async_wait([timer, exchange](boost::system::error_code) {
            exchange.respondJson(
                http::status::ok, {{"word", exchange.param("word")}, {"q", exchange.query("q").value_or("-")}});
        });
    });
    const quint16 port = server.start();
    QVERIFY(port);
    QElapsedTimer timer;
    timer.start();
    const HttpReply reply = httpRequest(port, "GET", "/v1/echo/hello%20world?x=1&q=a+b");
    QCOMPARE(reply.status, 200);
    QVERIFY(timer.elapsed() >= 90);
    QVERIFY2(bodyJson(reply) == json({{"word", "hello world"}, {"q", "a b"}}), reply.body.constData());
}

void TestAgentServer::streamedResponseArrivesInChunks()
{
    InProcessServer server;
    auto &io = server.io();
    server.router().add(http::verb::get, "/v1/logs", [&io](agent::Exchange exchange) {
        const agent::StreamWriter writer = exchange.beginStream(http::status::ok, "text/plain");
        writer.write("one\n");
        writer.write("two\n");
        auto timer = std::make_shared<boost::asio::steady_timer>(io, 50ms);
        timer->async_wait([timer, writer](boost::system::error_code) {
            writer.write("three\n");
            writer.finish();
        });
    });
    const quint16 port = server.start();
    QVERIFY(port);
    HttpConnection connection(port);
    for (int round = 0; round < 2; ++round) { // the connection is reusable after a stream
        const HttpReply reply = connection.request("GET", "/v1/logs");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("transfer-encoding"), QByteArray("chunked"));
        QCOMPARE(reply.body, QByteArray("one\ntwo\nthree\n"));
    }
}

void TestAgentServer::streamNoticesTheClientLeaving()
{
    InProcessServer server;
    auto &io = server.io();
    auto noticedGone = std::make_shared<std::atomic<bool>>(false);
    server.router().add(http::verb::get, "/v1/follow", [&io, noticedGone](agent::Exchange exchange) {
        std::make_shared<Ticker>(exchange.beginStream(http::status::ok, "text/plain"), io, noticedGone)->tick();
    });
    const quint16 port = server.start();
    QVERIFY(port);
    {
        HttpConnection connection(port);
        connection.socket().write("GET /v1/follow HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(connection.socket().waitForReadyRead(5000));
        QVERIFY(connection.socket().readAll().startsWith("HTTP/1.1 200"));
    }
    QTRY_VERIFY_WITH_TIMEOUT(noticedGone->load(), 5000);
}

void TestAgentServer::brokenHandlerGivesInternalError_data()
{
    QTest::addColumn<bool>("throws");
    QTest::newRow("throws") << true;
    QTest::newRow("never answers") << false;
}

void TestAgentServer::brokenHandlerGivesInternalError()
{
    QFETCH(bool, throws);
    InProcessServer server;
    server.router().add(http::verb::get, "/v1/broken", [throws](agent::Exchange) {
        if (throws)
            throw std::runtime_error("bug");
    });
    const quint16 port = server.start();
    QVERIFY(port);
    HttpConnection connection(port);
    const HttpReply reply = connection.request("GET", "/v1/broken");
    QCOMPARE(reply.status, 500);
    QCOMPARE(errorCode(reply), QStringLiteral("internal"));
    QCOMPARE(connection.request("GET", "/v1/broken").status, 500); // and the server carries on
}

void TestAgentServer::shutdownFinishesTheRequestInFlight()
{
    InProcessServer server;
    auto &io = server.io();
    server.router().add(http::verb::get, "/v1/slow", [&io](agent::Exchange exchange) {
        auto timer = std::make_shared<boost::asio::steady_timer>(io, 300ms);
        timer->async_wait([timer, exchange](boost::system::error_code) {
            exchange.respondJson(http::status::ok, {{"done", true}});
        });
    });
    const quint16 port = server.start();
    QVERIFY(port);
    HttpConnection connection(port);
    connection.socket().write("GET /v1/slow HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(connection.socket().waitForBytesWritten(1000));
    QThread::msleep(100);
    std::atomic<bool> drained = false;
    server.server().shutdown(10s, [&drained] {
        drained = true;
    });
    const HttpReply reply = connection.readReply();
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("connection"), QByteArray("close"));
    QTRY_VERIFY_WITH_TIMEOUT(drained.load(), 5000);
    QVERIFY(!HttpConnection(port).isConnected());
}

RUNE_TEST_GUILESS_MAIN(TestAgentServer)
#include "tst_agentserver.moc"
