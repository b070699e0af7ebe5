// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QString>
#include <QStringList>

namespace rune
{

/**
 * Reads and edits an OpenSSH known-hosts file (plain and hashed host names, `[host]:port` for
 * ports other than 22) for what libssh's own checks do not offer: the fingerprints recorded for
 * a host, and replacing them when the user explicitly trusts a new key.
 */
class KnownHosts
{
public:
    explicit KnownHosts(QString fileName);

    /** ~/.ssh/known_hosts. */
    static QString defaultFileName();
    /** The host name as known-hosts files write it: `host`, or `[host]:port` when port is not 22. */
    static QString hostKeyName(const QString &host, quint16 port);

    QString fileName() const;
    /** "SHA256:..." of every key recorded for @p host:@p port, in file order. */
    QStringList fingerprints(const QString &host, quint16 port) const;
    /** Rewrites the file without any entry for @p host:@p port (atomically). */
    Result<void> removeHost(const QString &host, quint16 port) const;

private:
    QString m_fileName;
};

} // namespace rune
