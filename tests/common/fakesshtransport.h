// SPDX-License-Identifier: GPL-3.0-or-later
// A scripted SshTransport for unit tests that need no root and no sshd: the test says what each
// command answers and which upload fails, the transport records what was asked of it. Faults
// that a real sshd cannot be made to produce at a chosen moment (an upload broken at one file,
// a command that times out) are what it is for; everything that can run against a real sshd
// does so in tests/cluster.
#pragma once

#include "ssh/sshtransport.h"

#include <QFile>
#include <QHash>
#include <QList>
#include <QMetaObject>
#include <QPointer>
#include <memory>

namespace rune::test
{

/** One machine as the fake transports to it see it: its answers and the record of calls. */
struct FakeHost {
    struct Upload {
        QString remotePath;
        int mode = 0;
        QByteArray data; ///< what was sent (the file's contents for a local file)
    };

    /** Answers one command; unset, every command exits 0 with no output. */
    std::function<Result<ExecResult>(const QString &command, const QByteArray &input)> exec;
    /** Decides whether an upload to a path succeeds; unset, every upload does. */
    std::function<Result<void>(const QString &remotePath)> upload;
    /** Answers openTunnel; unset, tunnels fail as an unreachable machine's do. */
    std::function<Result<quint16>(quint16 remotePort)> tunnel;

    QStringList commands; ///< every command run, in order
    QList<Upload> uploads; ///< every upload that succeeded, in order
    int connections = 0; ///< transports made to this host
};

/** An SshTransport answering from a FakeHost; results come from the event loop, as a real one's do. */
class FakeSshTransport final : public SshTransport
{
public:
    FakeSshTransport(SshTarget target, std::shared_ptr<FakeHost> host)
        : m_target(std::move(target))
        , m_host(std::move(host))
    {
        ++m_host->connections;
    }

    QString describe() const override
    {
        return m_target.user + u'@' + m_target.host + u':' + QString::number(m_target.port);
    }

    void connectToHost(QObject *context, Callback<void> done) override
    {
        deliver(context, std::move(done), Result<void>());
    }

    void exec(const QString &command,
        const QByteArray &input,
        std::chrono::milliseconds,
        QObject *context,
        Callback<ExecResult> done) override
    {
        m_host->commands << command;
        Result<ExecResult> result =
            m_host->exec ? m_host->exec(command, input) : Result<ExecResult>(ExecResult {0, {}, {}});
        deliver(context, std::move(done), std::move(result));
    }

    void upload(const UploadSource &source,
        const QString &remotePath,
        int mode,
        QObject *context,
        Callback<void> done,
        Progress progress = {}) override
    {
        Result<void> result = m_host->upload ? m_host->upload(remotePath) : Result<void>();
        if (result) {
            QByteArray data = source.data;
            if (!source.localPath.isEmpty()) {
                QFile file(source.localPath);
                if (!file.open(QIODevice::ReadOnly))
                    result = std::unexpected(Error {QStringLiteral("ssh.upload"), file.errorString()});
                else
                    data = file.readAll();
            }
            if (result) {
                m_host->uploads << FakeHost::Upload {remotePath, mode, data};
                if (progress)
                    progress(data.size(), data.size());
            }
        }
        deliver(context, std::move(done), std::move(result));
    }

    void openTunnel(quint16 remotePort, QObject *context, Callback<quint16> done) override
    {
        Result<quint16> result = m_host->tunnel
            ? m_host->tunnel(remotePort)
            : Result<quint16>(
                std::unexpected(Error {QStringLiteral("ssh.connect"), QStringLiteral("no route to host")}));
        deliver(context, std::move(done), std::move(result));
    }

    void trustNewHostKey(const QString &, QObject *context, Callback<void> done) override
    {
        deliver(context, std::move(done), Result<void>());
    }

    void cancel() override
    {
        // What is queued now fails as cancelled, as the real transport's queue does.
        m_cancelledBefore = m_sequence;
    }

private:
    template <typename T> void deliver(QObject *context, Callback<T> done, Result<T> result)
    {
        const quint64 sequence = ++m_sequence;
        QMetaObject::invokeMethod(
            context,
            [this, alive = std::weak_ptr<bool>(m_alive), sequence, done = std::move(done), result = std::move(result)] {
                if (alive.expired())
                    return;
                if (sequence <= m_cancelledBefore)
                    return done(std::unexpected(Error {QStringLiteral("ssh.cancelled"), QStringLiteral("Cancelled.")}));
                done(result);
            },
            Qt::QueuedConnection);
    }

    SshTarget m_target;
    std::shared_ptr<FakeHost> m_host;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
    quint64 m_sequence = 0;
    quint64 m_cancelledBefore = 0;
};

/** Transports to fake hosts by host name, for NodeSessions and the add-host dialogs. */
class FakeNetwork
{
public:
    /** The host @p name answers as; made on first use. */
    std::shared_ptr<FakeHost> host(const QString &name)
    {
        auto &host = m_hosts[name];
        if (!host)
            host = std::make_shared<FakeHost>();
        return host;
    }

    std::function<std::unique_ptr<SshTransport>(const SshTarget &)> factory()
    {
        return [this](const SshTarget &target) -> std::unique_ptr<SshTransport> {
            return std::make_unique<FakeSshTransport>(target, host(target.host));
        };
    }

private:
    QHash<QString, std::shared_ptr<FakeHost>> m_hosts;
};

} // namespace rune::test
