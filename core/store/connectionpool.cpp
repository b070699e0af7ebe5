// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/connectionpool.h"

#include <QCoreApplication>
#include <QMutex>
#include <QSet>
#include <QSqlError>
#include <QThread>
#include <atomic>
#include <vector>

using namespace Qt::StringLiterals;

namespace rune
{

struct ConnectionPool::Connections {
    QMutex mutex;
    QSet<QString> names; ///< connections still open

    /** Closes @p name if it is still open; in its own thread unless the pool is going away. */
    void close(const QString &name)
    {
        QMutexLocker locker(&mutex);
        if (names.remove(name))
            QSqlDatabase::removeDatabase(name);
    }

    void closeAll()
    {
        QMutexLocker locker(&mutex);
        for (const QString &name : std::as_const(names))
            QSqlDatabase::removeDatabase(name);
        names.clear();
    }
};

namespace
{

std::atomic<quint64> nextSerial {1};

/** The connections one thread opened; closes them in that thread when it exits. */
struct ThreadConnections {
    struct Entry {
        std::weak_ptr<ConnectionPool::Connections> pool;
        QString name;
    };

    // Distinguishes threads whose QThread objects happen to share an address over time.
    const quint64 serial = nextSerial++;
    std::vector<Entry> entries;

    ~ThreadConnections()
    {
        for (const Entry &entry : entries) {
            if (auto pool = entry.pool.lock())
                pool->close(entry.name);
        }
    }

    void add(const std::shared_ptr<ConnectionPool::Connections> &pool, const QString &name)
    {
        std::erase_if(entries, [](const Entry &entry) {
            return entry.pool.expired();
        });
        entries.push_back({pool, name});
    }
};

thread_local ThreadConnections threadConnections;

} // namespace

ConnectionPool::ConnectionPool(QString path, Setup setup)
    : m_path(std::move(path))
    , m_setup(std::move(setup))
    , m_serial(nextSerial++)
    , m_connections(std::make_shared<Connections>())
{
}

ConnectionPool::~ConnectionPool()
{
    m_connections->closeAll();
}

QString ConnectionPool::path() const
{
    return m_path;
}

QString ConnectionPool::connectionName() const
{
    return u"rune.store:%1#%2@%3.%4"_s.arg(m_path)
        .arg(m_serial)
        .arg(quintptr(QThread::currentThread()), 0, 16)
        .arg(threadConnections.serial);
}

Result<QSqlDatabase> ConnectionPool::connection() const
{
    const QString name = connectionName();
    if (QSqlDatabase::contains(name))
        return QSqlDatabase::database(name, false);
    return openConnection(name);
}

Result<QSqlDatabase> ConnectionPool::openConnection(const QString &name) const
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("rune::Store", text);
    };
    if (!QSqlDatabase::isDriverAvailable(u"QSQLITE"_s))
        return fail(
            u"store.open_failed"_s, tr("Cannot open the store %1: Qt's SQLite driver is not installed.").arg(m_path));
    std::optional<Error> error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(m_path);
        if (!db.open())
            error =
                Error {u"store.open_failed"_s, tr("Cannot open the store %1: %2.").arg(m_path, db.lastError().text())};
        else if (auto ready = m_setup(db); !ready)
            error = ready.error();
    }
    if (error) {
        QSqlDatabase::removeDatabase(name);
        return std::unexpected(*error);
    }
    {
        QMutexLocker locker(&m_connections->mutex);
        m_connections->names.insert(name);
    }
    threadConnections.add(m_connections, name);
    return QSqlDatabase::database(name, false);
}

} // namespace rune
