// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

/** The store's SQLite schema and its migrations. */
namespace rune::schema
{

/** The schema version this build writes; PRAGMA user_version holds a file's version. */
int latestVersion();

/**
 * Makes the file behind @p db a current store: checks that it is an SQLite database (without
 * writing to it otherwise), refuses a newer schema, switches to WAL and applies the missing
 * migration steps in order inside one transaction. @p path is for messages.
 */
Result<void> prepare(const QSqlDatabase &db, const QString &path);

/** Per-connection settings: the busy timeout and foreign keys. */
Result<void> setUpConnection(const QSqlDatabase &db, const QString &path);

} // namespace rune::schema
