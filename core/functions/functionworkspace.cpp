// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionworkspace.h"

#include "store/store.h"

#include <QCoreApplication>
#include <QSet>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::FunctionWorkspace", text);
}

/** Everything the catalog holds about one function, read on a worker thread. */
struct Loaded {
    Function function;
    QList<FunctionVersion> versions;
    QList<FunctionDeployment> deployments;
    QStringList files;
};

Result<QList<Loaded>> loadAll(Store *store, const BucketStore &buckets)
{
    auto functions = store->loadFunctions();
    if (!functions)
        return std::unexpected(functions.error());
    QList<Loaded> loaded;
    for (const Function &function : std::as_const(*functions)) {
        auto versions = store->loadVersions(function.id);
        auto deployments = store->loadDeployments(function.id);
        auto files = buckets.workingPaths(function.project, function.name);
        if (!versions || !deployments || !files)
            return std::unexpected(!versions ? versions.error() : !deployments ? deployments.error() : files.error());
        loaded.append({function, *versions, *deployments, *files});
    }
    return loaded;
}

/** Makes @p catalog match what the store holds; only real differences are announced. */
void follow(FunctionCatalog *catalog, const QList<Loaded> &loaded)
{
    QSet<QString> stored;
    for (const Loaded &item : loaded) {
        const QString &id = item.function.id;
        stored.insert(id);
        const Function *known = catalog->find(id);
        // A new function, or one renamed elsewhere: the catalog keeps its order by name.
        if (!known || known->project != item.function.project || known->name != item.function.name) {
            catalog->insert(item.function, item.versions, item.deployments, item.files);
            continue;
        }
        catalog->update(item.function);
        catalog->setVersions(id, item.versions);
        catalog->setDeployments(id, item.deployments);
        catalog->setFiles(id, item.files);
    }
    QStringList gone;
    for (const Function &function : catalog->functions()) {
        if (!stored.contains(function.id))
            gone << function.id;
    }
    for (const QString &id : std::as_const(gone))
        catalog->remove(id);
}

template <typename T> void report(const FunctionWorkspace::Callback<T> &done, Result<T> result)
{
    if (done)
        done(std::move(result));
}

} // namespace

QString projectNameProblem(const QString &name)
{
    const QString problem = functionNameProblem(name);
    if (problem.isEmpty())
        return {};
    return tr("the project name \"%1\" must start with a letter and use only lowercase letters, digits and '-', at "
              "most 63 characters")
        .arg(name);
}

