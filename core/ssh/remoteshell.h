// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/sshtransport.h"
#include "ssh/sudopasswords.h"

#include <QObject>
#include <memory>
#include <optional>

namespace rune
{

/** Quotes @p text for a POSIX shell: 'it'\''s'. */
QString shellQuote(const QString &text);

/**
 * Runs commands on a machine as k3sup and Ansible users expect: as root directly when the
 * login user is root; otherwise through `sudo -n`, and, where sudo wants a password, through
 * `sudo -S` with the batch's password (asked once per batch). Messages are in the C locale so
 * sudo's answers can be recognised.
 */
class RemoteShell final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteShell)

public:
    RemoteShell(SshTransport *transport, QObject *parent = nullptr);

    SshTransport *transport() const;

    /** Runs @p command as the login user. */
    void run(const QString &command,
        std::chrono::milliseconds timeout,
        QObject *context,
        SshTransport::Callback<ExecResult> done);

    /**
     * Runs @p command (a shell command line) as root. A sudo refusal is an Error in words;
     * the command's own non-zero exit status is a result.
     */
    void runAsRoot(const QString &command,
        const QByteArray &input,
        std::chrono::milliseconds timeout,
        std::shared_ptr<SudoPasswords> sudo,
        QObject *context,
        SshTransport::Callback<ExecResult> done);

    /** Whether the login user is root, once known. */
    std::optional<bool> loginIsRoot() const;

private:
    struct RootCall;
    void withIdentity(std::shared_ptr<RootCall> call);
    void viaSudo(std::shared_ptr<RootCall> call);
    void viaSudoPassword(std::shared_ptr<RootCall> call, const QString &password);
    void finish(std::shared_ptr<RootCall> call, Result<ExecResult> result);

    SshTransport *m_transport;
    std::optional<bool> m_isRoot;
};

} // namespace rune
