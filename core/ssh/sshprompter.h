// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/sshtypes.h"

#include <QString>
#include <functional>
#include <optional>

namespace rune
{

/**
 * The questions an SSH session must ask the user. A GUI answers them asynchronously: it may keep
 * the answer function and call it later (from the thread that received the question); the session
 * waits without blocking anything. Not answering at all leaves the connection pending until the
 * server gives up on it.
 */
class SshPrompter
{
public:
    virtual ~SshPrompter() = default;

    /**
     * The server at @p key's host presents a key the known-hosts file has no entry for. Show the
     * key type and SHA256 fingerprint; answer(true) records the key and logs in, answer(false) refuses.
     */
    virtual void askHostKey(const HostKeyInfo &key, std::function<void(bool accept)> answer) = 0;

    /**
     * A private key needed to log in to @p target is protected by a passphrase. answer(std::nullopt)
     * declines; the passphrase is kept in memory for this session only.
     */
    virtual void askPassphrase(const QString &target, std::function<void(std::optional<QString>)> answer) = 0;

    /**
     * `sudo` on @p target wants the login user's password. Asked once per batch of work; the
     * answer is kept in memory until the batch ends.
     */
    virtual void askSudoPassword(const QString &target, std::function<void(std::optional<QString>)> answer) = 0;
};

} // namespace rune
