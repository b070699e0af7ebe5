// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A real rune-agent started by a test on a free loopback port, stopped when the object dies
// (also when the test fails half-way).

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStringList>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <unistd.h>

namespace rune::test
{

class TestAgent
{
public:
    /** extraEnvironment: "NAME=value" entries added to the agent's environment. */
    explicit TestAgent(QStringList extraArgs = {}, QString token = {}, QStringList extraEnvironment = {})
        : m_token(std::move(token))
        , m_extraArgs(std::move(extraArgs))
        , m_extraEnvironment(std::move(extraEnvironment))
    {
        // Functions run as users of their own when the agent is root: the way to their code must
        // let others through.
        QFile::setPermissions(m_dir.path(),
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup
                | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther);
        if (!m_token.isEmpty()) {
            QFile tokenFile(tokenFilePath());
            if (tokenFile.open(QIODevice::WriteOnly)) {
                tokenFile.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
                tokenFile.write(m_token.toUtf8());
            }
        }
        // Users of their own per replica take root (or the installed unit's capabilities); a test
        // run by anyone else gets the development mode that keeps the agent's own user.
        if (::geteuid() != 0 && !m_extraArgs.contains(QStringLiteral("--run-as")))
            m_extraArgs << QStringLiteral("--run-as") << QStringLiteral("agent");
        start();
    }

    ~TestAgent()
    {
        stop();
    }

    /**
     * Starts the agent (again) on the same state directory; ports change. @p moreArgs are added
     * to the command line of this start only.
     */
    void start(const QStringList &moreEnvironment = {}, const QStringList &moreArgs = {})
    {
        QStringList args {QStringLiteral("--listen"),
            QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--invoke-listen"),
            QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--state-dir"),
            stateDir()};
        if (!m_token.isEmpty())
            args << QStringLiteral("--token-file") << tokenFilePath();
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        // An entry given here replaces the inherited one of the same name.
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString &entry : m_extraEnvironment + moreEnvironment) {
            const qsizetype equals = entry.indexOf(u'=');
            environment.insert(entry.left(equals), equals < 0 ? QString() : entry.mid(equals + 1));
        }
        m_process.setProcessEnvironment(environment);
        m_port = 0;
        m_invokePort = 0;
        m_process.start(
            m_program.isEmpty() ? QStringLiteral(RUNE_AGENT_BINARY) : m_program, args + m_extraArgs + moreArgs);
    }

    /** The program the next start() runs instead of rune-agent (a test build of it); empty: rune-agent. */
    void setProgram(const QString &program)
    {
        m_program = program;
    }

    /** Runs @p modifier in the child before the agent starts (from the next start() on): limits. */
    void setChildModifier(const std::function<void()> &modifier)
    {
        m_process.setChildProcessModifier(modifier);
    }

    /**
     * SIGTERM, then SIGKILL if it does not exit in time; true when it exited by itself with 0. The
     * agent gives calls in flight 10 s to finish (Agent::shutdownGrace); the default waits that
     * long and 5 s more, for the rest of its stop and a sanitized build's checks at exit on a
     * loaded machine. Its log's "the stop took" line says where the time went.
     */
    bool stop(int timeoutMs = 15000)
    {
        if (m_process.state() == QProcess::NotRunning)
            return false;
        // What the agent logged, for a look at a failing test by hand.
        if (qEnvironmentVariableIsSet("RUNE_TEST_AGENT_STDERR"))
            qWarning().noquote() << m_process.readAllStandardError();
        m_process.terminate();
        if (m_process.waitForFinished(timeoutMs)) {
            if (m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0)
                return true;
            // Why, for the failing test's output: its last words and how it ended.
            qWarning().noquote() << "rune-agent did not stop cleanly: exit status" << m_process.exitStatus() << "code"
                                 << m_process.exitCode() << "\n"
                                 << m_process.readAllStandardError().right(4000);
            return false;
        }
        m_process.kill();
        m_process.waitForFinished(1000);
        // Its log says which step of its stop it was in.
        qWarning().noquote() << "rune-agent did not stop within" << timeoutMs
                             << "ms of SIGTERM; killed. Its last words:\n"
                             << m_process.readAllStandardError().right(4000);
        return false;
    }

