// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/functionagents.h"
#include "functions/deployjob.h"
#include "functions/functionworkspace.h"

#include <QObject>
#include <QSet>
#include <functional>

namespace rune
{

class Store;

/**
 * Versions and their lifecycle on the agents (ARCHITECTURE.md, "Lifecycles"):
 *
 * - deploy() packages the working files; changed code or configuration becomes a new,
 *   immutable version N (UPDATING while it uploads), stored in the bucket store and sent to
 *   each chosen node in parallel. Once a node took it, N is LATEST and serves plain calls; the
 *   version before it becomes PUBLISHED (still callable as name@v<M>). A deploy no node took
 *   leaves no version behind.
 * - rollback() deploys an older version's files and configuration as a new version, since
 *   versions never change: the history shows when and to what the function was rolled back,
 *   and the agents, which number every deploy themselves, stay in step.
 * - setBlocked() blocks or unblocks the function on every node that runs it (calls get 423);
 *   the serving version shows BLOCKED, and a deploy while blocked stays blocked.
 * - retire() marks a version that no longer serves calls RETIRED: kept for history and diffs,
 *   no longer called by the console.
 *
 * Every state change goes through transition(), so an impossible move is refused with its reason.
 */
class FunctionReleases final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionReleases)

public:
    template <typename T> using Callback = std::function<void(Result<T>)>;

    FunctionReleases(FunctionWorkspace *workspace, FunctionAgents *agents, QObject *parent = nullptr);

    /**
     * Deploys the working files and configuration of @p functionId to @p nodeIds. The job
     * reports a refusal (no such function, invalid configuration, no files, no nodes, a deploy
     * already in flight) through finished(false, reason) after the caller could connect.
     */
    DeployJob *deploy(const QString &functionId, const QStringList &nodeIds, const QString &note = {});
    /** Deploys version @p number again as a new version; no @p nodeIds: where the current one runs. */
    DeployJob *rollback(const QString &functionId, int number, const QStringList &nodeIds = {});
    /** Blocks or unblocks @p functionId on every node that runs it; @p done gets a summary. */
    void setBlocked(const QString &functionId, bool blocked, QObject *context, Callback<QString> done);
    /** Retires version @p number: removed from every agent that has it, kept in the console for history.
     *  The version serving calls cannot be retired. */
    void retire(const QString &functionId, int number, QObject *context, Callback<void> done);
    /** Deletes @p functionId from every node that ever ran it, then from the console. */
    void removeEverywhere(const QString &functionId, QObject *context, Callback<void> done);

    bool isDeploying(const QString &functionId) const;
    /** Where a deploy goes unless the user picks: the nodes of the current version, else every running compute node. */
    QStringList defaultTargets(const QString &functionId) const;

Q_SIGNALS:
    /** A deploy or rollback started; views may show its progress. */
    void deployStarted(rune::DeployJob *job);

private:
    void markRetired(const QString &functionId, int number, QObject *context, Callback<void> done);
    struct Source;
    struct Prepared;
    struct Outcome;

    using PrepareResult = Result<Prepared>;
    using RecordResult = Result<Outcome>;

    /** On the writer thread: packages the files, and stores a new version when they changed. */
    static PrepareResult prepare(Store *store,
        BucketStore buckets,
        const Function &function,
        std::optional<FunctionVersion> current,
        Source source);
    /** On the writer thread: records where it runs and moves the states, or withdraws a version no node took. */
    static RecordResult record(
        Store *store, BucketStore buckets, const Prepared &prepared, const QList<NodeDeployResult> &results);
    DeployJob *start(const QString &functionId, QStringList nodeIds, Source source);
    void upload(DeployJob *job, const Prepared &prepared);
    void uploadTo(DeployJob *job, const QString &nodeId, const Prepared &prepared);
    void complete(DeployJob *job, const Prepared &prepared);
    void applyOutcome(const QString &functionId, const Outcome &outcome);
    QString summaryOf(const DeployJob *job, bool succeeded) const;

    FunctionWorkspace *m_workspace;
    FunctionCatalog *m_catalog;
    FunctionAgents *m_agents;
    QSet<QString> m_deploying;
};

} // namespace rune
