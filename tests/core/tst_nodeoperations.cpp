// SPDX-License-Identifier: GPL-3.0-or-later
// NodeOperations' provisioning and lifecycle logic against scripted machines (FakeSshTransport):
// runs as any user, with no sshd. The same operations against real sshd in network namespaces
// are tests/cluster/tst_provisioning.cpp (root only).
#include "../common/fakesshtransport.h"
#include "../common/scriptedprompter.h"
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "provision/nodeoperations.h"
#include "provision/nodesessions.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <tuple>

using namespace Qt::StringLiterals;
using namespace rune;

class TestNodeOperations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void uploadFailingAtOneFileStopsTheRunThere();
    void provisioningGivesTheNodeTheBroker();
    void debianWithAptGetsThePackage();
    void refusedActionTouchesNothing();
    void suspendRunsTheNodesOwnControlAndChecksTheResult();
    void suspendThatDoesNotTakeLeavesTheNodeFailed();
    void parallelismFollowsItsSetting();

private:
    Node remoteNode(const QString &name, NodeState state) const;
    /** Performs @p action on @p nodeId and waits for its end; answers what nodeFinished said. */
    Result<void> performAndWait(const QString &nodeId, NodeAction action);

    std::unique_ptr<QTemporaryDir> m_dir;
    test::FakeNetwork m_fakes;
    test::ScriptedPrompter m_prompter;
    NodeList m_nodes;
    QNetworkAccessManager m_network;
    std::unique_ptr<NodeSessions> m_sessions;
    std::unique_ptr<NodeOperations> m_operations;
};

void TestNodeOperations::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    // The bundle's scripts and runtimes come from the source tree; the agent is the real one,
    // since provisioning reads from it the glibc a node needs before uploading anything.
    const QString agent = QStringLiteral(RUNE_AGENT_BINARY);
    m_fakes = test::FakeNetwork();
    m_nodes.clear();
    m_sessions = std::make_unique<NodeSessions>(m_fakes.factory());
    ProvisionOptions options;
    options.agentBinary = agent;
    options.healthTimeout = std::chrono::seconds(1);
    m_operations = std::make_unique<NodeOperations>(&m_nodes, m_sessions.get(), &m_network, &m_prompter, options);
}

void TestNodeOperations::cleanup()
{
    m_operations.reset();
    m_sessions.reset();
}

Node TestNodeOperations::remoteNode(const QString &name, NodeState state) const
{
    Node node;
    node.id = name;
    node.name = name;
    node.role = NodeRole::Compute;
    node.ssh = {name + u".example"_s, 22, u"root"_s, {}};
    node.agent.controlPort = 7070;
    node.agent.invokePort = 7071;
    node.state = state;
    return node;
}

Result<void> TestNodeOperations::performAndWait(const QString &nodeId, NodeAction action)
{
    std::optional<Result<void>> ended;
    QObject guard;
    connect(m_operations.get(),
        &NodeOperations::nodeFinished,
        &guard,
        [&ended, nodeId](const QString &id, NodeAction, const Result<void> &result) {
            if (id == nodeId)
                ended = result;
        });
    const auto started = m_operations->perform({nodeId}, action);
    if (!started)
        return started;
    if (!QTest::qWaitFor(
            [&ended] {
                return ended.has_value();
            },
            10000))
        return fail(u"test.timeout"_s, u"the action did not end"_s);
    return *ended;
}

/**
 * What the detect step reads on a Linux x86-64 machine with systemd and glibc 2.36: its
 * os-release (@p pretty, and @p ids, its ID and ID_LIKE) and whether it has apt-get.
 */
static QByteArray detectAnswer(const QByteArray &pretty, const QByteArray &ids, bool apt)
{
    return "Linux\nx86_64\nsystemd\n" + pretty + "\n" + ids + "\n/root\n" + (apt ? "apt" : "none") + "\nglibc 2.36\n";
}

/** A root login on a Debian 12 machine with systemd, as the detect step asks. */
static Result<ExecResult> linuxMachine(const QString &command, const QByteArray &)
{
    if (command.startsWith(u"uname -s"_s))
        return ExecResult {0, detectAnswer("Debian GNU/Linux 12", "debian ", true), {}};
    if (command == u"id -u"_s)
        return ExecResult {0, "0\n", {}};
    return ExecResult {0, {}, {}};
}

