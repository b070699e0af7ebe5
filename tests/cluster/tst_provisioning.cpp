// SPDX-License-Identifier: GPL-3.0-or-later
// Provisioning and lifecycle actions through the real SSH code against three namespaced nodes:
// controller (root login), compute1 (passwordless sudo), edge1 (sudo with a password).
#include "../common/functions.h"
#include "../common/testmain.h"
#include "agent/agentclient.h"
#include "agent/functionagents.h"
#include "agent/sshagentaccess.h"
#include "cluster/nodemonitor.h"
#include "metrics/fleetmetrics.h"
#include "provision/nodeoperations.h"
#include "provision/nodesessions.h"
#include "ssh/libsshtransport.h"
#include "testcluster.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSignalSpy>
#include <csignal>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::test;

class TestProvisioning final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void oneFailingNodeDoesNotStopTheOthers();
    void provisionsThreeNodesInParallel();
    void eachAgentAnswersThroughItsTunnel();
    void functionsAnswerThroughTheControllersGatewayAcrossNamespaces();
    void consoleDeploysAndInvokesOnARemoteNodeThroughItsTunnel();
    void suspendResumeAndRebootActThroughTheAgent();
    void restartsSideBySideLeaveOneAgent();
    void supervisorRestartsACrashedAgent();
    void provisioningAgainRepairsABrokenInstall();
    void pollingCorrectsWhatItObserves();
    void consoleRestartResumesTheRecordedAction();
    void changedHostKeyRefusesTheAction();
    void cancelStopsCleanly();
    void sshdKilledDuringUploadFailsCleanlyAndRerunRepairs();
    void terminateLeavesNoAgentProcessOrFile();

private:
    std::unique_ptr<NodeOperations> operations(int maxParallel = 8);
    bool runAndWait(NodeOperations &ops, const QStringList &ids, NodeAction action);
    QString root(const QString &node) const;
    /** The error @p node's last action ended with; empty when it succeeded or did not end. */
    Error errorOf(const QString &node) const;
    QList<qint64> agentProcesses(const QString &node) const;
    int supervisors(const QString &node) const;
    Result<NodeFacts> infoThroughTunnel(const QString &node);

    std::unique_ptr<TestCluster> m_cluster;
    ScriptedPrompter m_prompter;
    NodeList m_nodes;
    ProvisionOptions m_options;
    QNetworkAccessManager m_network;
    std::unique_ptr<NodeSessions> m_sessions;
    QHash<QString, Result<void>> m_outcomes;
};

static const QStringList allNodes {u"controller"_s, u"compute1"_s, u"edge1"_s};

namespace
{
/** Where the controller's HAProxy listens (every node has a network namespace of its own). */
constexpr quint16 haproxyPort = 8088;
} // namespace

void TestProvisioning::initTestCase()
{
    m_cluster = std::make_unique<TestCluster>(allNodes);
    if (!m_cluster->isUp())
        QSKIP(qPrintable(m_cluster->error()));
    m_prompter.sudoPassword = m_cluster->sudoPassword();
    // The console as installed: agent, node scripts and a function runtime under one prefix.
    const QString prefix = m_cluster->dir() + u"/console"_s;
    QVERIFY(QDir().mkpath(prefix + u"/bin"_s));
    QVERIFY(QDir().mkpath(prefix + u"/share/rune-agent/node"_s));
    QVERIFY(QDir().mkpath(prefix + u"/share/rune-agent/runtimes/python3"_s));
    QVERIFY(QFile::copy(QStringLiteral(RUNE_AGENT_BINARY), prefix + u"/bin/rune-agent"_s));
    const QDir scripts(QStringLiteral(RUNE_SOURCE_DIR "/installers/node"));
    for (const QString &name : scripts.entryList(QDir::Files))
        QVERIFY(QFile::copy(scripts.filePath(name), prefix + u"/share/rune-agent/node/"_s + name));
    QFile runtime(prefix + u"/share/rune-agent/runtimes/python3/bootstrap.py"_s);
    QVERIFY(runtime.open(QIODevice::WriteOnly));
    runtime.write("# a runtime's bootstrap\n");
    runtime.close();
    m_options.agentBinary = prefix + u"/bin/rune-agent"_s;
    m_options.installRoot = m_cluster->dir() + u"/nodes/%n"_s;
    m_options.agentUser = m_cluster->env(u"RUNE_TEST_PREFIX"_s) + u"%n"_s;
    m_options.healthTimeout = std::chrono::seconds(15);
    m_options.commandTimeout = std::chrono::seconds(60);
    // The controller gets HAProxy as its gateway, next to the built-in one (installed when missing).
    m_options.controllerHaproxyPort = haproxyPort;
    m_sessions = std::make_unique<NodeSessions>([this](const SshTarget &target) {
        return std::make_unique<LibsshTransport>(target, m_cluster->options(), &m_prompter);
    });
    const QHash<QString, QString> users {
        {u"controller"_s, u"root"_s}, {u"compute1"_s, m_cluster->user()}, {u"edge1"_s, m_cluster->sudoUser()}};
    const QHash<QString, NodeRole> roles {
        {u"controller"_s, NodeRole::Controller}, {u"compute1"_s, NodeRole::Compute}, {u"edge1"_s, NodeRole::Edge}};
    for (const QString &name : allNodes) {
        Node node;
        node.id = name;
        node.name = name;
        node.role = roles.value(name);
        node.ssh = SshEndpoint {m_cluster->address(name), 22, users.value(name), m_cluster->key()};
        node.state = NodeState::Undefined;
        QVERIFY(m_nodes.add(node));
    }
}

