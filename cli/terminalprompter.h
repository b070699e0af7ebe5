// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "output.h"
#include "ssh/sshprompter.h"

#include <QString>

namespace rune::cli
{

/**
 * Answers SSH's questions on the terminal the command runs in (/dev/tty), when its standard input
 * is one: the host key with its SHA256 fingerprint (y/N), passphrases and sudo passwords without
 * echo. Without a terminal it declines, except for a host key whose fingerprint is exactly the one
 * given with --accept-host-key. There is no way to accept a key unseen.
 */
class TerminalPrompter final : public SshPrompter
{
public:
    /**
     * @p acceptedFingerprint: the "SHA256:..." of --accept-host-key; empty: none given. @p output's
     * progress line is ended before a question, so the question stands on a line of its own.
     */
    TerminalPrompter(QString acceptedFingerprint, Output *output);

    void askHostKey(const HostKeyInfo &key, std::function<void(bool accept)> answer) override;
    void askPassphrase(const QString &target, std::function<void(std::optional<QString>)> answer) override;
    void askSudoPassword(const QString &target, std::function<void(std::optional<QString>)> answer) override;

    /** Why the last host key was declined, in words a user can act on; empty when none was. */
    QString refusal() const;

private:
    std::optional<QString> ask(const QString &question, bool secret);

    QString m_acceptedFingerprint;
    Output *m_output;
    QString m_refusal;
};

} // namespace rune::cli
