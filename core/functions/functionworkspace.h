// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/bucketstore.h"
#include "functions/functioncatalog.h"
#include "functions/functiontemplate.h"
#include "util/background.h"

#include <QObject>
#include <functional>

namespace rune
{

class Store;

/**
 * The files and settings of the console's functions: creating a function from a template,
 * reading and saving its working files, its configuration and sample events. Each call works
 * on a background thread (one, so writes happen in the order they were asked for) and reports
 * to a callback on the caller's thread; the catalog follows every change that succeeded.
 */
class FunctionWorkspace final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionWorkspace)

public:
    template <typename T> using Callback = std::function<void(Result<T>)>;

    FunctionWorkspace(Store *store, BucketStore buckets, FunctionCatalog *catalog, QObject *parent = nullptr);
    /** Waits for the writes in flight. */
    ~FunctionWorkspace() override;

    FunctionCatalog *catalog() const;
    const BucketStore &buckets() const;
    Store *store() const;
    /** The thread writes run on, shared with FunctionReleases so they keep one order. */
    SerialQueue *writer();

    /** Reads every function from the store and the bucket store into the catalog. */
    void load(QObject *context, Callback<void> done = {});
    /**
     * Reads the store again after the writes queued so far and makes the loaded catalog match
     * it: functions, versions and deployments another process added, changed or removed follow;
     * nothing is announced for what is the same. Before load() is done it leaves the catalog alone.
     */
    void reload(QObject *context, Callback<void> done = {});

    /**
     * Creates @p name in @p project from @p fromTemplate: its configuration, files and sample
     * events. Fails with "function.name_invalid" or "function.exists" before touching the disk.
     */
    void createFunction(const QString &project,
        const QString &name,
        const FunctionTemplate &fromTemplate,
        QObject *context,
        Callback<Function> done);
    /** Creates a function with @p files and @p config (a dropped folder). */
    void createFunction(const QString &project,
        const QString &name,
        const FunctionConfig &config,
        const QList<CodeFile> &files,
        QObject *context,
        Callback<Function> done);
    /** Forgets the function here: store, files, versions. The agents are FunctionReleases' job. */
    void removeFunction(const QString &id, QObject *context, Callback<void> done);

    void readFile(const QString &id, const QString &path, QObject *context, Callback<CodeFile> done);
    /** Saves (or creates) one working file. */
    void saveFile(const QString &id, const CodeFile &file, QObject *context, Callback<void> done);
    void removeFile(const QString &id, const QString &path, QObject *context, Callback<void> done);
    /** Replaces every working file (a dropped folder). */
    void replaceFiles(const QString &id, const QList<CodeFile> &files, QObject *context, Callback<void> done);

    /**
     * Saves the configuration the next deploy sends. An invalid one is refused with
     * "function.config_invalid", its message listing every problem FunctionConfig::validate() found.
     */
    void saveConfig(const QString &id, const FunctionConfig &config, QObject *context, Callback<void> done);

    void loadEvents(const QString &id, QObject *context, Callback<QList<SampleEvent>> done);
    void saveEvents(const QString &id, const QList<SampleEvent> &events, QObject *context, Callback<void> done);

    /** Every working file with its contents. */
    void readWorkingFiles(const QString &id, QObject *context, Callback<QList<CodeFile>> done);
    /** The files of version @p number, as deployed. */
    void readVersionFiles(const QString &id, int number, QObject *context, Callback<QList<CodeFile>> done);

Q_SIGNALS:
    /** The working files of @p id were replaced as a whole (a dropped folder): editors reload. */
    void filesReplaced(const QString &id);

private:
    Result<Function> known(const QString &id) const;
    /**
     * Runs @p work(function) on the writer thread for the known function @p id, then, on
     * @p context's thread, @p settled(result) and @p done(result); an unknown id fails at once.
     */
    template <typename T, typename Work, typename Settled>
    void onWriter(const QString &id, QObject *context, Callback<T> done, Work work, Settled settled);
    template <typename T, typename Work>
    void onWriter(const QString &id, QObject *context, Callback<T> done, Work work);
    void refreshFiles(const QString &id);
    /** load() when @p first, else reload(). */
    void readStore(QObject *context, Callback<void> done, bool first);

    Store *m_store;
    BucketStore m_buckets;
    FunctionCatalog *m_catalog;
    SerialQueue m_writer;
};

/** Checks a project name with the rules of function names; empty if valid. */
QString projectNameProblem(const QString &name);

} // namespace rune