void TestProvisioning::cleanupTestCase()
{
    m_sessions.reset();
    m_cluster.reset();
}

std::unique_ptr<NodeOperations> TestProvisioning::operations(int maxParallel)
{
    ProvisionOptions options = m_options;
    options.maxParallel = maxParallel;
    auto ops = std::make_unique<NodeOperations>(&m_nodes, m_sessions.get(), &m_network, &m_prompter, options);
    connect(ops.get(),
        &NodeOperations::nodeFinished,
        this,
        [this](const QString &id, NodeAction, const Result<void> &result) {
            m_outcomes.insert(id, result);
        });
    return ops;
}

bool TestProvisioning::runAndWait(NodeOperations &ops, const QStringList &ids, NodeAction action)
{
    for (const QString &id : ids)
        m_outcomes.remove(id);
    const auto started = ops.perform(ids, action);
    if (!started) {
        qWarning() << started.error().message;
        return false;
    }
    if (!QTest::qWaitFor(
            [&ops] {
                return ops.isIdle();
            },
            120000))
        return false;
    bool ok = true;
    for (const QString &id : ids) {
        const Result<void> outcome = m_outcomes.value(id, fail(u"test"_s, u"no outcome"_s));
        if (!outcome) {
            qWarning() << id << outcome.error().message;
            ok = false;
        }
    }
    return ok;
}

Error TestProvisioning::errorOf(const QString &node) const
{
    const auto outcome = m_outcomes.constFind(node);
    return outcome == m_outcomes.constEnd() || outcome->has_value() ? Error {} : outcome->error();
}

QString TestProvisioning::root(const QString &node) const
{
    return m_cluster->dir() + u"/nodes/"_s + node;
}

QList<qint64> TestProvisioning::agentProcesses(const QString &node) const
{
    QList<qint64> pids;
    const QString binary = root(node) + u"/usr/local/bin/rune-agent"_s;
    for (const QString &entry : QDir(u"/proc"_s).entryList(QDir::Dirs)) {
        const QString exe = QFileInfo(u"/proc/"_s + entry + u"/exe"_s).symLinkTarget();
        if (exe == binary || exe == binary + u" (deleted)"_s)
            pids << entry.toLongLong();
    }
    return pids;
}

int TestProvisioning::supervisors(const QString &node) const
{
    const QByteArray script = (root(node) + u"/usr/local/sbin/rune-agent-supervise"_s).toUtf8();
    int count = 0;
    for (const QString &entry : QDir(u"/proc"_s).entryList(QDir::Dirs)) {
        QFile cmdline(u"/proc/"_s + entry + u"/cmdline"_s);
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().split('\0').contains(script))
            ++count;
    }
    return count;
}

Result<NodeFacts> TestProvisioning::infoThroughTunnel(const QString &name)
{
    const Node node = *m_nodes.find(name);
    const auto port = await<quint16>([&](QObject *context, auto done) {
        m_sessions->agentTunnel(node, context, done);
    });
    if (!port)
        return std::unexpected(port.error());
    HttpAgentClient client(&m_network, QUrl(u"http://127.0.0.1:%1"_s.arg(*port)), node.agent.token);
    return await<NodeFacts>([&](QObject *context, auto done) {
        client.fetchInfo(context, done);
    });
}

