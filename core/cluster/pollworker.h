// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentclient.h"
#include "metrics/nodesample.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <chrono>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace rune
{

/** What one poll of one node found, handed from the poll thread to the UI thread. */
struct PollReport {
    QString nodeId;
    std::optional<Error> error; ///< set when the agent did not answer its metrics
    /** Set when another part of the poll (facts, functions, events) failed although metrics came. */
    std::optional<Error> partError;
    NodeSample sample;
    std::optional<NodeFacts> facts; ///< when they were asked for this time
    /** Per-function figures and rates, from the metrics every node answers. */
    std::optional<QList<FunctionSample>> functionSamples;
    /** For the focused node only: its deployed functions. */
    std::optional<QList<AgentFunction>> functions;
    /** New events: the focused node's at every poll, another node's when its replicas changed. */
    QList<AgentEvent> events;
    bool eventsRestarted = false; ///< the agent restarted: its event numbers begin again
    /** The node's broker and triggers, asked once per background period (slow interval). */
    std::optional<AgentTriggers> triggers;
};

/**
 * The network side of NodeMonitor, living on the monitor's own thread: an HTTP client per
 * node, the poll schedule (fast for watched nodes, slow for the rest), JSON parsing and rate
 * derivation. Results go back in batches, a few times a second, so the UI thread does little
 * per node. Every method runs on the worker's thread.
 */
class PollWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PollWorker)

public:
    explicit PollWorker(QObject *parent = nullptr);
    ~PollWorker() override;

    /** Polls @p nodeId at @p baseUrl from now on (or with a new address/token). */
    void setTarget(const QString &nodeId, const QUrl &baseUrl, const QString &token);
    void removeTarget(const QString &nodeId);
    void setWatched(const QSet<QString> &nodeIds);
    void setFocus(const QString &nodeId);
    void setIntervals(std::chrono::milliseconds fast, std::chrono::milliseconds slow);
    /** How much of an answer is read, for how long; for targets set from now on. */
    void setReplyLimits(const ReplyLimits &limits);
    /** Asks @p nodeId's host facts at its next poll. */
    void refreshFacts(const QString &nodeId);
    void start();
    void stop();
    /** Polls every node that has no poll outstanding, now. */
    void pollAll();

Q_SIGNALS:
    void reported(const QList<rune::PollReport> &reports);

private:
    struct Target;
    void tick();
    void poll(Target &target);
    void pollFacts(Target &target, const std::shared_ptr<PollReport> &report);
    void pollFocusExtras(Target &target, const std::shared_ptr<PollReport> &report);
    void pollEvents(Target &target, const std::shared_ptr<PollReport> &report);
    void pollTriggers(Target &target, const std::shared_ptr<PollReport> &report);
    void partDone(const QString &nodeId);
    void flush();
    QNetworkAccessManager *network();
    qint64 periodOf(const Target &target) const;

    QNetworkAccessManager *m_network = nullptr;
    QHash<QString, std::shared_ptr<Target>> m_targets;
    QSet<QString> m_watched;
    QString m_focus;
    qint64 m_fastMs = 1000;
    qint64 m_slowMs = 5000;
    QTimer m_tick;
    QTimer m_flush;
    QElapsedTimer m_clock;
    QList<PollReport> m_batch;
    ReplyLimits m_limits;
};

} // namespace rune

Q_DECLARE_METATYPE(rune::PollReport)
