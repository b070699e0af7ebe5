// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/sqlitestore.h"

#include "store/rows.h"
#include "store/schema.h"
#include "store/sql.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::Store", text);
}

/** INSERT ... ON CONFLICT DO UPDATE: an upsert that keeps the row (and its dependants) in place. */
QString upsert(const char *table, const char *columns, const QString &key)
{
    const QStringList names = QString::fromLatin1(columns).split(u", "_s);
    QStringList updates;
    for (const QString &name : names) {
        if (!key.split(u", "_s).contains(name))
            updates << u"%1 = excluded.%1"_s.arg(name);
    }
    return u"INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (%4) DO UPDATE SET %5"_s.arg(QLatin1StringView(table),
        QLatin1StringView(columns),
        QStringList(names.size(), u"?"_s).join(u", "_s),
        key,
        updates.join(u", "_s));
}

/** Runs a SELECT and decodes every row with @p decode. */
template <typename T>
Result<QList<T>> loadAll(const Result<QSqlDatabase> &db,
    const QString &statement,
    const QVariantList &values,
    Result<T> (*decode)(const QSqlQuery &))
{
    if (!db)
        return std::unexpected(db.error());
    auto query = sql::run(*db, statement, values);
    if (!query)
        return std::unexpected(query.error());
    QList<T> items;
    while (query->next()) {
        auto item = decode(*query);
        if (!item)
            return std::unexpected(item.error());
        items.append(std::move(*item));
    }
    return items;
}

Result<void> checkPath(const QString &path)
{
    const QFileInfo file(path);
    if (file.isDir())
        return fail(u"store.open_failed"_s, tr("Cannot open the store %1: it is a directory.").arg(path));
    if (!QDir().mkpath(file.absolutePath()))
        return fail(u"store.open_failed"_s,
            tr("Cannot open the store %1: cannot create the directory %2.").arg(path, file.absolutePath()));
    return {};
}

} // namespace

SqliteStore::SqliteStore(const QString &path)
    : m_pool(path, [path](QSqlDatabase &db) {
        return schema::setUpConnection(db, path);
    })
{
}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const QString &path)
{
    if (auto usable = checkPath(path); !usable)
        return std::unexpected(usable.error());
    std::unique_ptr<SqliteStore> store(new SqliteStore(path));
    const auto db = store->m_pool.connection();
    if (!db)
        return std::unexpected(db.error());
    if (auto prepared = schema::prepare(*db, path); !prepared)
        return std::unexpected(prepared.error());
    return store;
}

QString SqliteStore::path() const
{
    return m_pool.path();
}

Result<qint64> SqliteStore::dataVersion() const
{
    const QString context = tr("Could not read whether %1 changed").arg(path());
    const auto db = m_pool.connection();
    if (!db)
        return std::unexpected(sql::explained(db.error(), context));
    auto query = sql::run(*db, u"PRAGMA data_version"_s);
    if (!query)
        return std::unexpected(sql::explained(query.error(), context));
    if (!query->next())
        return std::unexpected(
            sql::explained(Error {u"store.query_failed"_s, tr("SQLite gave no data version")}, context));
    return query->value(0).toLongLong();
}

Result<void> SqliteStore::write(const QString &statement, const QVariantList &values, const QString &context)
{
    const auto db = m_pool.connection();
    if (!db)
        return std::unexpected(db.error());
    auto written = sql::inWriteTransaction(*db, [&]() -> Result<void> {
        auto query = sql::run(*db, statement, values);
        if (!query)
            return std::unexpected(query.error());
        if (query->numRowsAffected() == 0)
            return fail(u"store.not_found"_s, tr("there is no such entry"));
        return {};
    });
    if (!written)
        return std::unexpected(sql::explained(written.error(), context));
    return {};
}

Result<void> SqliteStore::saveNode(const Node &node)
{
    static const QString statement = upsert("nodes", rows::nodeColumns, u"id"_s);
    return write(statement, rows::nodeValues(node), tr("Could not save node %1 in %2").arg(node.name, path()));
}