void TestProvisioning::oneFailingNodeDoesNotStopTheOthers()
{
    Node node = *m_nodes.find(u"compute1"_s);
    const SshEndpoint good = node.ssh;
    node.ssh.keyFile = m_cluster->env(u"RUNE_TEST_WRONG_KEY"_s);
    m_nodes.update(node);
    auto ops = operations(2);
    int running = 0;
    int mostAtOnce = 0;
    connect(ops.get(), &NodeOperations::stepStarted, this, [&](const QString &, ProvisionStep step) {
        if (step == ProvisionStep::Detect)
            mostAtOnce = qMax(mostAtOnce, ++running);
    });
    connect(ops.get(), &NodeOperations::nodeFinished, this, [&] {
        --running;
    });
    QVERIFY(!runAndWait(*ops, allNodes, NodeAction::Provision));
    QCOMPARE(mostAtOnce, 2); // bounded

    // Each unknown host key was put to the user (who accepted it) with the sshd's real fingerprint.
    QCOMPARE(m_prompter.hostKeyQuestions.size(), 3);
    for (const QString &name : allNodes) {
        const auto asked = std::find_if(
            m_prompter.hostKeyQuestions.begin(), m_prompter.hostKeyQuestions.end(), [&](const HostKeyInfo &key) {
                return key.host == m_cluster->address(name);
            });
        QVERIFY(asked != m_prompter.hostKeyQuestions.end());
        QCOMPARE(asked->fingerprint, m_cluster->hostFingerprint(name));
        QCOMPARE(asked->keyType, u"ssh-ed25519"_s);
    }

    const Error error = errorOf(u"compute1"_s);
    QCOMPARE(error.code, u"ssh.auth_failed"_s);
    QVERIFY2(error.message.contains(u"Detecting the system failed on compute1"_s), qPrintable(error.message));
    QVERIFY2(error.message.contains(u"authorized_keys"_s), qPrintable(error.message));
    QCOMPARE(m_nodes.find(u"compute1"_s)->state, NodeState::Failed);
    QVERIFY(!m_nodes.find(u"compute1"_s)->targetAction);
    for (const QString &name : {u"controller"_s, u"edge1"_s}) {
        QVERIFY2(m_outcomes.value(name, fail(u"test"_s, u"no outcome"_s)), qPrintable(name));
        QCOMPARE(m_nodes.find(name)->state, NodeState::Running);
    }

    // Back to a clean slate for the tests that follow.
    QVERIFY(runAndWait(*ops, {u"controller"_s, u"edge1"_s}, NodeAction::Terminate));
    node = *m_nodes.find(u"compute1"_s);
    node.ssh = good;
    m_nodes.update(node);
}

