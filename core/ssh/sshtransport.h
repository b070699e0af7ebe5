// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/sshtypes.h"
#include "util/result.h"

#include <QObject>
#include <chrono>
#include <functional>

namespace rune
{

/** What an upload sends: the contents of a local file, or bytes in memory when localPath is empty. */
struct UploadSource {
    QString localPath;
    QByteArray data;
};

/**
 * One reusable SSH connection to one machine. Every call is asynchronous and queued in order:
 * the callback runs on @p context's thread, and not at all if @p context (or the transport) is
 * destroyed first. The connection opens on the first call and reopens after it breaks; host-key
 * and passphrase questions go to the SshPrompter the transport was made with.
 */
class SshTransport
{
public:
    virtual ~SshTransport() = default;

    template <typename T> using Callback = std::function<void(Result<T>)>;
    /** Bytes sent so far and the total. */
    using Progress = std::function<void(qint64 sent, qint64 total)>;

    /** user@host:port as configured, for messages. */
    virtual QString describe() const = 0;

    /** Connects and authenticates now rather than on the first command. */
    virtual void connectToHost(QObject *context, Callback<void> done) = 0;

    /**
     * Runs @p command through the login user's shell with @p input on its standard input. A
     * non-zero exit status is a result, not an error; errors are transport failures and timeouts.
     */
    virtual void exec(const QString &command,
        const QByteArray &input,
        std::chrono::milliseconds timeout,
        QObject *context,
        Callback<ExecResult> done) = 0;

    /**
     * Writes @p source to @p remotePath with permission bits @p mode: into a temporary file next
     * to it first, renamed over the target only when complete, so a broken upload never leaves
     * a half-written file under the real name.
     */
    virtual void upload(const UploadSource &source,
        const QString &remotePath,
        int mode,
        QObject *context,
        Callback<void> done,
        Progress progress = {}) = 0;

    /**
     * Opens a listener on 127.0.0.1 whose connections are forwarded through the session to
     * 127.0.0.1:@p remotePort on the machine (like `ssh -L`). Answers the local port; the
     * listener lives as long as the transport, across reconnections.
     */
    virtual void openTunnel(quint16 remotePort, QObject *context, Callback<quint16> done) = 0;

    /**
     * The explicit "trust the new key" action for a host whose key changed: connects, checks the
     * server presents exactly @p fingerprint (the one the user was shown), and replaces the
     * host's entries in the known-hosts file with it.
     */
    virtual void trustNewHostKey(const QString &fingerprint, QObject *context, Callback<void> done) = 0;

    /** Makes the operation under way and those queued before this call fail with `ssh.cancelled`. */
    virtual void cancel() = 0;
};

} // namespace rune
