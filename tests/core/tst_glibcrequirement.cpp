// SPDX-License-Identifier: GPL-3.0-or-later
// What glibc an agent file needs (read from the file, checked against binutils' objdump on the
// real agent) and what a node has (the real probe command, run here), and the refusal between them.
// The portable agent against Debian 11's real glibc: tests/portable/tst_bullseyeagent.

#include "../common/testmain.h"
#include "provision/glibcrequirement.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestGlibcRequirement final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsWhatNodesPrint_data();
    void readsWhatNodesPrint();
    void refusesAnOlderGlibcInWords();
    void refusesANodeWithoutGlibc();
    void acceptsTheSameOrANewerGlibc();
    void agentNeedsWhatObjdumpSays();
    void unreadableAgentIsAnError();
    void probeCommandReadsThisMachinesGlibc();
};

void TestGlibcRequirement::readsWhatNodesPrint_data()
{
    QTest::addColumn<QString>("printed");
    QTest::addColumn<int>("major"); // 0: no glibc
    QTest::addColumn<int>("minor");
    QTest::newRow("getconf") << u"glibc 2.36\n"_s << 2 << 36;
    QTest::newRow("Debian ldd") << u"ldd (Debian GLIBC 2.31-13+deb11u5) 2.31\n"_s << 2 << 31;
    QTest::newRow("Ubuntu ldd") << u"ldd (Ubuntu GLIBC 2.35-0ubuntu3.1) 2.35"_s << 2 << 35;
    QTest::newRow("RHEL ldd") << u"ldd (GNU libc) 2.28"_s << 2 << 28;
    QTest::newRow("one-digit minor") << u"glibc 2.3"_s << 2 << 3;
    QTest::newRow("musl") << u"musl libc (x86_64)\nVersion 1.2.4\n"_s << 0 << 0;
    QTest::newRow("nothing") << QString() << 0 << 0;
    QTest::newRow("not a version") << u"glibc two point thirty-one"_s << 0 << 0;
}

void TestGlibcRequirement::readsWhatNodesPrint()
{
    QFETCH(QString, printed);
    QFETCH(int, major);
    QFETCH(int, minor);
    const auto version = parseGlibcVersion(printed);
    if (major == 0) {
        QVERIFY2(!version, qPrintable(version ? version->text() : QString()));
        return;
    }
    QVERIFY(version);
    QCOMPARE(version->text(), u"%1.%2"_s.arg(major).arg(minor));
}

void TestGlibcRequirement::refusesAnOlderGlibcInWords()
{
    const auto refusal = refuseOlderGlibc(u"glibc 2.28\n"_s, GlibcVersion {2, 31});
    QVERIFY(refusal);
    QCOMPARE(refusal->code, u"provision.old_glibc"_s);
    QCOMPARE(refusal->message,
        u"this node has glibc 2.28; the agent needs 2.31 or newer (Debian 11, Ubuntu 20.04, RHEL 9 or newer)"_s);
    // 2.3 is older than 2.31, not newer: versions compare as numbers.
    QVERIFY(refuseOlderGlibc(u"glibc 2.3"_s, GlibcVersion {2, 31}));
    // An agent built on Debian 12 without the portable build names the releases that can run it.
    QCOMPARE(refuseOlderGlibc(u"ldd (Ubuntu GLIBC 2.35-0ubuntu3.1) 2.35"_s, GlibcVersion {2, 36})->message,
        u"this node has glibc 2.35; the agent needs 2.36 or newer (Debian 12, Ubuntu 24.04, RHEL 10 or newer)"_s);
}

void TestGlibcRequirement::refusesANodeWithoutGlibc()
{
    const auto musl = refuseOlderGlibc(u"musl libc (x86_64)\nVersion 1.2.4"_s, GlibcVersion {2, 31});
    QVERIFY(musl);
    QCOMPARE(musl->code, u"provision.no_glibc"_s);
    QVERIFY2(musl->message.contains(u"musl libc (x86_64)"_s), qPrintable(musl->message));
    QVERIFY2(musl->message.contains(u"the agent needs glibc 2.31 or newer"_s), qPrintable(musl->message));
    const auto silent = refuseOlderGlibc(QString(), GlibcVersion {2, 31});
    QVERIFY(silent);
    QCOMPARE(silent->code, u"provision.no_glibc"_s);
    QVERIFY2(silent->message.contains(u"neither getconf nor ldd answered"_s), qPrintable(silent->message));
}

