// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "provision/nodebundle.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace rune;

class TestProvisionBundle final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsTheScriptsOfTheSourceTreeForABuiltAgent();
    void installedLayoutBringsItsRuntimes();
    void missingPiecesAreNamed();
    void packageGoesToDebianAndUbuntuWithApt();
    void agentPackageMustBeADebianPackage();
    void installRefusesHalfAPackageConfiguration();
    void installWritesTheBrokerIntoTheAgentConfig();

private:
    /** Runs the bundle's install.sh under @p root with @p args; the agent.conf it wrote, or empty. */
    static QString installAndReadConfig(const QTemporaryDir &root, const QStringList &args, QString *errors);
};

static QStringList remoteNames(const NodeBundle &bundle)
{
    QStringList names;
    for (const BundleFile &file : bundle.files())
        names << file.remoteName;
    return names;
}

void TestProvisionBundle::findsTheScriptsOfTheSourceTreeForABuiltAgent()
{
    const auto bundle = NodeBundle::locate(QStringLiteral(RUNE_AGENT_BINARY));
    QVERIFY2(bundle, bundle ? "" : qPrintable(bundle.error().message));
    QCOMPARE(QDir(bundle->scriptsDir()), QDir(QStringLiteral(RUNE_SOURCE_DIR "/installers/node")));
    QCOMPARE(bundle->architecture(), u"x86_64"_s); // what `uname -m` must say on the node
    const QList<BundleFile> files = bundle->files();
    QCOMPARE(files.first().remoteName, u"rune-agent"_s);
    QCOMPARE(files.first().mode, 0755);
    QVERIFY(files.first().size > 0);
    for (const QString &name :
        {u"install.sh"_s, u"uninstall.sh"_s, u"rune-agentctl"_s, u"rune-agent-supervise"_s, u"rune-agent.service"_s})
        QVERIFY2(remoteNames(*bundle).contains(name), qPrintable(name));
}

void TestProvisionBundle::installedLayoutBringsItsRuntimes()
{
    QTemporaryDir prefix;
    QVERIFY(QDir().mkpath(prefix.filePath(u"bin"_s)));
    QVERIFY(QDir().mkpath(prefix.filePath(u"share/rune-agent/runtimes/python3/lib"_s)));
    QVERIFY(QDir().mkpath(prefix.filePath(u"share/rune-agent/node"_s)));
    const QDir scripts(QStringLiteral(RUNE_SOURCE_DIR "/installers/node"));
    for (const QString &name : scripts.entryList(QDir::Files))
        QVERIFY(QFile::copy(scripts.filePath(name), prefix.filePath(u"share/rune-agent/node/"_s + name)));
    QFile agent(prefix.filePath(u"bin/rune-agent"_s));
    QVERIFY(agent.open(QIODevice::WriteOnly));
    agent.write("not really an agent");
    agent.close();
    QFile bootstrap(prefix.filePath(u"share/rune-agent/runtimes/python3/lib/bootstrap.py"_s));
    QVERIFY(bootstrap.open(QIODevice::WriteOnly));
    bootstrap.write("print('hello')\n");
    bootstrap.close();

    const auto bundle = NodeBundle::locate(agent.fileName());
    QVERIFY2(bundle, bundle ? "" : qPrintable(bundle.error().message));
    QCOMPARE(QDir(bundle->scriptsDir()), QDir(prefix.filePath(u"share/rune-agent/node"_s)));
    QCOMPARE(QDir(bundle->runtimesDir()), QDir(prefix.filePath(u"share/rune-agent/runtimes"_s)));
    QVERIFY(remoteNames(*bundle).contains(u"runtimes/python3/lib/bootstrap.py"_s));
    QCOMPARE(NodeBundle::directoriesOf(bundle->files()),
        QStringList({u"runtimes"_s, u"runtimes/python3"_s, u"runtimes/python3/lib"_s}));
    QCOMPARE(bundle->architecture(), QString()); // not an ELF file: the check is left out
}

void TestProvisionBundle::missingPiecesAreNamed()
{
    const auto noAgent = NodeBundle::locate(u"/nonexistent/rune-agent"_s);
    QVERIFY(!noAgent);
    QCOMPARE(noAgent.error().code, u"provision.no_agent"_s);
    QVERIFY(noAgent.error().message.contains(u"/nonexistent/rune-agent"_s));
}

