// SPDX-License-Identifier: GPL-3.0-or-later
// The `rune` command line as a user runs it: the real program, a data directory of its own, real
// agents of the demo cluster that `rune demo up` leaves running.
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "cluster/nodepersister.h"
#include "functions/functioncatalog.h"
#include "functions/functionworkspace.h"
#include "runeprogram.h"
#include "settings/settings.h"
#include "shell/console.h"
#include "store/store.h"
#include "store/storewatcher.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace
{

using Run = rune::tests::RuneRun;

bool listens(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(2000);
}

} // namespace

class TestCommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void usageErrors_data();
    void usageErrors();
    void usageErrorAnswersInJson();
    void notUtf8Argument();
    void dataDirThatIsAFile();
    void helpPerCommand_data();
    void helpPerCommand();
    void completionFollowsTheCommandTable();
    void bashCompletionScript();
    void emptyStoreLists();
    void demoOutlivesTheCommand();
    void demoDownWithoutCluster();
    void secondClusterOnTheSameStateIsRefused();
    void deployInvokeVersions();
    void versionLifecycle();
    void logsAndFollow();
    void newFromTemplate();
    void openWindowFollowsTheCommands();
    void functionErrors_data();
    void functionErrors();

private:
    Run rune(QStringList arguments, int timeoutMs = 30'000);
    /** Starts the demo cluster for this test's data directory. */
    bool demoUp();
    /** Writes a Python function that echoes the body into @p dir; @p marker changes its code. */
    static bool writeEchoFunction(QDir dir, const QByteArray &marker);
    /** The demo cluster's process, from its record; 0 without one. */
    qint64 demoPid() const;

    std::unique_ptr<QTemporaryDir> m_home;
};

void TestCommandLine::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
}

void TestCommandLine::cleanup()
{
    rune::tests::stopDemoIn(*m_home);
    m_home.reset();
}

Run TestCommandLine::rune(QStringList arguments, int timeoutMs)
{
    return rune::tests::runRune(*m_home, std::move(arguments), timeoutMs);
}

qint64 TestCommandLine::demoPid() const
{
    return rune::tests::demoPidIn(*m_home);
}

void TestCommandLine::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("reason");
    QTest::newRow("unknown command") << QStringList {u"node"_s, u"lst"_s} << u"unknown command 'node lst'"_s;
    QTest::newRow("group alone") << QStringList {u"fn"_s} << u"'fn' needs a command"_s;
    QTest::newRow("unknown option") << QStringList {u"node"_s, u"list"_s, u"--colour"_s}
                                    << u"unknown option --colour"_s;
    QTest::newRow("option of another command")
        << QStringList {u"node"_s, u"list"_s, u"--foreground"_s} << u"unknown option --foreground"_s;
    QTest::newRow("bad output") << QStringList {u"fn"_s, u"list"_s, u"--output"_s, u"yaml"_s}
                                << u"--output takes text or json, not 'yaml'"_s;
    QTest::newRow("missing value") << QStringList {u"demo"_s, u"up"_s, u"--agent-binary"_s}
                                   << u"--agent-binary needs a value"_s;
    QTest::newRow("flag with value") << QStringList {u"demo"_s, u"up"_s, u"--foreground=yes"_s}
                                     << u"--foreground takes no value"_s;
    QTest::newRow("extra argument") << QStringList {u"fn"_s, u"list"_s, u"everything"_s}
                                    << u"takes no argument 'everything'"_s;
    QTest::newRow("twice") << QStringList {u"node"_s, u"list"_s, u"--output"_s, u"text"_s, u"--output=text"_s}
                           << u"--output is given twice"_s;
    // Checked before the name becomes a folder: an empty one would name the current folder.
    QTest::newRow("empty function name") << QStringList {u"fn"_s, u"new"_s, QString()} << u"function name ''"_s;
    QTest::newRow("function name with a path")
        << QStringList {u"fn"_s, u"new"_s, u"../up"_s} << u"function name '../up'"_s;
}

void TestCommandLine::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, reason);
    const Run run = rune(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(reason.toUtf8()), run.err.constData());
    QVERIFY(run.out.isEmpty());
}