Result<void> SqliteStore::removeNode(const QString &id)
{
    auto removed =
        write(u"DELETE FROM nodes WHERE id = ?"_s, {id}, tr("Could not remove node %1 from %2").arg(id, path()));
    if (!removed && removed.error().code == u"store.not_found")
        return {};
    return removed;
}

Result<QList<Node>> SqliteStore::loadNodes() const
{
    const QString statement = u"SELECT %1 FROM nodes ORDER BY rowid"_s.arg(QLatin1StringView(rows::nodeColumns));
    auto nodes = loadAll<Node>(m_pool.connection(), statement, {}, &rows::nodeFrom);
    if (!nodes)
        return std::unexpected(sql::explained(nodes.error(), tr("Could not load the nodes from %1").arg(path())));
    return nodes;
}

Result<void> SqliteStore::saveFunction(const Function &function)
{
    static const QString statement = upsert("functions", rows::functionColumns, u"id"_s);
    return write(statement,
        rows::functionValues(function),
        tr("Could not save function %1/%2 in %3").arg(function.project, function.name, path()));
}

Result<void> SqliteStore::removeFunction(const QString &id)
{
    // The versions go with it: ON DELETE CASCADE.
    auto removed = write(
        u"DELETE FROM functions WHERE id = ?"_s, {id}, tr("Could not remove function %1 from %2").arg(id, path()));
    if (!removed && removed.error().code == u"store.not_found")
        return {};
    return removed;
}

Result<QList<Function>> SqliteStore::loadFunctions() const
{
    const QString statement =
        u"SELECT %1 FROM functions ORDER BY project, name"_s.arg(QLatin1StringView(rows::functionColumns));
    auto functions = loadAll<Function>(m_pool.connection(), statement, {}, &rows::functionFrom);
    if (!functions)
        return std::unexpected(
            sql::explained(functions.error(), tr("Could not load the functions from %1").arg(path())));
    return functions;
}

Result<void> SqliteStore::addVersion(const FunctionVersion &version)
{
    static const QString statement =
        u"INSERT INTO function_versions (%1) VALUES (?, ?, ?, ?, ?, ?)"_s.arg(QLatin1StringView(rows::versionColumns));
    return write(statement,
        rows::versionValues(version),
        tr("Could not add version %1 of function %2 to %3").arg(version.number).arg(version.functionId, path()));
}

Result<QList<FunctionVersion>> SqliteStore::loadVersions(const QString &functionId) const
{
    const QString statement = u"SELECT %1 FROM function_versions WHERE function_id = ? ORDER BY number"_s.arg(
        QLatin1StringView(rows::versionColumns));
    auto versions = loadAll<FunctionVersion>(m_pool.connection(), statement, {functionId}, &rows::versionFrom);
    if (!versions)
        return std::unexpected(sql::explained(
            versions.error(), tr("Could not load the versions of function %1 from %2").arg(functionId, path())));
    return versions;
}

Result<void> SqliteStore::setVersionState(const QString &functionId, int number, FunctionState state)
{
    return write(u"UPDATE function_versions SET state = ? WHERE function_id = ? AND number = ?"_s,
        {functionStateName(state), functionId, number},
        tr("Could not mark version %1 of function %2 as %3 in %4")
            .arg(number)
            .arg(functionId, functionStateName(state), path()));
}

Result<void> SqliteStore::removeVersion(const QString &functionId, int number)
{
    // Its deployment rows go with it: ON DELETE CASCADE.
    auto removed = write(u"DELETE FROM function_versions WHERE function_id = ? AND number = ?"_s,
        {functionId, number},
        tr("Could not remove version %1 of function %2 from %3").arg(number).arg(functionId, path()));
    if (!removed && removed.error().code == u"store.not_found")
        return {};
    return removed;
}

Result<void> SqliteStore::saveDeployment(const FunctionDeployment &deployment)
{
    static const QString statement =
        upsert("function_deployments", rows::deploymentColumns, u"function_id, number, node_id"_s);
    return write(statement,
        rows::deploymentValues(deployment),
        tr("Could not record that version %1 of function %2 runs on node %3 in %4")
            .arg(deployment.number)
            .arg(deployment.functionId, deployment.nodeId, path()));
}

