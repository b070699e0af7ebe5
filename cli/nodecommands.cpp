// SPDX-License-Identifier: GPL-3.0-or-later
// rune node add|remove: the fleet's list, as the window's Add host dialog and "Remove from list"
// change it; rune node suspend|resume|reboot|terminate|provision: the lifecycle, on NodeOperations.
#include "cluster/hostlist.h"
#include "cluster/nodelist.h"
#include "cluster/nodepersister.h"
#include "commands.h"
#include "provision/nodeoperations.h"
#include "session.h"
#include "terminalprompter.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

/**
 * Puts a TerminalPrompter in charge of SSH's questions and opens the console; null (the error
 * reported) when --accept-host-key is no fingerprint or the store cannot be opened.
 */
Console *consoleWithPrompter(Session &session, TerminalPrompter **prompter)
{
    const QString accepted = session.invocation().options.value(u"accept-host-key"_s);
    if (session.invocation().isSet(u"accept-host-key"_s) && !accepted.startsWith(u"SHA256:"_s)) {
        session.fail(Outcome::Usage,
            tr("--accept-host-key takes the key's SHA256 fingerprint as ssh-keygen -l prints it, "
               "SHA256:..., not \"%1\"")
                .arg(accepted));
        return nullptr;
    }
    auto owned = std::make_unique<TerminalPrompter>(accepted, &session.output());
    *prompter = owned.get();
    session.setPrompter(std::move(owned));
    return session.console();
}

/** The node named @p text (its id or its name); null after reporting that there is none. */
const Node *findNodeOrFail(Session &session, const NodeList &nodes, const QString &text)
{
    if (const Node *node = nodes.find(text))
        return node;
    for (const Node &node : nodes.nodes()) {
        if (node.name == text)
            return &node;
    }
    session.fail(Outcome::NotFound, tr("No node %1; see rune node list").arg(text));
    return nullptr;
}

/** The node `rune node add` describes, as the Add host dialog makes it; nullopt after reporting. */
std::optional<Node> nodeToAdd(Session &session)
{
    const Invocation &invocation = session.invocation();
    Node node;
    node.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    node.ssh.host = invocation.arguments.value(0).trimmed();
    node.ssh.user = invocation.options.value(u"user"_s).trimmed();
    node.name = invocation.options.value(u"name"_s, node.ssh.host).trimmed();
    node.state = NodeState::Undefined;
    if (invocation.isSet(u"port"_s)) {
        bool ok = false;
        const uint port = invocation.options.value(u"port"_s).toUInt(&ok);
        if (!ok || port < 1 || port > 65535) {
            session.fail(Outcome::Usage,
                tr("--port %1 is not a port number between 1 and 65535").arg(invocation.options.value(u"port"_s)));
            return std::nullopt;
        }
        node.ssh.port = quint16(port);
    }
    if (invocation.isSet(u"role"_s)) {
        const auto role = nodeRoleFromName(invocation.options.value(u"role"_s));
        if (!role) {
            session.fail(Outcome::Usage,
                tr("--role %1 is not a role; use compute, edge or controller")
                    .arg(invocation.options.value(u"role"_s)));
            return std::nullopt;
        }
        node.role = *role;
    }
    if (invocation.isSet(u"key"_s)) {
        const QFileInfo key(invocation.options.value(u"key"_s));
        if (!key.isFile() || !key.isReadable()) {
            session.fail(Outcome::NotFound, tr("The key file %1 does not exist or cannot be read").arg(key.filePath()));
            return std::nullopt;
        }
        node.ssh.keyFile = key.absoluteFilePath();
    }
    static const QRegularExpression separators(u"[\\s,;]+"_s);
    node.labels = invocation.options.value(u"labels"_s).split(separators, Qt::SkipEmptyParts);
    return node;
}

/** Keeps the connection that tests a new host until its answer has been handled. */
class HostCheck final : public QObject
{
public:
    std::unique_ptr<SshTransport> transport;
};