FunctionWorkspace::FunctionWorkspace(Store *store, BucketStore buckets, FunctionCatalog *catalog, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_buckets(std::move(buckets))
    , m_catalog(catalog)
{
}

FunctionWorkspace::~FunctionWorkspace()
{
    m_writer.waitForDone();
}

FunctionCatalog *FunctionWorkspace::catalog() const
{
    return m_catalog;
}

const BucketStore &FunctionWorkspace::buckets() const
{
    return m_buckets;
}

Store *FunctionWorkspace::store() const
{
    return m_store;
}

SerialQueue *FunctionWorkspace::writer()
{
    return &m_writer;
}

Result<Function> FunctionWorkspace::known(const QString &id) const
{
    const Function *function = m_catalog->find(id);
    if (!function)
        return fail(u"function.not_found"_s, tr("There is no such function; was it deleted?"));
    return *function;
}

void FunctionWorkspace::load(QObject *context, Callback<void> done)
{
    readStore(context, std::move(done), true);
}

void FunctionWorkspace::reload(QObject *context, Callback<void> done)
{
    readStore(context, std::move(done), false);
}

void FunctionWorkspace::readStore(QObject *context, Callback<void> done, bool first)
{
    // On the writer, so it reads after the writes asked for before it; the catalog changes only
    // once a write is done, so what it reads is never older than the catalog.
    m_writer.run(
        context,
        [store = m_store, buckets = m_buckets] {
            return loadAll(store, buckets);
        },
        [this, done, first](Result<QList<Loaded>> loaded) {
            if (!loaded)
                return report<void>(done, std::unexpected(loaded.error()));
            if (first || m_catalog->isLoaded())
                follow(m_catalog, *loaded);
            if (first)
                m_catalog->markLoaded();
            report<void>(done, {});
        });
}

void FunctionWorkspace::createFunction(const QString &project,
    const QString &name,
    const FunctionTemplate &fromTemplate,
    QObject *context,
    Callback<Function> done)
{
    createFunction(project,
        name,
        fromTemplate.config,
        fromTemplate.files,
        context,
        [this, context, events = fromTemplate.events, done](Result<Function> created) {
            if (!created || events.isEmpty())
                return report(done, std::move(created));
            saveEvents(created->id, events, context, [done, function = *created](Result<void>) {
                report<Function>(done, function);
            });
        });
}

void FunctionWorkspace::createFunction(const QString &project,
    const QString &name,
    const FunctionConfig &config,
    const QList<CodeFile> &files,
    QObject *context,
    Callback<Function> done)
{
    QString problem = projectNameProblem(project);
    if (problem.isEmpty())
        problem = functionNameProblem(name);
    if (!problem.isEmpty())
        return report<Function>(done, fail(u"function.name_invalid"_s, problem[0].toUpper() + problem.mid(1) + u'.'));
    if (m_catalog->find(project, name))
        return report<Function>(
            done, fail(u"function.exists"_s, tr("The project %1 already has a function named %2.").arg(project, name)));
    Function function;
    function.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    function.project = project;
    function.name = name;
    function.config = config;
    m_writer.run(
        context,
        [store = m_store, buckets = m_buckets, function, files]() mutable -> Result<QStringList> {
            if (auto written = buckets.replaceWorkingFiles(function.project, function.name, files); !written)
                return std::unexpected(written.error());
            if (auto saved = store->saveFunction(function); !saved) {
                buckets.removeFunction(function.project, function.name);
                return std::unexpected(saved.error());
            }
            return buckets.workingPaths(function.project, function.name);
        },
        [this, function, done](Result<QStringList> paths) {
            if (!paths)
                return report<Function>(done, std::unexpected(paths.error()));
            m_catalog->insert(function, {}, {}, *paths);
            report<Function>(done, function);
        });
}

template <typename T, typename Work, typename Settled>
void FunctionWorkspace::onWriter(const QString &id, QObject *context, Callback<T> done, Work work, Settled settled)
{
    const auto function = known(id);
    if (!function)
        return report<T>(done, std::unexpected(function.error()));
    m_writer.run(
        context,
        [work = std::move(work), function = *function]() mutable -> Result<T> {
            return work(function);
        },
        [settled = std::move(settled), done](Result<T> result) {
            settled(result);
            report(done, std::move(result));
        });
}

template <typename T, typename Work>
void FunctionWorkspace::onWriter(const QString &id, QObject *context, Callback<T> done, Work work)
{
    onWriter<T>(id, context, std::move(done), std::move(work), [](const Result<T> &) {});
}

void FunctionWorkspace::removeFunction(const QString &id, QObject *context, Callback<void> done)
{
    onWriter<void>(
        id,
        context,
        done,
        [store = m_store, buckets = m_buckets](const Function &function) mutable -> Result<void> {
            if (auto removed = store->removeFunction(function.id); !removed)
                return removed;
            return buckets.removeFunction(function.project, function.name);
        },
        [this, id](const Result<void> &removed) {
            if (removed)
                m_catalog->remove(id);
        });
}

void FunctionWorkspace::readFile(const QString &id, const QString &path, QObject *context, Callback<CodeFile> done)
{
    onWriter<CodeFile>(id, context, done, [buckets = m_buckets, path](const Function &function) {
        return buckets.readWorkingFile(function.project, function.name, path);
    });
}

void FunctionWorkspace::refreshFiles(const QString &id)
{
    const Function *function = m_catalog->find(id);
    if (!function)
        return;
    m_writer.run(
        this,
        [buckets = m_buckets, function = *function] {
            return buckets.workingPaths(function.project, function.name);
        },
        [this, id](Result<QStringList> paths) {
            if (paths)
                m_catalog->setFiles(id, *paths);
        });
}

void FunctionWorkspace::saveFile(const QString &id, const CodeFile &file, QObject *context, Callback<void> done)
{
    onWriter<void>(
        id,
        context,
        done,
        [buckets = m_buckets, file](const Function &function) mutable {
            return buckets.writeWorkingFile(function.project, function.name, file);
        },
        [this, id, path = file.path](const Result<void> &saved) {
            if (saved && !m_catalog->files(id).contains(path))
                refreshFiles(id);
        });
}

void FunctionWorkspace::removeFile(const QString &id, const QString &path, QObject *context, Callback<void> done)
{
    onWriter<void>(
        id,
        context,
        done,
        [buckets = m_buckets, path](const Function &function) mutable {
            return buckets.removeWorkingFile(function.project, function.name, path);
        },
        [this, id](const Result<void> &removed) {
            if (removed)
                refreshFiles(id);
        });
}

void FunctionWorkspace::replaceFiles(
    const QString &id, const QList<CodeFile> &files, QObject *context, Callback<void> done)
{
    onWriter<void>(
        id,
        context,
        done,
        [buckets = m_buckets, files](const Function &function) mutable {
            return buckets.replaceWorkingFiles(function.project, function.name, files);
        },
        [this, id](const Result<void> &replaced) {
            if (replaced) {
                refreshFiles(id);
                Q_EMIT filesReplaced(id);
            }
        });
}

void FunctionWorkspace::saveConfig(
    const QString &id, const FunctionConfig &config, QObject *context, Callback<void> done)
{
    auto function = known(id);
    if (!function)
        return report<void>(done, std::unexpected(function.error()));
    if (const QStringList problems = config.validate(); !problems.isEmpty())
        return report<void>(done,
            fail(u"function.config_invalid"_s,
                tr("The configuration of %1 was not saved: %2.").arg(function->name, problems.join(u"; "_s))));
    function->config = config;
    m_writer.run(
        context,
        [store = m_store, function = *function] {
            return store->saveFunction(function);
        },
        [this, function = *function, done](Result<void> saved) {
            if (saved) {
                // Keep what changed meanwhile (a deploy moves the current version).
                if (const Function *now = m_catalog->find(function.id)) {
                    Function updated = *now;
                    updated.config = function.config;
                    m_catalog->update(updated);
                }
            }
            report(done, std::move(saved));
        });
}

void FunctionWorkspace::loadEvents(const QString &id, QObject *context, Callback<QList<SampleEvent>> done)
{
    onWriter<QList<SampleEvent>>(id, context, done, [buckets = m_buckets](const Function &function) {
        return buckets.events(function.project, function.name);
    });
}

void FunctionWorkspace::saveEvents(
    const QString &id, const QList<SampleEvent> &events, QObject *context, Callback<void> done)
{
    onWriter<void>(id, context, done, [buckets = m_buckets, events](const Function &function) mutable {
        return buckets.saveEvents(function.project, function.name, events);
    });
}

void FunctionWorkspace::readWorkingFiles(const QString &id, QObject *context, Callback<QList<CodeFile>> done)
{
    onWriter<QList<CodeFile>>(id, context, done, [buckets = m_buckets](const Function &function) {
        return buckets.workingFiles(function.project, function.name);
    });
}

void FunctionWorkspace::readVersionFiles(
    const QString &id, int number, QObject *context, Callback<QList<CodeFile>> done)
{
    onWriter<QList<CodeFile>>(id, context, done, [buckets = m_buckets, number](const Function &function) {
        return buckets.versionFiles(function.project, function.name, number);
    });
}

} // namespace rune