void TestCommandLine::usageErrorAnswersInJson()
{
    const Run run = rune({u"node"_s, u"reboot-all"_s, u"--output"_s, u"json"_s});
    QCOMPARE(run.exitCode, 2);
    const QJsonObject error = run.json().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"usage"_s);
    QVERIFY(error.value(u"message"_s).toString().contains(u"node reboot-all"_s));
}

void TestCommandLine::notUtf8Argument()
{
    // QProcess passes arguments as UTF-8; the shell passes the raw byte 0xE9 (Latin-1 "é").
    QProcess shell;
    shell.start(
        u"/bin/sh"_s, {u"-c"_s, u"exec \"$0\" node list \"$(printf 'caf\\351')\""_s, QStringLiteral(RUNE_CLI_BINARY)});
    QVERIFY(shell.waitForFinished(30'000));
    QCOMPARE(shell.exitCode(), 2);
    QVERIFY2(shell.readAllStandardError().contains("argument 3 is not valid UTF-8"), "no UTF-8 error");
}

void TestCommandLine::dataDirThatIsAFile()
{
    QFile file(m_home->filePath(u"plain-file"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    const Run run = rune({u"node"_s, u"list"_s, u"--data-dir"_s, file.fileName()});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("is not a directory"), run.err.constData());
}

void TestCommandLine::helpPerCommand_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    QTest::newRow("demo up") << QStringList {u"demo"_s, u"up"_s, u"--help"_s} << u"--foreground"_s;
    QTest::newRow("node group") << QStringList {u"node"_s, u"--help"_s} << u"list"_s;
    QTest::newRow("fn list") << QStringList {u"fn"_s, u"list"_s, u"--help"_s} << u"Usage: rune fn list"_s;
}

void TestCommandLine::helpPerCommand()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    const Run run = rune(arguments);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(expected.toUtf8()), run.out.constData());
    QVERIFY(run.out.contains("Exit codes: 0 done, 1 failed, 2 wrong command line, 3 not found"));
}