void TestProvisioning::provisionsThreeNodesInParallel()
{
    m_prompter.sudoQuestions = 0;
    auto ops = operations();
    QHash<QString, QList<ProvisionStep>> steps;
    QStringList order; // "node:step" in the order they happened
    connect(ops.get(), &NodeOperations::stepStarted, this, [&](const QString &id, ProvisionStep step) {
        steps[id] << step;
        order << id + u':' + QString::number(int(step));
    });
    connect(ops.get(), &NodeOperations::nodeFinished, this, [&](const QString &id) {
        order << id + u":done"_s;
    });
    QHash<QString, int> logLines;
    connect(ops.get(), &NodeOperations::logLine, this, [&](const QString &id, const QString &) {
        ++logLines[id];
    });
    QVERIFY(runAndWait(*ops, allNodes, NodeAction::Provision));

    // The host keys accepted in the previous test are remembered: nobody is asked again.
    QCOMPARE(m_prompter.hostKeyQuestions.size(), 3);
    QCOMPARE(m_prompter.sudoQuestions, 1); // only edge1's sudo wants a password, asked once
    const QList<ProvisionStep> expected {ProvisionStep::Detect,
        ProvisionStep::Upload,
        ProvisionStep::Install,
        ProvisionStep::Start,
        ProvisionStep::WaitHealthy,
        ProvisionStep::ReadInfo};
    for (const QString &name : allNodes) {
        const Node *node = m_nodes.find(name);
        QCOMPARE(node->state, NodeState::Running);
        QVERIFY(!node->targetAction);
        QVERIFY(node->facts.cores > 0);
        QCOMPARE(node->agent.token.size(), 64);
        QCOMPARE(steps.value(name), expected);
        QVERIFY(logLines.value(name) > 5);
        // The token is private to the agent's user; the agent runs as that user, supervised.
        const QFileInfo token(root(name) + u"/etc/rune-agent/token"_s);
        const auto everyone = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
            | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
        QCOMPARE(token.permissions() & everyone, QFile::ReadOwner | QFile::WriteOwner);
        QCOMPARE(token.owner(), m_options.agentUserFor(*node));
        const QList<qint64> pids = agentProcesses(name);
        QCOMPARE(pids.size(), 1);
        QCOMPARE(QFileInfo(u"/proc/%1"_s.arg(pids.first())).owner(), m_options.agentUserFor(*node));
        QVERIFY(QFile::exists(root(name) + u"/run/rune-agent/supervisor.pid"_s));
        QVERIFY(QFile::exists(root(name) + u"/usr/local/share/rune-agent/runtimes/python3/bootstrap.py"_s));
        // No staging copy is left in the login user's home.
        QVERIFY(
            !QFileInfo::exists(m_cluster->dir() + u"/home/"_s + m_cluster->user() + u"/.cache/rune-stage/"_s + name));
    }
    // In parallel: every node's job had begun before the first node was done (one at a time,
    // the second would begin only after the first had finished). Which steps overlap beyond the
    // first depends on how fast each machine answers, so it is not asserted.
    const qsizetype firstDone = order.indexOf(QRegularExpression(u".*:done"_s));
    QVERIFY(firstDone > 0);
    for (const QString &name : allNodes) {
        const qsizetype begun = order.indexOf(name + u':' + QString::number(int(ProvisionStep::Detect)));
        QVERIFY2(begun >= 0 && begun < firstDone, qPrintable(order.join(u' ')));
    }
}

void TestProvisioning::eachAgentAnswersThroughItsTunnel()
{
    for (const QString &name : allNodes) {
        const auto info = infoThroughTunnel(name);
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QCOMPARE(info->hostname, m_nodes.find(name)->facts.hostname);
    }
    // The control port is not open to the network: only the node's own loopback has it.
    QTcpSocket direct;
    direct.connectToHost(m_cluster->address(u"compute1"_s), 7470);
    QVERIFY(!direct.waitForConnected(1000));
}

void TestProvisioning::functionsAnswerThroughTheControllersGatewayAcrossNamespaces()
{
    // Deploy through each compute/edge node's tunnel, tell the controller where they are, then
    // call the function on the controller's invoke port from outside every namespace.
    QJsonArray cluster;
    for (const QString &name : {u"compute1"_s, u"edge1"_s}) {
        const Node node = *m_nodes.find(name);
        const auto port = await<quint16>([&](QObject *context, auto done) {
            m_sessions->agentTunnel(node, context, done);
        });
        QVERIFY2(port, port ? "" : qPrintable(port.error().message));
        const auto deployed = rune::test::deployFunction(*port,
            node.agent.token,
            u"where"_s,
            rune::test::archiveWith(
                u"handler.py"_s, u"def handle(event, context):\n    return 'hello from %1'\n"_s.arg(name)),
            {{u"runtime"_s, u"python3"_s}});
        QVERIFY2(deployed.status == 201, deployed.body.constData());
        cluster.append(QJsonObject {{u"name"_s, name},
            {u"url"_s, u"http://%1:%2"_s.arg(m_cluster->address(name)).arg(node.agent.invokePort)},
            {u"functions"_s, QJsonArray {u"where"_s}}});
    }
    const Node controller = *m_nodes.find(u"controller"_s);
    const auto port = await<quint16>([&](QObject *context, auto done) {
        m_sessions->agentTunnel(controller, context, done);
    });
    QVERIFY(port);
    rune::test::HttpConnection push(*port);
    const auto pushed = push.request("PUT",
        "/v1/cluster",
        {"Authorization: Bearer " + controller.agent.token.toUtf8()},
        QJsonDocument(QJsonObject {{u"nodes"_s, cluster}}).toJson());
    QVERIFY2(pushed.status == 200, pushed.body.constData());
    QSet<QByteArray> answers;
    for (int call = 0; call < 10; ++call) {
        rune::test::HttpConnection caller(m_cluster->address(u"controller"_s), controller.agent.invokePort);
        QVERIFY(caller.isConnected());
        const auto reply = caller.request("GET", "/function/where");
        QCOMPARE(reply.status, 200);
        answers.insert(reply.body);
    }
    QCOMPARE(answers, QSet<QByteArray>({"hello from compute1", "hello from edge1"}));

    // HAProxy, which provisioning set up on the controller, routes the same list on its own port.
    QFile config(m_options.installRootFor(controller) + u"/etc/rune-agent/agent.conf"_s);
    QVERIFY(config.open(QIODevice::ReadOnly));
    const QByteArray settings = config.readAll();
    const QByteArray listen = "\nhaproxy_listen = 0.0.0.0:" + QByteArray::number(haproxyPort) + "\n";
    QVERIFY2(settings.contains("\nhaproxy_binary = /") && settings.contains(listen), settings.constData());
    const auto throughHaproxy = [&] {
        QSet<QByteArray> seen;
        for (int call = 0; call < 10; ++call) {
            rune::test::HttpConnection caller(m_cluster->address(u"controller"_s), haproxyPort);
            const auto reply = caller.request("GET", "/function/where");
            if (reply.status == 200)
                seen.insert(reply.body);
        }
        return seen;
    };
    QTRY_COMPARE_WITH_TIMEOUT(throughHaproxy(), QSet<QByteArray>({"hello from compute1", "hello from edge1"}), 15000);
}

