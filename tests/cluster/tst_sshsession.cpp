// SPDX-License-Identifier: GPL-3.0-or-later
// The libssh transport against a real sshd in a network namespace: host keys, authentication,
// exec, SFTP, tunnels, session reuse, sudo and the SSH configuration file.
#include "../common/testmain.h"
#include "agent/agentclient.h"
#include "ssh/knownhosts.h"
#include "ssh/libsshtransport.h"
#include "ssh/remoteshell.h"
#include "testcluster.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QTemporaryFile>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::test;

class TestSshSession final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void unknownHostKeyIsAskedWithItsFingerprintThenRemembered();
    void refusedHostKeyDoesNotLogIn();
    void changedHostKeyIsRefusedUntilTheNewKeyIsTrusted();
    void wrongKeyIsAnAuthenticationErrorInWords();
    void silentHostTimesOutInWords();
    void passphraseIsAskedThroughThePrompter();
    void passwordIsUsedOnlyWhenGivenForTheSession();
    void execReportsExitStatusOutputAndTimeouts();
    void cancelStopsALongCommand();
    void sessionIsReusedAcrossCommands();
    void sessionReconnectsAfterTheServerRestarts();
    void uploadIsAtomicWithModeBits();
    void tunnelReachesAnAgentOnTheNodesLoopback();
    void sudoAsRootWithoutPasswordWithPasswordAndAsRoot();
    void sshConfigHostAliasIsHonoured();

private:
    std::unique_ptr<LibsshTransport> transport(const SshTarget &target, SshOptions options = {});
    Result<void> connectNow(SshTransport &transport);

    std::unique_ptr<TestCluster> m_cluster;
    ScriptedPrompter m_prompter;
};

void TestSshSession::initTestCase()
{
    m_cluster = std::make_unique<TestCluster>(QStringList {u"compute1"_s});
    if (!m_cluster->isUp())
        QSKIP(qPrintable(m_cluster->error()));
}

void TestSshSession::cleanupTestCase()
{
    m_cluster.reset();
}

void TestSshSession::init()
{
    m_prompter = ScriptedPrompter();
    QFile::remove(m_cluster->knownHosts());
}

std::unique_ptr<LibsshTransport> TestSshSession::transport(const SshTarget &target, SshOptions options)
{
    if (options.knownHostsFile.isEmpty())
        options = m_cluster->options();
    return std::make_unique<LibsshTransport>(target, options, &m_prompter);
}

Result<void> TestSshSession::connectNow(SshTransport &transport)
{
    return await<void>([&](QObject *context, auto done) {
        transport.connectToHost(context, done);
    });
}

void TestSshSession::unknownHostKeyIsAskedWithItsFingerprintThenRemembered()
{
    auto ssh = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
    const auto connected = connectNow(*ssh);
    QVERIFY2(connected, connected ? "" : qPrintable(connected.error().message));
    QCOMPARE(m_prompter.hostKeyQuestions.size(), 1);
    const HostKeyInfo asked = m_prompter.hostKeyQuestions.first();
    QCOMPARE(asked.status, HostKeyStatus::Unknown);
    QCOMPARE(asked.keyType, u"ssh-ed25519"_s);
    QCOMPARE(asked.fingerprint, m_cluster->hostFingerprint(u"compute1"_s));
    QVERIFY(asked.fingerprint.startsWith(u"SHA256:"_s));
    QCOMPARE(KnownHosts(m_cluster->knownHosts()).fingerprints(asked.host, 22), QStringList {asked.fingerprint});

    // A new session to the same host now connects without asking.
    auto again = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
    QVERIFY(connectNow(*again));
    QCOMPARE(m_prompter.hostKeyQuestions.size(), 1);
}

void TestSshSession::refusedHostKeyDoesNotLogIn()
{
    m_prompter.acceptHostKeys = false;
    auto ssh = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
    const auto result = execOn(*ssh, u"true"_s);
    QVERIFY(!result);
    QCOMPARE(result.error().code, u"ssh.hostkey_rejected"_s);
    QVERIFY(KnownHosts(m_cluster->knownHosts()).fingerprints(m_cluster->address(u"compute1"_s), 22).isEmpty());
}

