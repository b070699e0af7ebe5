// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/hostlist.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::HostList", text);
}

QString lineProblem(int line, const QString &what)
{
    return tr("Line %1: %2").arg(line).arg(what);
}

/** `[user@]host[:port]`, IPv6 in brackets. */
std::optional<SshEndpoint> parseAddress(const QString &word, QString *problem)
{
    static const QRegularExpression pattern(uR"(^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:\s\[\]@]+)(?::(\d+))?$)"_s);
    const auto match = pattern.match(word);
    if (!match.hasMatch()) {
        *problem = tr("\"%1\" is not an address of the form user@host:port.").arg(word);
        return std::nullopt;
    }
    SshEndpoint endpoint;
    endpoint.user = match.captured(1);
    endpoint.host = match.captured(2);
    if (endpoint.host.startsWith(u'['))
        endpoint.host = endpoint.host.mid(1, endpoint.host.size() - 2);
    if (match.hasCaptured(3)) {
        const uint port = match.captured(3).toUInt();
        if (port == 0 || port > 65535) {
            *problem = tr("port %1 is not between 1 and 65535.").arg(match.captured(3));
            return std::nullopt;
        }
        endpoint.port = quint16(port);
    }
    return endpoint;
}

QStringList splitLabels(const QString &text)
{
    static const QRegularExpression separators(u"[\\s,;]+"_s);
    return text.split(separators, Qt::SkipEmptyParts);
}

std::optional<NodeRole> parseRole(const QString &text, int line, QStringList &problems, bool *ok)
{
    *ok = true;
    if (text.isEmpty())
        return std::nullopt;
    const auto role = nodeRoleFromName(text);
    if (!role) {
        *ok = false;
        problems << lineProblem(line, tr("\"%1\" is not a role; use controller, compute or edge.").arg(text));
    }
    return role;
}

/** One CSV record's fields; quotes may hold commas and doubled quotes. */
QStringList csvFields(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted && c == u'"' && i + 1 < line.size() && line.at(i + 1) == u'"') {
            field += u'"';
            ++i;
        } else if (c == u'"') {
            quoted = !quoted;
        } else if (c == u',' && !quoted) {
            fields << field.trimmed();
            field.clear();
        } else {
            field += c;
        }
    }
    fields << field.trimmed();
    return fields;
}

QString expandHome(const QString &path)
{
    return path.startsWith(u"~/"_s) ? QDir::homePath() + path.mid(1) : path;
}

} // namespace

HostList parseHostLines(const QString &text)
{
    HostList list;
    const QStringList lines = text.split(u'\n');
    for (int number = 1; number <= lines.size(); ++number) {
        const QString line = lines.at(number - 1).section(u'#', 0, 0).trimmed();
        if (line.isEmpty())
            continue;
        const QStringList words = line.split(QRegularExpression(u"\\s+"_s), Qt::SkipEmptyParts);
        QString problem;
        const auto endpoint = parseAddress(words.first(), &problem);
        if (!endpoint) {
            list.problems << lineProblem(number, problem);
            continue;
        }
        HostEntry entry {endpoint->host, *endpoint, std::nullopt, {}, number};
        bool ok = true;
        for (qsizetype index = 1; index < words.size() && ok; ++index) {
            const QString &word = words.at(index);
            if (word.startsWith(u"name="_s))
                entry.name = word.mid(5);
            else if (word.startsWith(u"key="_s))
                entry.ssh.keyFile = expandHome(word.mid(4));
            else if (index == 1)
                entry.role = parseRole(word, number, list.problems, &ok);
            else
                entry.labels << splitLabels(word);
        }
        if (ok)
            list.hosts << entry;
    }
    return list;
}

QString formatHostLine(const HostEntry &entry)
{
    QString address = entry.ssh.host.contains(u':') ? u'[' + entry.ssh.host + u']' : entry.ssh.host;
    if (!entry.ssh.user.isEmpty())
        address = entry.ssh.user + u'@' + address;
    if (entry.ssh.port != 22)
        address += u':' + QString::number(entry.ssh.port);
    QStringList words {address};
    if (entry.role)
        words << nodeRoleName(*entry.role);
    if (!entry.name.isEmpty() && entry.name != entry.ssh.host)
        words << u"name="_s + entry.name;
    if (!entry.ssh.keyFile.isEmpty())
        words << u"key="_s + entry.ssh.keyFile;
    words << entry.labels;
    return words.join(u' ');
}