void TestNodeOperations::uploadFailingAtOneFileStopsTheRunThere()
{
    m_nodes.add(remoteNode(u"web-1"_s, NodeState::Undefined));
    auto host = m_fakes.host(u"web-1.example"_s);
    host->exec = linuxMachine;
    host->upload = [](const QString &remotePath) -> Result<void> {
        if (remotePath.endsWith(u"/install.sh"_s))
            return fail(u"ssh.upload"_s, u"No space left on device"_s);
        return {};
    };

    const auto result = performAndWait(u"web-1"_s, NodeAction::Provision);
    QVERIFY(!result);
    QCOMPARE(result.error().code, u"ssh.upload"_s);
    QVERIFY2(result.error().message.startsWith(u"Uploading failed on web-1: No space left on device"_s),
        qPrintable(result.error().message));
    // The agent went up before the script that failed; nothing after it, not the token, and
    // nothing was installed or started.
    QVERIFY(!host->uploads.isEmpty());
    QVERIFY(host->uploads.first().remotePath.endsWith(u"/rune-agent"_s));
    for (const auto &upload : std::as_const(host->uploads)) {
        QVERIFY2(!upload.remotePath.endsWith(u"/install.sh"_s), qPrintable(upload.remotePath));
        QVERIFY2(!upload.remotePath.endsWith(u"/token"_s), qPrintable(upload.remotePath));
    }
    for (const QString &command : std::as_const(host->commands))
        QVERIFY2(!command.contains(u"install.sh --role"_s), qPrintable(command));
    // The node is Failed, its action no longer pending, and it got a token to install next time.
    const Node *node = m_nodes.find(u"web-1"_s);
    QCOMPARE(node->state, NodeState::Failed);
    QVERIFY(!node->targetAction);
    QCOMPARE(node->agent.token.size(), 64);
    QVERIFY(m_operations->isIdle());
}

void TestNodeOperations::provisioningGivesTheNodeTheBroker()
{
    // The broker as Settings › Events holds it at the moment the node is installed.
    ProvisionOptions options;
    options.agentBinary = QStringLiteral(RUNE_AGENT_BINARY); // the glibc check reads a real ELF file
    options.healthTimeout = std::chrono::seconds(1);
    QString url = u"tcp://old.example:1883"_s;
    options.broker = [&url] {
        return ProvisionBroker {url, u"edge"_s};
    };
    m_operations = std::make_unique<NodeOperations>(&m_nodes, m_sessions.get(), &m_network, &m_prompter, options);
    url = u"tcp://broker.example:1883"_s;
    m_nodes.add(remoteNode(u"edge-9"_s, NodeState::Undefined));
    auto host = m_fakes.host(u"edge-9.example"_s);
    host->exec = linuxMachine;
    QStringList log;
    connect(m_operations.get(), &NodeOperations::logLine, this, [&log](const QString &, const QString &line) {
        log << line;
    });

    // The fake node has no agent to answer: the run ends at the health check, after the install.
    performAndWait(u"edge-9"_s, NodeAction::Provision);
    const auto install = std::find_if(host->commands.cbegin(), host->commands.cend(), [](const QString &command) {
        return command.contains(u"install.sh --role"_s);
    });
    QVERIFY(install != host->commands.cend());
    QVERIFY2(install->contains(u" --mqtt-url 'tcp://broker.example:1883' --mqtt-user 'edge'"_s), qPrintable(*install));
    // The password is not the console's to give: the log says how the node gets it.
    const QString said = log.join(u'\n');
    QVERIFY2(
        said.contains(u"The agent will use the MQTT broker tcp://broker.example:1883 as edge."_s), qPrintable(said));
    QVERIFY2(said.contains(u"send it with Settings › Events › Send to the nodes…"_s), qPrintable(said));

    // Without a broker in the settings, install.sh gets none.
    url.clear();
    m_nodes.add(remoteNode(u"edge-10"_s, NodeState::Undefined));
    auto plain = m_fakes.host(u"edge-10.example"_s);
    plain->exec = linuxMachine;
    performAndWait(u"edge-10"_s, NodeAction::Provision);
    const auto plainInstall =
        std::find_if(plain->commands.cbegin(), plain->commands.cend(), [](const QString &command) {
            return command.contains(u"install.sh --role"_s);
        });
    QVERIFY(plainInstall != plain->commands.cend());
    QVERIFY2(!plainInstall->contains(u"--mqtt"_s), qPrintable(*plainInstall));
}

