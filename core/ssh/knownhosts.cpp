// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/knownhosts.h"

#include "ssh/libsshkeys.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <libssh/libssh.h>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

/** The key of @p line when it is an entry for @p hostKeyName, else null. */
ssh_key keyOfMatchingLine(const QByteArray &hostKeyName, const QByteArray &line)
{
    const QByteArray trimmed = line.trimmed();
    if (trimmed.isEmpty() || trimmed.startsWith('#'))
        return nullptr;
    ssh_knownhosts_entry *entry = nullptr;
    if (ssh_known_hosts_parse_line(hostKeyName.constData(), trimmed.constData(), &entry) != SSH_OK || !entry)
        return nullptr;
    ssh_key key = entry->publickey;
    entry->publickey = nullptr;
    ssh_knownhosts_entry_free(entry);
    return key;
}

} // namespace

KnownHosts::KnownHosts(QString fileName)
    : m_fileName(fileName.isEmpty() ? defaultFileName() : std::move(fileName))
{
}

QString KnownHosts::defaultFileName()
{
    return QDir::homePath() + u"/.ssh/known_hosts"_s;
}

QString KnownHosts::hostKeyName(const QString &host, quint16 port)
{
    return port == 22 || port == 0 ? host : u"[%1]:%2"_s.arg(host).arg(port);
}

QString KnownHosts::fileName() const
{
    return m_fileName;
}

QStringList KnownHosts::fingerprints(const QString &host, quint16 port) const
{
    QFile file(m_fileName);
    QStringList result;
    if (!file.open(QIODevice::ReadOnly))
        return result;
    const QByteArray name = hostKeyName(host, port).toUtf8();
    while (!file.atEnd()) {
        ssh_key key = keyOfMatchingLine(name, file.readLine());
        if (!key)
            continue;
        result << sha256Fingerprint(key);
        ssh_key_free(key);
    }
    return result;
}

Result<void> KnownHosts::removeHost(const QString &host, quint16 port) const
{
    QFile in(m_fileName);
    if (!in.exists())
        return {};
    if (!in.open(QIODevice::ReadOnly)) {
        return fail(u"ssh.known_hosts"_s,
            QCoreApplication::translate("rune", "Cannot read %1: %2.").arg(m_fileName, in.errorString()));
    }
    const QByteArray name = hostKeyName(host, port).toUtf8();
    QByteArray kept;
    while (!in.atEnd()) {
        const QByteArray line = in.readLine();
        if (ssh_key key = keyOfMatchingLine(name, line)) {
            ssh_key_free(key);
            continue;
        }
        kept += line;
    }
    QSaveFile out(m_fileName);
    if (!out.open(QIODevice::WriteOnly) || out.write(kept) != kept.size() || !out.commit()) {
        return fail(u"ssh.known_hosts"_s,
            QCoreApplication::translate("rune", "Cannot rewrite %1: %2.").arg(m_fileName, out.errorString()));
    }
    return {};
}

} // namespace rune