void TestProvisioning::consoleDeploysAndInvokesOnARemoteNodeThroughItsTunnel()
{
    // What the Functions pane does for a node it reaches over SSH: resolve the agent through
    // the node's tunnel, deploy, call the function through the control API, remove it.
    const auto ops = operations();
    SshAgentAccess access(m_sessions.get(), ops.get(), m_options);
    FunctionAgents agents(&m_nodes, &m_network, AgentDirectory(&access));
    const auto client = await<std::shared_ptr<FunctionAgentClient>>([&](QObject *context, auto done) {
        agents.withClient(u"compute1"_s, context, done);
    });
    QVERIFY2(client, client ? "" : qPrintable(client.error().message));
    QVERIFY((*client)->address().invokeUrl.isEmpty());
    const auto deployed = await<AgentFunctionStatus>([&](QObject *context, auto done) {
        (*client)->deploy(u"remote-echo"_s,
            rune::test::archiveWith(
                u"handler.py"_s, u"def handle(event, context):\n    return 'remote ' + event['body']\n"_s),
            QJsonObject {{u"runtime"_s, u"python3"_s}},
            context,
            {},
            done);
    });
    QVERIFY2(deployed, deployed ? "" : qPrintable(deployed.error().message));
    InvokeRequest request;
    request.function = u"remote-echo"_s;
    request.body = "call";
    const auto answer = await<InvokeResult>([&](QObject *context, auto done) {
        (*client)->invoke(request, context, done);
    });
    QVERIFY2(answer, answer ? "" : qPrintable(answer.error().message));
    QCOMPARE(answer->status, 200);
    QCOMPARE(answer->body, QByteArray("remote call"));
    QCOMPARE(answer->nodeId, u"compute1"_s);
    const auto removed = await<void>([&](QObject *context, auto done) {
        (*client)->removeFunction(u"remote-echo"_s, context, done);
    });
    QVERIFY2(removed, removed ? "" : qPrintable(removed.error().message));
    // A node the list does not know is refused by name, not reached.
    const auto unknown = await<std::shared_ptr<FunctionAgentClient>>([&](QObject *context, auto done) {
        agents.withClient(u"nowhere"_s, context, done);
    });
    QVERIFY(!unknown);
    QCOMPARE(unknown.error().code, u"agent.unknown_node"_s);
}

