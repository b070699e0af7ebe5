// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/nodebundle.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestProvisionBundle final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsTheScriptsOfTheSourceTreeForABuiltAgent();
    void installedLayoutBringsItsRuntimes();
    void missingPiecesAreNamed();
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

QTEST_GUILESS_MAIN(TestProvisionBundle)
#include "tst_provisionbundle.moc"
