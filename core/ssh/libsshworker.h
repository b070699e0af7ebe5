// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The thread side of LibsshTransport: owns the libssh session (which is never touched from
// another thread), connects, authenticates and runs the queued operations one at a time.

#include "ssh/sshtransport.h"

#include <QObject>
#include <QTimer>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

struct ssh_session_struct;
struct sftp_session_struct;
struct ssh_callbacks_struct;

namespace rune
{

class LibsshTunnels;

class LibsshWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LibsshWorker)

public:
    LibsshWorker(SshTarget target,
        SshOptions options,
        bool canPrompt,
        std::shared_ptr<const std::atomic<quint64>> cancelGeneration);
    ~LibsshWorker() override;

    /** Queues an operation; @p fail runs instead of @p run when no connection can be had. */
    void submit(quint64 generation, std::function<void()> run, std::function<void(const Error &)> fail);
    /** Queues an operation that makes its own connection (trusting a new host key). */
    void submitUnconnected(quint64 generation, std::function<void()> run, std::function<void(const Error &)> fail);

    // Operations, called from run() functions on the worker's thread.
    Result<ExecResult> exec(
        const QByteArray &command, const QByteArray &input, std::chrono::milliseconds timeout, quint64 generation);
    Result<void> upload(const UploadSource &source,
        const QString &remotePath,
        int mode,
        const SshTransport::Progress &progress,
        quint64 generation);
    Result<quint16> openTunnel(quint16 remotePort);
    Result<void> trustNewHostKey(const QString &fingerprint);

    // Answers to questions asked through the signals below.
    void answerHostKey(bool accept);
    void answerPassphrase(const std::optional<QString> &passphrase);

    /** Closes everything; the worker must not be used afterwards. */
    void shutdown();

    /** A live, authenticated session or an error; reconnects without asking anyone. */
    Result<ssh_session_struct *> liveSession();
    /** Forgets a session that broke, so the next operation connects again. */
    void dropSession();
    QString describe() const;

Q_SIGNALS:
    void hostKeyQuestion(const rune::HostKeyInfo &key);
    void passphraseQuestion();

private:
    enum class Phase {
        Disconnected,
        AwaitingHostKey,
        AwaitingPassphrase,
        Connected,
    };
    struct Job {
        quint64 generation;
        std::function<void()> run;
        std::function<void(const Error &)> fail;
        bool needsConnection;
    };

    void pump();
    void failQueued(const Error &error);
    bool isCancelled(quint64 generation) const;
    Error cancelledError() const;
    Result<void> openConnection();
    Result<void> checkHostKey(bool interactive);
    Result<void> authenticate(bool interactive);
    Result<void> authenticateWithKeys();
    Error authFailure(int methods) const;
    Error sessionError(const QString &what) const;
    Result<HostKeyInfo> serverKey() const;
    Result<sftp_session_struct *> sftp();
    Result<void> renameOver(const QByteArray &from, const QByteArray &to, quint64 generation);
    Result<void> sendKeepAlive();

    SshTarget m_target;
    SshOptions m_options;
    bool m_canPrompt;
    std::shared_ptr<const std::atomic<quint64>> m_cancelGeneration;
    ssh_session_struct *m_session = nullptr;
    sftp_session_struct *m_sftp = nullptr;
    std::unique_ptr<ssh_callbacks_struct> m_callbacks;
    Phase m_phase = Phase::Disconnected;
    std::deque<Job> m_jobs;
    std::optional<QString> m_passphrase;
    bool m_passphraseWanted = false;
    bool m_passphraseAsked = false;
    std::unique_ptr<LibsshTunnels> m_tunnels;
    QTimer m_keepAlive;

    friend int libsshAskPassphrase(const char *, char *, size_t, int, int, void *);
};

} // namespace rune
