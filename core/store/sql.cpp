// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/sql.h"

#include <QSqlError>

using namespace Qt::StringLiterals;

namespace rune::sql
{

namespace
{

// SQLite's primary and extended result codes (sqlite3.h); Qt reports them as nativeErrorCode().
constexpr int sqliteCorrupt = 11;
constexpr int sqliteNotADatabase = 26;
constexpr int sqliteConstraint = 19;
constexpr int sqliteConstraintForeignKey = 787;

QString errorCode(const QSqlError &error)
{
    const int native = error.nativeErrorCode().toInt();
    if (native == sqliteConstraintForeignKey)
        return u"store.not_found"_s;
    switch (native & 0xff) {
    case sqliteConstraint:
        return u"store.duplicate"_s;
    case sqliteCorrupt:
    case sqliteNotADatabase:
        return u"store.corrupt"_s;
    default:
        return u"store.query_failed"_s;
    }
}

Error toError(const QSqlError &error)
{
    const QString message = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    return Error {errorCode(error), message};
}

} // namespace

Result<QSqlQuery> run(const QSqlDatabase &db, const QString &statement, const QVariantList &values)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(statement))
        return std::unexpected(toError(query.lastError()));
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return std::unexpected(toError(query.lastError()));
    return query;
}

Result<void> inWriteTransaction(const QSqlDatabase &db, const std::function<Result<void>()> &work)
{
    if (auto begun = run(db, u"BEGIN IMMEDIATE"_s); !begun)
        return std::unexpected(begun.error());
    Result<void> done = work();
    if (done) {
        if (auto committed = run(db, u"COMMIT"_s); !committed)
            done = std::unexpected(committed.error());
    }
    if (!done)
        (void)run(db, u"ROLLBACK"_s); // fails only if SQLite already rolled back by itself
    return done;
}

Error explained(const Error &cause, const QString &context)
{
    QString message = context + u": "_s + cause.message;
    if (!message.endsWith(u'.'))
        message += u'.';
    return Error {cause.code, message};
}

QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QString(u""_s)) : QVariant(value);
}

} // namespace rune::sql
