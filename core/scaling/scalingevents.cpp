// SPDX-License-Identifier: GPL-3.0-or-later
#include "scaling/scalingevents.h"

#include "metrics/fleetmetrics.h"

#include <QCoreApplication>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::ScalingEvents", text);
}

/** A scale down's sentence begins "<before> -> <after> replicas": after zero, the function is at zero. */
bool endsAtZero(const QString &detail)
{
    static const QRegularExpression pattern(u"^\\s*\\d+\\s*->\\s*0\\s+replicas"_s);
    return pattern.match(detail).hasMatch();
}

} // namespace

std::optional<ScalingKind> scalingKindOf(const AgentEvent &event)
{
    if (event.kind == u"scale_up")
        return ScalingKind::ScaleUp;
    if (event.kind == u"scale_down")
        return endsAtZero(event.detail) ? ScalingKind::ToZero : ScalingKind::ScaleDown;
    if (event.kind == u"evicted")
        return ScalingKind::Evicted;
    if (event.kind == u"replica_crashed")
        return ScalingKind::Crashed;
    if (event.kind == u"call_timeout")
        return ScalingKind::CallTimeout;
    if (event.kind == u"start_failed")
        return ScalingKind::StartFailed;
    return std::nullopt;
}

QString scalingKindName(ScalingKind kind)
{
    switch (kind) {
    case ScalingKind::ScaleUp:
        return tr("scale up");
    case ScalingKind::ScaleDown:
        return tr("scale down");
    case ScalingKind::ToZero:
        return tr("to zero");
    case ScalingKind::Evicted:
        return tr("evicted");
    case ScalingKind::Crashed:
        return tr("replica crashed");
    case ScalingKind::CallTimeout:
        return tr("call timed out");
    case ScalingKind::StartFailed:
        return tr("start failed");
    }
    return {};
}

ScalingEvents::ScalingEvents(FleetMetrics *metrics, QObject *parent)
    : QObject(parent)
{
    connect(metrics, &FleetMetrics::newEvents, this, &ScalingEvents::add);
}

ScalingEvents::~ScalingEvents() = default;

qsizetype ScalingEvents::size() const
{
    return qsizetype(m_events.size());
}

const ScalingEvent &ScalingEvents::at(qsizetype index) const
{
    return m_events[size_t(index)];
}

void ScalingEvents::add(const QString &nodeId, const QList<AgentEvent> &events)
{
    QList<ScalingEvent> kept;
    for (const AgentEvent &event : events) {
        if (const auto kind = scalingKindOf(event))
            kept.append(ScalingEvent {*kind, event.timeMs, nodeId, event.function, event.version, event.detail});
    }
    if (kept.size() > maxEvents)
        kept.remove(0, kept.size() - maxEvents);
    if (kept.isEmpty())
        return;
    const qsizetype excess = size() + kept.size() - maxEvents;
    if (excess > 0) {
        Q_EMIT aboutToDropOldest(excess);
        m_events.erase(m_events.begin(), m_events.begin() + excess);
        Q_EMIT droppedOldest();
    }
    Q_EMIT aboutToAppend(size(), size() + kept.size() - 1);
    m_events.insert(m_events.end(), kept.begin(), kept.end());
    Q_EMIT appended();
}

} // namespace rune