void TestSshSession::changedHostKeyIsRefusedUntilTheNewKeyIsTrusted()
{
    const QString oldFingerprint = m_cluster->hostFingerprint(u"compute1"_s);
    {
        auto first = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
        QVERIFY(connectNow(*first));
    }
    QVERIFY(m_cluster->rekey(u"compute1"_s));
    const QString newFingerprint = m_cluster->hostFingerprint(u"compute1"_s);
    QVERIFY(newFingerprint != oldFingerprint);

    auto ssh = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
    const auto refused = execOn(*ssh, u"true"_s);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, u"ssh.hostkey_changed"_s);
    QVERIFY2(refused.error().message.contains(oldFingerprint), qPrintable(refused.error().message));
    QVERIFY2(refused.error().message.contains(newFingerprint), qPrintable(refused.error().message));
    QCOMPARE(m_prompter.hostKeyQuestions.size(), 1); // only the first, unknown key was ever put to the user

    // Trusting a key other than the one the server presents changes nothing.
    const auto mismatch = await<void>([&](QObject *context, auto done) {
        ssh->trustNewHostKey(oldFingerprint, context, done);
    });
    QVERIFY(!mismatch);
    QCOMPARE(mismatch.error().code, u"ssh.hostkey_mismatch"_s);
    QVERIFY(!execOn(*ssh, u"true"_s));

    const auto trusted = await<void>([&](QObject *context, auto done) {
        ssh->trustNewHostKey(newFingerprint, context, done);
    });
    QVERIFY2(trusted, trusted ? "" : qPrintable(trusted.error().message));
    const auto works = execOn(*ssh, u"echo ok"_s);
    QVERIFY2(works, works ? "" : qPrintable(works.error().message));
    QCOMPARE(works->standardOutput, "ok\n");
    QCOMPARE(KnownHosts(m_cluster->knownHosts()).fingerprints(m_cluster->address(u"compute1"_s), 22),
        QStringList {newFingerprint});
}

void TestSshSession::wrongKeyIsAnAuthenticationErrorInWords()
{
    SshTarget target = m_cluster->target(u"compute1"_s, m_cluster->user());
    target.keyFile = m_cluster->env(u"RUNE_TEST_WRONG_KEY"_s);
    auto ssh = transport(target);
    const auto result = execOn(*ssh, u"true"_s);
    QVERIFY(!result);
    QCOMPARE(result.error().code, u"ssh.auth_failed"_s);
    const QString message = result.error().message;
    QVERIFY2(message.contains(m_cluster->user() + u'@' + m_cluster->address(u"compute1"_s)), qPrintable(message));
    QVERIFY2(message.contains(u"authorized_keys"_s), qPrintable(message));
    QVERIFY2(message.contains(target.keyFile), qPrintable(message));
}

void TestSshSession::silentHostTimesOutInWords()
{
    // An address of the test's own bridge network that no namespace answers.
    SshOptions options = m_cluster->options();
    options.connectTimeout = std::chrono::seconds(1);
    const QString silent = m_cluster->env(u"RUNE_TEST_NET"_s) + u".99"_s;
    auto ssh = transport(SshTarget {silent, 22, m_cluster->user(), m_cluster->key()}, options);
    QElapsedTimer clock;
    clock.start();
    const auto result = execOn(*ssh, u"true"_s);
    QVERIFY(!result);
    QCOMPARE(result.error().code, u"ssh.unreachable"_s);
    QVERIFY2(result.error().message.contains(silent), qPrintable(result.error().message));
    QVERIFY(clock.elapsed() < 5000);
}