void TestProvisioning::suspendResumeAndRebootActThroughTheAgent()
{
    auto ops = operations();
    QVERIFY(runAndWait(*ops, {u"compute1"_s}, NodeAction::Suspend));
    QCOMPARE(m_nodes.find(u"compute1"_s)->state, NodeState::Suspended);
    QVERIFY(agentProcesses(u"compute1"_s).isEmpty());
    QVERIFY(QFile::exists(root(u"compute1"_s) + u"/etc/rune-agent/suspended"_s));
    const auto refused = ops->perform({u"compute1"_s}, NodeAction::Suspend);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.contains(u"already suspended"_s), qPrintable(refused.error().message));

    QVERIFY(runAndWait(*ops, {u"compute1"_s}, NodeAction::Resume));
    QCOMPARE(m_nodes.find(u"compute1"_s)->state, NodeState::Running);
    const QList<qint64> before = agentProcesses(u"compute1"_s);
    QCOMPARE(before.size(), 1);

    QVERIFY(runAndWait(*ops, {u"compute1"_s}, NodeAction::Reboot));
    QCOMPARE(m_nodes.find(u"compute1"_s)->state, NodeState::Running);
    const QList<qint64> after = agentProcesses(u"compute1"_s);
    QCOMPARE(after.size(), 1);
    QVERIFY(after.first() != before.first());
}

void TestProvisioning::restartsSideBySideLeaveOneAgent()
{
    // A console that quit half-way through a reboot and the console that resumed it both restart
    // the agent: rune-agentctl takes turns, so there is still one supervisor and one agent.
    const QString ctl = root(u"compute1"_s) + u"/usr/local/sbin/rune-agentctl"_s;
    RemoteShell *shell = m_sessions->shellFor(*m_nodes.find(u"compute1"_s));
    const auto restarted = await<ExecResult>([&](QObject *context, auto done) {
        shell->runAsRoot(u"c=%1; $c restart & a=$!; $c restart & b=$!; $c restart & d=$!; "
                         u"wait $a && wait $b && wait $d"_s.arg(ctl),
            {},
            std::chrono::seconds(60),
            std::make_shared<SudoPasswords>(&m_prompter),
            context,
            done);
    });
    QVERIFY2(restarted, restarted ? "" : qPrintable(restarted.error().message));
    QVERIFY2(restarted->exitStatus == 0, restarted->standardError.constData());
    QCOMPARE(supervisors(u"compute1"_s), 1);
    QCOMPARE(agentProcesses(u"compute1"_s).size(), 1);
}

void TestProvisioning::supervisorRestartsACrashedAgent()
{
    const QList<qint64> before = agentProcesses(u"edge1"_s);
    QCOMPARE(before.size(), 1);
    QVERIFY(::kill(pid_t(before.first()), SIGKILL) == 0);
    QVERIFY(QTest::qWaitFor(
        [&] {
            const QList<qint64> now = agentProcesses(u"edge1"_s);
            return now.size() == 1 && now != before;
        },
        10000));
    QVERIFY(QTest::qWaitFor(
        [&] {
            return bool(infoThroughTunnel(u"edge1"_s));
        },
        10000));
}

void TestProvisioning::provisioningAgainRepairsABrokenInstall()
{
    // Break compute1 the way an interrupted install or a careless admin might.
    QVERIFY(QFile::remove(root(u"compute1"_s) + u"/usr/local/bin/rune-agent"_s));
    QVERIFY(QFile::remove(root(u"compute1"_s) + u"/etc/rune-agent/agent.conf"_s));
    Node node = *m_nodes.find(u"compute1"_s);
    node.state = NodeState::Failed;
    m_nodes.update(node);
    const QList<qint64> before = agentProcesses(u"compute1"_s);
    auto ops = operations();
    QVERIFY(runAndWait(*ops, {u"compute1"_s}, NodeAction::Provision));
    QCOMPARE(m_nodes.find(u"compute1"_s)->state, NodeState::Running);
    QCOMPARE(m_nodes.find(u"compute1"_s)->agent.token, node.agent.token); // the node keeps its token
    QVERIFY(QFile::exists(root(u"compute1"_s) + u"/usr/local/bin/rune-agent"_s));
    const QList<qint64> after = agentProcesses(u"compute1"_s);
    QCOMPARE(after.size(), 1);
    QVERIFY(after != before);
    QVERIFY(infoThroughTunnel(u"compute1"_s));
}