void TestNodeOperations::debianWithAptGetsThePackage()
{
    QFile deb(m_dir->filePath(u"rune-agent_1.0_amd64.deb"_s));
    QVERIFY(deb.open(QIODevice::WriteOnly));
    deb.write("!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n");
    deb.close();
    ProvisionOptions options;
    options.agentBinary = QStringLiteral(RUNE_AGENT_BINARY);
    options.agentPackage = deb.fileName();
    options.healthTimeout = std::chrono::seconds(1);
    m_operations = std::make_unique<NodeOperations>(&m_nodes, m_sessions.get(), &m_network, &m_prompter, options);
    QStringList log;
    connect(m_operations.get(), &NodeOperations::logLine, this, [&log](const QString &, const QString &line) {
        log << line;
    });
    const auto machine = [](QByteArray pretty, QByteArray ids, bool apt) {
        return [pretty, ids, apt](const QString &command, const QByteArray &input) -> Result<ExecResult> {
            if (command.startsWith(u"uname -s"_s))
                return ExecResult {0, detectAnswer(pretty, ids, apt), {}};
            return linuxMachine(command, input);
        };
    };
    const auto uploadedNames = [](const test::FakeHost &host) {
        QStringList names;
        for (const auto &upload : host.uploads)
            names << upload.remotePath.section(u'/', -1);
        return names;
    };
    const auto installCommand = [](const test::FakeHost &host) {
        for (const QString &command : host.commands) {
            if (command.contains(u"install.sh"_s))
                return command;
        }
        return QString();
    };

    // Ubuntu (ID_LIKE debian) with apt-get: the package and the token, nothing else; apt-get
    // installs it, then the package's install.sh configures it. The fake has no agent to answer,
    // so the run ends at the health check.
    m_nodes.add(remoteNode(u"ubuntu-1"_s, NodeState::Undefined));
    auto ubuntu = m_fakes.host(u"ubuntu-1.example"_s);
    ubuntu->exec = machine("Ubuntu 22.04.4 LTS", "ubuntu debian", true);
    performAndWait(u"ubuntu-1"_s, NodeAction::Provision);
    QCOMPARE(uploadedNames(*ubuntu), QStringList({u"rune-agent.deb"_s, u"token"_s}));
    QCOMPARE(ubuntu->uploads.first().mode, 0644);
    const QString packaged = installCommand(*ubuntu);
    QVERIFY2(packaged.contains(u"apt-get install -y --reinstall"_s), qPrintable(packaged));
    QVERIFY2(packaged.contains(u"/rune-agent.deb && sh /usr/share/rune-agent/node/install.sh --package --configure "
                               "--token '/root/.cache/rune-stage/ubuntu-1'/token --role compute"_s),
        qPrintable(packaged));
    QVERIFY2(log.contains(u"Installing the rune-agent package, with apt-get."_s), qPrintable(log.join(u'\n')));

    // Rocky Linux, and a Debian without apt-get: the binary and the scripts, and why.
    for (const auto &[name, pretty, ids, apt, why] :
        {std::tuple {u"rocky-1"_s, "Rocky Linux 9.3", "rocky rhel centos fedora", true, u"rocky is neither"_s},
            std::tuple {u"bare-1"_s, "Debian GNU/Linux 12", "debian", false, u"has no apt-get"_s}}) {
        log.clear();
        m_nodes.add(remoteNode(name, NodeState::Undefined));
        auto host = m_fakes.host(name + u".example"_s);
        host->exec = machine(pretty, ids, apt);
        performAndWait(name, NodeAction::Provision);
        QCOMPARE(uploadedNames(*host).first(), u"rune-agent"_s);
        QVERIFY(uploadedNames(*host).contains(u"install.sh"_s));
        QVERIFY(!uploadedNames(*host).contains(u"rune-agent.deb"_s));
        const QString command = installCommand(*host);
        QVERIFY2(command.contains(u"/install.sh --role compute"_s), qPrintable(command));
        QVERIFY2(!command.contains(u"apt-get"_s), qPrintable(command));
        QVERIFY2(log.join(u'\n').contains(why), qPrintable(log.join(u'\n')));
    }
}

void TestNodeOperations::refusedActionTouchesNothing()
{
    m_nodes.add(remoteNode(u"db-1"_s, NodeState::Suspended));
    const auto result = m_operations->perform({u"db-1"_s}, NodeAction::Suspend);
    QVERIFY(!result);
    QCOMPARE(result.error().code, u"node.action_refused"_s);
    QVERIFY2(result.error().message.startsWith(u"db-1: Suspend is not possible while the node is Suspended"_s),
        qPrintable(result.error().message));
    QCOMPARE(m_nodes.find(u"db-1"_s)->state, NodeState::Suspended);
    QVERIFY(!m_nodes.find(u"db-1"_s)->targetAction);
    QVERIFY(m_operations->isIdle());
    QTest::qWait(50);
    QCOMPARE(m_fakes.host(u"db-1.example"_s)->connections, 0);
}

