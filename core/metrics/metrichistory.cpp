// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/metrichistory.h"

#include <QDateTime>
#include <QPointer>
#include <algorithm>

using namespace std::chrono_literals;

namespace rune
{

namespace
{
/** Closed averages kept in memory until the store surely has them (it gets them every few seconds). */
constexpr size_t recentKept = 30;
/** Extra time kept beyond each range, so a chart opened a little late is still full. */
constexpr qint64 marginMs = 10 * 60 * 1000;

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

MetricHistory::MetricHistory(std::unique_ptr<HistoryStore> store, QObject *parent)
    : QObject(parent)
    , m_store(std::move(store))
{
    qRegisterMetaType<rune::MetricPoint>();
    qRegisterMetaType<rune::HistoryRange>();
    m_flushTimer.setInterval(5s);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        flush();
    });
    m_pruneTimer.setInterval(10min);
    connect(&m_pruneTimer, &QTimer::timeout, this, &MetricHistory::prune);
    if (m_store) {
        m_flushTimer.start();
        m_pruneTimer.start();
        prune();
    }
}

MetricHistory::~MetricHistory()
{
    flush(true);
    m_reader.waitForDone();
}

void MetricHistory::record(const QString &nodeId, const NodeSample &sample)
{
    recordPoint(nodeId, pointFrom(sample));
}

void MetricHistory::recordPoint(const QString &nodeId, const MetricPoint &point)
{
    NodeHistory &history = m_nodes[nodeId];
    history.samples.push_back(point);
    const qint64 oldest = point.timeMs - rangeSpan(HistoryRange::FiveMinutes).count() - 10000;
    while (!history.samples.empty() && history.samples.front().timeMs < oldest)
        history.samples.pop_front();
    Q_EMIT pointAdded(nodeId, HistoryRange::FiveMinutes, point);
    addToBucket(nodeId, HistoryRange::OneHour, history.hour, point);
    addToBucket(nodeId, HistoryRange::Day, history.day, point);
}

void MetricHistory::addToBucket(const QString &nodeId, HistoryRange range, Bucket &bucket, const MetricPoint &point)
{
    const qint64 step = rangeStep(range).count();
    const qint64 start = point.timeMs - point.timeMs % step;
    if (bucket.startMs >= 0 && start != bucket.startMs && !bucket.accumulator.isEmpty()) {
        const MetricPoint closed = bucket.accumulator.take(bucket.startMs);
        bucket.recent.push_back(closed);
        // Without a store, memory is the history: keep the whole range.
        const size_t keep = m_store ? recentKept : size_t((rangeSpan(range).count() + marginMs) / step);
        while (bucket.recent.size() > keep)
            bucket.recent.pop_front();
        if (m_store)
            m_pending.append(StoredPoint {nodeId, range, closed});
        Q_EMIT pointAdded(nodeId, range, closed);
    }
    bucket.startMs = start;
    bucket.accumulator.add(point);
}

MetricHistory::Points MetricHistory::merged(Points stored, const std::deque<MetricPoint> &recent, qint64 fromMs)
{
    qint64 last = stored.isEmpty() ? fromMs - 1 : stored.constLast().timeMs;
    for (const MetricPoint &point : recent) {
        if (point.timeMs > last && point.timeMs >= fromMs) {
            stored.append(point);
            last = point.timeMs;
        }
    }
    return stored;
}

void MetricHistory::load(const QString &nodeId, HistoryRange range, QObject *context, std::function<void(Points)> done)
{
    const qint64 fromMs = now() - rangeSpan(range).count();
    const NodeHistory history = m_nodes.value(nodeId);
    const auto answer = [context = QPointer<QObject>(context), done](Points points) {
        if (context)
            done(std::move(points));
    };
    if (range == HistoryRange::FiveMinutes || !m_store) {
        const std::deque<MetricPoint> &source = range == HistoryRange::FiveMinutes ? history.samples
            : range == HistoryRange::OneHour                                       ? history.hour.recent
                                                                                   : history.day.recent;
        QMetaObject::invokeMethod(
            this,
            [answer, points = merged({}, source, fromMs)] {
                answer(points);
            },
            Qt::QueuedConnection);
        return;
    }
    const std::deque<MetricPoint> recent = range == HistoryRange::OneHour ? history.hour.recent : history.day.recent;
    m_reader.post([this, store = m_store, nodeId, range, fromMs, recent, answer] {
        auto stored = store->load(nodeId, range, fromMs);
        if (!stored)
            report(stored.error().message);
        QMetaObject::invokeMethod(
            this,
            [answer, points = merged(stored.value_or(Points {}), recent, fromMs)] {
                answer(points);
            },
            Qt::QueuedConnection);
    });
}

void MetricHistory::forget(const QString &nodeId)
{
    m_nodes.remove(nodeId);
    m_pending.removeIf([&nodeId](const StoredPoint &point) {
        return point.nodeId == nodeId;
    });
    if (m_store) {
        m_writer.post([this, store = m_store, nodeId] {
            if (auto done = store->forget(nodeId); !done)
                report(done.error().message);
        });
    }
}

void MetricHistory::flush(bool wait)
{
    if (m_store && !m_pending.isEmpty()) {
        m_writer.post([this, store = m_store, points = std::exchange(m_pending, {})] {
            if (auto written = store->write(points); !written)
                report(written.error().message);
        });
    }
    if (wait)
        m_writer.waitForDone();
}

void MetricHistory::setRetention(std::chrono::hours retention)
{
    m_retention = std::clamp(retention, std::chrono::hours(1), std::chrono::hours(24));
    if (m_store)
        prune();
}

std::chrono::hours MetricHistory::retention() const
{
    return m_retention;
}

void MetricHistory::prune()
{
    const qint64 time = now();
    const auto retention = std::chrono::milliseconds(m_retention);
    m_writer.post([this, store = m_store, time, retention] {
        for (const HistoryRange range : {HistoryRange::OneHour, HistoryRange::Day}) {
            const qint64 kept = std::min(rangeSpan(range), retention).count();
            if (auto done = store->prune(range, time - kept - marginMs); !done)
                report(done.error().message);
        }
    });
}

void MetricHistory::report(const QString &message)
{
    QMetaObject::invokeMethod(
        this,
        [this, message] {
            Q_EMIT storeFailed(message);
        },
        Qt::QueuedConnection);
}

} // namespace rune