void TestProvisionBundle::packageGoesToDebianAndUbuntuWithApt()
{
    const NodeSystem debian {u"debian"_s, {}, true};
    const NodeSystem ubuntu {u"ubuntu"_s, {u"debian"_s}, true};
    const NodeSystem mint {u"linuxmint"_s, {u"ubuntu"_s, u"debian"_s}, true};
    for (const NodeSystem &system : {debian, ubuntu, mint}) {
        const ProvisionChoice choice = provisionMethodFor(system, true, {}, u"rune"_s);
        QCOMPARE(choice.method, ProvisionMethod::Package);
        QVERIFY2(choice.reason.contains(u"package"_s), qPrintable(choice.reason));
    }
    // Everything else gets the binary, and the log says why.
    const auto binaryBecause =
        [](const NodeSystem &system, bool havePackage, const QString &root, const QString &user, const QString &why) {
            const ProvisionChoice choice = provisionMethodFor(system, havePackage, root, user);
            QCOMPARE(choice.method, ProvisionMethod::Binary);
            QVERIFY2(choice.reason.contains(why), qPrintable(choice.reason + u" lacks "_s + why));
        };
    binaryBecause(NodeSystem {u"rhel"_s, {u"fedora"_s}, false}, true, {}, u"rune"_s, u"rhel is neither"_s);
    binaryBecause(NodeSystem {u"alpine"_s, {}, true}, true, {}, u"rune"_s, u"alpine is neither"_s);
    binaryBecause(NodeSystem {}, true, {}, u"rune"_s, u"this system is neither"_s);
    binaryBecause(NodeSystem {u"debian"_s, {}, false}, true, {}, u"rune"_s, u"no apt-get"_s);
    binaryBecause(debian, false, {}, u"rune"_s, u"Agent package"_s);
    binaryBecause(debian, true, u"/srv/node-a"_s, u"rune"_s, u"/srv/node-a"_s);
    binaryBecause(ubuntu, true, {}, u"rune-a"_s, u"rune-a"_s);
}

void TestProvisionBundle::agentPackageMustBeADebianPackage()
{
    QTemporaryDir dir;
    // The start of every .deb: an ar archive whose first member is debian-binary.
    const QString deb = dir.filePath(u"rune-agent_1.0_amd64.deb"_s);
    QFile debFile(deb);
    QVERIFY(debFile.open(QIODevice::WriteOnly));
    debFile.write("!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n");
    debFile.close();
    const auto bundle = NodeBundle::locate(QStringLiteral(RUNE_AGENT_BINARY), deb);
    QVERIFY2(bundle, bundle ? "" : qPrintable(bundle.error().message));
    QCOMPARE(bundle->agentPackage(), deb);
    const QList<BundleFile> files = bundle->files(ProvisionMethod::Package);
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().remoteName, u"rune-agent.deb"_s);
    QCOMPARE(files.first().size, QFileInfo(deb).size());
    QVERIFY(NodeBundle::directoriesOf(files).isEmpty());
    // The binary's files are still there for the nodes that are not Debian.
    QCOMPARE(bundle->files().first().remoteName, u"rune-agent"_s);

    const auto refused = [](const QString &package, const QString &code) {
        const auto located = NodeBundle::locate(QStringLiteral(RUNE_AGENT_BINARY), package);
        QVERIFY2(!located, qPrintable(package));
        QCOMPARE(located.error().code, code);
        QVERIFY2(located.error().message.contains(package), qPrintable(located.error().message));
    };
    const QString text = dir.filePath(u"notes.deb"_s);
    QFile textFile(text);
    QVERIFY(textFile.open(QIODevice::WriteOnly));
    textFile.write("!<arch>\nsomething-else\n");
    textFile.close();
    refused(text, u"provision.bad_package"_s);
    refused(dir.filePath(u"missing.deb"_s), u"file.unreadable"_s);
    refused(dir.path(), u"file.not_regular"_s);
    // A named pipe is refused at once, never waited on for a writer.
    const QString pipe = dir.filePath(u"pipe.deb"_s);
    QCOMPARE(::mkfifo(QFile::encodeName(pipe).constData(), 0600), 0);
    refused(pipe, u"file.not_regular"_s);
}

