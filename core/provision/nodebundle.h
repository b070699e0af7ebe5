// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QList>
#include <QString>

namespace rune
{

/** One file of what goes onto a node, relative to the staging directory there. */
struct BundleFile {
    QString localPath;
    QString remoteName; ///< may contain directories (runtimes/python3/bootstrap)
    int mode = 0644;
    qint64 size = 0;
};

/** How the agent goes onto a node. */
enum class ProvisionMethod {
    Binary, ///< the agent binary, scripts and runtimes, installed by install.sh under /usr/local
    Package, ///< the rune-agent .deb, installed by apt-get; install.sh --package --configure sets it up
};

/** What provisioning learned of a node's system that decides how the agent goes onto it. */
struct NodeSystem {
    QString osId; ///< /etc/os-release's ID ("debian", "ubuntu", "rhel"); empty: unknown
    QStringList osLike; ///< its ID_LIKE ("debian" for Ubuntu and Mint)
    bool hasApt = false; ///< apt-get and dpkg are there
};

/** How the agent goes onto a node, and why, in words for the provisioning log. */
struct ProvisionChoice {
    ProvisionMethod method = ProvisionMethod::Binary;
    QString reason;
};

/**
 * The package on Debian and Ubuntu (and their derivatives) with apt-get, when the bundle has one,
 * the agent installs in / and runs as the package's user "rune"; the binary otherwise.
 */
ProvisionChoice provisionMethodFor(
    const NodeSystem &system, bool havePackage, const QString &installRoot, const QString &agentUser);

/**
 * What the console uploads to a node before installing: the agent binary, the scripts of
 * installers/node, and the function runtimes when there are any; or the rune-agent package,
 * which holds them all. Found next to the agent binary (`<bin>/../share/rune-agent/`) in an
 * installed console, else in the source tree.
 */
class NodeBundle
{
public:
    /**
     * Locates the bundle for @p agentBinary, with the package @p agentPackage when given (it
     * must be a Debian package); an error names what is missing or wrong.
     */
    static Result<NodeBundle> locate(const QString &agentBinary, const QString &agentPackage = {});

    QString agentBinary() const;
    QString scriptsDir() const;
    QString runtimesDir() const; ///< empty when there are no runtimes to install
    QString agentPackage() const; ///< empty: there is none, every node gets the binary
    /**
     * Every file to upload for @p method: the agent, the scripts and the runtimes (in that
     * order), or the package alone (as rune-agent.deb); the token is not part of it.
     */
    QList<BundleFile> files(ProvisionMethod method = ProvisionMethod::Binary) const;
    /** Directories (relative) that @p files need on the node, parents first. */
    static QStringList directoriesOf(const QList<BundleFile> &files);
    /** The ELF machine of the agent binary as `uname -m` says it ("x86_64", "aarch64"), or empty. */
    QString architecture() const;

private:
    QString m_agentBinary;
    QString m_scriptsDir;
    QString m_runtimesDir;
    QString m_agentPackage;
};

} // namespace rune
