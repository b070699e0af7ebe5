// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentmetrics.h"

#include <QObject>
#include <deque>
#include <optional>

namespace rune
{

class FleetMetrics;

/** The agent's events that change how many replicas a function has. */
enum class ScalingKind {
    ScaleUp, ///< replicas started for calls waiting
    ScaleDown, ///< idle replicas stopped, some left
    ToZero, ///< the last idle replicas stopped
    Evicted, ///< an idle replica stopped to make room in memory
    Crashed, ///< a replica exited on its own
    CallTimeout, ///< a call outran its timeout: its replica was stopped
    StartFailed, ///< a replica could not start
};

/** One scaling event of one function on one node. */
struct ScalingEvent {
    ScalingKind kind = ScalingKind::ScaleUp;
    qint64 timeMs = 0; ///< the agent's clock
    QString nodeId;
    QString function;
    int version = 0;
    QString reason; ///< the agent's words: "1 -> 3 replicas, 7 calls in flight", ...

    bool operator==(const ScalingEvent &) const = default;
};

/** The scaling kind of @p event; nothing for the agent's other events (deployed, blocked, ...). */
std::optional<ScalingKind> scalingKindOf(const AgentEvent &event);
/** A few words for @p kind: "scale up", "to zero", ... */
QString scalingKindName(ScalingKind kind);

/**
 * The scaling events of every node, in the order they arrived (each node's oldest first), the
 * newest maxEvents of them. Fed by FleetMetrics' new events; the item models follow the
 * announcements. Lives on the UI thread.
 */
class ScalingEvents final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScalingEvents)

public:
    static constexpr int maxEvents = 5000;

    /** Follows @p metrics, which must outlive this. */
    explicit ScalingEvents(FleetMetrics *metrics, QObject *parent = nullptr);
    ~ScalingEvents() override;

    qsizetype size() const;
    const ScalingEvent &at(qsizetype index) const;
    /** Keeps the scaling events among @p events of @p nodeId. */
    void add(const QString &nodeId, const QList<AgentEvent> &events);

Q_SIGNALS:
    void aboutToAppend(qsizetype first, qsizetype last);
    void appended();
    /** The oldest @p count events are about to go, to keep maxEvents. */
    void aboutToDropOldest(qsizetype count);
    void droppedOldest();

private:
    std::deque<ScalingEvent> m_events;
};

} // namespace rune
