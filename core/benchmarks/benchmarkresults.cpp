// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarks/benchmarkresults.h"

#include "store/store.h"

#include <QCoreApplication>
#include <QSaveFile>
#include <QSet>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::BenchmarkResults", text);
}

} // namespace

BenchmarkResults::BenchmarkResults(Store *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
}

BenchmarkResults::~BenchmarkResults()
{
    m_writer.waitForDone();
}

void BenchmarkResults::record(const QList<BenchmarkRecord> &records)
{
    if (records.isEmpty())
        return;
    QSet<QString> ids;
    for (const BenchmarkRecord &record : records)
        ids.insert(record.nodeId);
    Store *store = m_store;
    m_writer.run(
        this,
        [store, records] {
            return store->addBenchmarkRecords(records);
        },
        [this, nodeIds = QStringList(ids.begin(), ids.end())](const Result<void> &written) {
            if (written)
                Q_EMIT recorded(nodeIds);
            else
                Q_EMIT saveFailed(written.error().message);
        });
}

void BenchmarkResults::read(
    std::function<Result<QList<BenchmarkRecord>>()> work, QObject *context, Callback<QList<BenchmarkRecord>> done) const
{
    runInBackground(context, std::move(work), std::move(done));
}

void BenchmarkResults::latest(const QString &nodeId, QObject *context, Callback<QList<BenchmarkRecord>> done) const
{
    Store *store = m_store;
    read(
        [store, nodeId] {
            return store->latestBenchmarks(nodeId);
        },
        context,
        std::move(done));
}

void BenchmarkResults::history(const QString &nodeId, QObject *context, Callback<QList<BenchmarkRecord>> done) const
{
    Store *store = m_store;
    read(
        [store, nodeId] {
            return store->benchmarkHistory(nodeId);
        },
        context,
        std::move(done));
}

void BenchmarkResults::all(QObject *context, Callback<QList<BenchmarkRecord>> done) const
{
    Store *store = m_store;
    read(
        [store] {
            return store->allBenchmarks();
        },
        context,
        std::move(done));
}

void BenchmarkResults::exportCsv(
    const QList<BenchmarkRecord> &records, const QString &path, QObject *context, Callback<void> done)
{
    runInBackground(
        context,
        [records, path] {
            return writeBenchmarkCsv(records, path);
        },
        std::move(done));
}

void BenchmarkResults::flush()
{
    m_writer.waitForDone();
}

Result<void> writeBenchmarkCsv(const QList<BenchmarkRecord> &records, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(u"export.failed"_s, tr("Cannot write %1: %2.").arg(path, file.errorString()));
    file.write(benchmarkCsv(records));
    if (!file.commit())
        return fail(u"export.failed"_s, tr("Cannot write %1: %2.").arg(path, file.errorString()));
    return {};
}

} // namespace rune
