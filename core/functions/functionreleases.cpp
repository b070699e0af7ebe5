// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionreleases.h"

#include "cluster/nodelist.h"
#include "store/store.h"
#include "util/background.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::FunctionReleases", text);
}

QString versionName(int number)
{
    return u"v"_s + QString::number(number);
}

/** "name (why)", without the sentence's own full stop, which the caller's sentence brings. */
QString nodeProblem(const QString &node, QString why)
{
    while (why.endsWith(u'.'))
        why.chop(1);
    return QCoreApplication::translate("rune::FunctionReleases", "%1 (%2)").arg(node, why);
}

/** "a", "a and b", "a, b and c". */
QString listed(const QStringList &names)
{
    if (names.size() <= 1)
        return names.value(0);
    return tr("%1 and %2").arg(names.mid(0, names.size() - 1).join(u", "_s), names.last());
}

using NodeCall = std::function<void(FunctionAgentClient &client, QObject *context, std::function<void(QString)> done)>;
/** Each node with its problem (empty: it worked), in the order the nodes were given. */
using NodeProblems = QList<QPair<QString, QString>>;
using NodesDone = std::function<void(NodeProblems problems)>;

/** Runs @p call on each node's agent in parallel; @p done gets every node's problem (empty: it worked). */
void forEachNode(
    const FunctionAgents *agents, const QStringList &nodeIds, QObject *context, NodeCall call, NodesDone done)
{
    struct State {
        QStringList nodeIds;
        QHash<QString, QString> problems;
        NodesDone done;
    };
    auto state = std::make_shared<State>(State {nodeIds, {}, std::move(done)});
    if (nodeIds.isEmpty())
        return state->done({});
    for (const QString &nodeId : nodeIds) {
        const auto finish = [state, nodeId](const QString &problem) {
            state->problems.insert(nodeId, problem);
            if (state->problems.size() < state->nodeIds.size())
                return;
            NodeProblems ordered;
            for (const QString &id : std::as_const(state->nodeIds))
                ordered.append({id, state->problems.value(id)});
            state->done(ordered);
        };
        agents->withClient(
            nodeId, context, [call, context, finish](Result<std::shared_ptr<FunctionAgentClient>> client) {
                if (!client)
                    return finish(client.error().message);
                call(**client, context, finish);
            });
    }
}

} // namespace

struct FunctionReleases::Source {
    int fromVersion = 0; ///< 0: the working files and configuration; else a rollback to it
    QString note;
};

struct FunctionReleases::Prepared {
    Function function;
    int number = 0;
    bool created = false;
    QByteArray archive; ///< tar.gz
    QJsonObject config;
    std::optional<FunctionVersion> previous; ///< the version serving calls before
};

struct FunctionReleases::Outcome {
    Function function;
    QList<FunctionVersion> versions;
    QList<FunctionDeployment> deployments;
};

namespace
{

Result<std::pair<QList<CodeFile>, QJsonObject>> sourceFiles(
    const BucketStore &buckets, const Function &function, int fromVersion)
{
    if (fromVersion == 0) {
        auto files = buckets.workingFiles(function.project, function.name);
        if (!files)
            return std::unexpected(files.error());
        return std::pair {*files, function.config.toJson()};
    }
    auto files = buckets.versionFiles(function.project, function.name, fromVersion);
    auto config = buckets.versionConfig(function.project, function.name, fromVersion);
    if (!files || !config)
        return std::unexpected(!files ? files.error() : config.error());
    return std::pair {*files, *config};
}

} // namespace

DeployJob *FunctionReleases::deploy(const QString &functionId, const QStringList &nodeIds, const QString &note)
{
    return start(functionId, nodeIds, Source {0, note});
}

DeployJob *FunctionReleases::rollback(const QString &functionId, int number, const QStringList &nodeIds)
{
    QStringList targets = nodeIds;
    if (targets.isEmpty())
        targets = defaultTargets(functionId);
    return start(functionId, targets, Source {number, tr("Rollback to %1").arg(versionName(number))});
}

