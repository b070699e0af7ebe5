// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/metricpoint.h"
#include "store/connectionpool.h"
#include "util/result.h"

#include <QList>
#include <QString>
#include <memory>

namespace rune
{

/** One averaged point of one node, as the history store keeps it. */
struct StoredPoint {
    QString nodeId;
    HistoryRange range = HistoryRange::OneHour;
    MetricPoint point;
};

/**
 * The nodes' metric history in its own SQLite file (`metrics.db` in the data directory), apart
 * from the console's metadata store: it is written every few seconds, may grow to megabytes and
 * can be deleted at any time without losing anything but old charts. Every method may be
 * called from any thread; each thread gets its own connection (WAL mode).
 */
class HistoryStore final
{
public:
    /** Opens (creating if needed) the file at @p path; a damaged or foreign file is refused and left alone. */
    static Result<std::unique_ptr<HistoryStore>> open(const QString &path);

    ~HistoryStore();
    Q_DISABLE_COPY_MOVE(HistoryStore)

    QString path() const;

    /** Inserts @p points (replacing a point of the same node, range and time) in one transaction. */
    Result<void> write(const QList<StoredPoint> &points);
    /** @p nodeId's points of @p range from @p fromMs on, oldest first. */
    Result<QList<MetricPoint>> load(const QString &nodeId, HistoryRange range, qint64 fromMs) const;
    /** Deletes the points of @p range older than @p beforeMs. */
    Result<void> prune(HistoryRange range, qint64 beforeMs);
    /** Deletes every point of @p nodeId. */
    Result<void> forget(const QString &nodeId);

private:
    explicit HistoryStore(const QString &path);
    Result<void> prepareSchema();

    ConnectionPool m_pool;
};

} // namespace rune