void TestCommandLine::completionFollowsTheCommandTable()
{
    const auto words = [](const QStringList &typed) {
        QProcess process;
        process.start(QStringLiteral(RUNE_CLI_BINARY), QStringList {u"__complete"_s} + typed);
        process.waitForFinished(30'000);
        return QString::fromUtf8(process.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    };
    QCOMPARE(words({}), (QStringList {u"demo"_s, u"node"_s, u"fn"_s, u"bench"_s, u"cost"_s}));
    QCOMPARE(words({u"demo"_s}), (QStringList {u"up"_s, u"down"_s}));
    const QStringList options = words({u"--data-dir"_s, u"/tmp"_s, u"demo"_s, u"up"_s});
    QVERIFY(options.contains(u"--foreground"_s));
    QVERIFY(options.contains(u"--output"_s));
}

void TestCommandLine::bashCompletionScript()
{
    // The installed script, run by bash as a shell runs it on Tab.
    const auto complete = [](const QString &words, int current) {
        QProcess bash;
        bash.start(u"bash"_s,
            {u"-c"_s,
                u"source \"$0\"; COMP_WORDS=(\"$1\" %1); COMP_CWORD=%2; _rune; echo \"${COMPREPLY[*]}\""_s.arg(words)
                    .arg(current),
                QStringLiteral(RUNE_SOURCE_DIR "/cli/rune.bash"),
                QStringLiteral(RUNE_CLI_BINARY)});
        bash.waitForFinished(30'000);
        return QString::fromUtf8(bash.readAllStandardOutput()).trimmed();
    };
    QCOMPARE(complete(u"fn ro"_s, 2), u"rollback"_s);
    QCOMPARE(complete(u"fn logs --fo"_s, 3), u"--follow"_s);
    QCOMPARE(complete(u"--output j"_s, 2), u"json"_s);
    QCOMPARE(complete(u"de"_s, 1), u"demo"_s);
}

void TestCommandLine::emptyStoreLists()
{
    const Run nodes = rune({u"node"_s, u"list"_s, u"--output"_s, u"json"_s});
    QCOMPARE(nodes.exitCode, 0);
    QCOMPARE(nodes.json(), (QJsonObject {{u"nodes"_s, QJsonArray()}}));
    const Run functions = rune({u"fn"_s, u"list"_s, u"--output=json"_s});
    QCOMPARE(functions.exitCode, 0);
    QCOMPARE(functions.json(), (QJsonObject {{u"functions"_s, QJsonArray()}}));
    const Run text = rune({u"node"_s, u"list"_s});
    QVERIFY2(text.out.contains("No nodes."), text.out.constData());
    // The common options may come before the command too.
    const Run before = rune({u"--output"_s, u"json"_s, u"node"_s, u"list"_s});
    QCOMPARE(before.exitCode, 0);
    QCOMPARE(before.json(), nodes.json());
    const Run beforeInline =
        rune({u"--output=json"_s, u"--data-dir"_s, m_home->filePath(u"other"_s), u"fn"_s, u"list"_s});
    QCOMPARE(beforeInline.exitCode, 0);
    QCOMPARE(beforeInline.json(), functions.json());
    QVERIFY(QFileInfo::exists(m_home->filePath(u"other/rune.db"_s)));
    // Each ran with --data-dir: the window's settings file does not remember it.
    QFile settings(m_home->filePath(u"config/rune/rune.ini"_s));
    if (settings.open(QIODevice::ReadOnly))
        QVERIFY2(!settings.readAll().contains(m_home->filePath(u"data"_s).toUtf8()), "--data-dir was saved");
}

void TestCommandLine::demoOutlivesTheCommand()
{
    const QStringList up {
        u"demo"_s, u"up"_s, u"--output"_s, u"json"_s, u"--agent-binary"_s, QStringLiteral(RUNE_AGENT_BINARY)};
    const Run started = rune(up, 90'000);
    QVERIFY2(started.exitCode == 0, started.err.constData());
    const QJsonArray nodes = started.json().value(u"demo"_s).toObject().value(u"nodes"_s).toArray();
    QCOMPARE(nodes.size(), 4);
    const qint64 pid = demoPid();
    QVERIFY(pid > 0);

    // The command has returned; the agents still answer, and other commands see them.
    QList<quint16> ports;
    for (const QJsonValue &node : nodes) {
        QCOMPARE(node.toObject().value(u"state"_s).toString(), u"Running"_s);
        QVERIFY(node.toObject().value(u"demo"_s).toBool());
        const QString address = node.toObject().value(u"address"_s).toString();
        ports.append(quint16(address.section(u':', -1).toUInt()));
        QVERIFY2(listens(ports.last()), qPrintable(address));
    }
    const Run listed = rune({u"node"_s, u"list"_s, u"--output"_s, u"json"_s});
    QCOMPARE(listed.exitCode, 0);
    QCOMPARE(listed.json().value(u"nodes"_s).toArray().size(), 4);
    const Run text = rune({u"node"_s, u"list"_s});
    QVERIFY2(text.out.contains("local-controller"), text.out.constData());

    // A second `up` finds the running cluster instead of starting another.
    const Run again = rune(up, 30'000);
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(qint64(again.json().value(u"demo"_s).toObject().value(u"pid"_s).toDouble()), pid);

    const Run down = rune({u"demo"_s, u"down"_s, u"--output"_s, u"json"_s});
    QVERIFY2(down.exitCode == 0, down.out.constData());
    QCOMPARE(down.json().value(u"stopped"_s).toObject().value(u"nodes"_s).toArray().size(), 4);
    QTRY_VERIFY_WITH_TIMEOUT(!listens(ports.first()), 10'000);
    for (const quint16 port : ports)
        QVERIFY(!listens(port));
    QCOMPARE(rune({u"node"_s, u"list"_s, u"--output"_s, u"json"_s}).json().value(u"nodes"_s).toArray().size(), 0);
}

void TestCommandLine::demoDownWithoutCluster()
{
    const Run run = rune({u"demo"_s, u"down"_s, u"--output"_s, u"json"_s});
    QCOMPARE(run.exitCode, 3);
    QCOMPARE(run.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"not_found"_s);
}

bool TestCommandLine::demoUp()
{
    return rune::tests::demoUpIn(*m_home);
}

void TestCommandLine::secondClusterOnTheSameStateIsRefused()
{
    // Agents that run functions as users of their own lock their state directory...
    if (::geteuid() != 0)
        QSKIP("only a root agent locks its state directory");
    // ...and only where its functions' users can reach it (else it runs them as itself).
    QVERIFY(QFile::setPermissions(
        m_home->path(), QFile::permissions(m_home->path()) | QFileDevice::ExeGroup | QFileDevice::ExeOther));
    QVERIFY(demoUp());
    const QString record = m_home->filePath(u"data/demo/cluster.json"_s);
    const QString aside = m_home->filePath(u"cluster.json"_s);
    // As if another program (a window) ran the cluster without a record: a second one cannot start.
    QVERIFY(QFile::rename(record, aside));
    const Run second = rune({u"demo"_s, u"up"_s, u"--agent-binary"_s, QStringLiteral(RUNE_AGENT_BINARY)}, 90'000);
    QVERIFY2(!QFile::exists(record), second.err.constData());
    QVERIFY(QFile::rename(aside, record));
    QCOMPARE(second.exitCode, 1);
    QVERIFY2(second.err.contains("another rune-agent is using the state directory"), second.err.constData());
    // It leaves nothing running: the first cluster's record is the only one, and it still answers.
    QCOMPARE(rune({u"node"_s, u"list"_s, u"--output"_s, u"json"_s}).json().value(u"nodes"_s).toArray().size(), 4);
}

void TestCommandLine::deployInvokeVersions()
{
    QVERIFY(demoUp());
    // A function folder with a .runeignore that leaves a secret out.
    QDir dir(m_home->filePath(u"echo"_s));
    QVERIFY(dir.mkpath(u"private"_s));
    QVERIFY(writeEchoFunction(dir, "first"));
    // A named pipe (reading it would wait for ever) and a link out of the folder: left out, and said so.
    QVERIFY(::mkfifo(QFile::encodeName(dir.filePath(u"pipe"_s)).constData(), 0644) == 0);
    QVERIFY(QFile::link(u"/etc/hostname"_s, dir.filePath(u"outside"_s)));

    const Run deployed = rune({u"fn"_s, u"deploy"_s, dir.path(), u"--note"_s, u"first"_s, u"--output"_s, u"json"_s});
    QVERIFY2(deployed.exitCode == 0, deployed.out.constData());
    QVERIFY2(deployed.err.contains("left out: pipe (not a regular file)"), deployed.err.constData());
    QVERIFY2(deployed.err.contains("left out: outside (a symbolic link)"), deployed.err.constData());
    const QJsonObject deploy = deployed.json().value(u"deploy"_s).toObject();
    QCOMPARE(deploy.value(u"function"_s).toString(), u"echo"_s);
    QCOMPARE(deploy.value(u"version"_s).toInt(), 1);
    QVERIFY(deploy.value(u"succeeded"_s).toBool());
    QCOMPARE(deploy.value(u"nodes"_s).toArray().size(), 2); // both running compute nodes
    QVERIFY(!QFile::exists(m_home->filePath(u"data/buckets/demo/echo/v1/code/private/key.pem"_s)));
    QVERIFY(QFile::exists(m_home->filePath(u"data/buckets/demo/echo/v1/code/handler.py"_s)));

    const Run invoked = rune({u"fn"_s, u"invoke"_s, u"echo"_s, u"--data"_s, u"ping"_s, u"--output"_s, u"json"_s});
    QVERIFY2(invoked.exitCode == 0, invoked.out.constData());
    const QJsonObject answer = invoked.json().value(u"invoke"_s).toObject();
    QCOMPARE(answer.value(u"status"_s).toInt(), 200);
    QVERIFY2(answer.value(u"body"_s).toString().contains(u"ping"_s), invoked.out.constData());
    const Run text = rune({u"fn"_s, u"invoke"_s, u"demo/echo"_s, u"--data"_s, u"pong"_s});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("pong"), text.out.constData());

    const Run versions = rune({u"fn"_s, u"versions"_s, u"echo"_s, u"--output"_s, u"json"_s});
    QCOMPARE(versions.exitCode, 0);
    const QJsonArray list = versions.json().value(u"versions"_s).toArray();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.at(0).toObject().value(u"note"_s).toString(), u"first"_s);
    QCOMPARE(list.at(0).toObject().value(u"nodes"_s).toArray().size(), 2);
    const Run listed = rune({u"fn"_s, u"list"_s, u"--output"_s, u"json"_s});
    QCOMPARE(listed.json().value(u"functions"_s).toArray().at(0).toObject().value(u"current_version"_s).toInt(), 1);

    // The same files again make no new version.
    const Run again = rune({u"fn"_s, u"deploy"_s, dir.path(), u"--output"_s, u"json"_s});
    QCOMPARE(again.exitCode, 0);
    QVERIFY(!again.json().value(u"deploy"_s).toObject().value(u"created"_s).toBool());
}

bool TestCommandLine::writeEchoFunction(QDir dir, const QByteArray &marker)
{
    const auto write = [&dir](const QString &path, const QByteArray &bytes) {
        QFile file(dir.filePath(path));
        return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
    };
    return dir.mkpath(u"private"_s)
        && write(u"handler.py"_s,
            "# " + marker
                + "\ndef handle(event, context):\n    print('handled', event['body'], flush=True)\n"
                  "    return {'got': event['body']}\n")
        && write(u"private/key.pem"_s, "secret") && write(u".runeignore"_s, "private/\n");
}

void TestCommandLine::versionLifecycle()
{
    QVERIFY(demoUp());
    const QDir dir(m_home->filePath(u"echo"_s));
    QVERIFY(writeEchoFunction(dir, "one"));
    QCOMPARE(rune({u"fn"_s, u"deploy"_s, dir.path()}).exitCode, 0);
    QVERIFY(writeEchoFunction(dir, "two"));
    QCOMPARE(rune({u"fn"_s, u"deploy"_s, dir.path()}).exitCode, 0);

    // The version serving calls cannot be retired: the lifecycle refuses.
    const Run serving = rune({u"fn"_s, u"retire"_s, u"echo"_s, u"v2"_s, u"--output"_s, u"json"_s});
    QCOMPARE(serving.exitCode, 4);
    QCOMPARE(serving.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"refused"_s);
    QCOMPARE(rune({u"fn"_s, u"retire"_s, u"echo"_s, u"99"_s}).exitCode, 3);
    const Run absurd = rune({u"fn"_s, u"rollback"_s, u"echo"_s, u"1e30"_s});
    QCOMPARE(absurd.exitCode, 2);
    QVERIFY2(absurd.err.contains("must be a number from 1"), absurd.err.constData());

    // Blocked calls are answered 423, and the call's exit code says it failed.
    QCOMPARE(rune({u"fn"_s, u"block"_s, u"echo"_s}).exitCode, 0);
    const Run blocked = rune({u"fn"_s, u"invoke"_s, u"echo"_s, u"--output"_s, u"json"_s});
    QCOMPARE(blocked.exitCode, 1);
    QCOMPARE(blocked.json().value(u"invoke"_s).toObject().value(u"status"_s).toInt(), 423);
    QCOMPARE(rune({u"fn"_s, u"unblock"_s, u"echo"_s}).exitCode, 0);
    QCOMPARE(rune({u"fn"_s, u"invoke"_s, u"echo"_s, u"--data"_s, u"again"_s}).exitCode, 0);

    // A rollback makes v3 of v1's code; v2 then serves nothing and can be retired.
    const Run rolledBack = rune({u"fn"_s, u"rollback"_s, u"echo"_s, u"1"_s, u"--output"_s, u"json"_s});
    QVERIFY2(rolledBack.exitCode == 0, rolledBack.out.constData());
    QCOMPARE(rolledBack.json().value(u"deploy"_s).toObject().value(u"version"_s).toInt(), 3);
    QCOMPARE(rune({u"fn"_s, u"retire"_s, u"echo"_s, u"v2"_s}).exitCode, 0);
    const QJsonArray versions =
        rune({u"fn"_s, u"versions"_s, u"echo"_s, u"--output"_s, u"json"_s}).json().value(u"versions"_s).toArray();
    QCOMPARE(versions.size(), 3);
    QCOMPARE(versions.at(1).toObject().value(u"state"_s).toString(), u"RETIRED"_s);
    QCOMPARE(versions.at(2).toObject().value(u"state"_s).toString(), u"LATEST"_s);
}

void TestCommandLine::logsAndFollow()
{
    QVERIFY(demoUp());
    const QDir dir(m_home->filePath(u"echo"_s));
    QVERIFY(writeEchoFunction(dir, "logs"));
    QCOMPARE(rune({u"fn"_s, u"deploy"_s, dir.path()}).exitCode, 0);
    QCOMPARE(rune({u"fn"_s, u"logs"_s, u"echo"_s, u"-f"_s, u"--lines"_s, u"many"_s}).exitCode, 2);
    QCOMPARE(rune({u"fn"_s, u"invoke"_s, u"echo"_s, u"--data"_s, u"first-call"_s}).exitCode, 0);
    QTRY_VERIFY_WITH_TIMEOUT(rune({u"fn"_s, u"logs"_s, u"echo"_s}).out.contains("stdout handled first-call"), 10'000);
    const Run json = rune({u"fn"_s, u"logs"_s, u"echo"_s, u"--output"_s, u"json"_s});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject line = json.json().value(u"lines"_s).toArray().last().toObject();
    QCOMPARE(line.value(u"text"_s).toString(), u"handled first-call"_s);
    QCOMPARE(line.value(u"stream"_s).toString(), u"stdout"_s);

    // -f prints the earlier lines, then each new one as it comes, until a signal stops it.
    QProcess follower;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"XDG_CONFIG_HOME"_s, m_home->filePath(u"config"_s));
    follower.setProcessEnvironment(environment);
    follower.start(QStringLiteral(RUNE_CLI_BINARY),
        {u"fn"_s, u"logs"_s, u"echo"_s, u"-f"_s, u"--data-dir"_s, m_home->filePath(u"data"_s)});
    QByteArray seen;
    QTRY_VERIFY_WITH_TIMEOUT((seen += follower.readAllStandardOutput()).contains("handled first-call"), 15'000);
    QCOMPARE(rune({u"fn"_s, u"invoke"_s, u"echo"_s, u"--data"_s, u"second-call"_s}).exitCode, 0);
    QTRY_VERIFY_WITH_TIMEOUT((seen += follower.readAllStandardOutput()).contains("handled second-call"), 15'000);
    follower.terminate();
    QVERIFY(follower.waitForFinished(10'000));
    QCOMPARE(follower.exitStatus(), QProcess::NormalExit);
    QCOMPARE(follower.exitCode(), 0);
}

void TestCommandLine::newFromTemplate()
{
    const QString dir = m_home->filePath(u"tick"_s);
    const Run made =
        rune({u"fn"_s, u"new"_s, u"tick"_s, u"--template"_s, u"exec"_s, u"--dir"_s, dir, u"--output"_s, u"json"_s});
    QVERIFY2(made.exitCode == 0, made.out.constData());
    const QJsonObject created = made.json().value(u"created"_s).toObject();
    QCOMPARE(created.value(u"runtime"_s).toString(), u"exec"_s);
    QCOMPARE(created.value(u"dir"_s).toString(), dir);
    // The template's files, runnable where the template says so, ready for rune fn deploy.
    const QFileInfo handler(dir + u"/handler.sh"_s);
    QVERIFY(handler.exists());
    QVERIFY(handler.isExecutable());
    const QJsonArray functions =
        rune({u"fn"_s, u"list"_s, u"--output"_s, u"json"_s}).json().value(u"functions"_s).toArray();
    QCOMPARE(functions.size(), 1);
    QCOMPARE(functions.at(0).toObject().value(u"name"_s).toString(), u"tick"_s);

    const Run twice = rune({u"fn"_s, u"new"_s, u"tick"_s, u"--dir"_s, m_home->filePath(u"other"_s)});
    QCOMPARE(twice.exitCode, 4);
    QVERIFY2(twice.err.contains("already has a function named tick"), twice.err.constData());
    const Run notEmpty = rune({u"fn"_s, u"new"_s, u"tock"_s, u"--dir"_s, dir});
    QCOMPARE(notEmpty.exitCode, 4);
    QVERIFY2(notEmpty.err.contains("is not empty"), notEmpty.err.constData());
    const Run badName = rune({u"fn"_s, u"new"_s, u"Bad_Name"_s, u"--dir"_s, m_home->filePath(u"bad"_s)});
    QCOMPARE(badName.exitCode, 2);
    QVERIFY2(badName.err.contains("lowercase letters"), badName.err.constData());
    const Run badTemplate = rune({u"fn"_s, u"new"_s, u"x"_s, u"--template"_s, u"cobol"_s});
    QCOMPARE(badTemplate.exitCode, 3);
    QVERIFY2(badTemplate.err.contains("No template cobol"), badTemplate.err.constData());
}

void TestCommandLine::openWindowFollowsTheCommands()
{
    // This process stands for an open window: the same Console on the data directory the
    // commands use, watching the store as the window does (every second).
    rune::Settings settings(m_home->filePath(u"window.ini"_s));
    QVERIFY(settings.setValue(rune::Settings::Key::DataDir, m_home->filePath(u"data"_s)));
    auto console = rune::Console::open(&settings, rune::ConsoleEdges {});
    QVERIFY2(console, qPrintable(console ? QString() : console.error().message));
    const rune::ConsoleServices &services = (*console)->services();
    bool loaded = false;
    services.functions.workspace->load(this, [&loaded](rune::Result<void> done) {
        loaded = bool(done);
    });
    QTRY_VERIFY(loaded);
    rune::Node node;
    node.id = u"edge-node-id"_s;
    node.name = u"edge-7"_s;
    node.ssh = {u"192.0.2.7"_s, 22, u"ops"_s, {}};
    QVERIFY(services.fleet.nodes->add(node));
    (*console)->persister()->flush();
    (*console)->storeWatcher()->start();

    const auto findTick = [catalog = services.functions.catalog]() -> const rune::Function * {
        for (const rune::Function &function : catalog->functions()) {
            if (function.name == u"tick"_s)
                return &function;
        }
        return nullptr;
    };
    QVERIFY(!findTick());
    const Run made =
        rune({u"fn"_s, u"new"_s, u"tick"_s, u"--template"_s, u"exec"_s, u"--dir"_s, m_home->filePath(u"tick"_s)});
    QVERIFY2(made.exitCode == 0, made.err.constData());
    QTRY_VERIFY_WITH_TIMEOUT(findTick(), 5'000);
    QCOMPARE(findTick()->config.runtime, rune::FunctionRuntime::Exec);

    // The node this window added, removed by the command line: gone from the window too.
    const Run removed = rune({u"node"_s, u"remove"_s, u"edge-7"_s});
    QVERIFY2(removed.exitCode == 0, removed.err.constData());
    QTRY_VERIFY_WITH_TIMEOUT(!services.fleet.nodes->find(u"edge-node-id"_s), 5'000);
    QCOMPARE(rune({u"node"_s, u"list"_s, u"--output"_s, u"json"_s}).json().value(u"nodes"_s).toArray().size(), 0);
}

void TestCommandLine::functionErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no such function") << QStringList {u"fn"_s, u"invoke"_s, u"nope"_s} << 3 << u"No function nope"_s;
    QTest::newRow("no such versions") << QStringList {u"fn"_s, u"versions"_s, u"demo/nope"_s} << 3
                                      << u"No function demo/nope"_s;
    QTest::newRow("missing folder") << QStringList {u"fn"_s, u"deploy"_s, u"/nonexistent/fn"_s} << 3
                                    << u"/nonexistent/fn does not exist"_s;
    QTest::newRow("file, not folder") << QStringList {u"fn"_s, u"deploy"_s, u"/etc/hostname"_s} << 2
                                      << u"is not a directory"_s;
    QTest::newRow("logs of nothing") << QStringList {u"fn"_s, u"logs"_s, u"nope"_s} << 3 << u"No function nope"_s;
    QTest::newRow("deploy without folder") << QStringList {u"fn"_s, u"deploy"_s} << 2 << u"needs <dir>"_s;
    QTest::newRow("both bodies")
        << QStringList {u"fn"_s, u"invoke"_s, u"x"_s, u"--data"_s, u"a"_s, u"--data-file"_s, u"/etc/hostname"_s} << 2
        << u"not both"_s;
}

void TestCommandLine::functionErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, reason);
    const Run run = rune(arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.err.contains(reason.toUtf8()), run.err.constData());
}

RUNE_TEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
