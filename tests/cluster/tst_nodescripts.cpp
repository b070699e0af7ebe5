// SPDX-License-Identifier: GPL-3.0-or-later
// installers/node as files: shell syntax of every script, and the systemd unit as install.sh fills
// it in, checked by systemd itself (the namespaced nodes have no systemd, so nothing else runs it).
#include "../common/testmain.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestNodeScripts final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scriptsAreValidShell_data();
    void scriptsAreValidShell();
    void systemdUnitVerifies();
};

static const QString nodeDir = QStringLiteral(RUNE_SOURCE_DIR "/installers/node/");

void TestNodeScripts::scriptsAreValidShell_data()
{
    QTest::addColumn<QString>("script");
    for (const QString &name : {u"install.sh"_s, u"uninstall.sh"_s, u"rune-agentctl"_s, u"rune-agent-supervise"_s})
        QTest::newRow(qPrintable(name)) << name;
}

void TestNodeScripts::scriptsAreValidShell()
{
    QFETCH(QString, script);
    QProcess sh;
    sh.setProcessChannelMode(QProcess::MergedChannels);
    sh.start(u"sh"_s, {u"-n"_s, nodeDir + script});
    QVERIFY(sh.waitForFinished());
    QVERIFY2(sh.exitCode() == 0, sh.readAll().constData());
    QVERIFY2(QFileInfo(nodeDir + script).isExecutable(), qPrintable(script));
}

void TestNodeScripts::systemdUnitVerifies()
{
    const QString analyze = QStandardPaths::findExecutable(u"systemd-analyze"_s);
    if (analyze.isEmpty())
        QSKIP("systemd-analyze is not installed");
    QFile unit(nodeDir + u"rune-agent.service"_s);
    QVERIFY(unit.open(QIODevice::ReadOnly));
    QByteArray text = unit.readAll();
    QVERIFY(text.contains("Type=notify"));
    text.replace("@BIN@", RUNE_AGENT_BINARY)
        .replace("@CONF@", "/etc/rune-agent/agent.conf")
        .replace("@USER@", "root")
        .replace("@STATE@", "/var/lib/rune-agent")
        .replace("@CONFDIR@", "/etc/rune-agent");
    QVERIFY2(!text.contains('@'), text.constData());
    QTemporaryDir dir;
    QFile filled(dir.filePath(u"rune-agent.service"_s));
    QVERIFY(filled.open(QIODevice::WriteOnly));
    filled.write(text);
    filled.close();
    QProcess verify;
    verify.setProcessChannelMode(QProcess::MergedChannels);
    verify.setWorkingDirectory(dir.path());
    verify.start(analyze, {u"verify"_s, u"--man=no"_s, filled.fileName()});
    QVERIFY(verify.waitForFinished(30000));
    const QByteArray said = verify.readAll();
    QVERIFY2(verify.exitCode() == 0 && said.trimmed().isEmpty(), said.constData());
}

RUNE_TEST_GUILESS_MAIN(TestNodeScripts)
#include "tst_nodescripts.moc"
