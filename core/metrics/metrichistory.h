// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/historystore.h"
#include "metrics/metricpoint.h"
#include "util/background.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <deque>
#include <functional>
#include <memory>

namespace rune
{

/**
 * The metric history behind the node detail charts, in three resolutions: the last five
 * minutes sample by sample (in memory), the last hour in 10 s averages and the last day in
 * 1 min averages (both in the HistoryStore, written in batches on a worker thread, so the UI
 * thread never waits on the disk). Averages are cut on the wall clock, so every node's points
 * line up. Lives on the UI thread; record() is cheap enough to call for a thousand nodes a second.
 */
class MetricHistory final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricHistory)

public:
    using Points = QList<MetricPoint>;

    /** @p store may be null: the hour and day are then kept in memory only (tests, a read-only disk). */
    explicit MetricHistory(std::unique_ptr<HistoryStore> store, QObject *parent = nullptr);
    /** Writes what is still pending and waits for it. */
    ~MetricHistory() override;

    void record(const QString &nodeId, const NodeSample &sample);
    /** Records @p point under @p key (a node, or a function on a node: see ScalingFleet). */
    void recordPoint(const QString &key, const MetricPoint &point);
    /**
     * @p nodeId's points of @p range ending now, oldest first. Answers later on the UI thread
     * (after a read on the store's thread for the hour and the day), not at all if @p context is gone.
     */
    void load(const QString &nodeId, HistoryRange range, QObject *context, std::function<void(Points)> done);
    /** Drops @p nodeId's history, in memory and in the store. */
    void forget(const QString &nodeId);
    /**
     * Keeps stored averages for @p retention (1 to 24 hours) and prunes the older ones now: the Day
     * chart shows at most this much, the hour at most an hour. 24 hours until set.
     */
    void setRetention(std::chrono::hours retention);
    std::chrono::hours retention() const;
    /** Sends the pending points to the store now; with @p wait, returns once they are written. */
    void flush(bool wait = false);

Q_SIGNALS:
    /** A new point of @p range: every sample for FiveMinutes, every closed average for the others. */
    void pointAdded(const QString &nodeId, rune::HistoryRange range, const rune::MetricPoint &point);
    void storeFailed(const QString &message);

private:
    struct Bucket {
        qint64 startMs = -1;
        PointAccumulator accumulator;
        std::deque<MetricPoint> recent; ///< closed points not yet surely readable from the store
    };
    struct NodeHistory {
        std::deque<MetricPoint> samples;
        Bucket hour;
        Bucket day;
    };
    void addToBucket(const QString &nodeId, HistoryRange range, Bucket &bucket, const MetricPoint &point);
    static Points merged(Points stored, const std::deque<MetricPoint> &recent, qint64 fromMs);
    void prune();
    void report(const QString &message);

    std::shared_ptr<HistoryStore> m_store;
    QHash<QString, NodeHistory> m_nodes;
    QList<StoredPoint> m_pending;
    SerialQueue m_writer;
    SerialQueue m_reader;
    QTimer m_flushTimer;
    QTimer m_pruneTimer;
    std::chrono::hours m_retention {24};
};

} // namespace rune
