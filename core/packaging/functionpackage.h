// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/functionconfig.h"
#include "packaging/tararchive.h"
#include "util/result.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace rune
{

/** One file found while packaging, included or left out. */
struct PackageEntry {
    QString path; ///< inside the function, '/'-separated
    QString sourcePath; ///< absolute path on this machine
    qint64 size = 0;
    bool executable = false;
    QString excludedBy; ///< the .runeignore pattern (or reason) that leaves it out; empty: included

    bool isIncluded() const
    {
        return excludedBy.isEmpty();
    }

    bool operator==(const PackageEntry &) const = default;
};

/**
 * What a drop of files or a folder would deploy: every file found under the dropped paths,
 * each marked included or excluded (by the folder's .runeignore, or because it is a link or
 * unreadable), and guesses for the function it is meant to become.
 *
 * scan() and readFiles() touch the disk: call them off the UI thread.
 */
struct FunctionPackage {
    static constexpr qint64 maxFiles = 10000; ///< as the agent's default max_archive_files
    static constexpr qint64 maxBytes = 256LL * 1024 * 1024; ///< as the agent's max_unpacked_bytes

    QString root; ///< the folder dropped, or the one holding the dropped files
    QList<PackageEntry> entries; ///< sorted by path
    QString suggestedName; ///< a valid function name made from the folder's or file's name
    FunctionRuntime suggestedRuntime = FunctionRuntime::Python3;
    QString suggestedHandler = QStringLiteral("handler.handle");

    /**
     * Looks at dropped @p localPaths: one folder packages its contents; files (and folders)
     * side by side package each under its own name, relative to their common folder. The
     * .runeignore at the top of that folder applies. Fails with "package.empty" when nothing
     * is left to deploy, "package.too_large" past the agent's limits, "package.unreadable" for a
     * path that does not exist.
     */
    static Result<FunctionPackage> scan(const QStringList &localPaths);

    /** The included files with their contents; fails with "package.unreadable" naming a file. */
    Result<QList<CodeFile>> readFiles() const;

    int includedCount() const;
    qint64 includedBytes() const;
};

/**
 * Guesses how to run @p paths (the files of a function): a handler.py or main.py makes python3,
 * a handler.js/index.js makes node, an executable file makes exec. Returns the runtime and the
 * handler as FunctionConfig wants it.
 */
std::pair<FunctionRuntime, QString> guessRuntime(const QList<PackageEntry> &entries);

/** A valid function name made from @p text ("My Resizer_2" → "my-resizer-2"), or "function". */
QString functionNameFrom(const QString &text);

} // namespace rune

Q_DECLARE_METATYPE(rune::FunctionPackage)
