// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/node.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace rune
{

/** One host to add, as a list the admin pasted or imported describes it. */
struct HostEntry {
    QString name;
    SshEndpoint ssh;
    std::optional<NodeRole> role; ///< empty: the list did not say
    QStringList labels;
    int line = 0; ///< where it came from, 1-based

    bool operator==(const HostEntry &) const = default;
};

/** The hosts a list describes, and a sentence for every line that could not be read. */
struct HostList {
    QList<HostEntry> hosts;
    QStringList problems;
};

/**
 * `[user@]host[:port] [role] [label ...]` lines, as typed or pasted: IPv6 addresses in
 * brackets (`[2001:db8::7]:2222`), labels separated by spaces or commas, `#` starts a comment.
 * `name=NAME` and `key=FILE` words set the node's name and the key file to log in with.
 */
HostList parseHostLines(const QString &text);
/** @p entry as one line parseHostLines() reads back the same. */
QString formatHostLine(const HostEntry &entry);

/**
 * CSV with a header naming the columns (`host` required; `port`, `user`, `role`, `labels`,
 * `key`, `name` optional, in any order), quoted fields allowed, labels separated by `;` or spaces.
 */
HostList parseHostCsv(const QString &text);

/**
 * The concrete `Host` entries of an OpenSSH client configuration (patterns with `*`, `?` or `!`
 * are skipped). Each alias becomes a host addressed by its alias, so logging in uses that entry
 * (HostName, ProxyJump, ...); its Port, User and IdentityFile are shown as the configuration says.
 */
HostList parseSshConfigHosts(const QString &text);

/**
 * Whether @p node may join @p fleet as a new host: its host must be a name or an address only
 * (else `host.address`), not in the fleet yet on that port and its name not taken (else `host.taken`).
 */
Result<void> checkNewHost(const QList<Node> &fleet, const Node &node);

} // namespace rune
