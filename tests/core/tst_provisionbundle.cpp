// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/nodebundle.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
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
    QCOMPARE(bundle->directories(), QStringList({u"runtimes"_s, u"runtimes/python3"_s, u"runtimes/python3/lib"_s}));
    QCOMPARE(bundle->architecture(), QString()); // not an ELF file: the check is left out
}

void TestProvisionBundle::missingPiecesAreNamed()
{
    const auto noAgent = NodeBundle::locate(u"/nonexistent/rune-agent"_s);
    QVERIFY(!noAgent);
    QCOMPARE(noAgent.error().code, u"provision.no_agent"_s);
    QVERIFY(noAgent.error().message.contains(u"/nonexistent/rune-agent"_s));
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

QTEST_GUILESS_MAIN(TestProvisionBundle)
#include "tst_provisionbundle.moc"