void TestSshSession::passphraseIsAskedThroughThePrompter()
{
    SshTarget target = m_cluster->target(u"compute1"_s, m_cluster->user());
    target.keyFile = m_cluster->env(u"RUNE_TEST_LOCKED_KEY"_s);
    {
        m_prompter.passphrase = u"not the passphrase"_s;
        auto ssh = transport(target);
        const auto refused = execOn(*ssh, u"true"_s);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, u"ssh.auth_failed"_s);
        QVERIFY2(refused.error().message.contains(u"passphrase"_s), qPrintable(refused.error().message));
        QCOMPARE(m_prompter.passphraseQuestions, 1);
    }
    m_prompter.passphrase = m_cluster->env(u"RUNE_TEST_KEY_PASSPHRASE"_s);
    auto ssh = transport(target);
    const auto result = execOn(*ssh, u"whoami"_s);
    QVERIFY2(result, result ? "" : qPrintable(result.error().message));
    QCOMPARE(result->standardOutput.trimmed(), m_cluster->user().toUtf8());
    QCOMPARE(m_prompter.passphraseQuestions, 2);
}

void TestSshSession::passwordIsUsedOnlyWhenGivenForTheSession()
{
    SshTarget target = m_cluster->target(u"compute1"_s, m_cluster->sudoUser());
    target.keyFile = m_cluster->env(u"RUNE_TEST_WRONG_KEY"_s);
    {
        auto ssh = transport(target);
        const auto refused = execOn(*ssh, u"true"_s);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, u"ssh.auth_failed"_s);
        QVERIFY2(refused.error().message.contains(u"password"_s), qPrintable(refused.error().message));
    }
    SshOptions options = m_cluster->options();
    options.password = m_cluster->sudoPassword();
    auto ssh = transport(target, options);
    const auto result = execOn(*ssh, u"whoami"_s);
    QVERIFY2(result, result ? "" : qPrintable(result.error().message));
    QCOMPARE(result->standardOutput.trimmed(), m_cluster->sudoUser().toUtf8());
    QVERIFY(!QFile(m_cluster->knownHosts()).readAll().contains(m_cluster->sudoPassword().toUtf8()));
}

void TestSshSession::execReportsExitStatusOutputAndTimeouts()
{
    auto ssh = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
    const auto result = execOn(*ssh, u"echo out; echo err >&2; exit 3"_s);
    QVERIFY2(result, result ? "" : qPrintable(result.error().message));
    QCOMPARE(result->exitStatus, 3);
    QCOMPARE(result->standardOutput, "out\n");
    QCOMPARE(result->standardError, "err\n");

    QByteArray big(300 * 1024, 'x');
    const auto echoed = execOn(*ssh, u"cat"_s, big);
    QVERIFY(echoed);
    QCOMPARE(echoed->standardOutput.size(), big.size());

    QElapsedTimer clock;
    clock.start();
    const auto slow = execOn(*ssh, u"sleep 10"_s, {}, std::chrono::milliseconds(300));
    QVERIFY(!slow);
    QCOMPARE(slow.error().code, u"ssh.timeout"_s);
    QVERIFY(clock.elapsed() < 5000);
    QVERIFY(execOn(*ssh, u"true"_s)); // the session survives a timed-out command
}

void TestSshSession::cancelStopsALongCommand()
{
    auto ssh = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
    QVERIFY(connectNow(*ssh));
    QElapsedTimer clock;
    clock.start();
    QTimer::singleShot(200, this, [&ssh] {
        ssh->cancel();
    });
    const auto result = execOn(*ssh, u"sleep 10"_s);
    QVERIFY(!result);
    QCOMPARE(result.error().code, u"ssh.cancelled"_s);
    QVERIFY(clock.elapsed() < 5000);
    QVERIFY(execOn(*ssh, u"true"_s)); // later calls work again
}

void TestSshSession::sessionIsReusedAcrossCommands()
{
    auto ssh = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
    QSet<QByteArray> clientPorts;
    for (int i = 0; i < 20; ++i) {
        const auto result = execOn(*ssh, u"echo $SSH_CLIENT"_s);
        QVERIFY2(result, result ? "" : qPrintable(result.error().message));
        clientPorts.insert(result->standardOutput.split(' ').value(1));
    }
    // One TCP connection (one client port) carried all twenty commands.
    QCOMPARE(clientPorts.size(), 1);
}

