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

/**
 * What the console uploads to a node before installing: the agent binary, the scripts of
 * installers/node, and the function runtimes when there are any. Found next to the agent
 * binary (`<bin>/../share/rune-agent/`) in an installed console, else in the source tree.
 */
class NodeBundle
{
public:
    /** Locates the bundle for @p agentBinary; an error names what is missing. */
    static Result<NodeBundle> locate(const QString &agentBinary);

    QString agentBinary() const;
    QString scriptsDir() const;
    QString runtimesDir() const; ///< empty when there are no runtimes to install
    /** Every file to upload, the agent and the scripts first; the token is not part of it. */
    QList<BundleFile> files() const;
    /** Directories (relative) that files() needs on the node, parents first. */
    QStringList directories() const;
    /** The ELF machine of the agent binary as `uname -m` says it ("x86_64", "aarch64"), or empty. */
    QString architecture() const;

private:
    QString m_agentBinary;
    QString m_scriptsDir;
    QString m_runtimesDir;
};

} // namespace rune