void TestGlibcRequirement::acceptsTheSameOrANewerGlibc()
{
    QVERIFY(!refuseOlderGlibc(u"glibc 2.31"_s, GlibcVersion {2, 31}));
    QVERIFY(!refuseOlderGlibc(u"ldd (GNU libc) 2.34"_s, GlibcVersion {2, 31}));
    QVERIFY(!refuseOlderGlibc(u"glibc 3.0"_s, GlibcVersion {2, 31}));
    // A file that needs no glibc version (a static one) runs anywhere.
    QVERIFY(!refuseOlderGlibc(u"musl libc (x86_64)"_s, GlibcVersion {}));
}

// The newest GLIBC_x.y in `objdump -T` of @p file: binutils' reading, independent of ours.
static QString newestByObjdump(const QString &file)
{
    QProcess objdump;
    objdump.start(u"objdump"_s, {u"-T"_s, file});
    if (!objdump.waitForFinished(30000) || objdump.exitCode() != 0)
        return {};
    static const QRegularExpression version(u"GLIBC_(\\d+)\\.(\\d+)"_s);
    GlibcVersion newest;
    auto matches = version.globalMatch(QString::fromUtf8(objdump.readAllStandardOutput()));
    while (matches.hasNext()) {
        const auto match = matches.next();
        newest = std::max(newest, GlibcVersion {match.captured(1).toInt(), match.captured(2).toInt()});
    }
    return newest.text();
}

void TestGlibcRequirement::agentNeedsWhatObjdumpSays()
{
    const QString agent = QStringLiteral(RUNE_AGENT_BINARY);
    const auto needed = glibcNeededBy(agent);
    QVERIFY2(needed, needed ? "" : qPrintable(needed.error().message));
    QVERIFY(*needed >= (GlibcVersion {2, 2}));
    QCOMPARE(needed->text(), newestByObjdump(agent));
}

void TestGlibcRequirement::unreadableAgentIsAnError()
{
    QCOMPARE(glibcNeededBy(u"/nonexistent/rune-agent"_s).error().code, u"provision.agent_unreadable"_s);
    const auto text = glibcNeededBy(QStringLiteral(RUNE_SOURCE_DIR "/installers/setup.sh"));
    QCOMPARE(text.error().code, u"provision.agent_unreadable"_s);
    QVERIFY2(text.error().message.contains(u"setup.sh"_s), qPrintable(text.error().message));
    // Cut short anywhere (an interrupted copy): an error or a version, never a read past the end.
    QFile agent(QStringLiteral(RUNE_AGENT_BINARY));
    QVERIFY(agent.open(QIODevice::ReadOnly));
    const QByteArray whole = agent.readAll();
    QTemporaryDir dir;
    for (const qsizetype length : {qsizetype(10), qsizetype(64), whole.size() / 2, whole.size() - 100}) {
        QFile cut(dir.filePath(u"cut"_s));
        QVERIFY(cut.open(QIODevice::WriteOnly | QIODevice::Truncate));
        cut.write(whole.left(length));
        cut.close();
        const auto needed = glibcNeededBy(cut.fileName());
        QVERIFY2(!needed, qPrintable(u"%1 bytes read as %2"_s.arg(length).arg(needed ? needed->text() : QString())));
    }
}

void TestGlibcRequirement::probeCommandReadsThisMachinesGlibc()
{
    QProcess probe;
    probe.start(u"/bin/sh"_s, {u"-c"_s, glibcProbeCommand()});
    QVERIFY(probe.waitForFinished(10000));
    const QString printed = QString::fromUtf8(probe.readAllStandardOutput());
    const auto version = parseGlibcVersion(printed);
    QVERIFY2(version, qPrintable(printed));
    QProcess getconf;
    getconf.start(u"getconf"_s, {u"GNU_LIBC_VERSION"_s});
    QVERIFY(getconf.waitForFinished(10000));
    QCOMPARE(u"glibc "_s + version->text(), QString::fromUtf8(getconf.readAllStandardOutput()).trimmed());
    // The agent built here runs here.
    const auto needed = glibcNeededBy(QStringLiteral(RUNE_AGENT_BINARY));
    QVERIFY(needed);
    QVERIFY(!refuseOlderGlibc(printed, *needed));
}

RUNE_TEST_GUILESS_MAIN(TestGlibcRequirement)
#include "tst_glibcrequirement.moc"
