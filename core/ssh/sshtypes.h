// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <chrono>

namespace rune
{

/** Where to log in. Empty fields are filled from the SSH client configuration (~/.ssh/config). */
struct SshTarget {
    QString host; ///< a host name, an address or a Host alias of the SSH configuration
    quint16 port = 0; ///< 0: the configuration's Port, else 22
    QString user; ///< empty: the configuration's User, else the local user name
    QString keyFile; ///< tried before the configuration's IdentityFile entries; empty: none extra
};

/** How sessions behave; one instance is shared by every session of the console. */
struct SshOptions {
    QString configFile; ///< empty: ~/.ssh/config (when it exists)
    QString knownHostsFile; ///< empty: ~/.ssh/known_hosts
    std::chrono::seconds connectTimeout {10}; ///< TCP connect, key exchange and authentication
    std::chrono::seconds keepAliveInterval {15}; ///< idle sessions send a keepalive this often
    bool useAgent = true; ///< try ssh-agent ($SSH_AUTH_SOCK) before key files
    QString password; ///< given by the user for this session only; never written anywhere
};

/** What a finished remote command left behind. */
struct ExecResult {
    int exitStatus = -1;
    QByteArray standardOutput;
    QByteArray standardError;
};

/** How a server's host key compares with what the known-hosts file says. */
enum class HostKeyStatus {
    Known,
    Unknown, ///< no entry for this host: the user may accept the key
    Changed, ///< an entry exists with a different key: refused
};

/** A host key as shown to the user, with what the known-hosts file had for the host. */
struct HostKeyInfo {
    QString host;
    quint16 port = 22;
    QString keyType; ///< e.g. ssh-ed25519
    QString fingerprint; ///< "SHA256:..." of the key the server presents
    QString knownFingerprint; ///< "SHA256:..." recorded for the host, when Changed
    QString knownHostsFile;
    HostKeyStatus status = HostKeyStatus::Unknown;
};

} // namespace rune

Q_DECLARE_METATYPE(rune::ExecResult)
Q_DECLARE_METATYPE(rune::HostKeyInfo)
