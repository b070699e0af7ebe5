// SPDX-License-Identifier: GPL-3.0-or-later
// LibsshWorker's operations on an open session: exec, SFTP upload, tunnels, trusting a new key.
#include "ssh/knownhosts.h"
#include "ssh/libsshtunnels.h"
#include "ssh/libsshworker.h"

#include <QElapsedTimer>
#include <QFile>
#include <fcntl.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

// Larger writes kill the session against OpenSSH (ENVIRONMENT.md).
constexpr qint64 uploadChunk = 128 * 1024;
constexpr qint64 progressStep = 1024 * 1024;

} // namespace

Result<ExecResult> LibsshWorker::exec(
    const QByteArray &command, const QByteArray &input, std::chrono::milliseconds timeout, quint64 generation)
{
    ssh_channel channel = nullptr;
    // A session that broke while idle is only noticed here: reconnect once, quietly.
    for (int attempt = 0; attempt < 2 && !channel; ++attempt) {
        auto session = liveSession();
        if (!session)
            return std::unexpected(session.error());
        channel = ssh_channel_new(*session);
        if (channel && ssh_channel_open_session(channel) != SSH_OK) {
            ssh_channel_free(channel);
            channel = nullptr;
            if (attempt == 1)
                return std::unexpected(sessionError(tr("Opening a channel")));
            dropSession();
        }
    }
    const auto closeChannel = [&channel] {
        ssh_channel_close(channel);
        ssh_channel_free(channel);
    };
    if (ssh_channel_request_exec(channel, command.constData()) != SSH_OK) {
        Error error = sessionError(tr("Starting a command"));
        closeChannel();
        dropSession();
        return std::unexpected(error);
    }
    if ((!input.isEmpty() && ssh_channel_write(channel, input.constData(), uint32_t(input.size())) != input.size())
        || ssh_channel_send_eof(channel) != SSH_OK) {
        Error error = sessionError(tr("Sending input to a command"));
        closeChannel();
        dropSession();
        return std::unexpected(error);
    }
    ExecResult result;
    QElapsedTimer clock;
    clock.start();
    char buffer[16384];
    for (;;) {
        if (isCancelled(generation)) {
            closeChannel();
            return std::unexpected(cancelledError());
        }
        if (clock.elapsed() > timeout.count()) {
            closeChannel();
            return fail(u"ssh.timeout"_s,
                tr("The command did not finish within %1 s on %2.").arg(timeout.count() / 1000.0).arg(describe()));
        }
        const int out = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, 0);
        if (out > 0)
            result.standardOutput.append(buffer, out);
        const int err = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, 1);
        if (err > 0)
            result.standardError.append(buffer, err);
        if (out == SSH_ERROR || err == SSH_ERROR) {
            Error error = sessionError(tr("Reading a command's output"));
            closeChannel();
            dropSession();
            return std::unexpected(error);
        }
        if (out > 0 || err > 0)
            continue;
        if (ssh_channel_is_eof(channel))
            break;
        m_tunnels->pumpOnce();
        ssh_channel_poll_timeout(channel, 20, 0);
    }
    result.exitStatus = ssh_channel_get_exit_status(channel);
    closeChannel();
    return result;
}

Result<sftp_session_struct *> LibsshWorker::sftp()
{
    auto session = liveSession();
    if (!session)
        return std::unexpected(session.error());
    if (m_sftp)
        return m_sftp;
    m_sftp = sftp_new(*session);
    if (!m_sftp || sftp_init(m_sftp) != SSH_OK) {
        Error error = sessionError(tr("Starting SFTP (is the sftp subsystem enabled in sshd?)"));
        if (m_sftp)
            sftp_free(m_sftp);
        m_sftp = nullptr;
        return std::unexpected(error);
    }
    return m_sftp;
}

