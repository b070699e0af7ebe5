// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/nodeoperations.h"

#include "provision/actionjob.h"
#include "provision/nodesessions.h"
#include "provision/provisionjob.h"

#include <QDateTime>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString newToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return QString::fromLatin1(bytes.toHex());
}

} // namespace

NodeOperations::NodeOperations(NodeList *nodes,
    NodeSessions *sessions,
    QNetworkAccessManager *network,
    SshPrompter *prompter,
    ProvisionOptions options,
    QObject *parent)
    : QObject(parent)
    , m_nodes(nodes)
    , m_sessions(sessions)
    , m_network(network)
    , m_prompter(prompter)
    , m_options(std::move(options))
{
    qRegisterMetaType<rune::NodeAction>();
}

NodeOperations::~NodeOperations()
{
    // Jobs die with us without touching the NodeList: the recorded target actions stay, so the
    // next console resumes them.
    for (NodeJob *job : std::as_const(m_running))
        QObject::disconnect(job, nullptr, this, nullptr);
}

Result<NodeBundle> NodeOperations::bundle()
{
    if (!m_bundle) {
        auto located = NodeBundle::locate(m_options.agentBinary, m_options.agentPackage);
        if (!located)
            return located;
        m_bundle = *located;
    }
    return *m_bundle;
}

bool NodeOperations::isBusy(const QString &nodeId) const
{
    return m_running.contains(nodeId) || std::any_of(m_queue.begin(), m_queue.end(), [&nodeId](const Pending &p) {
        return p.nodeId == nodeId;
    });
}

bool NodeOperations::isIdle() const
{
    return m_running.isEmpty() && m_queue.empty();
}

Result<void> NodeOperations::perform(const QStringList &nodeIds, NodeAction action)
{
    if (auto located = bundle(); !located)
        return std::unexpected(located.error());
    auto sudo = std::make_shared<SudoPasswords>(m_prompter);
    QStringList refusals;
    for (const QString &id : nodeIds) {
        const Node *current = m_nodes->find(id);
        if (!current)
            continue;
        if (current->agent.local) {
            refusals << tr("%1 belongs to the local demo cluster, which the console runs itself.").arg(current->name);
            continue;
        }
        auto transitional =
            isBusy(id) ? fail(u"node.busy"_s, tr("another action is under way")) : beginAction(current->state, action);
        if (!transitional) {
            refusals << current->name + u": "_s + transitional.error().message;
            continue;
        }
        Node node = *current;
        if (action == NodeAction::Provision && node.agent.token.isEmpty())
            node.agent.token = newToken();
        // Recorded before anything happens on the node (ARCHITECTURE.md, "Lifecycles").
        node.state = *transitional;
        node.targetAction = action;
        node.targetSince = QDateTime::currentDateTimeUtc();
        m_nodes->update(node);
        enqueue(id, action, sudo);
    }
    if (refusals.isEmpty())
        return {};
    return fail(u"node.action_refused"_s, refusals.join(u'\n'));
}

QString NodeOperations::removalRefusal(const Node &node) const
{
    if (node.agent.local)
        return tr("%1 belongs to the local demo cluster; start the console with --demo=off to leave it out.")
            .arg(node.name);
    if (isBusy(node.id))
        return tr("%1: an action is under way; wait until it ends or cancel it.").arg(node.name);
    if (node.state == NodeState::Running || node.state == NodeState::Suspended || isTransitional(node.state))
        return tr("%1 is %2: terminate it first, so its agent does not stay behind.")
            .arg(node.name, nodeStateName(node.state));
    return {};
}

void NodeOperations::resumePending()
{
    if (!bundle())
        return;
    auto sudo = std::make_shared<SudoPasswords>(m_prompter);
    for (const Node &node : m_nodes->nodes()) {
        if (node.agent.local || !node.targetAction || isBusy(node.id))
            continue;
        Q_EMIT logLine(node.id,
            tr("Resuming %1, which was under way when the console stopped.").arg(nodeActionName(*node.targetAction)));
        enqueue(node.id, *node.targetAction, sudo);
    }
}

void NodeOperations::enqueue(const QString &nodeId, NodeAction action, const std::shared_ptr<SudoPasswords> &sudo)
{
    m_queue.push_back(Pending {nodeId, action, sudo});
    startNext();
}

void NodeOperations::setMaxParallel(int count)
{
    m_options.maxParallel = qMax(1, count);
    if (!m_queue.empty())
        startNext();
}

int NodeOperations::maxParallel() const
{
    return qMax(1, m_options.maxParallel);
}

void NodeOperations::startNext()
{
    while (!m_queue.empty() && m_running.size() < maxParallel()) {
        const Pending pending = m_queue.front();
        m_queue.pop_front();
        launch(pending);
    }
    if (isIdle())
        Q_EMIT idle();
}

void NodeOperations::launch(const Pending &pending)
{
    const Node *node = m_nodes->find(pending.nodeId);
    if (!node)
        return;
    JobContext context {m_sessions, m_network, pending.sudo, m_options, *m_bundle};
    NodeJob *job = pending.action == NodeAction::Provision
        ? static_cast<NodeJob *>(new ProvisionJob(*node, context, this))
        : new ActionJob(pending.action, *node, context, this);
    const QString id = pending.nodeId;
    const NodeAction action = pending.action;
    m_running.insert(id, job);
    connect(job, &NodeJob::stepStarted, this, [this, id](ProvisionStep step) {
        Q_EMIT stepStarted(id, step);
        Q_EMIT logLine(id, provisionStepName(step) + u"…"_s);
    });
    connect(job, &NodeJob::logLine, this, [this, id](const QString &line) {
        Q_EMIT logLine(id, line);
    });
    connect(job, &NodeJob::progress, this, [this, id](int percent) {
        Q_EMIT progress(id, percent);
    });
    connect(job, &NodeJob::finished, this, [this, id, action, job](const Result<NodeFacts> &result) {
        m_running.remove(id);
        job->deleteLater();
        finish(id, action, result);
        startNext();
    });
    job->start();
}

void NodeOperations::finish(const QString &nodeId, NodeAction action, const Result<NodeFacts> &result)
{
    if (const Node *current = m_nodes->find(nodeId)) {
        Node node = *current;
        node.state = result ? settledState(action) : NodeState::Failed;
        if (result && result->cores > 0)
            node.facts = *result;
        node.targetAction.reset();
        node.targetSince = QDateTime();
        m_nodes->update(node);
    }
    Q_EMIT nodeFinished(nodeId, action, result ? Result<void>() : std::unexpected(result.error()));
}

void NodeOperations::cancel()
{
    auto queued = std::move(m_queue);
    m_queue.clear();
    for (const Pending &pending : queued)
        finish(pending.nodeId, pending.action, fail(u"provision.cancelled"_s, tr("Cancelled before it started.")));
    const auto running = m_running.values();
    for (NodeJob *job : running)
        job->cancel(); // finishes synchronously
    if (isIdle())
        Q_EMIT idle();
}

} // namespace rune
