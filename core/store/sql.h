// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>
#include <functional>

/** Small helpers over QtSql that turn SQLite's failures into rune::Error values. */
namespace rune::sql
{

/**
 * Prepares @p statement, binds @p values in order and runs it. A failure's code is
 * "store.duplicate" for a unique or primary key violation, "store.not_found" for a foreign key
 * violation, "store.corrupt" for a damaged file or one that is no database, else
 * "store.query_failed"; its message is SQLite's.
 */
Result<QSqlQuery> run(const QSqlDatabase &db, const QString &statement, const QVariantList &values = {});

/**
 * Runs @p work inside BEGIN IMMEDIATE ... COMMIT, rolling back when it fails. IMMEDIATE takes
 * the write lock up front, so two connections never deadlock upgrading a read to a write.
 */
Result<void> inWriteTransaction(const QSqlDatabase &db, const std::function<Result<void>()> &work);

/** @p cause with its message put behind @p context: "Could not save node a in f: <cause>." */
Error explained(const Error &cause, const QString &context);

/** A text column value: an empty string for a null QString, which SQLite would store as NULL. */
QVariant text(const QString &value);

} // namespace rune::sql
