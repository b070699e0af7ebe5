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

namespace rune::test
{

class TestAgent
{
public:
    explicit TestAgent(QStringList extraArgs = {}, QString token = {})
        : m_token(std::move(token))
    {
        QStringList args {QStringLiteral("--listen"),
            QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--state-dir"),
            m_dir.filePath(QStringLiteral("state"))};
        if (!m_token.isEmpty()) {
            QFile tokenFile(m_dir.filePath(QStringLiteral("token")));
            if (tokenFile.open(QIODevice::WriteOnly))
                tokenFile.write(m_token.toUtf8());
            args << QStringLiteral("--token-file") << tokenFile.fileName();
        }
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(QStringLiteral(RUNE_AGENT_BINARY), args + extraArgs);
    }

    ~TestAgent()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000))
                m_process.kill();
            m_process.waitForFinished(1000);
        }
    }

    /** Waits for the "listening on" line; 0 if the agent did not come up. */
    quint16 waitForPort(int timeoutMs = 10000)
    {
        static const QRegularExpression listening(QStringLiteral("listening on [^:]+:(\\d+)"));
        QByteArray output;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(100);
            output += m_process.readAllStandardOutput();
            const auto match = listening.match(QString::fromUtf8(output));
            if (match.hasMatch())
                return m_port = quint16(match.captured(1).toUInt());
        }
        qWarning() << "agent did not start:" << m_process.readAllStandardError();
        return 0;
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

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_token;
    quint16 m_port = 0;
};

/** A loopback port nothing listens on right now. */
inline quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort(); // closed again when server goes out of scope
}

} // namespace rune::test
