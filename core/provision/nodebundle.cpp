// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/nodebundle.h"

#include "util/regularfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

const QStringList scriptNames {
    u"install.sh"_s, u"uninstall.sh"_s, u"rune-agentctl"_s, u"rune-agent-supervise"_s, u"rune-agent.service"_s};

QString firstExisting(const QStringList &candidates)
{
    for (const QString &candidate : candidates) {
        if (QFileInfo(candidate).isDir())
            return QDir::cleanPath(candidate);
    }
    return {};
}

} // namespace

ProvisionChoice provisionMethodFor(
    const NodeSystem &system, bool havePackage, const QString &installRoot, const QString &agentUser)
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("rune::NodeBundle", text);
    };
    const auto binary = [](const QString &reason) {
        return ProvisionChoice {ProvisionMethod::Binary, reason};
    };
    if (!havePackage)
        return binary(tr("the agent binary: no rune-agent package is set (Settings › Provisioning › Agent package)"));
    if (!installRoot.isEmpty())
        return binary(tr("the agent binary: it installs under %1, and a package installs in /").arg(installRoot));
    if (agentUser != u"rune"_s)
        return binary(tr("the agent binary: its agent runs as %1, and the package's as rune").arg(agentUser));
    const QStringList family = QStringList {system.osId} + system.osLike;
    if (!family.contains(u"debian"_s) && !family.contains(u"ubuntu"_s)) {
        return binary(tr("the agent binary: %1 is neither Debian nor Ubuntu")
                          .arg(system.osId.isEmpty() ? tr("this system") : system.osId));
    }
    if (!system.hasApt)
        return binary(tr("the agent binary: this %1 has no apt-get and dpkg").arg(system.osId));
    return ProvisionChoice {ProvisionMethod::Package, tr("the rune-agent package, with apt-get")};
}

Result<NodeBundle> NodeBundle::locate(const QString &agentBinary, const QString &agentPackage)
{
    const QFileInfo agent(agentBinary);
    if (!agent.isFile()) {
        return fail(u"provision.no_agent"_s,
            QCoreApplication::translate("rune::NodeBundle", "The agent binary %1 does not exist; build it first.")
                .arg(agentBinary));
    }
    const QString share = agent.absolutePath() + u"/../share/rune-agent"_s;
    const QString source = QStringLiteral(RUNE_SOURCE_TREE);
    NodeBundle bundle;
    bundle.m_agentBinary = agent.absoluteFilePath();
    bundle.m_scriptsDir = firstExisting({share + u"/node"_s, source + u"/installers/node"_s});
    bundle.m_runtimesDir = firstExisting({share + u"/runtimes"_s, source + u"/remote-agent/runtimes"_s});
    for (const QString &name : scriptNames) {
        if (bundle.m_scriptsDir.isEmpty() || !QFileInfo::exists(bundle.m_scriptsDir + u'/' + name)) {
            return fail(u"provision.no_scripts"_s,
                QCoreApplication::translate("rune::NodeBundle",
                    "The node scripts (installers/node/%1) are missing next to %2 and in the source tree.")
                    .arg(name, agentBinary));
        }
    }
    if (!agentPackage.isEmpty()) {
        // A Debian package is an ar archive whose first member is debian-binary.
        const auto start = readRegularFileStart(agentPackage, 21);
        if (!start)
            return std::unexpected(start.error());
        if (!start->startsWith("!<arch>\ndebian-binary")) {
            return fail(u"provision.bad_package"_s,
                QCoreApplication::translate("rune::NodeBundle",
                    "The agent package %1 is not a Debian package (.deb): set Settings › Provisioning › "
                    "Agent package to a rune-agent .deb, or clear it.")
                    .arg(agentPackage));
        }
        bundle.m_agentPackage = QFileInfo(agentPackage).absoluteFilePath();
    }
    return bundle;
}

QString NodeBundle::agentPackage() const
{
    return m_agentPackage;
}

QString NodeBundle::agentBinary() const
{
    return m_agentBinary;
}

QString NodeBundle::scriptsDir() const
{
    return m_scriptsDir;
}

QString NodeBundle::runtimesDir() const
{
    return m_runtimesDir;
}

QList<BundleFile> NodeBundle::files(ProvisionMethod method) const
{
    QList<BundleFile> files;
    if (method == ProvisionMethod::Package)
        return {BundleFile {m_agentPackage, u"rune-agent.deb"_s, 0644, QFileInfo(m_agentPackage).size()}};
    files << BundleFile {m_agentBinary, u"rune-agent"_s, 0755, QFileInfo(m_agentBinary).size()};
    for (const QString &name : scriptNames) {
        const QString path = m_scriptsDir + u'/' + name;
        files << BundleFile {path, name, name.endsWith(u".service"_s) ? 0644 : 0755, QFileInfo(path).size()};
    }
    if (m_runtimesDir.isEmpty())
        return files;
    const QDir base(m_runtimesDir);
    QDirIterator it(m_runtimesDir, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        files << BundleFile {info.absoluteFilePath(),
            u"runtimes/"_s + base.relativeFilePath(info.absoluteFilePath()),
            info.isExecutable() ? 0755 : 0644,
            info.size()};
    }
    return files;
}

QStringList NodeBundle::directoriesOf(const QList<BundleFile> &files)
{
    QStringList directories;
    for (const BundleFile &file : files) {
        QString dir = QFileInfo(file.remoteName).path();
        QStringList chain;
        while (dir != u"."_s && !dir.isEmpty() && !directories.contains(dir) && !chain.contains(dir)) {
            chain.prepend(dir);
            dir = QFileInfo(dir).path();
        }
        directories << chain;
    }
    return directories;
}

QString NodeBundle::architecture() const
{
    QFile file(m_agentBinary);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray header = file.read(20);
    if (header.size() < 20
        || !header.startsWith("\x7f"
                              "ELF"))
        return {};
    const auto machine = quint16(uchar(header[18]) | (uchar(header[19]) << 8));
    switch (machine) {
    case 62:
        return u"x86_64"_s;
    case 183:
        return u"aarch64"_s;
    default:
        return u"elf-machine-%1"_s.arg(machine);
    }
}

} // namespace rune