HostList parseHostCsv(const QString &text)
{
    HostList list;
    const QStringList lines = text.split(u'\n');
    int headerLine = 0;
    QStringList header;
    for (int number = 1; number <= lines.size(); ++number) {
        const QString line = lines.at(number - 1).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const QStringList fields = csvFields(line);
        if (header.isEmpty()) {
            for (const QString &name : fields)
                header << name.toLower();
            headerLine = number;
            if (!header.contains(u"host"_s)) {
                list.problems << lineProblem(number, tr("the header names no \"host\" column."));
                return list;
            }
            continue;
        }
        const auto value = [&](const QString &column) {
            const qsizetype index = header.indexOf(column);
            return index >= 0 ? fields.value(index) : QString();
        };
        QString host = value(u"host"_s);
        if (host.contains(u':') && !host.startsWith(u'['))
            host = u'[' + host + u']'; // a bare IPv6 address
        QString address = value(u"user"_s).isEmpty() ? host : value(u"user"_s) + u'@' + host;
        if (!value(u"port"_s).isEmpty())
            address += u':' + value(u"port"_s);
        QString problem;
        const auto endpoint = parseAddress(address, &problem);
        if (!endpoint) {
            list.problems << lineProblem(number, problem);
            continue;
        }
        bool ok = true;
        const auto role = parseRole(value(u"role"_s), number, list.problems, &ok);
        if (!ok)
            continue;
        HostEntry entry {value(u"name"_s).isEmpty() ? endpoint->host : value(u"name"_s), *endpoint, role, {}, number};
        entry.ssh.keyFile = expandHome(value(u"key"_s));
        entry.labels = splitLabels(value(u"labels"_s));
        list.hosts << entry;
    }
    if (headerLine == 0)
        list.problems << tr("The file is empty.");
    return list;
}

HostList parseSshConfigHosts(const QString &text)
{
    HostList list;
    QList<HostEntry> block;
    const auto closeBlock = [&list, &block] {
        list.hosts << block;
        block.clear();
    };
    const QStringList lines = text.split(u'\n');
    static const QRegularExpression keyValue(uR"(^\s*(\S+?)\s*(?:=\s*|\s+)(.+?)\s*$)"_s);
    for (int number = 1; number <= lines.size(); ++number) {
        const QString line = lines.at(number - 1).section(u'#', 0, 0);
        const auto match = keyValue.match(line);
        if (!match.hasMatch())
            continue;
        const QString key = match.captured(1).toLower();
        const QString value = match.captured(2).remove(u'"');
        if (key == u"host"_s || key == u"match"_s) {
            closeBlock();
            if (key == u"match"_s)
                continue;
            for (const QString &alias : value.split(u' ', Qt::SkipEmptyParts)) {
                if (alias.contains(QRegularExpression(u"[*?!]"_s)))
                    continue;
                HostEntry entry;
                entry.name = alias;
                entry.ssh.host = alias;
                entry.line = number;
                block << entry;
            }
            continue;
        }
        for (HostEntry &entry : block) {
            if (key == u"port"_s)
                entry.ssh.port = quint16(value.toUInt());
            else if (key == u"user"_s)
                entry.ssh.user = value;
            else if (key == u"identityfile"_s && entry.ssh.keyFile.isEmpty())
                entry.ssh.keyFile = expandHome(value);
        }
    }
    closeBlock();
    return list;
}

Result<void> checkNewHost(const QList<Node> &fleet, const Node &node)
{
    static const QRegularExpression notInAHost(u"[\\s@/]"_s);
    if (node.ssh.host.isEmpty())
        return fail(u"host.address"_s, tr("Enter the host's name or address."));
    if (node.ssh.host.contains(notInAHost))
        return fail(u"host.address"_s, tr("Enter the user in its own field; the host is a name or an address only."));
    for (const Node &existing : fleet) {
        if (!existing.agent.local && existing.ssh.host == node.ssh.host && existing.ssh.port == node.ssh.port)
            return fail(u"host.taken"_s, tr("%1 is in the fleet already, as %2.").arg(node.ssh.host, existing.name));
        if (existing.name == node.name)
            return fail(
                u"host.taken"_s, tr("A node named %1 exists already; give this one another name.").arg(node.name));
    }
    return {};
}

} // namespace rune
