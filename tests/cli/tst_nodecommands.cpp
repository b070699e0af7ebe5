// SPDX-License-Identifier: GPL-3.0-or-later
// rune node add|remove|suspend|...|provision as a user runs them: the real program against a real
// sshd in a network namespace (tests/cluster/testcluster.sh; needs root, skipped otherwise), its
// stdin not a terminal, so host keys are trusted only through --accept-host-key.
#include "../cluster/testcluster.h"
#include "../common/testmain.h"
#include "clirun.h"
#include "cluster/nodelist.h"
#include "settings/settings.h"
#include "shell/console.h"
#include "store/storewatcher.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace
{

using Run = rune::test::CliRun;

} // namespace

class TestNodeCommands : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void badInput_data();
    void badInput();
    void unreachableHost();
    void addListRemove();
    void wrongFingerprintIsRefused();
    void unknownKeyWithoutTerminalIsRefused();
    void terminalAsksForTheHostKey_data();
    void terminalAsksForTheHostKey();
    void lifecycleRefusal();
    void provisionWithoutSudoPasswordFails();
    void changedKeyIsRefused();

private:
    /** Runs `rune`; on a terminal of its own, that @p terminalInput is typed on, when that is given. */
    Run rune(QStringList arguments, int timeoutMs = 60'000, const QByteArray &terminalInput = {});
    /** Skips (with the reason) when the namespace cluster could not be made. */
    bool clusterUp();
    /** `rune node add` of compute1 as @p user, in JSON; its key trusted by fingerprint unless @p hostKey says. */
    Run addCompute(const QString &user, const QString &name, std::optional<QStringList> hostKey = std::nullopt);
    /** The error message of a run in JSON mode. */
    static QString errorOf(const Run &run);
    QStringList nodeNames();
    QString knownHosts() const;

    std::unique_ptr<rune::test::TestCluster> m_cluster;
    std::unique_ptr<QTemporaryDir> m_home;
};

void TestNodeCommands::initTestCase()
{
    m_cluster = std::make_unique<rune::test::TestCluster>(QStringList {u"compute1"_s});
}

void TestNodeCommands::cleanupTestCase()
{
    m_cluster.reset();
}

void TestNodeCommands::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    // The settings of this test only: its own known-hosts file and the agent this build made.
    QSettings settings(m_home->filePath(u"config/rune/rune.ini"_s), QSettings::IniFormat);
    settings.setValue(u"ssh/knownHostsFile"_s, knownHosts());
    settings.setValue(u"ssh/connectTimeoutS"_s, 5);
    settings.setValue(u"paths/agentBinary"_s, QStringLiteral(RUNE_AGENT_BINARY));
    settings.sync();
    QCOMPARE(settings.status(), QSettings::NoError);
}

void TestNodeCommands::cleanup()
{
    m_home.reset();
}

Run TestNodeCommands::rune(QStringList arguments, int timeoutMs, const QByteArray &terminalInput)
{
    // No ssh-agent: only the key file given logs in, as on a machine without one.
    rune::test::CliSetup setup;
    setup.environment.insert(u"HOME"_s, m_home->path());
    setup.environment.insert(u"SSH_AUTH_SOCK"_s, QString());
    setup.input = terminalInput;
    setup.terminal = !terminalInput.isEmpty();
    return rune::test::runCli(std::move(arguments), QDir(m_home->path()), timeoutMs, setup);
}

QString TestNodeCommands::knownHosts() const
{
    return m_home->filePath(u"known_hosts"_s);
}

bool TestNodeCommands::clusterUp()
{
    if (!m_cluster->isUp())
        QTest::qSkip(qPrintable(m_cluster->error()), __FILE__, __LINE__);
    return m_cluster->isUp();
}

QString TestNodeCommands::errorOf(const Run &run)
{
    return run.json().value(u"error"_s).toObject().value(u"message"_s).toString();
}

