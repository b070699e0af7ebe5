// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/schema.h"

#include "store/sql.h"

#include <QCoreApplication>
#include <QFile>
#include <QStringList>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace rune::schema
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::Store", text);
}

/**
 * The migration steps: step i brings a file from version i to version i + 1. Append new steps;
 * never edit a released one, since files out there already went through it.
 */
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
        // 1: nodes, functions and their versions.
        {
            uR"(CREATE TABLE nodes (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                ssh_host TEXT NOT NULL,
                ssh_port INTEGER NOT NULL,
                ssh_user TEXT NOT NULL,
                ssh_key_file TEXT NOT NULL,
                agent_port INTEGER NOT NULL,
                agent_token TEXT NOT NULL,
                agent_local INTEGER NOT NULL,
                labels TEXT NOT NULL,
                hostname TEXT NOT NULL,
                os TEXT NOT NULL,
                kernel TEXT NOT NULL,
                arch TEXT NOT NULL,
                agent_version TEXT NOT NULL,
                cores INTEGER NOT NULL,
                memory_bytes INTEGER NOT NULL,
                disk_bytes INTEGER NOT NULL,
                disk_free_bytes INTEGER NOT NULL,
                state TEXT NOT NULL,
                target_action TEXT,
                target_since TEXT))"_s,
            uR"(CREATE TABLE functions (
                id TEXT PRIMARY KEY NOT NULL,
                project TEXT NOT NULL,
                name TEXT NOT NULL,
                config TEXT NOT NULL,
                current_version INTEGER NOT NULL,
                UNIQUE (project, name)))"_s,
            uR"(CREATE TABLE function_versions (
                function_id TEXT NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
                number INTEGER NOT NULL,
                created TEXT NOT NULL,
                code_digest TEXT NOT NULL,
                state TEXT NOT NULL,
                note TEXT NOT NULL,
                PRIMARY KEY (function_id, number)))"_s,
        },
        // 2: where a node's functions are called.
        {
            u"ALTER TABLE nodes ADD COLUMN agent_invoke_port INTEGER NOT NULL DEFAULT 8080"_s,
        },
        // 3: which agent-side version serves each console version on each node.
        {
            uR"(CREATE TABLE function_deployments (
                function_id TEXT NOT NULL,
                number INTEGER NOT NULL,
                node_id TEXT NOT NULL,
                agent_version INTEGER NOT NULL,
                deployed TEXT NOT NULL,
                PRIMARY KEY (function_id, number, node_id),
                FOREIGN KEY (function_id, number) REFERENCES function_versions(function_id, number)
                    ON DELETE CASCADE))"_s,
        },
        // 4: benchmark figures, one row per figure of a run. No foreign key to nodes: demo nodes
        // are not stored, and a removed node's figures stay in the history.
        {
            uR"(CREATE TABLE bench_results (
                node_id TEXT NOT NULL,
                node_name TEXT NOT NULL,
                test TEXT NOT NULL,
                metric TEXT NOT NULL,
                value REAL NOT NULL,
                unit TEXT NOT NULL,
                peer TEXT NOT NULL,
                peer_node_id TEXT NOT NULL,
                started_ms INTEGER NOT NULL,
                duration_ms INTEGER NOT NULL,
                parameters TEXT NOT NULL,
                agent_version TEXT NOT NULL,
                run_id TEXT NOT NULL))"_s,
            u"CREATE INDEX bench_results_by_node ON bench_results (node_id, test, metric, started_ms)"_s,
        },
        // 5: what a node costs an hour (placement weighs it).
        {
            u"ALTER TABLE nodes ADD COLUMN hourly_price TEXT NOT NULL DEFAULT ''"_s,
        },
    };
    return steps;
}

Result<int> userVersion(const QSqlDatabase &db)
{
    auto query = sql::run(db, u"PRAGMA user_version"_s);
    if (!query)
        return std::unexpected(query.error());
    return query->next() ? query->value(0).toInt() : 0;
}

Result<void> readableVersion(const QSqlDatabase &db, const QString &path)
{
    const auto version = userVersion(db);
    if (!version && version.error().code == u"store.corrupt")
        return fail(u"store.corrupt"_s,
            tr("The file %1 is not a Rune store: it is not an SQLite database, or it is damaged (%2). "
               "Move it away to start with an empty store, or restore it from a backup.")
                .arg(path, version.error().message));
    if (!version)
        return std::unexpected(sql::explained(version.error(), tr("Cannot read the store %1").arg(path)));
    if (*version > latestVersion())
        return fail(u"store.too_new"_s,
            tr("The store %1 was written by a newer version of Rune (schema %2; this version knows up to %3). "
               "Update Rune, or choose another data directory.")
                .arg(path)
                .arg(*version)
                .arg(latestVersion()));
    return {};
}

Result<void> enableWal(const QSqlDatabase &db, const QString &path)
{
    auto query = sql::run(db, u"PRAGMA journal_mode=WAL"_s);
    if (!query)
        return std::unexpected(sql::explained(query.error(), tr("Cannot switch the store %1 to WAL mode").arg(path)));
    // A file system without shared memory keeps the old journal; that is slower, not wrong.
    if (query->next() && query->value(0).toString().compare(u"wal"_s, Qt::CaseInsensitive) != 0)
        qWarning("Store %s: journal mode is %s, not WAL", qPrintable(path), qPrintable(query->value(0).toString()));
    return {};
}

/** Runs the steps a file at version @p from lacks; inside the caller's transaction. */
Result<void> applySteps(const QSqlDatabase &db, int from)
{
    for (int step = from; step < latestVersion(); ++step) {
        for (const QString &statement : migrations().at(step)) {
            if (auto done = sql::run(db, statement); !done)
                return std::unexpected(done.error());
        }
    }
    // PRAGMA takes no bound parameters; the number is ours, not the user's.
    if (auto done = sql::run(db, u"PRAGMA user_version = %1"_s.arg(latestVersion())); !done)
        return std::unexpected(done.error());
    return {};
}

Result<void> migrate(const QSqlDatabase &db, const QString &path)
{
    int initial = 0;
    auto migrated = sql::inWriteTransaction(db, [&db, &initial]() -> Result<void> {
        // Read again under the write lock: another console may have migrated meanwhile.
        const auto version = userVersion(db);
        if (!version)
            return std::unexpected(version.error());
        initial = *version;
        return *version < latestVersion() ? applySteps(db, *version) : Result<void> {};
    });
    if (!migrated)
        return fail(u"store.migration_failed"_s,
            tr("Cannot bring the store %1 up to date: %2").arg(path, migrated.error().message));
    // The store holds the agents' bearer tokens: a new one is the user's alone.
    if (initial == 0)
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return {};
}

} // namespace

int latestVersion()
{
    return int(migrations().size());
}

Result<void> prepare(const QSqlDatabase &db, const QString &path)
{
    if (auto readable = readableVersion(db, path); !readable)
        return readable;
    if (auto wal = enableWal(db, path); !wal)
        return wal;
    return migrate(db, path);
}

Result<void> setUpConnection(const QSqlDatabase &db, const QString &path)
{
    for (const QString &pragma : {u"PRAGMA busy_timeout = 5000"_s, u"PRAGMA foreign_keys = ON"_s}) {
        if (auto done = sql::run(db, pragma); !done)
            return std::unexpected(sql::explained(done.error(), tr("Cannot set up the store %1").arg(path)));
    }
    return {};
}

} // namespace rune::schema
