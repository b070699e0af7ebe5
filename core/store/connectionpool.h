// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QSqlDatabase>
#include <QString>
#include <functional>
#include <memory>

namespace rune
{

/**
 * One SQLite connection per thread to one database file, because a QSqlDatabase may only be
 * used by the thread that opened it. Connections open on a thread's first use. A thread's
 * connection closes in that thread when the thread exits; the rest close with the pool.
 */
class ConnectionPool final
{
public:
    /** Prepares a freshly opened connection (per-connection pragmas); runs once per thread. */
    using Setup = std::function<Result<void>(QSqlDatabase &)>;

    ConnectionPool(QString path, Setup setup);
    /** Closes every connection. No other thread may be using the pool any more. */
    ~ConnectionPool();
    Q_DISABLE_COPY_MOVE(ConnectionPool)

    /** The calling thread's connection, opened (and set up) on first use. */
    Result<QSqlDatabase> connection() const;

    QString path() const;

    /** Shared with the threads that hold a connection, so either side can close it first. */
    struct Connections;

private:
    QString connectionName() const;
    Result<QSqlDatabase> openConnection(const QString &name) const;

    QString m_path;
    Setup m_setup;
    quint64 m_serial;
    std::shared_ptr<Connections> m_connections;
};

} // namespace rune
