// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A real Mosquitto broker (Debian's package) on a free loopback port, and the mosquitto_pub /
// mosquitto_sub clients, for trigger tests. Stopped when the object dies.

#include "testagent.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStandardPaths>

namespace rune::test
{

/** A function's configuration: at zero until a message on @p filter comes; answers go to @p resultTopic. */
inline QJsonObject mqttTriggerConfig(const QString &filter, const QString &resultTopic)
{
    return {{QStringLiteral("min_replicas"), 0},
        {QStringLiteral("triggers"),
            QJsonArray {QJsonObject {{QStringLiteral("type"), QStringLiteral("mqtt")},
                {QStringLiteral("value"), filter},
                {QStringLiteral("result_topic"), resultTopic},
                {QStringLiteral("qos"), 1}}}}};
}

class MosquittoBroker
{
public:
    MosquittoBroker()
        : m_port(closedPort())
    {
        start();
    }

    /** A broker that lets in only @p login (user, password), written with mosquitto_passwd. */
    explicit MosquittoBroker(const std::pair<QString, QString> &login)
        : m_port(closedPort())
    {
        m_passwordFile = m_dir.filePath(QStringLiteral("passwords"));
        QProcess passwd;
        passwd.start(QStringLiteral("mosquitto_passwd"),
            {QStringLiteral("-c"), QStringLiteral("-b"), m_passwordFile, login.first, login.second});
        passwd.waitForFinished(5000);
        start();
    }

    ~MosquittoBroker()
    {
        stop();
    }

    static bool available()
    {
        return !QStandardPaths::findExecutable(QStringLiteral("mosquitto"), {QStringLiteral("/usr/sbin")}).isEmpty()
            && !QStandardPaths::findExecutable(QStringLiteral("mosquitto_pub")).isEmpty();
    }

    /** Starts (again) on the same port; waits until it accepts connections. */
    bool start()
    {
        QFile config(m_dir.filePath(QStringLiteral("mosquitto.conf")));
        if (!config.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        config.write(QStringLiteral("listener %1 127.0.0.1\npersistence false\n").arg(m_port).toUtf8());
        config.write(m_passwordFile.isEmpty()
                ? QByteArray("allow_anonymous true\n")
                : "allow_anonymous false\nuser root\npassword_file " + m_passwordFile.toUtf8() + "\n");
        config.close();
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(QStandardPaths::findExecutable(QStringLiteral("mosquitto"), {QStringLiteral("/usr/sbin")}),
            {QStringLiteral("-c"), config.fileName()});
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 5000) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            if (probe.waitForConnected(200))
                return true;
            QTest::qWait(50);
        }
        return false;
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(1000);
    }

    quint16 port() const
    {
        return m_port;
    }

    QString url() const
    {
        return QStringLiteral("tcp://127.0.0.1:%1").arg(m_port);
    }

    bool publish(const QString &topic, const QByteArray &payload, int qos = 1)
    {
        QProcess pub;
        pub.start(QStringLiteral("mosquitto_pub"),
            {QStringLiteral("-h"),
                QStringLiteral("127.0.0.1"),
                QStringLiteral("-p"),
                QString::number(m_port),
                QStringLiteral("-q"),
                QString::number(qos),
                QStringLiteral("-t"),
                topic,
                QStringLiteral("-m"),
                QString::fromUtf8(payload)});
        return pub.waitForFinished(5000) && pub.exitCode() == 0;
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port;
    QString m_passwordFile;
};

/** mosquitto_sub waiting for @p count messages on @p topic; started at once, read with wait(). */
class MosquittoSubscriber
{
public:
    MosquittoSubscriber(quint16 port, const QString &topic, int count = 1)
    {
        m_process.start(QStringLiteral("mosquitto_sub"),
            {QStringLiteral("-h"),
                QStringLiteral("127.0.0.1"),
                QStringLiteral("-p"),
                QString::number(port),
                QStringLiteral("-t"),
                topic,
                QStringLiteral("-C"),
                QString::number(count),
                QStringLiteral("-W"),
                QStringLiteral("30")});
        m_process.waitForStarted(5000);
        QTest::qWait(300); // its SUBSCRIBE reaches the broker before anything is published
    }

    ~MosquittoSubscriber()
    {
        m_process.kill();
        m_process.waitForFinished(1000);
    }

    /** The messages received, one per line, once the count is reached or time is up. */
    QByteArray wait(int timeoutMs = 30000)
    {
        m_process.waitForFinished(timeoutMs);
        return m_process.readAllStandardOutput();
    }

private:
    QProcess m_process;
};

} // namespace rune::test
