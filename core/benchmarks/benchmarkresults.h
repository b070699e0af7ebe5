// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "benchmarks/benchmarkrun.h"
#include "util/background.h"

#include <QObject>
#include <functional>

namespace rune
{

class Store;

/**
 * The benchmark figures the console keeps, in its store. Writes run in order on one worker
 * thread and reads on the global pool: the UI thread never waits on the disk. Callbacks run on
 * their context's thread, not at all once it is gone.
 */
class BenchmarkResults final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BenchmarkResults)

public:
    template <typename T> using Callback = std::function<void(Result<T>)>;

    /** Works with @p store, which outlives this object. */
    explicit BenchmarkResults(Store *store, QObject *parent = nullptr);
    /** Waits for the writes still queued. */
    ~BenchmarkResults() override;

    /** Stores @p records; recorded() follows once they are in the store, saveFailed() if not. */
    void record(const QList<BenchmarkRecord> &records);
    /** The latest run's figures of each test on node @p nodeId (empty: every node). */
    void latest(const QString &nodeId, QObject *context, Callback<QList<BenchmarkRecord>> done) const;
    /** Every figure of node @p nodeId, oldest first. */
    void history(const QString &nodeId, QObject *context, Callback<QList<BenchmarkRecord>> done) const;
    /** Every stored figure, oldest first. */
    void all(QObject *context, Callback<QList<BenchmarkRecord>> done) const;
    /** Writes @p records as CSV to @p path (replacing it) off the UI thread. */
    static void exportCsv(
        const QList<BenchmarkRecord> &records, const QString &path, QObject *context, Callback<void> done);

    /** Blocks until every queued write is done (tests and shutdown). */
    void flush();

Q_SIGNALS:
    /** New figures of nodes @p nodeIds are in the store. */
    void recorded(const QStringList &nodeIds);
    void saveFailed(const QString &message);

private:
    /** Runs @p work on the global pool: reads see what the writer has committed. */
    void read(std::function<Result<QList<BenchmarkRecord>>()> work,
        QObject *context,
        Callback<QList<BenchmarkRecord>> done) const;

    Store *m_store;
    SerialQueue m_writer;
};

/** Writes @p records as CSV to @p path through a temporary file renamed into place. */
Result<void> writeBenchmarkCsv(const QList<BenchmarkRecord> &records, const QString &path);

} // namespace rune
