// SPDX-License-Identifier: GPL-3.0-or-later
// The console copies one rune-agent file onto any x86-64 Linux with glibc 2.31 or newer: the agent
// it installs (the portable one) must not need any shared library beyond glibc's own, nor any glibc
// symbol newer than 2.31.

#include "../common/testmain.h"
#include "provision/glibcrequirement.h"

#include <QFileInfo>
#include <QProcess>
#include <QSet>
#include <QTest>

class TestAgentLinkage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void needsOnlyGlibcLibraries();
    void needsNoGlibcNewerThan231();
};

static bool isGlibcLibrary(const QString &name)
{
    static const QSet<QString> allowed {QStringLiteral("linux-vdso.so.1"),
        QStringLiteral("libc.so.6"),
        QStringLiteral("libm.so.6"),
        QStringLiteral("libpthread.so.0"),
        QStringLiteral("libdl.so.2"),
        QStringLiteral("librt.so.1")};
    // The dynamic loader's name depends on the architecture (ld-linux-x86-64.so.2, ld-linux-aarch64.so.1).
    return allowed.contains(name) || name.startsWith(QStringLiteral("ld-linux"));
}

void TestAgentLinkage::needsOnlyGlibcLibraries()
{
    QProcess ldd;
    ldd.start(QStringLiteral("ldd"), {QStringLiteral(RUNE_AGENT_BINARY)});
    QVERIFY2(ldd.waitForFinished(10000), "ldd did not finish");
    QCOMPARE(ldd.exitCode(), 0);
    const QStringList lines = QString::fromLocal8Bit(ldd.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    QVERIFY(!lines.isEmpty());
    QStringList foreign;
    for (const QString &line : lines) {
        const QString library = QFileInfo(line.trimmed().section(u' ', 0, 0)).fileName();
        if (!isGlibcLibrary(library))
            foreign << line.trimmed();
    }
    QVERIFY2(foreign.isEmpty(),
        qPrintable(QStringLiteral("rune-agent needs libraries outside glibc: ") + foreign.join(QStringLiteral(", "))));
}

void TestAgentLinkage::needsNoGlibcNewerThan231()
{
    const auto needed = rune::glibcNeededBy(QStringLiteral(RUNE_AGENT_BINARY));
    QVERIFY2(needed.has_value(), qPrintable(needed ? QString() : needed.error().message));
    // A file with no versioned glibc symbol at all would mean the reading found nothing.
    QVERIFY(*needed > (rune::GlibcVersion {2, 0}));
    QVERIFY2(*needed <= (rune::GlibcVersion {2, 31}),
        qPrintable(QStringLiteral("rune-agent needs glibc ") + needed->text()));
}

RUNE_TEST_GUILESS_MAIN(TestAgentLinkage)
#include "tst_agentlinkage.moc"
