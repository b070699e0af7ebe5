// SPDX-License-Identifier: GPL-3.0-or-later
// The area's test program (tests/common/testmain.h) runs one class as the class's own program did.
#include "../common/testmain.h"

#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

class TestTestProgram final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runsTheClassUnderItsOwnName();
    void namesItsTestsWhenAskedOrWrong();
};

void TestTestProgram::runsTheClassUnderItsOwnName()
{
    // The application name (and with it QStandardPaths' locations) is the class's own, so that
    // tests running side by side do not share them.
    QCOMPARE(QCoreApplication::applicationName(), u"core_tst_testprogram"_s);
    // QTest sees the options after the test's name, not the name itself.
    const QStringList arguments = QCoreApplication::arguments();
    QVERIFY(arguments.first().endsWith(u"core_tests"_s));
    QVERIFY(!arguments.contains(u"tst_testprogram"_s));
}

void TestTestProgram::namesItsTestsWhenAskedOrWrong()
{
    QProcess help;
    help.start(QCoreApplication::applicationFilePath(), {u"--help"_s});
    QVERIFY(help.waitForFinished(30'000));
    QCOMPARE(help.exitCode(), 0);
    const QByteArray listed = help.readAllStandardOutput();
    QVERIFY(listed.contains("\n  tst_testprogram\n"));
    QVERIFY(listed.contains("\n  tst_csv\n"));

    for (const QStringList &arguments : {QStringList {}, QStringList {u"tst_nosuchclass"_s}}) {
        QProcess wrong;
        wrong.start(QCoreApplication::applicationFilePath(), arguments);
        QVERIFY(wrong.waitForFinished(30'000));
        QCOMPARE(wrong.exitCode(), 2);
        QVERIFY(wrong.readAllStandardError().contains("usage: "));
    }

    // One function of one class, chosen as QTest chooses it.
    QProcess one;
    one.start(QCoreApplication::applicationFilePath(), {u"tst_csv"_s, u"quotesWhatNeedsIt"_s});
    QVERIFY(one.waitForFinished(30'000));
    QCOMPARE(one.exitCode(), 0);
    const QByteArray output = one.readAllStandardOutput();
    QVERIFY2(output.contains("PASS   : TestCsv::quotesWhatNeedsIt()"), output.constData());
    QVERIFY(!output.contains("plainFieldsStayPlain"));
}

RUNE_TEST_GUILESS_MAIN(TestTestProgram)
#include "tst_testprogram.moc"
