// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/bucketstore.h"

#include "functions/functionconfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QUuid>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::BucketStore", text);
}

Error ioError(const QString &what, const QString &why)
{
    return Error {u"bucket.io"_s, tr("Cannot %1: %2.").arg(what, why)};
}

QFileDevice::Permissions filePermissions(bool executable, bool writable)
{
    QFileDevice::Permissions permissions = QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther;
    if (writable)
        permissions |= QFileDevice::WriteOwner;
    if (executable)
        permissions |= QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;
    return permissions;
}

Result<void> writeFileIn(const QString &dir, const CodeFile &file, bool writable)
{
    if (const QString problem = codePathProblem(file.path); !problem.isEmpty())
        return fail(u"bucket.bad_path"_s, problem);
    const QString target = dir + u'/' + file.path;
    if (!QDir().mkpath(QFileInfo(target).absolutePath()))
        return std::unexpected(
            ioError(tr("create the folder of %1").arg(target), tr("permission denied or disk full")));
    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly) || out.write(file.data) != file.data.size() || !out.commit())
        return std::unexpected(ioError(tr("write %1").arg(target), out.errorString()));
    QFile::setPermissions(target, filePermissions(file.executable, writable));
    return {};
}

Result<QList<CodeFile>> readTree(const QString &dir)
{
    QList<CodeFile> files;
    if (!QFileInfo(dir).isDir())
        return files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    const QDir base(dir);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return std::unexpected(ioError(tr("read %1").arg(path), file.errorString()));
        files.append(CodeFile {base.relativeFilePath(path),
            file.readAll(),
            QFileInfo(path).permissions().testFlag(QFileDevice::ExeOwner)});
    }
    std::sort(files.begin(), files.end(), [](const CodeFile &a, const CodeFile &b) {
        return a.path < b.path;
    });
    return files;
}

Result<void> removeTree(const QString &dir)
{
    if (QFileInfo::exists(dir) && !QDir(dir).removeRecursively())
        return std::unexpected(ioError(tr("remove %1").arg(dir), tr("permission denied")));
    return {};
}

Result<QByteArray> readJsonFile(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return QByteArray();
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(ioError(tr("read %1").arg(path), file.errorString()));
    return file.readAll();
}

Result<void> writeJsonFile(const QString &path, const QJsonDocument &document, bool writable)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return std::unexpected(ioError(tr("create the folder of %1").arg(path), tr("permission denied or disk full")));
    QSaveFile out(path);
    const QByteArray data = document.toJson(QJsonDocument::Indented);
    if (!out.open(QIODevice::WriteOnly) || out.write(data) != data.size() || !out.commit())
        return std::unexpected(ioError(tr("write %1").arg(path), out.errorString()));
    QFile::setPermissions(path, filePermissions(false, writable));
    return {};
}

} // namespace

BucketStore::BucketStore(QString root)
    : m_root(std::move(root))
{
}

QString BucketStore::root() const
{
    return m_root;
}

QString BucketStore::functionDir(const QString &project, const QString &function) const
{
    return m_root + u'/' + project + u'/' + function;
}

QString BucketStore::workingDir(const QString &project, const QString &function) const
{
    return functionDir(project, function) + u"/working"_s;
}

QString BucketStore::versionDir(const QString &project, const QString &function, int number) const
{
    return functionDir(project, function) + u"/v"_s + QString::number(number);
}

Result<QStringList> BucketStore::workingPaths(const QString &project, const QString &function) const
{
    const QString dir = workingDir(project, function);
    QStringList paths;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    const QDir base(dir);
    while (it.hasNext())
        paths.append(base.relativeFilePath(it.next()));
    paths.sort();
    return paths;
}

Result<QList<CodeFile>> BucketStore::workingFiles(const QString &project, const QString &function) const
{
    return readTree(workingDir(project, function));
}

Result<CodeFile> BucketStore::readWorkingFile(
    const QString &project, const QString &function, const QString &path) const
{
    if (const QString problem = codePathProblem(path); !problem.isEmpty())
        return fail(u"bucket.bad_path"_s, problem);
    const QString full = workingDir(project, function) + u'/' + path;
    QFile file(full);
    if (!file.exists())
        return fail(u"bucket.not_found"_s, tr("The function %1 has no file %2.").arg(function, path));
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(ioError(tr("read %1").arg(full), file.errorString()));
    return CodeFile {path, file.readAll(), QFileInfo(full).permissions().testFlag(QFileDevice::ExeOwner)};
}