    /** kill -9: no chance to clean up, as after a power cut. */
    void killHard()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }

    QString stateDir() const
    {
        return m_dir.filePath(QStringLiteral("state"));
    }

    /** Waits for the "listening on" line; 0 if the agent did not come up. */
    quint16 waitForPort(int timeoutMs = 10000)
    {
        static const QRegularExpression listening(QStringLiteral("listening on [^:]+:(\\d+)"));
        static const QRegularExpression invoking(QStringLiteral("invoke on [^:]+:(\\d+)"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(100);
            m_output += m_process.readAllStandardOutput();
            const QString text = QString::fromUtf8(m_output);
            if (const auto invoke = invoking.match(text); invoke.hasMatch())
                m_invokePort = quint16(invoke.captured(1).toUInt());
            const auto match = listening.match(text);
            if (match.hasMatch()) {
                m_output.clear();
                return m_port = quint16(match.captured(1).toUInt());
            }
        }
        qWarning() << "agent did not start:" << m_process.readAllStandardError();
        return 0;
    }

    /** Where /function/<name> is served; known after waitForPort(). */
    quint16 invokePort() const
    {
        return m_invokePort;
    }
    quint16 port() const
    {
        return m_port;
    }
    QString token() const
    {
        return m_token;
    }
    QProcess &process()
    {
        return m_process;
    }
    QString dir() const
    {
        return m_dir.path();
    }
    QString tokenFilePath() const
    {
        return m_dir.filePath(QStringLiteral("token"));
    }

    /** Rewrites the token file (the agent reads it again on SIGHUP). */
    bool rewriteToken(const QString &token)
    {
        QFile tokenFile(tokenFilePath());
        if (!tokenFile.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        m_token = token.trimmed();
        return tokenFile.write(token.toUtf8()) == token.toUtf8().size();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_token;
    QStringList m_extraArgs;
    QString m_program; ///< empty: RUNE_AGENT_BINARY
    QStringList m_extraEnvironment;
    QByteArray m_output;
    quint16 m_port = 0;
    quint16 m_invokePort = 0;
};

/** One HTTP response as a client saw it on the wire. status 0: no complete response arrived. */
struct HttpReply {
    int status = 0;
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body; // de-chunked

    QByteArray header(const QByteArray &name) const
    {
        return headers.value(name.toLower());
    }
};

/**
 * A plain HTTP/1.1 client connection on loopback, so tests see exactly what goes over the wire:
 * keep-alive, raw garbage, chunked bodies, connection close.
 */
class HttpConnection
{
public:
    explicit HttpConnection(quint16 port)
        : HttpConnection(QStringLiteral("127.0.0.1"), port)
    {
    }

    HttpConnection(const QString &host, quint16 port)
    {
        m_socket.connectToHost(host, port);
        m_socket.waitForConnected(5000);
    }

    bool isConnected() const
    {
        return m_socket.state() == QAbstractSocket::ConnectedState;
    }
    QTcpSocket &socket()
    {
        return m_socket;
    }

    HttpReply request(const QByteArray &method,
        const QByteArray &path,
        const QList<QByteArray> &headerLines = {},
        const QByteArray &body = {})
    {
        QByteArray raw = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        for (const QByteArray &line : headerLines)
            raw += line + "\r\n";
        if (!body.isEmpty())
            raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        return sendRaw(raw + "\r\n" + body, 5000, method == "HEAD");
    }

    /** @p headerOnly: the answer to a HEAD request, which has no body whatever its Content-Length. */
    HttpReply sendRaw(const QByteArray &raw, int timeoutMs = 5000, bool headerOnly = false)
    {
        m_socket.write(raw);
        m_socket.flush();
        return readReply(timeoutMs, headerOnly);
    }

    /** Waits until the server closes the connection, keeping whatever it still sent (see leftover()). */
    bool waitForClose(int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (m_socket.state() == QAbstractSocket::ConnectedState && timer.elapsed() < timeoutMs) {
            m_socket.waitForReadyRead(50);
            m_buffer += m_socket.readAll();
        }
        m_buffer += m_socket.readAll();
        return m_socket.state() != QAbstractSocket::ConnectedState;
    }

    /** Bytes received but not part of a response read so far. */
    QByteArray leftover() const
    {
        return m_buffer;
    }

    /** Reads one response (Content-Length, chunked, or until the server closes; none for HEAD, 1xx, 204, 304). */
    HttpReply readReply(int timeoutMs = 5000, bool headerOnly = false)
    {
        m_deadline.start();
        m_timeoutMs = timeoutMs;
        HttpReply reply;
        const QByteArray statusLine = readLine();
        const QList<QByteArray> statusParts = statusLine.split(' ');
        if (statusParts.size() < 2 || !statusLine.startsWith("HTTP/1."))
            return reply;
        for (QByteArray line = readLine(); !line.isEmpty(); line = readLine()) {
            const auto colon = line.indexOf(':');
            reply.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
        }
        const int status = statusParts.at(1).toInt();
        const bool bodyless = headerOnly || status / 100 == 1 || status == 204 || status == 304;
        if (!bodyless && !readBody(reply))
            return reply;
        reply.status = status;
        return reply;
    }

private:
    bool fill(qsizetype bytes)
    {
        while (m_buffer.size() < bytes && m_deadline.elapsed() < m_timeoutMs) {
            if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(50)
                && m_socket.state() != QAbstractSocket::ConnectedState && m_socket.bytesAvailable() == 0)
                break;
            m_buffer += m_socket.readAll();
        }
        return m_buffer.size() >= bytes;
    }

    QByteArray take(qsizetype bytes)
    {
        const QByteArray taken = m_buffer.left(bytes);
        m_buffer.remove(0, bytes);
        return taken;
    }

    QByteArray readLine()
    {
        while (!m_buffer.contains("\r\n") && fill(m_buffer.size() + 1)) { }
        const auto end = m_buffer.indexOf("\r\n");
        return end < 0 ? QByteArray() : take(end + 2).chopped(2);
    }

    bool readBody(HttpReply &reply)
    {
        if (reply.header("transfer-encoding") == "chunked") {
            for (;;) {
                const QByteArray sizeLine = readLine();
                bool ok = false;
                const qsizetype size = sizeLine.split(';').first().toLongLong(&ok, 16);
                if (!ok || !fill(size + 2))
                    return false;
                reply.body += take(size + 2).chopped(2);
                if (size == 0)
                    return true;
            }
        }
        if (reply.headers.contains("content-length")) {
            const qsizetype length = reply.header("content-length").toLongLong();
            if (!fill(length))
                return false;
            reply.body = take(length);
            return true;
        }
        while (fill(m_buffer.size() + 1)) { }
        reply.body = take(m_buffer.size());
        return true;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    QElapsedTimer m_deadline;
    int m_timeoutMs = 5000;
};

/** One request on a fresh connection; token empty: no Authorization header. */
inline HttpReply httpRequest(quint16 port,
    const QByteArray &method,
    const QByteArray &path,
    const QString &token = {},
    const QByteArray &body = {})
{
    HttpConnection connection(port);
    QList<QByteArray> headers;
    if (!token.isEmpty())
        headers << "Authorization: Bearer " + token.toUtf8();
    return connection.request(method, path, headers, body);
}

/** A loopback port nothing listens on right now. */
inline quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort(); // closed again when server goes out of scope
}

} // namespace rune::test