Result<QList<FunctionDeployment>> SqliteStore::loadDeployments(const QString &functionId) const
{
    const QString statement =
        u"SELECT %1 FROM function_deployments WHERE function_id = ? ORDER BY number, node_id"_s.arg(
            QLatin1StringView(rows::deploymentColumns));
    auto deployments = loadAll<FunctionDeployment>(m_pool.connection(), statement, {functionId}, &rows::deploymentFrom);
    if (!deployments)
        return std::unexpected(sql::explained(
            deployments.error(), tr("Could not load where function %1 runs from %2").arg(functionId, path())));
    return deployments;
}

Result<void> SqliteStore::addBenchmarkRecords(const QList<BenchmarkRecord> &records)
{
    const QString context = tr("Could not save benchmark figures in %1").arg(path());
    const auto db = m_pool.connection();
    if (!db)
        return std::unexpected(sql::explained(db.error(), context));
    static const QString statement = u"INSERT INTO bench_results (%1) VALUES (%2)"_s.arg(
        QLatin1StringView(rows::benchmarkColumns), QStringList(13, u"?"_s).join(u", "_s));
    auto written = sql::inWriteTransaction(*db, [&]() -> Result<void> {
        for (const BenchmarkRecord &record : records) {
            if (auto query = sql::run(*db, statement, rows::benchmarkValues(record)); !query)
                return std::unexpected(query.error());
        }
        return {};
    });
    if (!written)
        return std::unexpected(sql::explained(written.error(), context));
    return {};
}

Result<QList<BenchmarkRecord>> SqliteStore::latestBenchmarks(const QString &nodeId) const
{
    // The newest run of each (node, test): rowid breaks ties between runs started the same millisecond.
    const QString statement = uR"(SELECT %1 FROM bench_results AS r WHERE (? = '' OR r.node_id = ?)
        AND r.run_id = (SELECT run_id FROM bench_results WHERE node_id = r.node_id AND test = r.test
                        ORDER BY started_ms DESC, rowid DESC LIMIT 1)
        ORDER BY r.node_id, r.test, r.metric, r.peer)"_s.arg(QLatin1StringView(rows::benchmarkColumns));
    auto records = loadAll<BenchmarkRecord>(
        m_pool.connection(), statement, {sql::text(nodeId), sql::text(nodeId)}, &rows::benchmarkFrom);
    if (!records)
        return std::unexpected(
            sql::explained(records.error(), tr("Could not load the latest benchmark figures from %1").arg(path())));
    return records;
}

Result<QList<BenchmarkRecord>> SqliteStore::benchmarkHistory(
    const QString &nodeId, const QString &test, const QString &metric) const
{
    const QString statement = uR"(SELECT %1 FROM bench_results WHERE node_id = ?
        AND (? = '' OR test = ?) AND (? = '' OR metric = ?) ORDER BY started_ms, rowid)"_s.arg(
        QLatin1StringView(rows::benchmarkColumns));
    auto records = loadAll<BenchmarkRecord>(m_pool.connection(),
        statement,
        {sql::text(nodeId), sql::text(test), sql::text(test), sql::text(metric), sql::text(metric)},
        &rows::benchmarkFrom);
    if (!records)
        return std::unexpected(sql::explained(
            records.error(), tr("Could not load the benchmark history of node %1 from %2").arg(nodeId, path())));
    return records;
}

Result<QList<BenchmarkRecord>> SqliteStore::allBenchmarks() const
{
    const QString statement =
        u"SELECT %1 FROM bench_results ORDER BY started_ms, rowid"_s.arg(QLatin1StringView(rows::benchmarkColumns));
    auto records = loadAll<BenchmarkRecord>(m_pool.connection(), statement, {}, &rows::benchmarkFrom);
    if (!records)
        return std::unexpected(
            sql::explained(records.error(), tr("Could not load the benchmark figures from %1").arg(path())));
    return records;
}

} // namespace rune