Run TestNodeCommands::addCompute(const QString &user, const QString &name, std::optional<QStringList> hostKey)
{
    if (!hostKey)
        hostKey = QStringList {u"--accept-host-key"_s, m_cluster->hostFingerprint(u"compute1"_s)};
    return rune(QStringList {u"node"_s,
                    u"add"_s,
                    m_cluster->address(u"compute1"_s),
                    u"--user"_s,
                    user,
                    u"--key"_s,
                    m_cluster->key(),
                    u"--name"_s,
                    name,
                    u"--labels"_s,
                    u"gpu, fast"_s,
                    u"--output"_s,
                    u"json"_s}
        + *hostKey);
}

QStringList TestNodeCommands::nodeNames()
{
    QStringList names;
    const Run listed = rune({u"node"_s, u"list"_s, u"--output"_s, u"json"_s});
    for (const QJsonValue &node : listed.json().value(u"nodes"_s).toArray())
        names << node.toObject().value(u"name"_s).toString();
    return names;
}

void TestNodeCommands::badInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("reason");
    QTest::newRow("port too large") << QStringList {u"add"_s, u"host1"_s, u"--port"_s, u"99999"_s} << 2
                                    << u"--port 99999 is not a port number"_s;
    QTest::newRow("port not a number") << QStringList {u"add"_s, u"host1"_s, u"--port"_s, u"1e30"_s} << 2
                                       << u"--port 1e30 is not a port number"_s;
    QTest::newRow("unknown role") << QStringList {u"add"_s, u"host1"_s, u"--role"_s, u"boss"_s} << 2
                                  << u"--role boss is not a role"_s;
    QTest::newRow("user in the host") << QStringList {u"add"_s, u"me@host1"_s} << 2
                                      << u"the host is a name or an address only"_s;
    QTest::newRow("missing key file") << QStringList {u"add"_s, u"host1"_s, u"--key"_s, u"/nonexistent/id"_s} << 3
                                      << u"The key file /nonexistent/id does not exist"_s;
    QTest::newRow("fingerprint not SHA256")
        << QStringList {u"add"_s, u"host1"_s, u"--accept-host-key"_s, u"MD5:aa:bb"_s} << 2
        << u"--accept-host-key takes the key's SHA256 fingerprint"_s;
    QTest::newRow("no such node") << QStringList {u"remove"_s, u"nosuch"_s} << 3 << u"No node nosuch"_s;
    QTest::newRow("no such node to suspend") << QStringList {u"suspend"_s, u"nosuch"_s} << 3 << u"No node nosuch"_s;
    QTest::newRow("no node named") << QStringList {u"reboot"_s} << 2 << u"node reboot"_s;
}

void TestNodeCommands::badInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, reason);
    const Run run = rune(QStringList {u"node"_s} + arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.err.contains(reason.toUtf8()), run.err.constData());
    QVERIFY(run.out.isEmpty());
    QVERIFY(nodeNames().isEmpty());
}

void TestNodeCommands::unreachableHost()
{
    // A port nobody listens on: taken, then given back.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const QString port = QString::number(server.serverPort());
    server.close();
    const Run run = rune({u"node"_s, u"add"_s, u"127.0.0.1"_s, u"--port"_s, port, u"--output"_s, u"json"_s});
    QCOMPARE(run.exitCode, 1);
    const QJsonObject error = run.json().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"failed"_s);
    QVERIFY2(error.value(u"message"_s).toString().contains(u"127.0.0.1"_s), run.out.constData());
    QVERIFY(nodeNames().isEmpty());
}