Result<void> BucketStore::writeWorkingFile(const QString &project, const QString &function, const CodeFile &file)
{
    return writeFileIn(workingDir(project, function), file, true);
}

Result<void> BucketStore::removeWorkingFile(const QString &project, const QString &function, const QString &path)
{
    if (const QString problem = codePathProblem(path); !problem.isEmpty())
        return fail(u"bucket.bad_path"_s, problem);
    const QString full = workingDir(project, function) + u'/' + path;
    if (QFileInfo::exists(full) && !QFile::remove(full))
        return std::unexpected(ioError(tr("remove %1").arg(full), tr("permission denied")));
    return {};
}

Result<void> BucketStore::replaceWorkingFiles(
    const QString &project, const QString &function, const QList<CodeFile> &files)
{
    // Written beside the old files and swapped in, so a failure half-way keeps the old ones.
    const QString target = workingDir(project, function);
    const QString staging =
        functionDir(project, function) + u"/.working-"_s + QUuid::createUuid().toString(QUuid::Id128);
    for (const CodeFile &file : files) {
        if (auto written = writeFileIn(staging, file, true); !written) {
            removeTree(staging);
            return written;
        }
    }
    QDir().mkpath(staging);
    const QString old = staging + u".old"_s;
    if (QFileInfo::exists(target) && !QDir().rename(target, old)) {
        removeTree(staging);
        return std::unexpected(ioError(tr("replace %1").arg(target), tr("cannot move the old files away")));
    }
    if (!QDir().rename(staging, target))
        return std::unexpected(ioError(tr("replace %1").arg(target), tr("cannot move the new files in")));
    return removeTree(old);
}

Result<void> BucketStore::writeVersion(const QString &project,
    const QString &function,
    int number,
    const QList<CodeFile> &files,
    const QJsonObject &config)
{
    const QString target = versionDir(project, function, number);
    if (QFileInfo::exists(target))
        return fail(u"bucket.exists"_s,
            tr("Version %1 of %2 is already stored in %3; versions never change.").arg(number).arg(function, target));
    const QString staging = target + u".staging"_s;
    removeTree(staging); // left over from a crash
    for (const CodeFile &file : files) {
        if (auto written = writeFileIn(staging + u"/code"_s, file, false); !written) {
            removeTree(staging);
            return written;
        }
    }
    QDir().mkpath(staging + u"/code"_s);
    if (auto written = writeJsonFile(staging + u"/config.json"_s, QJsonDocument(config), false); !written) {
        removeTree(staging);
        return written;
    }
    if (!QDir().rename(staging, target)) {
        removeTree(staging);
        return std::unexpected(ioError(tr("store version %1 in %2").arg(number).arg(target), tr("rename failed")));
    }
    return {};
}

Result<QList<CodeFile>> BucketStore::versionFiles(const QString &project, const QString &function, int number) const
{
    const QString dir = versionDir(project, function, number);
    if (!QFileInfo(dir).isDir())
        return fail(u"bucket.not_found"_s, tr("Version %1 of %2 is not stored in %3.").arg(number).arg(function, dir));
    return readTree(dir + u"/code"_s);
}

Result<QJsonObject> BucketStore::versionConfig(const QString &project, const QString &function, int number) const
{
    const QString path = versionDir(project, function, number) + u"/config.json"_s;
    auto data = readJsonFile(path);
    if (!data)
        return std::unexpected(data.error());
    const QJsonDocument document = QJsonDocument::fromJson(*data);
    if (!document.isObject())
        return fail(
            u"bucket.not_found"_s, tr("Version %1 of %2 has no readable configuration.").arg(number).arg(function));
    return document.object();
}

Result<void> BucketStore::removeVersion(const QString &project, const QString &function, int number)
{
    return removeTree(versionDir(project, function, number));
}

Result<QList<SampleEvent>> BucketStore::events(const QString &project, const QString &function) const
{
    auto data = readJsonFile(functionDir(project, function) + u"/events.json"_s);
    if (!data)
        return std::unexpected(data.error());
    if (data->isEmpty())
        return QList<SampleEvent>();
    return sampleEventsFromJson(QJsonDocument::fromJson(*data).array());
}

Result<void> BucketStore::saveEvents(const QString &project, const QString &function, const QList<SampleEvent> &events)
{
    return writeJsonFile(
        functionDir(project, function) + u"/events.json"_s, QJsonDocument(sampleEventsToJson(events)), true);
}

Result<void> BucketStore::removeFunction(const QString &project, const QString &function)
{
    return removeTree(functionDir(project, function));
}

} // namespace rune
