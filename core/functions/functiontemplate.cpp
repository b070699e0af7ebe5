// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functiontemplate.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::FunctionTemplate", text);
}

Error badTemplate(const QString &dir, const QString &why)
{
    return Error {u"function.bad_template"_s, tr("The function template in %1 cannot be used: %2.").arg(dir, why)};
}

Result<QList<CodeFile>> templateFiles(const QString &dir, const QStringList &executables)
{
    QList<CodeFile> files;
    const QString filesDir = dir + u"/files"_s;
    QDirIterator it(filesDir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return std::unexpected(badTemplate(dir, tr("%1 is not readable").arg(path)));
        const QString relative = QDir(filesDir).relativeFilePath(path);
        files.append(CodeFile {relative, file.readAll(), executables.contains(relative)});
    }
    std::sort(files.begin(), files.end(), [](const CodeFile &a, const CodeFile &b) {
        return a.path < b.path;
    });
    if (files.isEmpty())
        return std::unexpected(badTemplate(dir, tr("its files/ folder is empty")));
    return files;
}

Result<FunctionTemplate> loadOne(const QString &dir, const QString &id)
{
    QFile file(dir + u"/template.json"_s);
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(badTemplate(dir, tr("template.json is missing")));
    QJsonParseError parseError;
    const QJsonObject json = QJsonDocument::fromJson(file.readAll(), &parseError).object();
    if (parseError.error != QJsonParseError::NoError)
        return std::unexpected(badTemplate(dir, parseError.errorString()));
    FunctionTemplate result;
    result.id = id;
    result.title = json.value(u"title"_s).toString(id);
    result.description = json.value(u"description"_s).toString();
    result.mainFile = json.value(u"main"_s).toString();
    auto config = FunctionConfig::fromJson(json.value(u"config"_s).toObject());
    if (!config)
        return std::unexpected(badTemplate(dir, config.error().message));
    result.config = *config;
    QStringList executables;
    for (const QJsonValue &value : json.value(u"executable"_s).toArray())
        executables << value.toString();
    auto files = templateFiles(dir, executables);
    if (!files)
        return std::unexpected(files.error());
    result.files = *files;
    auto events = sampleEventsFromJson(json.value(u"events"_s).toArray());
    if (!events)
        return std::unexpected(badTemplate(dir, events.error().message));
    result.events = *events;
    if (result.mainFile.isEmpty())
        result.mainFile = result.files.first().path;
    return result;
}

} // namespace

Result<QList<FunctionTemplate>> loadFunctionTemplates(const QString &dir)
{
    QList<FunctionTemplate> templates;
    const QStringList ids = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &id : ids) {
        auto loaded = loadOne(dir + u'/' + id, id);
        if (!loaded)
            return std::unexpected(loaded.error());
        templates.append(*loaded);
    }
    if (templates.isEmpty())
        return fail(u"function.bad_template"_s, tr("There are no function templates in %1.").arg(dir));
    return templates;
}

} // namespace rune