void TestNodeCommands::addListRemove()
{
    if (!clusterUp())
        return;
    // An open window on the same data directory (this process, the same Console) follows.
    rune::Settings settings(m_home->filePath(u"window.ini"_s));
    QVERIFY(settings.setValue(rune::Settings::Key::DataDir, m_home->filePath(u"data"_s)));
    auto window = rune::Console::open(&settings, rune::ConsoleEdges {});
    QVERIFY(window);
    (*window)->storeWatcher()->start();
    const auto shown = [nodes = (*window)->services().fleet.nodes]() -> const rune::Node * {
        for (const rune::Node &node : nodes->nodes()) {
            if (node.name == u"c1"_s)
                return &node;
        }
        return nullptr;
    };
    QVERIFY(!shown());

    const Run added = addCompute(m_cluster->user(), u"c1"_s);
    QVERIFY2(added.exitCode == 0, added.err.constData());
    QTRY_VERIFY_WITH_TIMEOUT(shown(), 5'000);
    QCOMPARE(shown()->labels, (QStringList {u"gpu"_s, u"fast"_s}));
    QCOMPARE(shown()->ssh.host, m_cluster->address(u"compute1"_s));
    const QJsonObject node = added.json().value(u"node"_s).toObject();
    QCOMPARE(node.value(u"name"_s).toString(), u"c1"_s);
    QCOMPARE(node.value(u"role"_s).toString(), u"compute"_s);
    QCOMPARE(node.value(u"labels"_s).toArray(), (QJsonArray {u"gpu"_s, u"fast"_s}));
    QCOMPARE(added.json().value(u"login_user"_s).toString(), m_cluster->user());
    // The key was recorded, so the next login needs no --accept-host-key.
    QFile known(knownHosts());
    QVERIFY(known.open(QIODevice::ReadOnly));
    QVERIFY(known.readAll().contains(m_cluster->address(u"compute1"_s).toUtf8()));

    const Run listed = rune({u"node"_s, u"list"_s, u"--output"_s, u"json"_s});
    const QJsonArray nodes = listed.json().value(u"nodes"_s).toArray();
    QCOMPARE(nodes.size(), 1);
    QCOMPARE(nodes.at(0).toObject().value(u"address"_s).toString(),
        u"%1@%2:22"_s.arg(m_cluster->user(), m_cluster->address(u"compute1"_s)));

    const Run again = addCompute(m_cluster->user(), u"c2"_s);
    QCOMPARE(again.exitCode, 4);
    QVERIFY2(again.out.contains("is in the fleet already, as c1"), again.out.constData());

    const Run removed = rune({u"node"_s, u"remove"_s, u"c1"_s});
    QVERIFY2(removed.exitCode == 0, removed.err.constData());
    QVERIFY(removed.out.contains("Removed c1"));
    QVERIFY(nodeNames().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!shown(), 5'000);
}

void TestNodeCommands::wrongFingerprintIsRefused()
{
    if (!clusterUp())
        return;
    const QString wrong = u"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"_s;
    const Run run = addCompute(m_cluster->user(), u"c1"_s, QStringList {u"--accept-host-key"_s, wrong});
    QCOMPARE(run.exitCode, 1);
    const QString message = errorOf(run);
    QVERIFY2(message.contains(m_cluster->hostFingerprint(u"compute1"_s)), run.out.constData());
    QVERIFY2(message.contains(u"not the "_s + wrong + u" given with --accept-host-key"_s), run.out.constData());
    QVERIFY(QFile(knownHosts()).size() == 0);
    QVERIFY(nodeNames().isEmpty());
}

void TestNodeCommands::unknownKeyWithoutTerminalIsRefused()
{
    if (!clusterUp())
        return;
    const Run run = addCompute(m_cluster->user(), u"c1"_s, QStringList());
    QCOMPARE(run.exitCode, 1);
    const QString message = errorOf(run);
    QVERIFY2(message.contains(u"there is no terminal to ask on"_s), run.out.constData());
    QVERIFY2(
        message.contains(u"--accept-host-key "_s + m_cluster->hostFingerprint(u"compute1"_s)), run.out.constData());
    QVERIFY(QFile(knownHosts()).size() == 0);
    QVERIFY(nodeNames().isEmpty());
}

void TestNodeCommands::terminalAsksForTheHostKey_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<bool>("trusted");
    QTest::newRow("yes") << QByteArray("y\n") << true;
    QTest::newRow("no") << QByteArray("n\n") << false;
    QTest::newRow("just enter") << QByteArray("\n") << false;
}

void TestNodeCommands::terminalAsksForTheHostKey()
{
    QFETCH(QByteArray, answer);
    QFETCH(bool, trusted);
    if (!clusterUp())
        return;
    const Run run = rune({u"node"_s,
                             u"add"_s,
                             m_cluster->address(u"compute1"_s),
                             u"--user"_s,
                             m_cluster->user(),
                             u"--key"_s,
                             m_cluster->key(),
                             u"--name"_s,
                             u"c1"_s},
        60'000,
        answer);
    // The question on the terminal: the key's type and fingerprint.
    const QByteArray fingerprint = m_cluster->hostFingerprint(u"compute1"_s).toUtf8();
    QVERIFY2(run.out.contains(QByteArray("ssh-ed25519 " + fingerprint)), run.out.constData());
    QVERIFY2(run.out.contains("Trust it and log in? [y/N]"), run.out.constData());
    QCOMPARE(run.exitCode, trusted ? 0 : 1);
    if (!trusted)
        QVERIFY2(run.out.contains("was not trusted, so rune did not log in"), run.out.constData());
    QCOMPARE(nodeNames(), trusted ? QStringList {u"c1"_s} : QStringList());
    QCOMPARE(QFile(knownHosts()).size() > 0, trusted);
}

void TestNodeCommands::lifecycleRefusal()
{
    if (!clusterUp())
        return;
    const Run added = addCompute(m_cluster->user(), u"c1"_s);
    QVERIFY2(added.exitCode == 0, added.err.constData());
    // Never provisioned: there is nothing to suspend, so the lifecycle refuses, and says why.
    const Run suspended = rune({u"node"_s, u"suspend"_s, u"c1"_s, u"--output"_s, u"json"_s});
    QCOMPARE(suspended.exitCode, 4);
    QCOMPARE(suspended.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"refused"_s);
    QVERIFY2(errorOf(suspended).startsWith(u"c1: "_s), suspended.out.constData());
    const Run listed = rune({u"node"_s, u"list"_s, u"--output"_s, u"json"_s});
    QCOMPARE(listed.json().value(u"nodes"_s).toArray().at(0).toObject().value(u"state"_s).toString(), u"Undefined"_s);
}

void TestNodeCommands::provisionWithoutSudoPasswordFails()
{
    if (!clusterUp())
        return;
    // This login needs a password for sudo, and there is no terminal to ask for it on.
    const Run added = addCompute(m_cluster->sudoUser(), u"c1"_s);
    QVERIFY2(added.exitCode == 0, added.err.constData());
    const Run provisioned = rune({u"node"_s, u"provision"_s, u"c1"_s}, 120'000);
    QCOMPARE(provisioned.exitCode, 1);
    // Progress on stderr, one plain line each, then the failure naming the node.
    QVERIFY2(provisioned.err.contains("c1: Detecting the system"), provisioned.err.constData());
    QVERIFY2(provisioned.err.contains("sudo"), provisioned.err.constData());
    const Run listed = rune({u"node"_s, u"list"_s, u"--output"_s, u"json"_s});
    QCOMPARE(listed.json().value(u"nodes"_s).toArray().at(0).toObject().value(u"state"_s).toString(), u"Failed"_s);
    // A failed node may leave the list.
    const Run removed = rune({u"node"_s, u"remove"_s, u"c1"_s});
    QVERIFY2(removed.exitCode == 0, removed.err.constData());
}

void TestNodeCommands::changedKeyIsRefused()
{
    if (!clusterUp())
        return;
    QVERIFY2(addCompute(m_cluster->user(), u"c1"_s).exitCode == 0, "first add");
    QCOMPARE(rune({u"node"_s, u"remove"_s, u"c1"_s}).exitCode, 0);
    QVERIFY(m_cluster->rekey(u"compute1"_s));
    // Even the new key's own fingerprint does not replace a recorded one.
    const Run run = addCompute(m_cluster->user(), u"c1"_s);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(errorOf(run).contains(u"has changed"_s), run.out.constData());
    QVERIFY(nodeNames().isEmpty());
}

RUNE_TEST_GUILESS_MAIN(TestNodeCommands)
#include "tst_nodecommands.moc"