void TestProvisioning::pollingCorrectsWhatItObserves()
{
    auto ops = operations();
    SshAgentAccess access(m_sessions.get(), ops.get(), m_options);
    FleetMetrics metrics;
    NodeMonitor monitor(&m_nodes, &metrics, &access);
    monitor.setInterval(std::chrono::milliseconds(200));
    monitor.setWatched(allNodes);
    monitor.start();
    const auto stateOf = [this] {
        return m_nodes.find(u"edge1"_s)->state;
    };
    RemoteShell *shell = m_sessions->shellFor(*m_nodes.find(u"edge1"_s));
    const auto ctl = [&](const QString &verb) {
        return await<ExecResult>([&](QObject *context, auto done) {
            shell->runAsRoot(root(u"edge1"_s) + u"/usr/local/sbin/rune-agentctl "_s + verb,
                {},
                std::chrono::seconds(20),
                std::make_shared<SudoPasswords>(&m_prompter),
                context,
                done);
        });
    };
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(), NodeState::Running, 10000);
    // Stopped behind the console's back, with no action recorded: unreachable.
    QVERIFY(ctl(u"stop"_s));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(), NodeState::Undefined, 10000);
    // Suspended behind its back: the node itself says so.
    QVERIFY(ctl(u"suspend"_s));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(), NodeState::Suspended, 10000);
    // While a Terminate is recorded, an agent that does not answer is Terminating, not Undefined.
    Node node = *m_nodes.find(u"edge1"_s);
    node.targetAction = NodeAction::Terminate;
    node.targetSince = QDateTime::currentDateTimeUtc();
    m_nodes.update(node);
    QVERIFY(ctl(u"stop"_s));
    QVERIFY(ctl(u"start"_s) && ctl(u"stop"_s)); // clears the suspended marker, stays stopped
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(), NodeState::Terminating, 10000);
    node = *m_nodes.find(u"edge1"_s);
    node.targetAction.reset();
    m_nodes.update(node);
    // Back as soon as it answers again.
    QVERIFY(ctl(u"start"_s));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(), NodeState::Running, 10000);
}

void TestProvisioning::consoleRestartResumesTheRecordedAction()
{
    const QList<qint64> before = agentProcesses(u"controller"_s);
    {
        auto first = operations();
        bool restarting = false;
        connect(first.get(), &NodeOperations::stepStarted, this, [&](const QString &, ProvisionStep step) {
            restarting = restarting || step == ProvisionStep::Restart;
        });
        QVERIFY(first->perform({u"controller"_s}, NodeAction::Reboot));
        QVERIFY(QTest::qWaitFor([&] {
            return restarting;
        }));
    } // the console quits half-way
    QCOMPARE(m_nodes.find(u"controller"_s)->state, NodeState::Rebooting);
    QCOMPARE(m_nodes.find(u"controller"_s)->targetAction, std::optional(NodeAction::Reboot));

    auto second = operations();
    m_outcomes.remove(u"controller"_s);
    second->resumePending();
    QVERIFY(!second->isIdle());
    QVERIFY(QTest::qWaitFor(
        [&] {
            return second->isIdle();
        },
        60000));
    QVERIFY(m_outcomes.value(u"controller"_s, fail(u"test"_s, u"no outcome"_s)));
    QCOMPARE(m_nodes.find(u"controller"_s)->state, NodeState::Running);
    QVERIFY(!m_nodes.find(u"controller"_s)->targetAction);
    const QList<qint64> after = agentProcesses(u"controller"_s);
    QCOMPARE(after.size(), 1);
    QVERIFY(before != after);
}

void TestProvisioning::changedHostKeyRefusesTheAction()
{
    QVERIFY(m_cluster->rekey(u"edge1"_s));
    m_sessions->drop(u"edge1"_s); // a new connection, which meets the new key
    auto ops = operations();
    QVERIFY(!runAndWait(*ops, {u"edge1"_s}, NodeAction::Reboot));
    const Error error = errorOf(u"edge1"_s);
    QCOMPARE(error.code, u"ssh.hostkey_changed"_s);
    QVERIFY2(error.message.contains(m_cluster->hostFingerprint(u"edge1"_s)), qPrintable(error.message));
    QCOMPARE(m_nodes.find(u"edge1"_s)->state, NodeState::Failed);
    // The explicit action, with the fingerprint the user was shown.
    const auto trusted = await<void>([&](QObject *context, auto done) {
        m_sessions->shellFor(*m_nodes.find(u"edge1"_s))
            ->transport()
            ->trustNewHostKey(m_cluster->hostFingerprint(u"edge1"_s), context, done);
    });
    QVERIFY2(trusted, trusted ? "" : qPrintable(trusted.error().message));
    QVERIFY(runAndWait(*ops, {u"edge1"_s}, NodeAction::Reboot));
    QCOMPARE(m_nodes.find(u"edge1"_s)->state, NodeState::Running);
}

