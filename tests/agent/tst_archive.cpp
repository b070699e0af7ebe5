// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/archives.h"
#include "../common/testmain.h"
#include "functions/archive.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::entry;
using rune::test::file;

class TestArchive final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unpacksFilesDirectoriesAndInsideLinks();
    void refusesHostileEntries_data();
    void refusesHostileEntries();
    void enforcesSizeAndCountLimits();
    void refusesWhatIsNotAnArchive();
    void pathChecks_data();
    void pathChecks();
};

void TestArchive::unpacksFilesDirectoriesAndInsideLinks()
{
    QTemporaryDir dir;
    const QByteArray archive = test::makeArchive({entry(u"lib"_s, u"dir"_s),
        file(u"handler.py"_s, u"print(1)\n"_s),
        file(u"lib/util.py"_s, u"X = 2\n"_s),
        file(u"run.sh"_s, u"#!/bin/sh\n"_s, 0755),
        entry(u"util.py"_s, u"symlink"_s, u"lib/util.py"_s)});
    const auto stats =
        agent::extractArchive(std::string_view(archive.constData(), archive.size()), dir.path().toStdString(), {});
    QVERIFY2(stats.has_value(), stats ? "" : stats.error().c_str());
    QCOMPARE(stats->files, 5u);
    QFile util(dir.filePath(u"util.py"_s));
    QVERIFY(util.open(QIODevice::ReadOnly));
    QCOMPARE(util.readAll(), "X = 2\n");
    QVERIFY(QFileInfo(dir.filePath(u"run.sh"_s)).isExecutable());
    QVERIFY(!QFileInfo(dir.filePath(u"handler.py"_s)).isExecutable());
}

void TestArchive::refusesHostileEntries_data()
{
    QTest::addColumn<QJsonArray>("entries");
    QTest::addColumn<QString>("reason");
    QTest::newRow("dot-dot") << QJsonArray {file(u"../evil.py"_s, u"x"_s)} << u"'..'"_s;
    QTest::newRow("nested dot-dot") << QJsonArray {file(u"a/../../evil.py"_s, u"x"_s)} << u"'..'"_s;
    QTest::newRow("absolute") << QJsonArray {file(u"/tmp/rune-evil.py"_s, u"x"_s)} << u"absolute"_s;
    QTest::newRow("symlink out") << QJsonArray {entry(u"out"_s, u"symlink"_s, u"../../etc"_s)} << u"outside"_s;
    QTest::newRow("absolute symlink") << QJsonArray {entry(u"passwd"_s, u"symlink"_s, u"/etc/passwd"_s)}
                                      << u"outside"_s;
    QTest::newRow("write through link") << QJsonArray {entry(u"up"_s, u"symlink"_s, u"."_s), file(u"up/../x"_s, u"x"_s)}
                                        << u"'..'"_s;
    QTest::newRow("hardlink") << QJsonArray {file(u"a"_s, u"x"_s), entry(u"b"_s, u"hardlink"_s, u"/etc/shadow"_s)}
                              << u"hard link"_s;
    QTest::newRow("device") << QJsonArray {entry(u"null"_s, u"chardev"_s)} << u"device"_s;
    QTest::newRow("fifo") << QJsonArray {entry(u"pipe"_s, u"fifo"_s)} << u"FIFO"_s;
    QTest::newRow("duplicate over link") << QJsonArray {entry(u"h.py"_s, u"symlink"_s, u"lib/h.py"_s),
        file(u"h.py"_s, u"x"_s)} << u"cannot be written"_s;
}

void TestArchive::refusesHostileEntries()
{
    QFETCH(QJsonArray, entries);
    QFETCH(QString, reason);
    QTemporaryDir parent;
    QDir(parent.path()).mkdir(u"code"_s);
    const QByteArray archive = test::makeArchive(entries);
    const auto stats = agent::extractArchive(
        std::string_view(archive.constData(), archive.size()), parent.filePath(u"code"_s).toStdString(), {});
    QVERIFY(!stats);
    QVERIFY2(QString::fromStdString(stats.error()).contains(reason), stats.error().c_str());
    // Nothing landed beside the destination.
    QCOMPARE(
        QDir(parent.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System), QStringList {u"code"_s});
}

void TestArchive::enforcesSizeAndCountLimits()
{
    QTemporaryDir dir;
    QDir(dir.path()).mkdir(u"a"_s);
    const QByteArray big = test::makeArchive({QJsonObject {{u"name"_s, u"zeros"_s}, {u"size"_s, 2 << 20}}});
    const auto tooBig = agent::extractArchive(
        std::string_view(big.constData(), big.size()), dir.filePath(u"a"_s).toStdString(), {1 << 20, 100});
    QVERIFY(!tooBig);
    QVERIFY2(tooBig.error().find("size") != std::string::npos, tooBig.error().c_str());

    QDir(dir.path()).mkdir(u"b"_s);
    const QByteArray many = test::makeArchive({file(u"1"_s, u"x"_s), file(u"2"_s, u"x"_s), file(u"3"_s, u"x"_s)});
    const auto tooMany = agent::extractArchive(
        std::string_view(many.constData(), many.size()), dir.filePath(u"b"_s).toStdString(), {1 << 20, 2});
    QVERIFY(!tooMany);
    QVERIFY2(tooMany.error().find("more than 2 files") != std::string::npos, tooMany.error().c_str());
}

void TestArchive::refusesWhatIsNotAnArchive()
{
    QTemporaryDir dir;
    const auto garbage = agent::extractArchive("definitely not a tarball", dir.path().toStdString(), {});
    QVERIFY(!garbage);
    QVERIFY2(garbage.error().find("tar") != std::string::npos, garbage.error().c_str());
    const auto empty = agent::extractArchive("", dir.path().toStdString(), {});
    QVERIFY(!empty);
}

void TestArchive::pathChecks_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("inside");
    QTest::newRow("plain") << u"a/b.py"_s << true;
    QTest::newRow("dot") << u"./a"_s << true;
    QTest::newRow("dot-dot") << u"a/../b"_s << false;
    QTest::newRow("absolute") << u"/a"_s << false;
    QTest::newRow("empty") << QString() << false;
}

void TestArchive::pathChecks()
{
    QFETCH(QString, path);
    QFETCH(bool, inside);
    QCOMPARE(agent::staysInside(path.toStdString()), inside);
}

RUNE_TEST_GUILESS_MAIN(TestArchive)
#include "tst_archive.moc"
