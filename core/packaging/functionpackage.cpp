// SPDX-License-Identifier: GPL-3.0-or-later
#include "packaging/functionpackage.h"

#include "packaging/ignorerules.h"
#include "util/regularfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::Package", text);
}

/** The deepest folder holding every one of @p paths. */
QString commonFolder(const QStringList &paths)
{
    QStringList common = QFileInfo(paths.first()).absolutePath().split(u'/');
    for (const QString &path : paths) {
        const QStringList parts = QFileInfo(path).absolutePath().split(u'/');
        qsizetype same = 0;
        while (same < common.size() && same < parts.size() && common.at(same) == parts.at(same))
            ++same;
        common = common.mid(0, same);
    }
    const QString joined = common.join(u'/');
    return joined.isEmpty() ? u"/"_s : joined;
}

IgnoreRules rulesIn(const QString &folder)
{
    // A pipe or a link in its place is no list of rules; nor is anything the size of a file set.
    constexpr qint64 largest = 1024 * 1024;
    const auto text =
        readRegularFile(QDir(folder).filePath(QLatin1StringView(IgnoreRules::fileName)), largest, FileLinks::Refuse);
    return text ? IgnoreRules::parse(QString::fromUtf8(*text)) : IgnoreRules();
}

PackageEntry entryFor(const QFileInfo &info, const QString &path, const IgnoreRules &rules)
{
    PackageEntry entry;
    entry.path = path;
    entry.sourcePath = info.absoluteFilePath();
    entry.size = info.isSymLink() ? 0 : info.size();
    entry.executable = info.permissions().testFlag(QFileDevice::ExeOwner);
    entry.excludedBy = rules.excludedBy(path, false);
    if (entry.excludedBy.isEmpty() && info.isSymLink())
        entry.excludedBy = tr("a symbolic link");
    else if (entry.excludedBy.isEmpty() && !info.isFile())
        entry.excludedBy = tr("not a regular file"); // a pipe, a socket or a device: nothing to deploy
    else if (entry.excludedBy.isEmpty() && !info.isReadable())
        entry.excludedBy = tr("not readable");
    else if (entry.excludedBy.isEmpty() && !codePathProblem(path).isEmpty())
        entry.excludedBy = tr("a name the agent cannot take");
    return entry;
}

/** Every file under @p folder, as paths starting with @p prefix; excluded folders are not entered. */
void collect(const QString &folder, const QString &prefix, const IgnoreRules &rules, QList<PackageEntry> &out)
{
    QDir dir(folder);
    const auto infos =
        dir.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &info : infos) {
        const QString path = prefix + info.fileName();
        if (info.isDir() && !info.isSymLink()) {
            if (!rules.isIgnored(path, true))
                collect(info.absoluteFilePath(), path + u'/', rules, out);
            continue;
        }
        out.append(entryFor(info, path, rules));
        if (out.size() > FunctionPackage::maxFiles)
            return;
    }
}

} // namespace

QString functionNameFrom(const QString &text)
{
    QString name = text.toLower();
    name.replace(QRegularExpression(u"[^a-z0-9]+"_s), u"-"_s);
    name.remove(QRegularExpression(u"^[^a-z]+"_s));
    name = name.left(63);
    while (name.endsWith(u'-'))
        name.chop(1);
    return name.isEmpty() ? u"function"_s : name;
}

std::pair<FunctionRuntime, QString> guessRuntime(const QList<PackageEntry> &entries)
{
    const auto has = [&entries](const QString &path) {
        return std::any_of(entries.cbegin(), entries.cend(), [&path](const PackageEntry &entry) {
            return entry.isIncluded() && entry.path == path;
        });
    };
    for (const QString &module : {u"handler"_s, u"main"_s, u"app"_s}) {
        if (has(module + u".py"_s))
            return {FunctionRuntime::Python3, module + u".handle"_s};
    }
    for (const QString &module : {u"handler"_s, u"index"_s, u"main"_s}) {
        if (has(module + u".js"_s))
            return {FunctionRuntime::Node, module + u".handle"_s};
    }
    for (const PackageEntry &entry : entries) {
        if (entry.isIncluded() && entry.executable)
            return {FunctionRuntime::Exec, entry.path};
    }
    return {FunctionRuntime::Python3, u"handler.handle"_s};
}

Result<FunctionPackage> FunctionPackage::scan(const QStringList &localPaths)
{
    if (localPaths.isEmpty())
        return fail(u"package.empty"_s, tr("Nothing was dropped."));
    for (const QString &path : localPaths) {
        if (!QFileInfo::exists(path))
            return fail(u"package.unreadable"_s, tr("%1 does not exist.").arg(path));
    }
    FunctionPackage package;
    const QFileInfo first(localPaths.first());
    const bool oneFolder = localPaths.size() == 1 && first.isDir();
    package.root = oneFolder ? first.absoluteFilePath() : commonFolder(localPaths);
    const IgnoreRules rules = rulesIn(package.root);
    if (oneFolder) {
        collect(package.root, {}, rules, package.entries);
    } else {
        const QDir root(package.root);
        for (const QString &path : localPaths) {
            const QFileInfo info(path);
            const QString relative = root.relativeFilePath(info.absoluteFilePath());
            if (info.isDir() && !info.isSymLink()) {
                if (!rules.isIgnored(relative, true))
                    collect(info.absoluteFilePath(), relative + u'/', rules, package.entries);
            } else {
                package.entries.append(entryFor(info, relative, rules));
            }
        }
    }
    std::sort(package.entries.begin(), package.entries.end(), [](const PackageEntry &a, const PackageEntry &b) {
        return a.path < b.path;
    });
    if (package.entries.size() > maxFiles)
        return fail(u"package.too_large"_s,
            tr("%1 holds more than %2 files; list what to leave out in a .runeignore file.")
                .arg(package.root)
                .arg(maxFiles));
    if (package.includedCount() == 0)
        return fail(
            u"package.empty"_s, tr("Nothing in %1 is left to deploy: every file is excluded.").arg(package.root));
    if (package.includedBytes() > maxBytes)
        return fail(u"package.too_large"_s,
            tr("The files to deploy take %1 MiB, more than the %2 MiB an agent unpacks; list what to leave out in a "
               ".runeignore file.")
                .arg(package.includedBytes() / (1024 * 1024))
                .arg(maxBytes / (1024 * 1024)));
    package.suggestedName = functionNameFrom(oneFolder ? first.fileName() : first.completeBaseName());
    std::tie(package.suggestedRuntime, package.suggestedHandler) = guessRuntime(package.entries);
    return package;
}

Result<QList<CodeFile>> FunctionPackage::readFiles() const
{
    QList<CodeFile> files;
    for (const PackageEntry &entry : entries) {
        if (!entry.isIncluded())
            continue;
        // Read as scanned: a regular file, not a link. One made a pipe or a link since would block
        // the read or lead out of the folder; it is refused at once.
        auto bytes = readRegularFile(entry.sourcePath, maxBytes, FileLinks::Refuse);
        if (!bytes)
            return fail(u"package.unreadable"_s, bytes.error().message);
        files.append(CodeFile {entry.path, std::move(*bytes), entry.executable});
    }
    return files;
}

int FunctionPackage::includedCount() const
{
    return int(std::count_if(entries.cbegin(), entries.cend(), [](const PackageEntry &entry) {
        return entry.isIncluded();
    }));
}

qint64 FunctionPackage::includedBytes() const
{
    qint64 bytes = 0;
    for (const PackageEntry &entry : entries)
        bytes += entry.isIncluded() ? entry.size : 0;
    return bytes;
}

} // namespace rune
