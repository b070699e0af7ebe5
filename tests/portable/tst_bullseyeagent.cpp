// SPDX-License-Identifier: GPL-3.0-or-later
// The agent the console installs on nodes (built against Debian 11's glibc 2.31,
// cmake/portableagent.cmake), run inside a real Debian 11 root (installers/setup.sh makes it):
// it starts on that glibc, runs a python3 function with that system's python3 and answers over
// HTTP. And the provisioner's glibc check, with the real probe command run inside that root.

#include "../common/functions.h"
#include "../common/testmain.h"
#include "provision/glibcrequirement.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::test;

namespace
{

const QString root = QStringLiteral(RUNE_PORTABLE_SYSROOT);
const QString portableAgent = QStringLiteral(RUNE_PORTABLE_AGENT);
const QString inRoot = QStringLiteral(RUNE_SOURCE_DIR "/tests/portable/inroot.sh");

/** What @p command prints, run by /bin/sh inside the root (a plain chroot: it mounts nothing). */
QString runInRoot(const QString &command)
{
    QProcess process;
    process.start(u"chroot"_s, {root, u"/bin/sh"_s, u"-c"_s, command});
    if (!process.waitForFinished(30000))
        return {};
    return QString::fromUtf8(process.readAllStandardOutput());
}

/** The first child of @p pid: the agent under unshare. */
qint64 childOf(qint64 pid)
{
    QFile children(u"/proc/%1/task/%1/children"_s.arg(pid));
    if (!children.open(QIODevice::ReadOnly))
        return 0;
    return QString::fromLatin1(children.readAll()).section(u' ', 0, 0).toLongLong();
}

} // namespace

class TestBullseyeAgent final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void agentNeedsNothingNewerThanDebian11();
    void provisioningAcceptsDebian11OnlyForThePortableAgent();
    void runsAPython3FunctionInDebian11();
};

void TestBullseyeAgent::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("chroot, mounts and namespaces need root (CI runs the tests as root)");
    QVERIFY2(QFile::exists(root + u"/usr/bin/python3"_s),
        qPrintable(root + u" has no python3: installers/setup.sh makes the Debian 11 root"_s));
    QVERIFY2(QFile::exists(portableAgent), qPrintable(portableAgent));
}

void TestBullseyeAgent::agentNeedsNothingNewerThanDebian11()
{
    const auto needed = glibcNeededBy(portableAgent);
    QVERIFY2(needed, needed ? "" : qPrintable(needed.error().message));
    QVERIFY2(*needed <= (GlibcVersion {2, 31}), qPrintable(needed->text()));
    QVERIFY(*needed >= (GlibcVersion {2, 2}));
}

void TestBullseyeAgent::provisioningAcceptsDebian11OnlyForThePortableAgent()
{
    const QString printed = runInRoot(glibcProbeCommand());
    const auto bullseye = parseGlibcVersion(printed);
    QVERIFY2(bullseye, qPrintable(printed));
    QCOMPARE(bullseye->text(), u"2.31"_s);
    const auto portable = glibcNeededBy(portableAgent);
    QVERIFY(portable);
    const auto accepted = refuseOlderGlibc(printed, *portable);
    QVERIFY2(!accepted, qPrintable(accepted ? accepted->message : QString()));
    // An agent built against this machine's newer glibc is refused, in words. Where this build's
    // agent is the portable one (the console's build), a program of this machine stands in for
    // an agent built here: Debian 12's all need glibc 2.34 or newer.
    auto ordinary = glibcNeededBy(QStringLiteral(RUNE_AGENT_BINARY));
    QVERIFY(ordinary);
    if (*ordinary <= *bullseye)
        ordinary = glibcNeededBy(QStringLiteral("/bin/sh"));
    QVERIFY(ordinary);
    if (*ordinary <= *bullseye)
        QSKIP("this machine's glibc is no newer than Debian 11's: nothing here to refuse");
    const auto refused = refuseOlderGlibc(printed, *ordinary);
    QVERIFY(refused);
    QCOMPARE(refused->code, u"provision.old_glibc"_s);
    QVERIFY2(
        refused->message.startsWith(u"this node has glibc 2.31; the agent needs %1 or newer"_s.arg(ordinary->text())),
        qPrintable(refused->message));
}

