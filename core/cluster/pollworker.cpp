// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/pollworker.h"

#include <QNetworkAccessManager>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{
/** Host facts are read again every this many polls, so an upgraded agent shows its new version. */
constexpr int factsEveryPolls = 60;
/** The newest events asked for at once. */
constexpr int eventsPerPoll = 200;
/** A failure that cost the console a full answer's worth of bytes or of waiting. */
bool isCostly(const Error &error)
{
    return error.code == u"agent.too_large"_s || error.code == u"agent.timeout"_s;
}

/** The first failure of a poll's secondary parts is the one shown on the node. */
void notePartError(PollReport &report, const Error &error)
{
    if (!report.partError)
        report.partError = error;
}

/**
 * Whether a function's replicas changed between two answers (scaled, crashed, evicted, timed
 * out): only then is a node out of focus asked its events, so the scaling events of the whole
 * fleet arrive for one extra request per change rather than one per poll.
 */
bool replicasChanged(const AgentMetrics &before, const AgentMetrics &now)
{
    if (before.functions.size() != now.functions.size())
        return true;
    for (qsizetype i = 0; i < now.functions.size(); ++i) {
        const FunctionCounters &a = before.functions[i];
        const FunctionCounters &b = now.functions[i];
        if (a.name != b.name || a.replicas != b.replicas || a.replicasReady != b.replicasReady
            || a.scaleUps != b.scaleUps || a.scaleDowns != b.scaleDowns || a.timeouts != b.timeouts)
            return true;
    }
    return false;
}

} // namespace

struct PollWorker::Target {
    QString nodeId;
    std::unique_ptr<HttpAgentClient> client;
    bool inFlight = false;
    int partsPending = 0;
    qint64 lastStartMs = 0;
    std::optional<AgentMetrics> previous;
    bool wantFacts = true;
    int pollsSinceFacts = 0;
    quint64 lastEventSeq = 0;
    std::shared_ptr<PollReport> report;
    bool backingOff = false; ///< its last answer was too large or too slow: polled at the slow pace
    qint64 triggersDueMs = 0; ///< when GET /v1/triggers is next asked, on the worker's clock
};

PollWorker::PollWorker(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<rune::PollReport>();
    qRegisterMetaType<QList<rune::PollReport>>();
    m_clock.start();
    m_tick.setParent(this);
    m_flush.setParent(this);
    connect(&m_tick, &QTimer::timeout, this, &PollWorker::tick);
    connect(&m_flush, &QTimer::timeout, this, &PollWorker::flush);
    m_flush.setInterval(std::chrono::milliseconds(100));
}

PollWorker::~PollWorker() = default;

QNetworkAccessManager *PollWorker::network()
{
    // Made on first use, so it belongs to the worker's thread rather than the creator's.
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    return m_network;
}

void PollWorker::setTarget(const QString &nodeId, const QUrl &baseUrl, const QString &token)
{
    auto &target = m_targets[nodeId];
    if (target && target->client->baseUrl() == baseUrl && target->client->token() == token)
        return;
    const bool replacing = bool(target);
    target = std::make_shared<Target>();
    target->nodeId = nodeId;
    target->client = std::make_unique<HttpAgentClient>(network(), baseUrl, token, m_limits);
    // A crowd of new nodes is spread over one period instead of all asking in the same instant.
    const qint64 period = periodOf(*target);
    const double crowd = std::min(1.0, double(m_targets.size()) / 100.0);
    const qint64 jitter = replacing ? 0 : qint64(QRandomGenerator::global()->bounded(double(period)) * crowd);
    target->lastStartMs = m_clock.elapsed() - period + jitter;
}

void PollWorker::removeTarget(const QString &nodeId)
{
    m_targets.remove(nodeId);
}

void PollWorker::setWatched(const QSet<QString> &nodeIds)
{
    m_watched = nodeIds;
}

void PollWorker::setFocus(const QString &nodeId)
{
    m_focus = nodeId;
    if (auto target = m_targets.value(nodeId); target && !target->inFlight)
        poll(*target); // the detail pane fills at once rather than at the next period
}

void PollWorker::setIntervals(std::chrono::milliseconds fast, std::chrono::milliseconds slow)
{
    m_fastMs = std::max<qint64>(10, fast.count());
    m_slowMs = std::max<qint64>(m_fastMs, slow.count());
    // Fine enough that a node is polled close to its due time, coarse enough to cost nothing.
    m_tick.setInterval(std::chrono::milliseconds(std::clamp<qint64>(m_fastMs / 10, 10, 100)));
}

void PollWorker::setReplyLimits(const ReplyLimits &limits)
{
    m_limits = limits;
}

void PollWorker::refreshFacts(const QString &nodeId)
{
    if (auto target = m_targets.value(nodeId))
        target->wantFacts = true;
}

void PollWorker::start()
{
    if (!m_tick.isActive())
        m_tick.start();
    m_flush.start();
    tick();
}

void PollWorker::stop()
{
    m_tick.stop();
}

void PollWorker::pollAll()
{
    for (const auto &target : std::as_const(m_targets)) {
        if (!target->inFlight)
            poll(*target);
    }
    if (!m_flush.isActive())
        m_flush.start();
}

qint64 PollWorker::periodOf(const Target &target) const
{
    if (target.backingOff)
        return m_slowMs;
    return m_watched.contains(target.nodeId) || target.nodeId == m_focus ? m_fastMs : m_slowMs;
}

