// SPDX-License-Identifier: GPL-3.0-or-later
// What the agent's HTTP server lets clients hold: descriptors (the open-file limit, a connection
// cap per port that still answers health checks), request bodies (a budget for all connections,
// a minimum rate), and nothing of a body before the caller has shown a function's token.

#include "../common/functions.h"
#include "../common/testmain.h"

#include <QTest>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace rune::test;

namespace
{

const QString resourceToken = QStringLiteral("resource-token");
const QByteArray resourceBearer = "Authorization: Bearer resource-token";

QString writeConfig(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write the config");
    file.write(content);
    return file.fileName();
}

// A plain blocking loopback connection, lighter than a QTcpSocket when there are a thousand.
class RawConnection
{
public:
    explicit RawConnection(quint16 port)
        : m_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0))
    {
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected = m_fd >= 0 && ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    }
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;
    ~RawConnection()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

    bool connected() const
    {
        return m_connected;
    }
    int fd() const
    {
        return m_fd;
    }

    bool sendAll(const QByteArray &bytes)
    {
        qsizetype sent = 0;
        while (sent < bytes.size()) {
            const auto wrote = ::send(m_fd, bytes.constData() + sent, std::size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (wrote <= 0)
                return false;
            sent += wrote;
        }
        return true;
    }

    /** What arrives within @p timeoutMs, until the peer closes or stops sending for that long. */
    QByteArray receive(int timeoutMs = 5000)
    {
        QByteArray received;
        pollfd ready {m_fd, POLLIN, 0};
        while (::poll(&ready, 1, timeoutMs) == 1) {
            char buffer[4096];
            const auto got = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (got <= 0)
                break;
            received.append(buffer, got);
            if (received.contains("\r\n\r\n") && received.endsWith("}"))
                break;
        }
        return received;
    }

private:
    int m_fd;
    bool m_connected = false;
};

int statusOf(const QByteArray &response)
{
    return response.startsWith("HTTP/1.1 ") ? response.mid(9, 3).toInt() : 0;
}

QByteArray errorCodeIn(const QByteArray &response)
{
    const auto body =
        nlohmann::json::parse(response.mid(response.indexOf("\r\n\r\n") + 4).toStdString(), nullptr, false);
    if (!body.is_object() || !body.contains("error"))
        return {};
    return QByteArray::fromStdString(body["error"].value("code", std::string()));
}

// Resident memory of a process in KiB, from /proc.
qint64 residentKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// The agent as systemd and most shells start a daemon: 1024 open files, a higher hard limit.
std::unique_ptr<TestAgent> agentWithLowOpenFileLimit(QStringList args = {}, QString agentToken = {})
{
    auto agent = std::make_unique<TestAgent>(std::move(args), std::move(agentToken));
    agent->stop();
    agent->setChildModifier([] {
        rlimit limit {};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = std::min<rlim_t>(1024, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
    });
    agent->start();
    return agent;
}

// Lets this test hold a thousand connections and more.
void raiseOwnOpenFileLimit()
{
    rlimit limit {};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

// Sends as much of @p total bytes of body on each connection as the agent takes, until none
// takes more for a while; returns what each one sent.
std::vector<qint64> pushBodies(const std::vector<std::unique_ptr<RawConnection>> &connections, qint64 total)
{
    static const QByteArray block(64 * 1024, 'b');
    std::vector<qint64> sent(connections.size(), 0);
    std::vector<bool> done(connections.size(), false);
    for (auto &connection : connections)
        ::fcntl(connection->fd(), F_SETFL, ::fcntl(connection->fd(), F_GETFL) | O_NONBLOCK);
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    while (sinceProgress.elapsed() < 2000) {
        bool progress = false;
        for (std::size_t index = 0; index < connections.size(); ++index) {
            if (done[index])
                continue;
            const qint64 chunk = std::min<qint64>(block.size(), total - sent[index]);
            const auto wrote = ::send(connections[index]->fd(), block.constData(), std::size_t(chunk), MSG_NOSIGNAL);
            if (wrote > 0) {
                sent[index] += wrote;
                progress = true;
            } else if (wrote < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                done[index] = true;
            }
            done[index] = done[index] || sent[index] == total;
        }
        if (progress)
            sinceProgress.restart();
        else
            QThread::msleep(10);
        if (std::all_of(done.begin(), done.end(), [](bool finished) {
                return finished;
            }))
            break;
    }
    return sent;
}

} // namespace

class TestHttpResources final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void openFileLimitIsRaised();
    void healthAnswersPastAThousandIdleConnections();
    void capClosesTheLongestIdleConnection();
    void capAnswersOnlyHealthChecksWhenAllAreBusy();
    void slowBodyIsCutOff();
    void steadyBodyIsServed();
    void stalledUploadsStayWithinTheBudget();
    void chunkedUploadsCountAsTheyGrow();
    void functionTokenIsCheckedBeforeTheBody();

private:
    QTemporaryDir m_scratch;
};