/**
 * One lifecycle action on the named nodes, through the window's NodeOperations: progress on
 * stderr, then each node's outcome. Ends Failed when a node failed, Refused when the lifecycle
 * refused one (the others still ran).
 */
class ActionRun final : public QObject
{
public:
    ActionRun(Session &session, Console &console, const TerminalPrompter &prompter, NodeAction action, QStringList ids);

private:
    /** perform() started the action on no node (@p nothingStarted) or on some only. */
    void refused(const Error &error, bool nothingStarted);
    void report(const QString &nodeId, const QString &line);
    void end();

    Session &m_session;
    Console &m_console;
    const TerminalPrompter &m_prompter;
    NodeList *m_nodes;
    NodeAction m_action;
    QStringList m_ids;
    QString m_refusals;
    QHash<QString, QString> m_errors; ///< node id -> why its action failed
    bool m_ended = false;
};

ActionRun::ActionRun(
    Session &session, Console &console, const TerminalPrompter &prompter, NodeAction action, QStringList ids)
    : QObject(&session)
    , m_session(session)
    , m_console(console)
    , m_prompter(prompter)
    , m_nodes(console.services().fleet.nodes)
    , m_action(action)
    , m_ids(std::move(ids))
{
    NodeOperations *operations = console.services().fleet.operations;
    connect(operations, &NodeOperations::stepStarted, this, [this](const QString &id, ProvisionStep step) {
        report(id, provisionStepName(step) + u"…"_s);
    });
    connect(operations, &NodeOperations::logLine, this, &ActionRun::report);
    connect(operations, &NodeOperations::progress, this, [this](const QString &id, int percent) {
        report(id, u"%1%"_s.arg(percent));
    });
    connect(operations,
        &NodeOperations::nodeFinished,
        this,
        [this](const QString &id, NodeAction, const Result<void> &result) {
            // A host key declined here says more than the transport's "not accepted".
            if (!result)
                m_errors.insert(id, m_prompter.refusal().isEmpty() ? result.error().message : m_prompter.refusal());
            report(id, result ? tr("done") : result.error().message);
        });
    connect(operations, &NodeOperations::idle, this, &ActionRun::end, Qt::QueuedConnection);
    m_session.onStopSignal([operations] {
        operations->cancel();
    });
    const auto started = operations->perform(m_ids, action);
    if (!started)
        refused(started.error(), operations->isIdle());
}

void ActionRun::refused(const Error &error, bool nothingStarted)
{
    if (error.code != u"node.action_refused"_s) {
        m_ended = true;
        return m_session.fail(Outcome::Failed, error.message);
    }
    m_refusals = error.message;
    if (!nothingStarted)
        return m_session.output().progress(m_refusals);
    m_ended = true;
    m_session.fail(Outcome::Refused, m_refusals);
}

void ActionRun::report(const QString &nodeId, const QString &line)
{
    m_session.output().progress(nodeNameOrId(m_nodes, nodeId) + u": "_s + line);
}

void ActionRun::end()
{
    if (std::exchange(m_ended, true))
        return;
    m_console.persister()->flush();
    QJsonArray array;
    QList<QStringList> rows {{u"NAME"_s, u"STATE"_s, u"RESULT"_s}};
    for (const QString &id : std::as_const(m_ids)) {
        const Node *node = m_nodes->find(id);
        if (!node)
            continue;
        QJsonObject json = nodeJson(*node);
        json.insert(u"ok"_s, !m_errors.contains(id));
        if (m_errors.contains(id))
            json.insert(u"error"_s, m_errors.value(id));
        array.append(json);
        rows.append({node->name, nodeStateName(node->state), m_errors.value(id, tr("done"))});
    }
    if (!m_errors.isEmpty())
        return m_session.fail(Outcome::Failed, QStringList(m_errors.values()).join(u'\n'));
    if (!m_refusals.isEmpty())
        return m_session.fail(Outcome::Refused, m_refusals);
    m_session.succeed(
        QJsonObject {{u"action"_s, nodeActionName(m_action).toLower()}, {u"nodes"_s, array}}, textTable(rows));
}

