// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The test cluster of tests/cluster/testcluster.sh as a C++ object: network namespaces with a
// real sshd each, set up in the constructor and torn down in the destructor (also when a test
// fails half-way; a crashed run is swept up by the next one).

#include "../common/await.h"
#include "../common/scriptedprompter.h"
#include "ssh/sshtransport.h"
#include "ssh/sshtypes.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <unistd.h>

namespace rune::test
{

class TestCluster
{
public:
    explicit TestCluster(const QStringList &nodes = {})
    {
        if (::geteuid() != 0) {
            m_error = QStringLiteral("needs root: creates network namespaces, test users and sshd processes");
            return;
        }
        m_dir.setAutoRemove(true);
        QStringList args {QStringLiteral("up"), m_dir.path()};
        args += nodes;
        const auto [ok, output] = script(args);
        if (!ok) {
            m_error = QStringLiteral("testcluster.sh up failed: ") + output;
            return;
        }
        QFile env(m_dir.filePath(QStringLiteral("cluster.env")));
        if (!env.open(QIODevice::ReadOnly)) {
            m_error = QStringLiteral("no cluster.env");
            return;
        }
        for (const QByteArray &line : env.readAll().split('\n')) {
            const auto equals = line.indexOf('=');
            if (equals > 0)
                m_env.insert(
                    QString::fromUtf8(line.left(equals)), QString::fromUtf8(line.mid(equals + 1)).remove(u'"'));
        }
        m_up = true;
    }

    ~TestCluster()
    {
        if (m_up)
            script({QStringLiteral("down"), m_dir.path()});
    }

    bool isUp() const
    {
        return m_up;
    }
    QString error() const
    {
        return m_error;
    }
    QString dir() const
    {
        return m_dir.path();
    }
    QString env(const QString &key) const
    {
        return m_env.value(key);
    }
    QString address(const QString &node) const
    {
        static const QHash<QString, int> index {{QStringLiteral("controller"), 11},
            {QStringLiteral("compute1"), 12},
            {QStringLiteral("edge1"), 13},
            {QStringLiteral("compute2"), 14}};
        return env(QStringLiteral("RUNE_TEST_NET")) + u'.' + QString::number(index.value(node));
    }
    QString user() const
    {
        return env(QStringLiteral("RUNE_TEST_USER"));
    }
    QString sudoUser() const
    {
        return env(QStringLiteral("RUNE_TEST_SUDO_USER"));
    }
    QString sudoPassword() const
    {
        return env(QStringLiteral("RUNE_TEST_SUDO_PASSWORD"));
    }
    QString key() const
    {
        return env(QStringLiteral("RUNE_TEST_KEY"));
    }
    /** A private file the console would write: the known-hosts file of the tests. */
    QString knownHosts() const
    {
        return m_dir.filePath(QStringLiteral("console_known_hosts"));
    }
    /** An empty SSH configuration, so the developer's own ~/.ssh/config plays no part. */
    QString sshConfig() const
    {
        const QString path = m_dir.filePath(QStringLiteral("console_ssh_config"));
        if (!QFile::exists(path)) {
            QFile file(path);
            if (file.open(QIODevice::WriteOnly))
                file.write("# tests: no configuration\n");
        }
        return path;
    }
    SshOptions options() const
    {
        SshOptions options;
        options.configFile = sshConfig();
        options.knownHostsFile = knownHosts();
        options.connectTimeout = std::chrono::seconds(5);
        return options;
    }
    SshTarget target(const QString &node, const QString &user) const
    {
        return SshTarget {address(node), 22, user, key()};
    }
    /** The SHA256 fingerprint of the node's host key, as ssh-keygen prints it. */
    QString hostFingerprint(const QString &node) const
    {
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"),
            {QStringLiteral("-l"),
                QStringLiteral("-E"),
                QStringLiteral("sha256"),
                QStringLiteral("-f"),
                m_dir.filePath(node + QStringLiteral("/ssh_host_ed25519_key.pub"))});
        keygen.waitForFinished();
        return QString::fromUtf8(keygen.readAllStandardOutput()).section(u' ', 1, 1);
    }
    /** Accepts every node's host key into knownHosts(), as a user who checked them would. */
    bool trustAllHostKeys() const
    {
        QFile file(knownHosts());
        if (!file.open(QIODevice::Append))
            return false;
        for (const QString &node : env(QStringLiteral("RUNE_TEST_NODES")).split(u' ')) {
            QFile pub(m_dir.filePath(node + QStringLiteral("/ssh_host_ed25519_key.pub")));
            if (!pub.open(QIODevice::ReadOnly))
                return false;
            file.write(address(node).toUtf8() + ' ' + pub.readAll().trimmed() + '\n');
        }
        return true;
    }

    bool stopSshd(const QString &node)
    {
        return script({QStringLiteral("stop-sshd"), m_dir.path(), node}).first;
    }
    bool startSshd(const QString &node)
    {
        return script({QStringLiteral("start-sshd"), m_dir.path(), node}).first;
    }
    bool rekey(const QString &node)
    {
        return script({QStringLiteral("rekey"), m_dir.path(), node}).first;
    }

private:
    std::pair<bool, QString> script(const QStringList &args) const
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("RUNE_TEST_OWNER"), QString::number(QCoreApplication::applicationPid()));
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral("bash"),
            QStringList {QStringLiteral(RUNE_SOURCE_DIR "/tests/cluster/testcluster.sh")} + args);
        const bool finished = process.waitForFinished(60000);
        const QString output = QString::fromUtf8(process.readAll());
        return {finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0, output};
    }

    QTemporaryDir m_dir;
    QHash<QString, QString> m_env;
    bool m_up = false;
    QString m_error;
};

/** exec on @p transport, waited for. */
inline Result<ExecResult> execOn(SshTransport &transport,
    const QString &command,
    const QByteArray &input = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(20))
{
    return await<ExecResult>([&](QObject *context, auto done) {
        transport.exec(command, input, timeout, context, done);
    });
}

} // namespace rune::test
