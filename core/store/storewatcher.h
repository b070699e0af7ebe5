// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/background.h"
#include "util/result.h"

#include <QObject>
#include <QTimer>
#include <chrono>
#include <optional>

namespace rune
{

class Store;

/**
 * Notices when the store changes under the console: another process (the `rune` command line)
 * or another connection of this one committed. It reads SQLite's data version, and the sizes and
 * times of the file and its write-ahead log, on a thread and connection of its own, so the UI
 * thread never waits on the disk; what to reload on changed()
 * is its users' business, and their reloads must be harmless when nothing changed, since this
 * process's own writes count as changes too.
 */
class StoreWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreWatcher)

public:
    /** How often the store is looked at: a change made elsewhere shows within about this long. */
    static constexpr std::chrono::milliseconds defaultInterval {1000};

    explicit StoreWatcher(Store *store, QObject *parent = nullptr);
    /** Waits for the look in flight. */
    ~StoreWatcher() override;

    void setInterval(std::chrono::milliseconds interval);
    /** Looks at once, then every interval; the first look always announces changed(). */
    void start();
    void stop();

    /**
     * Tells the watcher how a reload that followed changed() went: a failure is announced
     * through problem() like the watcher's own, once until a reload succeeds again.
     */
    void reportReload(const Result<void> &reloaded);

Q_SIGNALS:
    /** The store may hold something the console does not show yet. */
    void changed();
    /**
     * The store cannot be followed any more (replaced, removed, overwritten, unreadable); said
     * once, not at every look.
     */
    void problem(const QString &message);

private:
    /** Which file the path names: a store replaced by another file keeps its path but not this. */
    struct FileIdentity {
        bool exists = false;
        quint64 device = 0;
        quint64 inode = 0;

        bool operator==(const FileIdentity &) const = default;
    };
    /** When and how far a file was last written; a commit moves the store's or its log's. */
    struct Stamp {
        qint64 size = -1;
        qint64 modifiedNs = 0;

        bool operator==(const Stamp &) const = default;
    };
    struct Look {
        Result<qint64> version;
        FileIdentity file;
        QList<Stamp> stamps; ///< the store's, then its write-ahead log's
    };

    static FileIdentity identify(const QString &path);
    static Stamp stamp(const QString &path);
    void look();
    void settle(const Look &seen);
    /** Emits problem(@p message) unless it is what @p last holds already, which it then holds. */
    void announce(const QString &message, QString *last);

    Store *m_store;
    QTimer m_timer;
    SerialQueue m_reader;
    bool m_looking = false;
    std::optional<qint64> m_version;
    QList<Stamp> m_stamps;
    std::optional<FileIdentity> m_file;
    QString m_lookProblem; ///< what the last look found wrong; empty after a sound look
    QString m_reloadProblem; ///< why the last reload failed; empty after one succeeded
};

} // namespace rune
