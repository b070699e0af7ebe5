// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/historystore.h"

#include "store/sql.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

/** 1: a node's figures; 2: a function's replicas ready, queue and cold starts too. */
constexpr int schemaVersion = 2;
/** The first metric schema 2 added: it and those after it are columns a schema 1 file lacks. */
constexpr Metric firstOfSchema2 = Metric::ReplicasReady;

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::HistoryStore", text);
}

QStringList metricColumns()
{
    QStringList columns;
    for (int i = 0; i < metricCount; ++i)
        columns << QString::fromLatin1(metricColumn(Metric(i)));
    return columns;
}

QString createTable()
{
    QStringList columns {u"node_id TEXT NOT NULL"_s, u"resolution INTEGER NOT NULL"_s, u"time_ms INTEGER NOT NULL"_s};
    for (const QString &column : metricColumns())
        columns << column + u" REAL NOT NULL"_s;
    columns << u"PRIMARY KEY (node_id, resolution, time_ms)"_s;
    return u"CREATE TABLE IF NOT EXISTS points (%1) WITHOUT ROWID"_s.arg(columns.join(u", "_s));
}

/** The statements that bring a file of schema @p found up to date: the columns it lacks, as zeros. */
QStringList upgrades(int found)
{
    QStringList statements;
    if (found < 1 || found >= 2)
        return statements;
    for (int i = int(firstOfSchema2); i < metricCount; ++i)
        statements << u"ALTER TABLE points ADD COLUMN %1 REAL NOT NULL DEFAULT 0"_s.arg(
            QString::fromLatin1(metricColumn(Metric(i))));
    return statements;
}

Error queryError(const QSqlQuery &query, const QString &context)
{
    return sql::explained(Error {u"store.query_failed"_s, query.lastError().text()}, context);
}

} // namespace

HistoryStore::HistoryStore(const QString &path)
    : m_pool(path, [path](QSqlDatabase &db) -> Result<void> {
        for (const QString &pragma : {u"PRAGMA busy_timeout = 5000"_s, u"PRAGMA synchronous = NORMAL"_s}) {
            if (auto done = sql::run(db, pragma); !done)
                return std::unexpected(done.error());
        }
        return {};
    })
{
}

HistoryStore::~HistoryStore() = default;

Result<std::unique_ptr<HistoryStore>> HistoryStore::open(const QString &path)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return fail(u"store.open_failed"_s, tr("Cannot create the directory of %1.").arg(path));
    std::unique_ptr<HistoryStore> store(new HistoryStore(path));
    if (auto prepared = store->prepareSchema(); !prepared)
        return std::unexpected(prepared.error());
    return store;
}

Result<void> HistoryStore::prepareSchema()
{
    const auto refused = [this](const Error &error) {
        return fail(error.code,
            tr("The file %1 is not Rune's metric history (%2). Delete it to start a new history.")
                .arg(path(), error.message));
    };
    const auto db = m_pool.connection();
    if (!db)
        return refused(db.error());
    auto version = sql::run(*db, u"PRAGMA user_version"_s);
    if (!version)
        return refused(version.error());
    const int found = version->next() ? version->value(0).toInt() : 0;
    version->finish(); // a query left open holds a read transaction, and WAL cannot be switched on in one
    if (found > schemaVersion) {
        return fail(u"store.too_new"_s,
            tr("The metric history %1 was written by a newer version of Rune. Delete it or update Rune.").arg(path()));
    }
    const QStringList statements = QStringList {u"PRAGMA journal_mode=WAL"_s, createTable()} + upgrades(found)
        + QStringList {u"PRAGMA user_version = %1"_s.arg(schemaVersion)};
    for (const QString &statement : statements) {
        if (auto done = sql::run(*db, statement); !done)
            return std::unexpected(
                sql::explained(done.error(), tr("Cannot prepare the metric history %1").arg(path())));
    }
    return {};
}

QString HistoryStore::path() const
{
    return m_pool.path();
}

Result<void> HistoryStore::write(const QList<StoredPoint> &points)
{
    const auto db = m_pool.connection();
    if (!db)
        return std::unexpected(db.error());
    static const QString statement =
        u"INSERT OR REPLACE INTO points (node_id, resolution, time_ms, %1) VALUES (?, ?, ?%2)"_s.arg(
            metricColumns().join(u", "_s), u", ?"_s.repeated(metricCount));
    return sql::inWriteTransaction(*db, [&]() -> Result<void> {
        QSqlQuery query(*db);
        if (!query.prepare(statement))
            return std::unexpected(queryError(query, tr("Cannot save metrics in %1").arg(path())));
        for (const StoredPoint &stored : points) {
            query.bindValue(0, stored.nodeId);
            query.bindValue(1, int(stored.range));
            query.bindValue(2, stored.point.timeMs);
            for (int i = 0; i < metricCount; ++i)
                query.bindValue(3 + i, double(stored.point.values[size_t(i)]));
            if (!query.exec())
                return std::unexpected(queryError(query, tr("Cannot save metrics in %1").arg(path())));
        }
        return {};
    });
}

Result<QList<MetricPoint>> HistoryStore::load(const QString &nodeId, HistoryRange range, qint64 fromMs) const
{
    const auto db = m_pool.connection();
    if (!db)
        return std::unexpected(db.error());
    static const QString statement =
        u"SELECT time_ms, %1 FROM points WHERE node_id = ? AND resolution = ? AND time_ms >= ? ORDER BY time_ms"_s.arg(
            metricColumns().join(u", "_s));
    auto query = sql::run(*db, statement, {nodeId, int(range), fromMs});
    if (!query)
        return std::unexpected(sql::explained(query.error(), tr("Cannot read metrics from %1").arg(path())));
    QList<MetricPoint> points;
    while (query->next()) {
        MetricPoint point;
        point.timeMs = query->value(0).toLongLong();
        for (int i = 0; i < metricCount; ++i)
            point.values[size_t(i)] = float(query->value(1 + i).toDouble());
        points.append(point);
    }
    return points;
}

Result<void> HistoryStore::prune(HistoryRange range, qint64 beforeMs)
{
    const auto db = m_pool.connection();
    if (!db)
        return std::unexpected(db.error());
    auto done = sql::run(*db, u"DELETE FROM points WHERE resolution = ? AND time_ms < ?"_s, {int(range), beforeMs});
    if (!done)
        return std::unexpected(sql::explained(done.error(), tr("Cannot prune metrics in %1").arg(path())));
    return {};
}

Result<void> HistoryStore::forget(const QString &nodeId)
{
    const auto db = m_pool.connection();
    if (!db)
        return std::unexpected(db.error());
    auto done = sql::run(*db, u"DELETE FROM points WHERE node_id = ?"_s, {nodeId});
    if (!done)
        return std::unexpected(sql::explained(done.error(), tr("Cannot forget metrics in %1").arg(path())));
    return {};
}

} // namespace rune