void TestHttpResources::initTestCase()
{
    raiseOwnOpenFileLimit();
}

void TestHttpResources::openFileLimitIsRaised()
{
    const auto agent = agentWithLowOpenFileLimit();
    QVERIFY(agent->waitForPort());
    QFile limits(QStringLiteral("/proc/%1/limits").arg(agent->process().processId()));
    QVERIFY(limits.open(QIODevice::ReadOnly));
    for (const QByteArray &line : limits.readAll().split('\n')) {
        if (!line.startsWith("Max open files"))
            continue;
        const QList<QByteArray> fields = line.mid(14).simplified().split(' ');
        QVERIFY(fields.size() >= 2);
        QCOMPARE(fields.at(0), fields.at(1)); // soft raised from 1024 to hard
        if (fields.at(1) == "1024")
            QSKIP("the hard open-file limit is 1024 here: there is nothing to raise");
        return;
    }
    QFAIL("no open-file limit in /proc");
}

void TestHttpResources::healthAnswersPastAThousandIdleConnections()
{
    rlimit own {};
    ::getrlimit(RLIMIT_NOFILE, &own);
    constexpr int idleCount = 1100; // more than the 1024 descriptors a daemon often starts with
    if (own.rlim_cur < 2 * idleCount + 200)
        QSKIP("this process may not open 2400 files (RLIMIT_NOFILE hard limit too low)");
    if (own.rlim_max < 3 * idleCount)
        QSKIP("the hard open-file limit leaves the agent no room past 1024");
    // Started with 1024 open files: the agent raises that limit, or it could not take them all.
    const auto started = agentWithLowOpenFileLimit({}, resourceToken);
    TestAgent &agent = *started;
    QVERIFY(agent.waitForPort());
    for (const quint16 port : {agent.port(), agent.invokePort()}) {
        std::vector<std::unique_ptr<RawConnection>> idle;
        for (int index = 0; index < idleCount; ++index) {
            idle.push_back(std::make_unique<RawConnection>(port));
            QVERIFY(idle.back()->connected());
        }
        const QByteArray path = port == agent.port() ? "/v1/health" : "/healthz";
        HttpConnection health(port);
        const HttpReply reply = health.sendRaw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 1000);
        QCOMPARE(reply.status, 200);
        // The idle ones were kept, not dropped to make room: the first and the last still serve.
        for (const auto *connection : {idle.front().get(), idle.back().get()}) {
            RawConnection &raw = const_cast<RawConnection &>(*connection);
            QVERIFY(raw.sendAll("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            QCOMPARE(statusOf(raw.receive()), 200);
        }
    }
}

void TestHttpResources::capClosesTheLongestIdleConnection()
{
    TestAgent agent(
        {QStringLiteral("--config"), writeConfig(m_scratch, QStringLiteral("cap.conf"), "max_connections = 20\n")},
        resourceToken);
    QVERIFY(agent.waitForPort());
    std::vector<std::unique_ptr<HttpConnection>> idle;
    for (int index = 0; index < 20; ++index) {
        idle.push_back(std::make_unique<HttpConnection>(agent.port()));
        QCOMPARE(idle.back()->request("GET", "/v1/health").status, 200);
    }
    HttpConnection newcomer(agent.port());
    QCOMPARE(newcomer.request("GET", "/v1/info", {resourceBearer}).status, 200);
    QVERIFY(idle.front()->waitForClose()); // idle the longest: closed to make room
    QCOMPARE(idle.back()->request("GET", "/v1/health").status, 200);
    QCOMPARE(newcomer.request("GET", "/v1/info", {resourceBearer}).status, 200); // a full member, kept alive
}

void TestHttpResources::capAnswersOnlyHealthChecksWhenAllAreBusy()
{
    TestAgent agent(
        {QStringLiteral("--config"), writeConfig(m_scratch, QStringLiteral("busy.conf"), "max_connections = 8\n")},
        resourceToken);
    QVERIFY(agent.waitForPort());
    for (const quint16 port : {agent.port(), agent.invokePort()}) {
        const bool control = port == agent.port();
        // Busy: each has sent half a request, so none is idle and none can be closed for room.
        std::vector<std::unique_ptr<RawConnection>> busy;
        for (int index = 0; index < 8; ++index) {
            busy.push_back(std::make_unique<RawConnection>(port));
            QVERIFY(busy.back()->sendAll(control ? "GET /v1/info HTTP/1.1\r\n" : "GET /healthz HTTP/1.1\r\n"));
        }
        QTest::qWait(200); // the agent has taken them in
        HttpConnection other(port);
        const HttpReply refused = control ? other.request("GET", "/v1/info", {resourceBearer})
                                          : other.request("POST", "/function/anything", {}, "x");
        QCOMPARE(refused.status, 503);
        QCOMPARE(errorCodeOf(refused), QStringLiteral("too_many_connections"));
        QVERIFY(!refused.header("retry-after").isEmpty());
        QVERIFY(other.waitForClose());
        HttpConnection health(port);
        const HttpReply reply = health.request("GET", control ? "/v1/health" : "/healthz");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("connection"), QByteArray("close")); // over the cap: one answer
        // The busy connections were kept and are served once their requests are whole.
        for (const auto &connection : busy) {
            QVERIFY(connection->sendAll("Host: 127.0.0.1\r\n" + resourceBearer + "\r\n\r\n"));
            QCOMPARE(statusOf(connection->receive()), 200);
        }
    }
}