FunctionReleases::FunctionReleases(FunctionWorkspace *workspace, FunctionAgents *agents, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_catalog(workspace->catalog())
    , m_agents(agents)
{
}

bool FunctionReleases::isDeploying(const QString &functionId) const
{
    return m_deploying.contains(functionId);
}

QStringList FunctionReleases::defaultTargets(const QString &functionId) const
{
    const Function *function = m_catalog->find(functionId);
    if (function && function->currentVersion > 0) {
        const QStringList nodes = m_catalog->nodesOf(functionId, function->currentVersion);
        if (!nodes.isEmpty())
            return nodes;
    }
    QStringList running;
    if (NodeList *nodes = m_agents->nodes()) {
        for (const Node &node : nodes->nodes()) {
            if (node.state == NodeState::Running && node.role == NodeRole::Compute)
                running << node.id;
        }
    }
    return running;
}

FunctionReleases::PrepareResult FunctionReleases::prepare(
    Store *store, BucketStore buckets, const Function &function, std::optional<FunctionVersion> current, Source source)
{
    auto files = sourceFiles(buckets, function, source.fromVersion);
    if (!files)
        return std::unexpected(files.error());
    if (files->first.isEmpty())
        return fail(u"function.no_files"_s, tr("%1 has no files to deploy.").arg(function.name));
    auto tar = makeTar(files->first);
    if (!tar)
        return std::unexpected(tar.error());
    const QString digest = codeDigestOf(*tar);
    Prepared prepared {function, 0, false, gzip(*tar), files->second, current};
    if (current) {
        const auto currentConfig = buckets.versionConfig(function.project, function.name, current->number);
        if (current->codeDigest == digest && currentConfig && *currentConfig == files->second) {
            if (source.fromVersion > 0)
                return fail(u"function.nothing_to_roll_back"_s,
                    tr("%1 has the same code and configuration as %2, which already serves calls.")
                        .arg(versionName(source.fromVersion), versionName(current->number)));
            prepared.number = current->number;
            return prepared;
        }
    }
    auto versions = store->loadVersions(function.id);
    if (!versions)
        return std::unexpected(versions.error());
    prepared.number = versions->isEmpty() ? 1 : versions->last().number + 1;
    prepared.created = true;
    if (auto written =
            buckets.writeVersion(function.project, function.name, prepared.number, files->first, files->second);
        !written)
        return std::unexpected(written.error());
    const FunctionVersion version {
        function.id, prepared.number, QDateTime::currentDateTimeUtc(), digest, FunctionState::Updating, source.note};
    if (auto added = store->addVersion(version); !added) {
        buckets.removeVersion(function.project, function.name, prepared.number);
        return std::unexpected(added.error());
    }
    return prepared;
}

FunctionReleases::RecordResult FunctionReleases::record(
    Store *store, BucketStore buckets, const Prepared &prepared, const QList<NodeDeployResult> &results)
{
    const QString id = prepared.function.id;
    bool any = false;
    for (const NodeDeployResult &result : results) {
        if (!result.ok)
            continue;
        any = true;
        if (auto saved = store->saveDeployment(
                {id, prepared.number, result.nodeId, result.agentVersion, QDateTime::currentDateTimeUtc()});
            !saved)
            return std::unexpected(saved.error());
    }
    if (prepared.created && !any) {
        store->removeVersion(id, prepared.number);
        buckets.removeVersion(prepared.function.project, prepared.function.name, prepared.number);
    } else if (prepared.created) {
        const bool wasBlocked = prepared.previous && prepared.previous->state == FunctionState::Blocked;
        if (prepared.previous) {
            if (auto moved = transition(prepared.previous->state, FunctionState::Published))
                store->setVersionState(id, prepared.previous->number, *moved);
        }
        FunctionState state = transition(FunctionState::Updating, FunctionState::Latest).value();
        if (wasBlocked) // the agents keep a function blocked across deploys
            state = transition(state, FunctionState::Blocked).value_or(state);
        if (auto set = store->setVersionState(id, prepared.number, state); !set)
            return std::unexpected(set.error());
    }
    auto functions = store->loadFunctions();
    if (!functions)
        return std::unexpected(functions.error());
    Outcome outcome;
    for (const Function &function : std::as_const(*functions)) {
        if (function.id == id)
            outcome.function = function;
    }
    if (prepared.created && any) {
        outcome.function.currentVersion = prepared.number;
        if (auto saved = store->saveFunction(outcome.function); !saved)
            return std::unexpected(saved.error());
    }
    auto versions = store->loadVersions(id);
    auto deployments = store->loadDeployments(id);
    if (!versions || !deployments)
        return std::unexpected(!versions ? versions.error() : deployments.error());
    outcome.versions = *versions;
    outcome.deployments = *deployments;
    return outcome;
}

DeployJob *FunctionReleases::start(const QString &functionId, QStringList nodeIds, Source source)
{
    const Function *known = m_catalog->find(functionId);
    nodeIds.removeDuplicates();
    auto *job = new DeployJob(functionId, known ? known->name : QString(), nodeIds, this);
    const auto refused = [job](const QString &reason) {
        job->refuse(reason);
        return job;
    };
    if (!known)
        return refused(tr("There is no such function; was it deleted?"));
    const Function function = *known;
    const auto current = m_catalog->currentVersion(functionId);
    if (isDeploying(functionId))
        return refused(tr("A deploy of %1 is in flight; wait until it finishes.").arg(function.name));
    if (nodeIds.isEmpty())
        return refused(tr("Choose at least one node to deploy %1 to.").arg(function.name));
    if (source.fromVersion > 0) {
        if (!m_catalog->version(functionId, source.fromVersion))
            return refused(tr("%1 has no version %2.").arg(function.name, versionName(source.fromVersion)));
        if (current && current->number == source.fromVersion)
            return refused(
                tr("%1 already serves the calls of %2.").arg(versionName(source.fromVersion), function.name));
    } else if (const QStringList problems = function.config.validate(); !problems.isEmpty()) {
        return refused(tr("The configuration of %1 has problems: %2.").arg(function.name, problems.join(u"; "_s)));
    }
    m_deploying.insert(functionId);
    Q_EMIT deployStarted(job);

    m_workspace->writer()->run(
        job,
        [store = m_workspace->store(), buckets = m_workspace->buckets(), function, current, source] {
            return prepare(store, buckets, function, current, source);
        },
        [this, job](Result<Prepared> prepared) {
            if (!prepared) {
                m_deploying.remove(job->functionId());
                return job->finish(false, prepared.error().message);
            }
            if (prepared->created) {
                auto versions = m_catalog->versions(job->functionId());
                versions.append(FunctionVersion {job->functionId(),
                    prepared->number,
                    QDateTime::currentDateTimeUtc(),
                    {},
                    FunctionState::Updating,
                    {}});
                m_catalog->setVersions(job->functionId(), versions);
            }
            job->setPackaged(prepared->number, prepared->created, prepared->archive.size());
            upload(job, *prepared);
        });
    return job;
}

void FunctionReleases::upload(DeployJob *job, const Prepared &prepared)
{
    connect(job, &DeployJob::cancelled, this, [this, job, prepared] {
        for (const QString &nodeId : job->pendingNodes())
            job->addResult({nodeId, m_agents->nodeName(nodeId), false, 0, tr("cancelled")});
        complete(job, prepared);
    });
    bool allThere = true;
    for (const QString &nodeId : job->nodeIds()) {
        const int agentVersion = m_catalog->agentVersion(job->functionId(), prepared.number, nodeId);
        if (!prepared.created && agentVersion > 0) {
            job->addResult({nodeId,
                m_agents->nodeName(nodeId),
                true,
                agentVersion,
                tr("already runs %1").arg(versionName(prepared.number))});
            continue;
        }
        allThere = false;
        uploadTo(job, nodeId, prepared);
    }
    if (allThere)
        complete(job, prepared);
}

void FunctionReleases::uploadTo(DeployJob *job, const QString &nodeId, const Prepared &prepared)
{
    QObject *context = job->uploadContext(nodeId);
    const QString nodeName = m_agents->nodeName(nodeId);
    const auto report = [this, job, nodeId, nodeName, prepared](Result<AgentFunctionStatus> status) {
        const NodeDeployResult result = status
            ? NodeDeployResult {nodeId,
                nodeName,
                true,
                status->version,
                tr("runs %1 (agent v%2)").arg(versionName(prepared.number)).arg(status->version)}
            : NodeDeployResult {nodeId, nodeName, false, 0, status.error().message};
        if (job->addResult(result))
            complete(job, prepared);
    };
    m_agents->withClient(nodeId, context, [job, nodeId, context, prepared, report](auto client) {
        if (!client)
            return report(std::unexpected(client.error()));
        (*client)->deploy(
            prepared.function.name,
            prepared.archive,
            prepared.config,
            context,
            [job, nodeId](qint64 sent, qint64 total) {
                Q_EMIT job->nodeProgress(nodeId, sent, total);
            },
            report);
    });
}

void FunctionReleases::complete(DeployJob *job, const Prepared &prepared)
{
    if (job->isFinished() || job->m_completing)
        return;
    job->m_completing = true;
    const QList<NodeDeployResult> results = job->results();
    QPointer<DeployJob> guard(job);
    m_workspace->writer()->run(
        this,
        [store = m_workspace->store(), buckets = m_workspace->buckets(), prepared, results] {
            return record(store, buckets, prepared, results);
        },
        [this, guard, id = prepared.function.id](Result<Outcome> outcome) {
            m_deploying.remove(id);
            if (outcome)
                applyOutcome(id, *outcome);
            if (!guard)
                return;
            const QList<NodeDeployResult> reported = guard->results();
            const bool succeeded =
                outcome && std::any_of(reported.cbegin(), reported.cend(), [](const NodeDeployResult &r) {
                    return r.ok;
                });
            guard->finish(succeeded, outcome ? summaryOf(guard, succeeded) : outcome.error().message);
        });
}

void FunctionReleases::applyOutcome(const QString &functionId, const Outcome &outcome)
{
    if (!m_catalog->find(functionId))
        return;
    if (!outcome.function.id.isEmpty()) {
        // The configuration may have been saved again meanwhile: keep the catalog's.
        Function updated = *m_catalog->find(functionId);
        updated.currentVersion = outcome.function.currentVersion;
        m_catalog->update(updated);
    }
    m_catalog->setVersions(functionId, outcome.versions);
    m_catalog->setDeployments(functionId, outcome.deployments);
}

QString FunctionReleases::summaryOf(const DeployJob *job, bool succeeded) const
{
    QStringList good, bad;
    QList<NodeDeployResult> results = job->results();
    // In the order the nodes were chosen, not the order they answered.
    const QStringList order = job->nodeIds();
    std::sort(results.begin(), results.end(), [&order](const NodeDeployResult &a, const NodeDeployResult &b) {
        return order.indexOf(a.nodeId) < order.indexOf(b.nodeId);
    });
    for (const NodeDeployResult &result : std::as_const(results)) {
        if (result.ok)
            good << result.nodeName;
        else
            bad << nodeProblem(result.nodeName, result.message);
    }
    const QString version = versionName(job->version());
    if (!succeeded)
        return tr("%1 was not deployed: %2.").arg(job->functionName(), listed(bad));
    QString summary = tr("%1 %2 runs on %3.").arg(job->functionName(), version, listed(good));
    if (!bad.isEmpty())
        summary += u' ' + tr("Not deployed to %1.").arg(listed(bad));
    return summary;
}

void FunctionReleases::setBlocked(const QString &functionId, bool blocked, QObject *context, Callback<QString> done)
{
    const Function *function = m_catalog->find(functionId);
    const auto current = m_catalog->currentVersion(functionId);
    if (!function || !current)
        return done(fail(u"function.not_deployed"_s,
            tr("%1 has not been deployed yet, so there is nothing to %2.")
                .arg(function ? function->name : functionId, blocked ? tr("block") : tr("unblock"))));
    if (isDeploying(functionId))
        return done(
            fail(u"function.busy"_s, tr("A deploy of %1 is in flight; wait until it finishes.").arg(function->name)));
    const auto target = transition(current->state, blocked ? FunctionState::Blocked : FunctionState::Latest);
    if (!target)
        return done(std::unexpected(target.error()));
    const QString name = function->name;
    const QStringList nodeIds = m_catalog->nodesOf(functionId, current->number);
    const int number = current->number;
    forEachNode(
        m_agents,
        nodeIds,
        context,
        [name, blocked](FunctionAgentClient &client, QObject *ctx, std::function<void(QString)> finish) {
            client.setBlocked(name, blocked, ctx, [finish](Result<AgentFunctionStatus> status) {
                finish(status ? QString() : status.error().message);
            });
        },
        [this, functionId, number, name, blocked, state = *target, context, done](NodeProblems problems) {
            QStringList good, bad;
            for (const auto &[nodeId, problem] : std::as_const(problems)) {
                if (problem.isEmpty())
                    good << m_agents->nodeName(nodeId);
                else
                    bad << nodeProblem(m_agents->nodeName(nodeId), problem);
            }
            if (good.isEmpty())
                return done(fail(u"function.block_failed"_s,
                    tr("%1 was not %2: %3.").arg(name, blocked ? tr("blocked") : tr("unblocked"), listed(bad))));
            m_workspace->writer()->run(
                context,
                [store = m_workspace->store(), functionId, number, state] {
                    return store->setVersionState(functionId, number, state);
                },
                [this, functionId, number, state, name, blocked, good, bad, done](Result<void> saved) {
                    if (!saved)
                        return done(std::unexpected(saved.error()));
                    auto versions = m_catalog->versions(functionId);
                    for (FunctionVersion &version : versions) {
                        if (version.number == number)
                            version.state = state;
                    }
                    m_catalog->setVersions(functionId, versions);
                    QString summary =
                        tr("%1 is %2 on %3.").arg(name, blocked ? tr("blocked") : tr("unblocked"), listed(good));
                    if (!bad.isEmpty())
                        summary += u' ' + tr("Failed on %1.").arg(listed(bad));
                    done(summary);
                });
        });
}

void FunctionReleases::retire(const QString &functionId, int number, QObject *context, Callback<void> done)
{
    const Function *function = m_catalog->find(functionId);
    const auto version = m_catalog->version(functionId, number);
    if (!function || !version)
        return done(fail(u"function.not_found"_s, tr("There is no such version.")));
    if (function->currentVersion == number)
        return done(fail(u"function.transition_refused"_s,
            tr("%1 serves the calls of %2: roll back to another version or deploy a new one before retiring it.")
                .arg(versionName(number), function->name)));
    const auto target = transition(version->state, FunctionState::Retired);
    if (!target)
        return done(std::unexpected(target.error()));
    // The agents drop their copy too, so name@v<N> stops answering there.
    QStringList nodes;
    QHash<QString, int> agentVersions;
    for (const FunctionDeployment &deployment : m_catalog->deployments(functionId)) {
        if (deployment.number == number && deployment.agentVersion > 0) {
            nodes << deployment.nodeId;
            agentVersions.insert(deployment.nodeId, deployment.agentVersion);
        }
    }
    const QString name = function->name;
    forEachNode(
        m_agents,
        nodes,
        context,
        [name, agentVersions](FunctionAgentClient &client, QObject *ctx, std::function<void(QString)> finish) {
            const int agentVersion = agentVersions.value(client.address().nodeId);
            client.removeVersion(name, agentVersion, ctx, [finish](Result<void> removed) {
                // Gone already is as good as removed.
                finish(removed || removed.error().code == u"agent.not_found"_s ? QString() : removed.error().message);
            });
        },
        [this, functionId, number, name, context, done](NodeProblems problems) {
            QStringList bad;
            for (const auto &[nodeId, problem] : std::as_const(problems)) {
                if (!problem.isEmpty())
                    bad << nodeProblem(m_agents->nodeName(nodeId), problem);
            }
            if (!bad.isEmpty())
                return done(fail(u"function.retire_failed"_s,
                    tr("%1 of %2 stays as it is: %3. Try again when the nodes answer.")
                        .arg(versionName(number), name, bad.join(u"; "_s))));
            markRetired(functionId, number, context, done);
        });
}

void FunctionReleases::markRetired(const QString &functionId, int number, QObject *context, Callback<void> done)
{
    m_workspace->writer()->run(
        context,
        [store = m_workspace->store(), functionId, number] {
            return store->setVersionState(functionId, number, FunctionState::Retired);
        },
        [this, functionId, number, done](Result<void> saved) {
            if (saved) {
                auto versions = m_catalog->versions(functionId);
                for (FunctionVersion &v : versions) {
                    if (v.number == number)
                        v.state = FunctionState::Retired;
                }
                m_catalog->setVersions(functionId, versions);
            }
            done(saved);
        });
}

void FunctionReleases::removeEverywhere(const QString &functionId, QObject *context, Callback<void> done)
{
    const Function *function = m_catalog->find(functionId);
    if (!function)
        return done(fail(u"function.not_found"_s, tr("There is no such function; was it deleted?")));
    if (isDeploying(functionId))
        return done(
            fail(u"function.busy"_s, tr("A deploy of %1 is in flight; wait until it finishes.").arg(function->name)));
    const QString name = function->name;
    forEachNode(
        m_agents,
        m_catalog->everyNodeOf(functionId),
        context,
        [name](FunctionAgentClient &client, QObject *ctx, std::function<void(QString)> finish) {
            client.removeFunction(name, ctx, [finish](Result<void> removed) {
                // Gone already is as good as deleted.
                finish(removed || removed.error().code == u"agent.not_found"_s ? QString() : removed.error().message);
            });
        },
        [this, functionId, name, context, done](NodeProblems problems) {
            QStringList bad;
            for (const auto &[nodeId, problem] : std::as_const(problems)) {
                if (!problem.isEmpty())
                    bad << nodeProblem(m_agents->nodeName(nodeId), problem);
            }
            if (!bad.isEmpty())
                return done(fail(u"function.remove_failed"_s,
                    tr("%1 was kept, since it could not be deleted from %2. Try again when the nodes answer.")
                        .arg(name, listed(bad))));
            m_workspace->removeFunction(functionId, context, done);
        });
}

} // namespace rune