void TestBullseyeAgent::runsAPython3FunctionInDebian11()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QFile::setPermissions(dir.path(),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup
            | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther));
    const QString agent = dir.filePath(u"rune-agent"_s);
    QVERIFY(QFile::copy(portableAgent, agent));
    const QString token = u"bullseye-token"_s;
    QFile tokenFile(dir.filePath(u"token"_s));
    QVERIFY(tokenFile.open(QIODevice::WriteOnly));
    tokenFile.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    tokenFile.write(token.toUtf8());
    tokenFile.close();

    // Killed, with all it started and its mounts, when the test ends, pass or fail.
    QProcess process;
    // The folder is /srv inside the root (tests/portable/inroot.sh).
    process.start(inRoot,
        {root,
            dir.path(),
            u"/srv/rune-agent"_s,
            u"--listen"_s,
            u"127.0.0.1:0"_s,
            u"--invoke-listen"_s,
            u"127.0.0.1:0"_s,
            u"--state-dir"_s,
            u"/srv/state"_s,
            u"--token-file"_s,
            u"/srv/token"_s});
    QVERIFY(process.waitForStarted());
    const auto stop = qScopeGuard([&] {
        process.kill();
        process.waitForFinished();
    });
    static const QRegularExpression listening(u"listening on [^:]+:(\\d+)"_s);
    static const QRegularExpression invoking(u"invoke on [^:]+:(\\d+)"_s);
    QString output;
    quint16 port = 0, invokePort = 0;
    QElapsedTimer waited;
    waited.start();
    while ((port == 0 || invokePort == 0) && waited.elapsed() < 20000 && process.state() == QProcess::Running) {
        process.waitForReadyRead(100);
        output += QString::fromUtf8(process.readAllStandardOutput());
        port = quint16(listening.match(output).captured(1).toUInt());
        invokePort = quint16(invoking.match(output).captured(1).toUInt());
    }
    QVERIFY2(port != 0 && invokePort != 0, qPrintable(output + QString::fromUtf8(process.readAllStandardError())));

    // The loader mapped Debian 11's glibc into the agent (the file names its release there).
    QFile maps(u"/proc/%1/maps"_s.arg(childOf(process.processId())));
    QVERIFY2(maps.open(QIODevice::ReadOnly), qPrintable(maps.fileName()));
    QVERIFY2(maps.readAll().contains("/libc-2.31.so"), "the agent is not running on Debian 11's glibc");

    const auto deployed = deployFunction(port,
        token,
        u"which"_s,
        archiveWith(u"handler.py"_s,
            u"import platform, sys\n"
            "def handle(event, context):\n"
            "    return {'python': sys.version.split()[0], 'libc': platform.libc_ver()[1]}\n"_s),
        QJsonObject {{u"runtime"_s, u"python3"_s}});
    QVERIFY2(deployed.status == 201, deployed.body.constData());
    const auto reply = callFunction(invokePort, "GET", "/function/which");
    QVERIFY2(reply.status == 200, reply.body.constData());
    const auto answer = jsonOf(reply);
    QVERIFY2(textOf(answer.value("python", nlohmann::json())).startsWith(u"3.9."_s), reply.body.constData());
    QCOMPARE(textOf(answer.value("libc", nlohmann::json())), u"2.31"_s);

    // A configuration that is not JSON: the parser's exception is thrown and caught inside the agent,
    // which takes the unwinder through the replacement of glibc 2.35's _dl_find_object.
    HttpConnection connection(port);
    const auto refused = connection.request("PUT",
        "/v1/functions/broken",
        {"Content-Type: application/gzip", "X-Rune-Config: {not json", "Authorization: Bearer " + token.toUtf8()},
        archiveWith(u"handler.py"_s, u"def handle(event, context):\n    return 1\n"_s));
    QCOMPARE(refused.status, 400);
    QVERIFY2(errorMessageOf(refused).contains(u"not valid JSON"_s), refused.body.constData());
    QCOMPARE(callFunction(invokePort, "GET", "/function/which").status, 200);
}

RUNE_TEST_GUILESS_MAIN(TestBullseyeAgent)
#include "tst_bullseyeagent.moc"