void TestSshSession::sessionReconnectsAfterTheServerRestarts()
{
    auto ssh = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
    const auto before = execOn(*ssh, u"echo $SSH_CLIENT"_s);
    QVERIFY(before);
    QVERIFY(m_cluster->stopSshd(u"compute1"_s));
    const auto down = execOn(*ssh, u"true"_s);
    QVERIFY(!down);
    QVERIFY2(down.error().code == u"ssh.unreachable"_s || down.error().code == u"ssh.failed"_s,
        qPrintable(down.error().message));
    QVERIFY(m_cluster->startSshd(u"compute1"_s));
    const auto after = execOn(*ssh, u"echo $SSH_CLIENT"_s);
    QVERIFY2(after, after ? "" : qPrintable(after.error().message));
    QVERIFY(after->standardOutput.split(' ').value(1) != before->standardOutput.split(' ').value(1));
}

void TestSshSession::uploadIsAtomicWithModeBits()
{
    auto ssh = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
    QByteArray data(3 * 1024 * 1024 + 17, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(data.data()), data.size() / 4);
    QTemporaryFile local;
    QVERIFY(local.open());
    local.write(data);
    local.flush();
    const auto echoed = execOn(*ssh, u"echo $HOME"_s);
    QVERIFY2(echoed, echoed ? "" : qPrintable(echoed.error().message));
    const QString home = QString::fromUtf8(echoed->standardOutput.trimmed());
    const QString remote = home + u"/uploaded.bin"_s;
    qint64 lastSent = 0;
    int reports = 0;
    for (int round = 0; round < 2; ++round) { // the second round replaces the file
        const auto uploaded = await<void>([&](QObject *context, auto done) {
            ssh->upload(UploadSource {local.fileName(), {}}, remote, 0640, context, done, [&](qint64 sent, qint64) {
                lastSent = sent;
                ++reports;
            });
        });
        QVERIFY2(uploaded, uploaded ? "" : qPrintable(uploaded.error().message));
    }
    QVERIFY(reports >= 2);
    QCOMPARE(lastSent, data.size());
    const auto check = execOn(*ssh, u"stat -c %a "_s + remote + u"; sha256sum "_s + remote + u"; ls "_s + home);
    QVERIFY(check);
    const QList<QByteArray> lines = check->standardOutput.split('\n');
    QCOMPARE(lines.value(0), "640");
    QCOMPARE(lines.value(1).split(' ').value(0), QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
    QVERIFY2(!check->standardOutput.contains(".rune-part"), check->standardOutput.constData());

    const auto small = await<void>([&](QObject *context, auto done) {
        ssh->upload(UploadSource {{}, "secret\n"}, home + u"/token"_s, 0600, context, done);
    });
    QVERIFY(small);
    QCOMPARE(execOn(*ssh, u"stat -c %a "_s + home + u"/token; cat "_s + home + u"/token"_s)->standardOutput,
        "600\nsecret\n");
}

void TestSshSession::tunnelReachesAnAgentOnTheNodesLoopback()
{
    // The agent listens on 127.0.0.1 inside the node's namespace: only the tunnel reaches it.
    // Started by hand as the login user, without the installed unit's capabilities, it keeps
    // that user for its functions (run_as = agent).
    const QString agent = m_cluster->dir() + u"/rune-agent"_s;
    QFile::remove(agent);
    QVERIFY(QFile::copy(QStringLiteral(RUNE_AGENT_BINARY), agent));
    auto ssh = transport(m_cluster->target(u"compute1"_s, m_cluster->user()));
    const auto started = execOn(*ssh,
        u"d=$HOME/tunnel-agent; rm -rf $d; mkdir -p $d; echo tunnel-token > $d/token; setsid %1 --listen "
        u"127.0.0.1:7471 --state-dir $d/state "
        "--token-file $d/token --run-as agent </dev/null >$d/log 2>&1 & echo $!; for i in $(seq 100); do grep -q listening $d/log && break; sleep 0.1; done; cat $d/log"_s
            .arg(agent));
    QVERIFY(started);
    QVERIFY2(started->standardOutput.contains("listening on 127.0.0.1:7471"), started->standardOutput.constData());
    const QByteArray pid = started->standardOutput.split('\n').value(0);
    const auto port = await<quint16>([&](QObject *context, auto done) {
        ssh->openTunnel(7471, context, done);
    });
    QVERIFY2(port, port ? "" : qPrintable(port.error().message));
    QNetworkAccessManager network;
    HttpAgentClient client(&network, QUrl(u"http://127.0.0.1:%1"_s.arg(*port)), u"tunnel-token"_s);
    for (int i = 0; i < 3; ++i) { // several requests over the same and new connections
        const auto info = await<NodeFacts>([&](QObject *context, auto done) {
            client.fetchInfo(context, done);
        });
        QVERIFY2(info, info ? "" : qPrintable(info.error().message));
        QVERIFY(info->cores > 0);
    }
    // Stopped, and waited for: a busy machine may take a moment to see the agent go.
    const auto killed = execOn(*ssh,
        u"kill %1; for i in $(seq 100); do kill -0 %1 2>/dev/null || exit 0; sleep 0.1; done; exit 1"_s.arg(
            QString::fromUtf8(pid)));
    QVERIFY(killed);
    QCOMPARE(killed->exitStatus, 0);
    const auto gone = await<AgentHealth>([&](QObject *context, auto done) {
        client.fetchHealth(context, done);
    });
    QVERIFY(!gone);
    QCOMPARE(gone.error().code, u"agent.unreachable"_s);
}

void TestSshSession::sudoAsRootWithoutPasswordWithPasswordAndAsRoot()
{
    const auto asRoot = [](RemoteShell &shell, const std::shared_ptr<SudoPasswords> &batch) {
        return await<ExecResult>([&](QObject *context, auto done) {
            shell.runAsRoot(u"id -u; cat"_s, "stdin-passes\n", std::chrono::seconds(20), batch, context, done);
        });
    };
    m_prompter.sudoPassword = m_cluster->sudoPassword();
    auto batch = std::make_shared<SudoPasswords>(&m_prompter);
    for (const QString &user : {u"root"_s, m_cluster->user(), m_cluster->sudoUser()}) {
        auto ssh = transport(m_cluster->target(u"compute1"_s, user));
        RemoteShell shell(ssh.get());
        for (int i = 0; i < 2; ++i) {
            const auto result = asRoot(shell, batch);
            QVERIFY2(result, result ? "" : qPrintable(result.error().message));
            QCOMPARE(result->standardOutput, "0\nstdin-passes\n");
            QCOMPARE(result->exitStatus, 0);
        }
        QCOMPARE(*shell.loginIsRoot(), user == u"root"_s);
    }
    QCOMPARE(m_prompter.sudoQuestions, 1); // once per batch, only for the user whose sudo wants it

    m_prompter.sudoPassword = u"wrong"_s;
    auto ssh = transport(m_cluster->target(u"compute1"_s, m_cluster->sudoUser()));
    RemoteShell shell(ssh.get());
    const auto refused = asRoot(shell, std::make_shared<SudoPasswords>(&m_prompter));
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, u"ssh.sudo_password"_s);
    QVERIFY2(refused.error().message.contains(u"did not accept"_s), qPrintable(refused.error().message));
}

void TestSshSession::sshConfigHostAliasIsHonoured()
{
    SshOptions options = m_cluster->options();
    options.configFile = m_cluster->dir() + u"/alias_config"_s;
    QFile config(options.configFile);
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral("Host build-box\n  HostName %1\n  Port 22\n  User %2\n  IdentityFile %3\n")
                     .arg(m_cluster->address(u"compute1"_s), m_cluster->user(), m_cluster->key())
                     .toUtf8());
    config.close();
    auto ssh = transport(SshTarget {u"build-box"_s, 0, {}, {}}, options);
    const auto result = execOn(*ssh, u"whoami"_s);
    QVERIFY2(result, result ? "" : qPrintable(result.error().message));
    QCOMPARE(result->standardOutput.trimmed(), m_cluster->user().toUtf8());
    QCOMPARE(m_prompter.hostKeyQuestions.value(0).host, m_cluster->address(u"compute1"_s));
}

RUNE_TEST_GUILESS_MAIN(TestSshSession)
#include "tst_sshsession.moc"