void PollWorker::tick()
{
    const qint64 now = m_clock.elapsed();
    for (const auto &target : std::as_const(m_targets)) {
        if (!target->inFlight && now - target->lastStartMs >= periodOf(*target))
            poll(*target);
    }
}

void PollWorker::poll(Target &target)
{
    target.inFlight = true;
    // Keep the cadence: the next poll is due a period after this one was due, not after the
    // tick that noticed it, so a node is polled once a period on average, not a little less.
    const qint64 now = m_clock.elapsed();
    const qint64 period = periodOf(target);
    target.lastStartMs = std::clamp(target.lastStartMs + period, now - period / 2, now);
    auto report = std::make_shared<PollReport>();
    report->nodeId = target.nodeId;
    target.report = report;
    target.partsPending = 1;
    const std::weak_ptr<Target> weak = m_targets.value(target.nodeId);
    const bool focused = target.nodeId == m_focus;
    // The latency percentiles cover the time since the last poll (rounded up to whole seconds).
    const int window = int(std::clamp<qint64>((period + 999) / 1000, 1, 60));
    target.client->fetchMetrics(this, window, [this, weak, report, focused](Result<AgentMetrics> metrics) {
        const auto t = weak.lock();
        if (!t || t->report != report)
            return;
        if (!metrics) {
            report->error = metrics.error();
            t->backingOff = isCostly(metrics.error());
        } else {
            t->backingOff = false;
            const AgentMetrics *previous = t->previous ? &*t->previous : nullptr;
            report->sample = deriveSample(previous, *metrics);
            report->functionSamples = deriveFunctionSamples(previous, *metrics);
            const bool restarted = previous && metrics->uptimeSeconds < previous->uptimeSeconds;
            if (restarted) {
                t->lastEventSeq = 0;
                report->eventsRestarted = true;
            }
            // The first answer, too: the events from before the console looked.
            const bool scaled = !previous || restarted || replicasChanged(*previous, *metrics);
            t->previous = *metrics;
            // Only a node that answered its metrics is asked more: one that does not costs one request.
            pollFacts(*t, report);
            pollTriggers(*t, report);
            if (focused)
                pollFocusExtras(*t, report);
            else if (scaled)
                pollEvents(*t, report);
        }
        partDone(t->nodeId);
    });
}

void PollWorker::pollFacts(Target &target, const std::shared_ptr<PollReport> &report)
{
    if (!target.wantFacts && ++target.pollsSinceFacts < factsEveryPolls)
        return;
    const std::weak_ptr<Target> weak = m_targets.value(target.nodeId);
    ++target.partsPending;
    target.client->fetchInfo(this, [this, weak, report](Result<NodeFacts> facts) {
        const auto t = weak.lock();
        if (!t || t->report != report)
            return;
        if (facts) {
            report->facts = *facts;
            t->wantFacts = false;
            t->pollsSinceFacts = 0;
        } else {
            notePartError(*report, facts.error());
        }
        partDone(t->nodeId);
    });
}

void PollWorker::pollTriggers(Target &target, const std::shared_ptr<PollReport> &report)
{
    // A broker's state changes seldom: the background rate is soon enough, even for a watched node.
    const qint64 now = m_clock.elapsed();
    if (now < target.triggersDueMs)
        return;
    target.triggersDueMs = now + m_slowMs;
    const std::weak_ptr<Target> weak = m_targets.value(target.nodeId);
    ++target.partsPending;
    target.client->fetchTriggers(this, [this, weak, report](Result<AgentTriggers> triggers) {
        const auto t = weak.lock();
        if (!t || t->report != report)
            return;
        if (triggers)
            report->triggers = *triggers;
        else if (triggers.error().code != u"agent.not_found"_s) // an agent older than triggers has none to tell
            notePartError(*report, triggers.error());
        partDone(t->nodeId);
    });
}

void PollWorker::pollFocusExtras(Target &target, const std::shared_ptr<PollReport> &report)
{
    const std::weak_ptr<Target> weak = m_targets.value(target.nodeId);
    ++target.partsPending;
    target.client->fetchFunctions(this, [this, weak, report](Result<QList<AgentFunction>> functions) {
        const auto t = weak.lock();
        if (!t || t->report != report)
            return;
        if (functions)
            report->functions = *functions;
        else
            notePartError(*report, functions.error());
        partDone(t->nodeId);
    });
    pollEvents(target, report);
}

void PollWorker::pollEvents(Target &target, const std::shared_ptr<PollReport> &report)
{
    const std::weak_ptr<Target> weak = m_targets.value(target.nodeId);
    ++target.partsPending;
    target.client->fetchEvents(
        target.lastEventSeq, eventsPerPoll, this, [this, weak, report](Result<QList<AgentEvent>> events) {
            const auto t = weak.lock();
            if (!t || t->report != report)
                return;
            if (!events) {
                notePartError(*report, events.error());
            } else if (!events->isEmpty()) {
                report->events = *events;
                t->lastEventSeq = std::max(t->lastEventSeq, events->constLast().seq);
            }
            partDone(t->nodeId);
        });
}

void PollWorker::partDone(const QString &nodeId)
{
    const auto target = m_targets.value(nodeId);
    if (!target || --target->partsPending > 0)
        return;
    target->inFlight = false;
    m_batch.append(std::move(*target->report));
    target->report.reset();
}

void PollWorker::flush()
{
    if (m_batch.isEmpty())
        return;
    Q_EMIT reported(std::exchange(m_batch, {}));
}

} // namespace rune