void TestProvisioning::cancelStopsCleanly()
{
    auto ops = operations();
    QVERIFY(runAndWait(*ops, {u"compute1"_s}, NodeAction::Terminate));
    QCOMPARE(m_nodes.find(u"compute1"_s)->state, NodeState::Terminated);
    bool cancelled = false;
    auto connection = connect(ops.get(), &NodeOperations::progress, this, [&](const QString &, int percent) {
        if (percent > 5 && !cancelled) {
            cancelled = true;
            ops->cancel();
        }
    });
    QVERIFY(!runAndWait(*ops, {u"compute1"_s}, NodeAction::Provision));
    disconnect(connection);
    QVERIFY(cancelled);
    QCOMPARE(errorOf(u"compute1"_s).code, u"provision.cancelled"_s);
    QCOMPARE(m_nodes.find(u"compute1"_s)->state, NodeState::Failed);
    QVERIFY(agentProcesses(u"compute1"_s).isEmpty());
    // The interrupted upload left no partial file behind (checked over the same, still usable session).
    const auto left = execOn(*m_sessions->shellFor(*m_nodes.find(u"compute1"_s))->transport(),
        u"find \"$HOME/.cache/rune-stage\" -name '*.rune-part' | wc -l"_s);
    QVERIFY2(left, left ? "" : qPrintable(left.error().message));
    QCOMPARE(left->standardOutput.trimmed(), "0");
}

void TestProvisioning::sshdKilledDuringUploadFailsCleanlyAndRerunRepairs()
{
    auto ops = operations();
    QVERIFY(runAndWait(*ops, {u"compute1"_s}, NodeAction::Terminate));
    QCOMPARE(m_nodes.find(u"compute1"_s)->state, NodeState::Terminated);

    bool killed = false;
    auto connection = connect(ops.get(), &NodeOperations::progress, this, [&](const QString &id, int percent) {
        if (id == u"compute1"_s && percent > 5 && !killed) {
            killed = true;
            QVERIFY(m_cluster->stopSshd(u"compute1"_s));
        }
    });
    QVERIFY(!runAndWait(*ops, {u"compute1"_s}, NodeAction::Provision));
    disconnect(connection);
    QVERIFY(killed);
    const Error error = errorOf(u"compute1"_s);
    QVERIFY2(error.message.startsWith(u"Uploading failed on compute1"_s), qPrintable(error.message));
    QCOMPARE(m_nodes.find(u"compute1"_s)->state, NodeState::Failed);
    QVERIFY(agentProcesses(u"compute1"_s).isEmpty());
    QVERIFY(!QFile::exists(root(u"compute1"_s) + u"/usr/local/bin/rune-agent"_s));

    QVERIFY(m_cluster->startSshd(u"compute1"_s));
    QVERIFY(runAndWait(*ops, {u"compute1"_s}, NodeAction::Provision));
    QCOMPARE(m_nodes.find(u"compute1"_s)->state, NodeState::Running);
    QVERIFY(infoThroughTunnel(u"compute1"_s));
    QCOMPARE(agentProcesses(u"compute1"_s).size(), 1);
}

void TestProvisioning::terminateLeavesNoAgentProcessOrFile()
{
    auto ops = operations();
    QVERIFY(runAndWait(*ops, allNodes, NodeAction::Terminate));
    for (const QString &name : allNodes) {
        QCOMPARE(m_nodes.find(name)->state, NodeState::Terminated);
        QVERIFY(agentProcesses(name).isEmpty());
        QStringList left;
        QDirIterator it(root(name), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext())
            left << it.next();
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u", "_s)));
        QProcess id;
        id.start(u"id"_s, {m_options.agentUserFor(*m_nodes.find(name))});
        id.waitForFinished();
        QVERIFY(id.exitCode() != 0); // the system user is gone too
    }
}

RUNE_TEST_GUILESS_MAIN(TestProvisioning)
#include "tst_provisioning.moc"
