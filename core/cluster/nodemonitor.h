// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodelist.h"
#include "cluster/pollworker.h"
#include "util/slicedwork.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <chrono>
#include <memory>

namespace rune
{

class FleetMetrics;
class RemoteAgentAccess;

/**
 * Watches every node's agent and writes what it sees back: the observed state (corrected
 * against the recorded target action) and host facts into the NodeList, the figures into
 * FleetMetrics. The HTTP work, JSON parsing and rate arithmetic run on the monitor's own
 * thread (PollWorker); this object applies their results in batches on the UI thread.
 *
 * Nodes on screen (setWatched) are polled every interval(), the rest every
 * backgroundInterval(); the focused node (setFocus) also has its functions and events read.
 * A node whose agent misses unreachableAfter() polls in a row turns Undefined (a remote one is
 * first asked over SSH what happened), and Running again at its first answer.
 */
class NodeMonitor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeMonitor)

public:
    /**
     * Polls @p nodes into @p metrics, reaching remote nodes through @p access; all three must
     * outlive the monitor.
     */
    NodeMonitor(NodeList *nodes, FleetMetrics *metrics, RemoteAgentAccess *access, QObject *parent = nullptr);
    /** Stops the poll thread and waits for it. */
    ~NodeMonitor() override;

    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const;
    void setBackgroundInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds backgroundInterval() const;
    void setUnreachableAfter(int polls);
    int unreachableAfter() const;
    /** How much of an agent's answer is read, and for how long (nodes added from now on). */
    void setReplyLimits(const ReplyLimits &limits);

    /** The nodes on screen now: polled at the fast interval. */
    void setWatched(const QStringList &nodeIds);
    /** The node shown in detail (empty: none): its functions and events are read too. */
    void setFocus(const QString &nodeId);
    /** Reads @p nodeId's host facts again at its next poll. */
    void refreshFacts(const QString &nodeId);

    void start();
    void stop();
    /**
     * Reports are applied for at most this long in one turn of the UI's event loop; the rest
     * follow in the next turns, so a fleet's worth of polls arriving together never makes the
     * window stutter.
     */
    static constexpr std::chrono::milliseconds applyBudget {3};

    /** Polls every node now, outside the schedule. */
    void pollAll();

Q_SIGNALS:
    /** One node's poll completed (whatever it found). */
    void polled(const QString &nodeId);

private:
    struct Endpoint {
        QUrl url;
        QString token;
        bool operator==(const Endpoint &) const = default;
    };
    struct Tunnel {
        SshEndpoint ssh;
        quint16 remotePort = 0;
        quint16 localPort = 0;
    };
    template <typename Work> void toWorker(Work work);
    void syncAll();
    void sync(const Node &node);
    std::optional<Endpoint> endpointOf(const Node &node);
    bool isRemotePollable(const Node &node) const;
    void openTunnel(const Node &node);
    void retryTunnels();
    void apply(const PollReport &report);
    void onSilence(const QString &nodeId);
    void observe(const QString &nodeId, AgentObservation observed, const std::optional<NodeFacts> &facts = {});
    void forget(const QString &nodeId);

    NodeList *m_nodes;
    FleetMetrics *m_metrics;
    RemoteAgentAccess *m_access;
    std::unique_ptr<QThread> m_thread;
    PollWorker *m_worker;
    std::chrono::milliseconds m_interval {1000};
    std::chrono::milliseconds m_backgroundInterval {5000};
    int m_unreachableAfter = 2;
    bool m_running = false;
    QHash<QString, Endpoint> m_endpoints;
    QHash<QString, Tunnel> m_tunnels;
    QSet<QString> m_tunnelsOpening;
    QSet<QString> m_probing;
    QHash<QString, int> m_failures;
    QTimer m_tunnelRetry;
    /** A fleet's polls often end together: their reports are applied over several turns. */
    SlicedWork<PollReport> m_reports;
};

} // namespace rune
