// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodelist.h"
#include "provision/nodejob.h"
#include "provision/provisionoptions.h"

#include <QHash>
#include <QObject>
#include <deque>
#include <memory>

class QNetworkAccessManager;

namespace rune
{

class NodeSessions;
class SshPrompter;

/**
 * Runs the lifecycle actions (Provision, Suspend, Resume, Reboot, Terminate) on remote nodes.
 * The target action is recorded in the NodeList before anything is done on the node, so a
 * console restarted half-way calls resumePending() and finishes the work. Nodes are worked on
 * in parallel up to ProvisionOptions::maxParallel; one failing does not stop the others, and
 * leaves its node Failed in a state that running the action again repairs.
 */
class NodeOperations final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeOperations)

public:
    NodeOperations(NodeList *nodes,
        NodeSessions *sessions,
        QNetworkAccessManager *network,
        SshPrompter *prompter,
        ProvisionOptions options,
        QObject *parent = nullptr);
    ~NodeOperations() override;

    /**
     * Starts @p action on every node of @p nodeIds that allows it. Refused nodes are left
     * untouched and named in the error (the others still start).
     */
    Result<void> perform(const QStringList &nodeIds, NodeAction action);
    /** Restarts the recorded target action of every remote node that has one and no job running. */
    void resumePending();
    /** Nodes worked on at once from now on (at least 1); a higher limit starts waiting nodes at once. */
    void setMaxParallel(int count);
    int maxParallel() const;
    /** Stops every running job and drops the queued ones; their nodes become Failed. */
    void cancel();
    /** A job runs or waits for @p nodeId. */
    bool isBusy(const QString &nodeId) const;
    bool isIdle() const;
    /**
     * Why @p node may not leave the list now, in words (a demo node; an action under way; an agent
     * still installed, which would stay behind unwatched); empty when it may.
     */
    QString removalRefusal(const Node &node) const;

Q_SIGNALS:
    void stepStarted(const QString &nodeId, rune::ProvisionStep step);
    void logLine(const QString &nodeId, const QString &line);
    void progress(const QString &nodeId, int percent);
    /** One node's action ended; the error names the step and what the node printed. */
    void nodeFinished(const QString &nodeId, rune::NodeAction action, const rune::Result<void> &result);
    /** Nothing runs or waits any more. */
    void idle();

private:
    struct Pending {
        QString nodeId;
        NodeAction action;
        std::shared_ptr<SudoPasswords> sudo;
    };
    Result<NodeBundle> bundle();
    void enqueue(const QString &nodeId, NodeAction action, const std::shared_ptr<SudoPasswords> &sudo);
    void startNext();
    void launch(const Pending &pending);
    void finish(const QString &nodeId, NodeAction action, const Result<NodeFacts> &result);

    NodeList *m_nodes;
    NodeSessions *m_sessions;
    QNetworkAccessManager *m_network;
    SshPrompter *m_prompter;
    ProvisionOptions m_options;
    std::optional<NodeBundle> m_bundle;
    std::deque<Pending> m_queue;
    QHash<QString, NodeJob *> m_running;
};

} // namespace rune
