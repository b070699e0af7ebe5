// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/sshprompter.h"
#include "ssh/sshtransport.h"

#include <QObject>
#include <QPointer>
#include <QThread>
#include <atomic>
#include <memory>

namespace rune
{

class LibsshWorker;

/**
 * SshTransport over libssh: one session on its own thread, kept open and reused for every call.
 * TCP_NODELAY, connect/auth timeout and keepalive as in SshOptions; ~/.ssh/config (Host
 * aliases, HostName, Port, User, IdentityFile, ProxyJump) is honoured; host keys are always
 * verified against the known-hosts file, unknown ones are put to the prompter and changed ones
 * refused. Destroying the transport cancels what is under way and waits for the thread.
 */
class LibsshTransport final : public QObject, public SshTransport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LibsshTransport)

public:
    /** @p prompter (may be null: unknown keys and passphrases then fail) must outlive the transport. */
    LibsshTransport(SshTarget target, SshOptions options, SshPrompter *prompter, QObject *parent = nullptr);
    ~LibsshTransport() override;

    QString describe() const override;
    void connectToHost(QObject *context, Callback<void> done) override;
    void exec(const QString &command,
        const QByteArray &input,
        std::chrono::milliseconds timeout,
        QObject *context,
        Callback<ExecResult> done) override;
    void upload(const UploadSource &source,
        const QString &remotePath,
        int mode,
        QObject *context,
        Callback<void> done,
        Progress progress = {}) override;
    void openTunnel(quint16 remotePort, QObject *context, Callback<quint16> done) override;
    void trustNewHostKey(const QString &fingerprint, QObject *context, Callback<void> done) override;
    void cancel() override;

private:
    template <typename T>
    void post(
        QObject *context, Callback<T> done, std::function<Result<T>(LibsshWorker &, quint64)> work, bool connected);
    void onHostKeyQuestion(const HostKeyInfo &key);
    void onPassphraseQuestion();

    SshTarget m_target;
    SshPrompter *m_prompter;
    std::shared_ptr<std::atomic<quint64>> m_cancelGeneration;
    std::unique_ptr<QThread> m_thread;
    LibsshWorker *m_worker;
};

} // namespace rune