/**
 * Adds @p node to the list and waits until the store has it; with --provision, provisions it
 * then, as `rune node provision` does.
 */
void addChecked(
    Session &session, Console &console, const TerminalPrompter &prompter, const Node &node, const QString &user)
{
    if (!console.services().fleet.nodes->add(node))
        return session.fail(Outcome::Failed, tr("%1 could not be added to the list").arg(node.name));
    console.persister()->flush();
    if (session.invocation().isSet(u"provision"_s)) {
        session.output().progress(tr("Added %1 (%2), logged in as %3.").arg(node.name, node.address(), user));
        new ActionRun(session, console, prompter, NodeAction::Provision, {node.id});
        return;
    }
    session.succeed(QJsonObject {{u"node"_s, nodeJson(node)}, {u"login_user"_s, user}},
        tr("Added %1 (%2), logged in as %3. Next: rune node provision %1").arg(node.name, node.address(), user));
}

} // namespace

void runNodeAction(Session &session)
{
    const auto action = nodeActionFromName(session.invocation().command->name);
    TerminalPrompter *prompter = nullptr;
    Console *console = consoleWithPrompter(session, &prompter);
    if (!console || !action)
        return;
    QStringList ids;
    for (const QString &text : session.invocation().arguments) {
        const Node *node = findNodeOrFail(session, *console->services().fleet.nodes, text);
        if (!node)
            return;
        if (!ids.contains(node->id))
            ids.append(node->id);
    }
    new ActionRun(session, *console, *prompter, *action, ids);
}

void runNodeAdd(Session &session)
{
    const auto node = nodeToAdd(session);
    if (!node)
        return;
    TerminalPrompter *prompter = nullptr;
    Console *console = consoleWithPrompter(session, &prompter);
    if (!console)
        return;
    if (const auto allowed = checkNewHost(console->services().fleet.nodes->nodes(), *node); !allowed)
        return session.fail(
            allowed.error().code == u"host.taken"_s ? Outcome::Refused : Outcome::Usage, allowed.error().message);
    auto *check = new HostCheck;
    check->setParent(&session);
    check->transport = console->services().fleet.connectTo(
        SshTarget {node->ssh.host, node->ssh.port, node->ssh.user, node->ssh.keyFile});
    session.output().progress(tr("Logging in to %1…").arg(check->transport->describe()));
    check->transport->exec(u"id -un"_s,
        {},
        std::chrono::seconds(30),
        check,
        [&session, console, check, prompter, node = *node](Result<ExecResult> result) {
            // The transport is closed once this callback, which it delivers, has returned.
            QMetaObject::invokeMethod(
                check,
                [&session, console, check, prompter, node, result] {
                    check->transport.reset();
                    if (!result)
                        return session.fail(Outcome::Failed,
                            prompter->refusal().isEmpty() ? result.error().message : prompter->refusal());
                    addChecked(session, *console, *prompter, node, QString::fromUtf8(result->standardOutput).trimmed());
                },
                Qt::QueuedConnection);
        });
}

void runNodeRemove(Session &session)
{
    Console *console = session.console();
    if (!console)
        return;
    NodeList *nodes = console->services().fleet.nodes;
    const Node *node = findNodeOrFail(session, *nodes, session.invocation().arguments.value(0));
    if (!node)
        return;
    if (const QString refusal = console->services().fleet.operations->removalRefusal(*node); !refusal.isEmpty())
        return session.fail(Outcome::Refused, refusal);
    const QJsonObject removed = nodeJson(*node);
    const QString name = node->name;
    nodes->remove(node->id);
    console->persister()->flush();
    session.succeed(QJsonObject {{u"removed"_s, removed}},
        tr("Removed %1 from the list; nothing was done on the machine.").arg(name));
}

} // namespace rune::cli
