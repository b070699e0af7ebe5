// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/sampleevent.h"
#include "packaging/tararchive.h"
#include "util/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace rune
{

/**
 * The console's copy of every function's files (ARCHITECTURE.md, "Where data lives"):
 *
 * ```
 * <root>/<project>/<function>/working/...          the files being edited
 * <root>/<project>/<function>/v<N>/code/...         version N's files, read-only
 * <root>/<project>/<function>/v<N>/config.json      version N's configuration
 * <root>/<project>/<function>/events.json           the saved sample events
 * ```
 *
 * A version is written into a staging folder and renamed into place, so it is either complete
 * or absent. Execute bits are kept. Each call touches the disk: call from a worker thread. The
 * object holds only its root, so any thread may use it. Errors: "bucket.bad_path",
 * "bucket.not_found", "bucket.exists", "bucket.io".
 */
class BucketStore
{
public:
    explicit BucketStore(QString root);

    QString root() const;
    QString functionDir(const QString &project, const QString &function) const;
    QString workingDir(const QString &project, const QString &function) const;
    QString versionDir(const QString &project, const QString &function, int number) const;

    /** The working files' paths, sorted; none for a function without files yet. */
    Result<QStringList> workingPaths(const QString &project, const QString &function) const;
    /** Every working file with its contents, sorted by path. */
    Result<QList<CodeFile>> workingFiles(const QString &project, const QString &function) const;
    Result<CodeFile> readWorkingFile(const QString &project, const QString &function, const QString &path) const;
    /** Writes one working file atomically (a crash leaves the old or the new contents). */
    Result<void> writeWorkingFile(const QString &project, const QString &function, const CodeFile &file);
    Result<void> removeWorkingFile(const QString &project, const QString &function, const QString &path);
    /** Replaces every working file with @p files (a dropped folder, a template). */
    Result<void> replaceWorkingFiles(const QString &project, const QString &function, const QList<CodeFile> &files);

    /** Stores version @p number; "bucket.exists" if it is there already (versions are immutable). */
    Result<void> writeVersion(const QString &project,
        const QString &function,
        int number,
        const QList<CodeFile> &files,
        const QJsonObject &config);
    Result<QList<CodeFile>> versionFiles(const QString &project, const QString &function, int number) const;
    Result<QJsonObject> versionConfig(const QString &project, const QString &function, int number) const;
    /** Removes a version that never reached a node (a withdrawn deploy). */
    Result<void> removeVersion(const QString &project, const QString &function, int number);

    /** The saved sample events; none when nothing was saved. */
    Result<QList<SampleEvent>> events(const QString &project, const QString &function) const;
    Result<void> saveEvents(const QString &project, const QString &function, const QList<SampleEvent> &events);

    /** Forgets a function's files, versions and events. */
    Result<void> removeFunction(const QString &project, const QString &function);

private:
    QString m_root;
};

} // namespace rune
