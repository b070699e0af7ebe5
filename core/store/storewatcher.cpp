// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/storewatcher.h"

#include "store/store.h"

#include <QCoreApplication>
#include <QFile>
#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace rune
{

StoreWatcher::StoreWatcher(Store *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_timer.setInterval(defaultInterval);
    connect(&m_timer, &QTimer::timeout, this, &StoreWatcher::look);
}

StoreWatcher::~StoreWatcher()
{
    m_reader.waitForDone();
}

void StoreWatcher::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

void StoreWatcher::start()
{
    m_timer.start();
    look();
}

void StoreWatcher::stop()
{
    m_timer.stop();
}

void StoreWatcher::reportReload(const Result<void> &reloaded)
{
    if (reloaded)
        m_reloadProblem.clear();
    else
        announce(reloaded.error().message, &m_reloadProblem);
}

namespace
{

/** What stat() says of @p path; nothing when there is no such file. */
std::optional<struct stat> statusOf(const QString &path)
{
    struct stat status {
    };
    if (::stat(QFile::encodeName(path).constData(), &status) != 0)
        return std::nullopt;
    return status;
}

} // namespace

StoreWatcher::FileIdentity StoreWatcher::identify(const QString &path)
{
    const auto status = statusOf(path);
    if (!status)
        return {};
    return {true, quint64(status->st_dev), quint64(status->st_ino)};
}

StoreWatcher::Stamp StoreWatcher::stamp(const QString &path)
{
    const auto status = statusOf(path);
    if (!status)
        return {};
    return {qint64(status->st_size), qint64(status->st_mtim.tv_sec) * 1'000'000'000 + status->st_mtim.tv_nsec};
}

void StoreWatcher::look()
{
    // A slow disk must not pile up looks behind each other.
    if (m_looking)
        return;
    m_looking = true;
    m_reader.run(
        this,
        [store = m_store] {
            // Only stat() and SQLite touch the file: opening and closing it here would drop the
            // process's POSIX locks on it, and with them SQLite's guard of the write-ahead log.
            const QString path = store->path();
            return Look {store->dataVersion(), identify(path), {stamp(path), stamp(path + u"-wal"_s)}};
        },
        [this](const Look &seen) {
            m_looking = false;
            settle(seen);
        });
}

void StoreWatcher::settle(const Look &seen)
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("rune::StoreWatcher", text);
    };
    if (!m_file)
        m_file = seen.file;
    if (!seen.file.exists || seen.file != *m_file)
        return announce(tr("The store %1 was replaced or removed while Rune was running: changes made by the "
                           "command line no longer show here, and this window's changes go to the old file. "
                           "Restart Rune to use the store that is there now.")
                            .arg(m_store->path()),
            &m_lookProblem);
    if (!seen.version) {
        // Read everything again once the store answers, so what changed meanwhile shows.
        m_version.reset();
        return announce(seen.version.error().message, &m_lookProblem);
    }
    m_lookProblem.clear();
    // A write that is not SQLite's (a file copied over the store's bytes) leaves SQLite's number
    // as it was; the files' sizes and times show it.
    if (m_version == *seen.version && m_stamps == seen.stamps)
        return;
    m_version = *seen.version;
    m_stamps = seen.stamps;
    Q_EMIT changed();
}

void StoreWatcher::announce(const QString &message, QString *last)
{
    if (message == *last)
        return;
    *last = message;
    Q_EMIT problem(message);
}

} // namespace rune