void TestHttpResources::slowBodyIsCutOff()
{
    TestAgent agent({QStringLiteral("--config"),
                        writeConfig(m_scratch,
                            QStringLiteral("rate.conf"),
                            "min_body_bytes_per_second = 1000\nbody_rate_window_seconds = 1\n")},
        resourceToken);
    QVERIFY(agent.waitForPort());
    HttpConnection connection(agent.port());
    // 100 bytes of 100000, then nothing: far below 1000 bytes a second.
    const HttpReply reply = connection.sendRaw("PUT /v1/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n" + resourceBearer
            + "\r\nContent-Length: 100000\r\n\r\n" + QByteArray(100, 'x'),
        15000);
    QCOMPARE(reply.status, 408);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("request_timeout"));
    QVERIFY(connection.waitForClose());
}

void TestHttpResources::steadyBodyIsServed()
{
    TestAgent agent({QStringLiteral("--config"),
                        writeConfig(m_scratch,
                            QStringLiteral("steady.conf"),
                            "min_body_bytes_per_second = 1000\nbody_rate_window_seconds = 1\n")},
        resourceToken);
    QVERIFY(agent.waitForPort());
    RawConnection connection(agent.port());
    const QByteArray body = "{\"nodes\":[]}" + QByteArray(40 * 1024 - 12, ' ');
    QVERIFY(connection.sendAll("PUT /v1/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n" + resourceBearer
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"));
    // 512 bytes every 62 ms: eight times the minimum, for five seconds (several windows).
    for (qsizetype offset = 0; offset < body.size(); offset += 512) {
        QVERIFY(connection.sendAll(body.mid(offset, 512)));
        QTest::qWait(62);
    }
    const QByteArray response = connection.receive(10000);
    QCOMPARE(statusOf(response), 409); // the handler ran: this agent is no controller
    QCOMPARE(errorCodeIn(response), QByteArray("not_controller"));
}

void TestHttpResources::stalledUploadsStayWithinTheBudget()
{
    constexpr qint64 declared = 8 << 20;
    constexpr qint64 sentEach = 7 << 20;
    constexpr qint64 budget = 32 << 20; // four declared bodies
    TestAgent agent({QStringLiteral("--config"),
                        writeConfig(m_scratch,
                            QStringLiteral("budget.conf"),
                            "max_buffered_body_bytes = " + QByteArray::number(budget) + "\n")},
        resourceToken);
    QVERIFY(agent.waitForPort());
    const qint64 pid = agent.process().processId();
    QCOMPARE(httpRequest(agent.port(), "GET", "/v1/info", resourceToken).status, 200);
    const qint64 before = residentKiB(pid);
    QVERIFY(before > 0);

    std::vector<std::unique_ptr<RawConnection>> uploads;
    for (int index = 0; index < 20; ++index) {
        uploads.push_back(std::make_unique<RawConnection>(agent.port()));
        QVERIFY(uploads.back()->sendAll("PUT /v1/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n" + resourceBearer
            + "\r\nContent-Length: " + QByteArray::number(declared) + "\r\n\r\n"));
    }
    pushBodies(uploads, sentEach);
    int refused = 0;
    for (const auto &upload : uploads) {
        const QByteArray answer = upload->receive(200);
        if (answer.isEmpty())
            continue; // admitted, waiting for the rest of its body
        QCOMPARE(statusOf(answer), 503);
        QCOMPARE(errorCodeIn(answer), QByteArray("overloaded"));
        QVERIFY(answer.toLower().contains("retry-after:"));
        ++refused;
    }
    // Refused before their bodies: what they still sent was read and thrown away, not kept.
    QCOMPARE(refused, 16);
    const qint64 grown = residentKiB(pid) - before;
    qInfo("agent resident memory grew by %lld KiB with 20 uploads of 7 of 8 MiB stalled", grown);
    // The four admitted bodies are 28 MiB in; allow for the allocator, never the 140 MiB sent.
    QVERIFY2(grown < (budget >> 10) + 8 * 1024, qPrintable(QStringLiteral("grew by %1 KiB").arg(grown)));

    uploads.clear(); // their shares go back to the budget
    QTRY_COMPARE_WITH_TIMEOUT(
        httpRequest(agent.port(), "PUT", "/v1/cluster", resourceToken, QByteArray(declared, ' ')).status,
        409, // read whole and handled: this agent is no controller
        10000);
}

void TestHttpResources::chunkedUploadsCountAsTheyGrow()
{
    TestAgent agent({QStringLiteral("--config"),
                        writeConfig(m_scratch, QStringLiteral("chunked.conf"), "max_buffered_body_bytes = 1048576\n")},
        resourceToken);
    QVERIFY(agent.waitForPort());
    // One upload holds 900 KiB of the 1 MiB budget...
    RawConnection holder(agent.port());
    QVERIFY(holder.sendAll("PUT /v1/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n" + resourceBearer
        + "\r\nContent-Length: 1000000\r\n\r\n" + QByteArray(900 * 1024, ' ')));
    QTest::qWait(300); // its header is in: the agent took the share
    // ...so a chunked one is refused once its chunks pass what is left.
    HttpConnection chunked(agent.port());
    const QByteArray chunk = "20000\r\n" + QByteArray(0x20000, ' ') + "\r\n";
    const HttpReply reply = chunked.sendRaw("PUT /v1/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\n" + resourceBearer
        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk);
    QCOMPARE(reply.status, 503);
    QCOMPARE(errorCodeOf(reply), QStringLiteral("overloaded"));
    QVERIFY(!reply.header("retry-after").isEmpty());
}

void TestHttpResources::functionTokenIsCheckedBeforeTheBody()
{
    TestAgent agent({}, resourceToken);
    QVERIFY(agent.waitForPort());
    QCOMPARE(deployPython(agent,
                 QStringLiteral("private"),
                 QStringLiteral("def handle(event, context):\n    return len(event['body'])\n"),
                 {{QStringLiteral("auth"), QStringLiteral("token")}})
                 .status,
        201);
    const QByteArray head = "POST /function/private HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n";
    // Without the token: refused from the header alone, not a byte of the body sent.
    std::vector<std::unique_ptr<HttpConnection>> anonymous;
    for (const QByteArray &credentials : {QByteArray(), QByteArray("Authorization: Bearer wrong\r\n")}) {
        for (int index = 0; index < 10; ++index) {
            anonymous.push_back(std::make_unique<HttpConnection>(agent.invokePort()));
            const HttpReply reply = anonymous.back()->sendRaw(head + credentials + "\r\n");
            QCOMPARE(reply.status, 401);
            QCOMPARE(errorCodeOf(reply), QStringLiteral("unauthorized"));
            QCOMPARE(reply.header("www-authenticate"), QByteArray("Bearer"));
            QVERIFY(anonymous.back()->waitForClose()); // the unread body is not taken for a request
        }
    }
    // With it, the body is read and the function runs.
    HttpConnection allowed(agent.invokePort());
    const HttpReply reply = allowed.sendRaw(head + resourceBearer + "\r\n\r\n" + QByteArray(1000000, 'x'), 30000);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("1000000"));
}

RUNE_TEST_GUILESS_MAIN(TestHttpResources)
#include "tst_httpresources.moc"