void TestNodeOperations::suspendRunsTheNodesOwnControlAndChecksTheResult()
{
    m_nodes.add(remoteNode(u"api-1"_s, NodeState::Running));
    auto host = m_fakes.host(u"api-1.example"_s);
    host->exec = [](const QString &command, const QByteArray &input) -> Result<ExecResult> {
        if (command.contains(u" status"_s))
            return ExecResult {0, "suspended\n", {}};
        return linuxMachine(command, input);
    };
    QSignalSpy steps(m_operations.get(), &NodeOperations::stepStarted);

    const auto result = performAndWait(u"api-1"_s, NodeAction::Suspend);
    QVERIFY2(result, result ? "" : qPrintable(result.error().message));
    QCOMPARE(m_nodes.find(u"api-1"_s)->state, NodeState::Suspended);
    QVERIFY(!m_nodes.find(u"api-1"_s)->targetAction);
    // The binary install's control script when there is one, else the package's.
    QVERIFY2(host->commands.contains(
                 u"\"$(command -v /usr/local/sbin/rune-agentctl || echo /usr/sbin/rune-agentctl)\" suspend"_s),
        qPrintable(host->commands.join(u'\n')));
    QCOMPARE(steps.size(), 2);
    QCOMPARE(steps.at(0).at(1).value<ProvisionStep>(), ProvisionStep::Suspend);
    QCOMPARE(steps.at(1).at(1).value<ProvisionStep>(), ProvisionStep::Verify);
}

void TestNodeOperations::suspendThatDoesNotTakeLeavesTheNodeFailed()
{
    m_nodes.add(remoteNode(u"api-2"_s, NodeState::Running));
    auto host = m_fakes.host(u"api-2.example"_s);
    host->exec = [](const QString &command, const QByteArray &input) -> Result<ExecResult> {
        if (command.contains(u" status"_s))
            return ExecResult {0, "running\n", "the agent ignored SIGSTOP\n"};
        return linuxMachine(command, input);
    };

    const auto result = performAndWait(u"api-2"_s, NodeAction::Suspend);
    QVERIFY(!result);
    QCOMPARE(result.error().code, u"provision.unexpected_state"_s);
    QVERIFY2(
        result.error().message.contains(u"the agent is running, not suspended"_s), qPrintable(result.error().message));
    QVERIFY2(result.error().message.contains(u"the agent ignored SIGSTOP"_s), qPrintable(result.error().message));
    QCOMPARE(m_nodes.find(u"api-2"_s)->state, NodeState::Failed);
}

/** The most nodes that had an action under way at one time while @p nodeIds were suspended. */
static int mostAtOnce(NodeOperations &operations, const QStringList &nodeIds)
{
    QSet<QString> underWay;
    int most = 0;
    QObject guard;
    QObject::connect(&operations, &NodeOperations::stepStarted, &guard, [&](const QString &id) {
        underWay << id;
        most = std::max(most, int(underWay.size()));
    });
    QObject::connect(&operations, &NodeOperations::nodeFinished, &guard, [&](const QString &id) {
        underWay.remove(id);
    });
    QSignalSpy idle(&operations, &NodeOperations::idle);
    if (!operations.perform(nodeIds, NodeAction::Suspend) || !idle.wait(10000))
        return -1;
    return most;
}

void TestNodeOperations::parallelismFollowsItsSetting()
{
    QStringList ids;
    for (int i = 1; i <= 4; ++i) {
        const QString name = u"par-%1"_s.arg(i);
        ids << name;
        m_nodes.add(remoteNode(name, NodeState::Running));
        m_fakes.host(name + u".example"_s)->exec = [](const QString &command, const QByteArray &input) {
            if (command.contains(u" status"_s))
                return Result<ExecResult>(ExecResult {0, "suspended\n", {}});
            return linuxMachine(command, input);
        };
    }
    m_operations->setMaxParallel(1);
    QCOMPARE(mostAtOnce(*m_operations, ids), 1);
    for (const QString &id : std::as_const(ids)) {
        Node node = *m_nodes.find(id);
        node.state = NodeState::Running;
        m_nodes.update(node);
    }
    m_operations->setMaxParallel(3);
    QCOMPARE(mostAtOnce(*m_operations, ids), 3);
    for (const QString &id : std::as_const(ids))
        QCOMPARE(m_nodes.find(id)->state, NodeState::Suspended);
}

RUNE_TEST_MAIN(TestNodeOperations)
#include "tst_nodeoperations.moc"