void TestProvisionBundle::installRefusesHalfAPackageConfiguration()
{
    const QString script = QStringLiteral(RUNE_SOURCE_DIR "/installers/node/install.sh");
    const auto refusal = [&script](const QStringList &args) {
        QProcess install;
        install.start(u"sh"_s, QStringList {script} + args);
        if (!install.waitForFinished(30000))
            return u"(did not finish)"_s;
        return install.exitCode() == 0 ? QString() : QString::fromUtf8(install.readAllStandardError());
    };
    QVERIFY(refusal({u"--configure"_s, u"--token"_s, u"/tmp/t"_s}).contains(u"--configure is for the package"_s));
    QVERIFY(refusal({u"--package"_s, u"--configure"_s}).contains(u"--configure needs --token FILE"_s));
    QVERIFY(refusal({u"--token"_s, u"/tmp/t"_s}).contains(u"--token is for --package --configure"_s));
    QVERIFY(refusal({u"--package"_s, u"--root"_s, u"/tmp/x"_s}).contains(u"in / only"_s));
}

QString TestProvisionBundle::installAndReadConfig(const QTemporaryDir &root, const QStringList &args, QString *errors)
{
    // The staging directory as the console uploads it: the bundle's files and a token.
    QTemporaryDir staging;
    const QString agent = staging.filePath(u"agent-binary"_s);
    QFile agentFile(agent);
    if (!agentFile.open(QIODevice::WriteOnly))
        return {};
    agentFile.write("not really an agent");
    agentFile.close();
    const auto bundle = NodeBundle::locate(agent);
    if (!bundle)
        return {};
    for (const BundleFile &file : bundle->files()) {
        if (!file.remoteName.contains(u'/'))
            QFile::copy(file.localPath, staging.filePath(file.remoteName));
    }
    QFile token(staging.filePath(u"token"_s));
    if (!token.open(QIODevice::WriteOnly))
        return {};
    token.write("install-test-token\n");
    token.close();
    QProcess install;
    install.start(u"sh"_s,
        QStringList {staging.filePath(u"install.sh"_s),
            u"--root"_s,
            root.path(),
            u"--user"_s,
            u"root"_s,
            u"--init"_s,
            u"supervisor"_s}
            + args);
    if (!install.waitForFinished(60000))
        return {};
    *errors = QString::fromUtf8(install.readAllStandardError());
    if (install.exitCode() != 0)
        return {};
    QFile config(root.filePath(u"etc/rune-agent/agent.conf"_s));
    return config.open(QIODevice::ReadOnly) ? QString::fromUtf8(config.readAll()) : QString();
}

void TestProvisionBundle::installWritesTheBrokerIntoTheAgentConfig()
{
    if (::geteuid() != 0)
        QSKIP("install.sh runs as root only, as the console runs it on a node");
    if (QStandardPaths::findExecutable(u"setpriv"_s).isEmpty())
        QSKIP("install.sh needs setpriv (util-linux) for a node without systemd");
    // The broker of Settings › Events goes into the agent's config; its password never does.
    QTemporaryDir withBroker;
    QString errors;
    const QString config = installAndReadConfig(
        withBroker, {u"--mqtt-url"_s, u"tcp://broker.example:1883"_s, u"--mqtt-user"_s, u"edge"_s}, &errors);
    QVERIFY2(config.contains(u"\nmqtt_url = tcp://broker.example:1883\n"_s), qPrintable(config + errors));
    QVERIFY2(config.contains(u"\nmqtt_username = edge\n"_s), qPrintable(config));
    QVERIFY(!config.contains(u"password"_s));

    // Without a broker, the config names none: the agent runs its triggers without MQTT.
    QTemporaryDir withoutBroker;
    const QString plain = installAndReadConfig(withoutBroker, {}, &errors);
    QVERIFY2(plain.contains(u"\nrole = compute\n"_s), qPrintable(plain + errors));
    QVERIFY(!plain.contains(u"mqtt"_s));

    // A line break would add a setting of its own: refused, and nothing is written.
    QTemporaryDir smuggled;
    const QString refused =
        installAndReadConfig(smuggled, {u"--mqtt-url"_s, u"tcp://b:1883\nrun_as = root"_s}, &errors);
    QVERIFY(refused.isEmpty());
    QVERIFY2(errors.contains(u"must be one line each"_s), qPrintable(errors));
    QVERIFY(!QFile::exists(smuggled.filePath(u"etc/rune-agent/agent.conf"_s)));
}

RUNE_TEST_GUILESS_MAIN(TestProvisionBundle)
#include "tst_provisionbundle.moc"