Result<void> LibsshWorker::upload(const UploadSource &source,
    const QString &remotePath,
    int mode,
    const SshTransport::Progress &progress,
    quint64 generation)
{
    QFile file(source.localPath);
    if (!source.localPath.isEmpty() && !file.open(QIODevice::ReadOnly))
        return fail(u"ssh.local_file"_s, tr("Cannot read %1: %2.").arg(source.localPath, file.errorString()));
    const qint64 total = source.localPath.isEmpty() ? source.data.size() : file.size();
    auto session = sftp();
    if (!session)
        return std::unexpected(session.error());
    const QByteArray finalPath = remotePath.toUtf8();
    const QByteArray partPath = finalPath + ".rune-part";
    sftp_file remote = sftp_open(*session, partPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, mode_t(mode));
    if (!remote)
        return std::unexpected(sessionError(tr("Creating %1").arg(remotePath)));
    const auto abandon = [&] {
        sftp_close(remote);
        if (m_session && ssh_is_connected(m_session))
            sftp_unlink(*session, partPath.constData());
        else
            dropSession();
    };
    const auto broken = [&](const QString &what) {
        Error error = sessionError(what);
        abandon();
        return std::unexpected(error);
    };
    qint64 sent = 0;
    qint64 reported = 0;
    while (sent < total) {
        if (isCancelled(generation)) {
            abandon();
            return std::unexpected(cancelledError());
        }
        const QByteArray chunk =
            source.localPath.isEmpty() ? source.data.mid(sent, uploadChunk) : file.read(uploadChunk);
        if (chunk.isEmpty())
            return broken(tr("Reading %1").arg(source.localPath));
        if (sftp_write(remote, chunk.constData(), size_t(chunk.size())) != chunk.size()) {
            return broken(tr("Uploading %1 (after %2 of %3 bytes)").arg(remotePath).arg(sent).arg(total));
        }
        sent += chunk.size();
        if (progress && (sent - reported >= progressStep || sent == total)) {
            reported = sent;
            progress(sent, total);
        }
    }
    if (sftp_close(remote) != SSH_OK)
        return std::unexpected(sessionError(tr("Finishing %1").arg(remotePath)));
    // The server's umask trimmed the mode given to open.
    if (sftp_chmod(*session, partPath.constData(), mode_t(mode)) != SSH_OK) {
        Error error = sessionError(tr("Setting the mode of %1").arg(remotePath));
        sftp_unlink(*session, partPath.constData());
        return std::unexpected(error);
    }
    if (auto moved = renameOver(partPath, finalPath, generation); !moved) {
        if (m_sftp) // renameOver may have had to reconnect, which ends the old SFTP session
            sftp_unlink(m_sftp, partPath.constData());
        return moved;
    }
    if (progress && total == 0)
        progress(0, 0);
    return {};
}

Result<void> LibsshWorker::renameOver(const QByteArray &from, const QByteArray &to, quint64 generation)
{
    // SFTP v3 rename refuses to replace a file and libssh 0.10 does not offer OpenSSH's
    // posix-rename extension; mv is rename(2), atomic on the remote side.
    if (sftp_rename(m_sftp, from.constData(), to.constData()) == SSH_OK)
        return {};
    const QByteArray command =
        "mv -f -- '" + QByteArray(from).replace('\'', "'\\''") + "' '" + QByteArray(to).replace('\'', "'\\''") + "'";
    auto moved = exec(command, {}, std::chrono::seconds(30), generation);
    if (!moved)
        return std::unexpected(moved.error());
    if (moved->exitStatus != 0) {
        return fail(u"ssh.failed"_s,
            tr("Moving %1 into place failed on %2: %3")
                .arg(QString::fromUtf8(to), describe(), QString::fromUtf8(moved->standardError.trimmed())));
    }
    return {};
}

Result<quint16> LibsshWorker::openTunnel(quint16 remotePort)
{
    return m_tunnels->listen(remotePort);
}

Result<void> LibsshWorker::trustNewHostKey(const QString &fingerprint)
{
    auto opened = openConnection();
    if (!opened)
        return opened;
    auto info = serverKey();
    if (!info) {
        dropSession();
        return std::unexpected(info.error());
    }
    if (info->fingerprint != fingerprint) {
        dropSession();
        return fail(u"ssh.hostkey_mismatch"_s,
            tr("%1 now presents %2 %3, not the key %4 you chose to trust; nothing was changed.")
                .arg(describe(), info->keyType, info->fingerprint, fingerprint));
    }
    const KnownHosts knownHosts(m_options.knownHostsFile);
    auto removed = knownHosts.removeHost(info->host, info->port);
    if (removed && ssh_session_update_known_hosts(m_session) != SSH_OK)
        removed = std::unexpected(sessionError(tr("Recording the host key in %1").arg(knownHosts.fileName())));
    dropSession();
    m_phase = Phase::Disconnected;
    return removed;
}

} // namespace rune
