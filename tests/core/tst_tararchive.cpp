// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "functions/function.h"
#include "packaging/tararchive.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestTarArchive final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crc32MatchesTheStandardCheckValue();
    void gnuTarUnpacksWhatWeWrite();
    void sameFilesMakeTheSameArchive();
    void refusesPathsThatLeaveTheFunction_data();
    void refusesPathsThatLeaveTheFunction();
    void gzipIsReadableByGzip();
};

void TestTarArchive::crc32MatchesTheStandardCheckValue()
{
    QCOMPARE(crc32("123456789"), 0xCBF43926u);
    QCOMPARE(crc32({}), 0u);
}

static QByteArray run(const QString &program, const QStringList &args, const QByteArray &input = {})
{
    QProcess process;
    process.start(program, args);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(10000) || process.exitCode() != 0)
        qWarning() << program << args << process.readAllStandardError();
    return process.readAllStandardOutput();
}

void TestTarArchive::gnuTarUnpacksWhatWeWrite()
{
    const QString longDir = QString(60, u'd') + u'/' + QString(60, u'e');
    const QList<CodeFile> files = {
        {u"handler.py"_s, "def handle(event, context):\n    return 'hi'\n", false},
        {u"bin/run.sh"_s, "#!/bin/sh\necho hi\n", true},
        {longDir + u"/deep.txt"_s, QByteArray(1000, 'x'), false},
        {u"empty.txt"_s, {}, false},
        {u"ünï.txt"_s, "utf-8 name", false},
    };
    const auto tar = makeTar(files);
    QVERIFY2(tar.has_value(), tar ? "" : qPrintable(tar.error().message));
    QCOMPARE(tar->size() % 512, 0);

    QTemporaryDir dir;
    QFile archive(dir.filePath(u"code.tgz"_s));
    QVERIFY(archive.open(QIODevice::WriteOnly));
    archive.write(gzip(*tar));
    archive.close();
    const QString out = dir.filePath(u"out"_s);
    QDir().mkpath(out);
    run(u"/usr/bin/tar"_s, {u"-xzf"_s, archive.fileName(), u"-C"_s, out});
    for (const CodeFile &file : files) {
        QFile unpacked(out + u'/' + file.path);
        QVERIFY2(unpacked.open(QIODevice::ReadOnly), qPrintable(file.path));
        QCOMPARE(unpacked.readAll(), file.data);
        QCOMPARE(QFileInfo(unpacked).permissions().testFlag(QFileDevice::ExeOwner), file.executable);
    }
    // tar lists it as a valid ustar archive, without complaints about checksums.
    const QString listing = QString::fromUtf8(run(u"/usr/bin/tar"_s, {u"-tvf"_s, u"-"_s}, *tar));
    QVERIFY2(listing.contains(u"-rwxr-xr-x"_s) && listing.contains(u"bin/run.sh"_s), qPrintable(listing));
}

void TestTarArchive::sameFilesMakeTheSameArchive()
{
    const QList<CodeFile> a = {{u"b.py"_s, "b", false}, {u"a.py"_s, "a", false}};
    const QList<CodeFile> b = {{u"a.py"_s, "a", false}, {u"b.py"_s, "b", false}};
    QCOMPARE(codeDigestOf(makeTar(a).value()), codeDigestOf(makeTar(b).value()));
    const QList<CodeFile> changed = {{u"a.py"_s, "a", false}, {u"b.py"_s, "B", false}};
    QVERIFY(codeDigestOf(makeTar(a).value()) != codeDigestOf(makeTar(changed).value()));
}

void TestTarArchive::refusesPathsThatLeaveTheFunction_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("absolute") << u"/etc/passwd"_s;
    QTest::newRow("parent") << u"../x"_s;
    QTest::newRow("inner parent") << u"a/../../x"_s;
    QTest::newRow("empty part") << u"a//b"_s;
    QTest::newRow("dot") << u"./a"_s;
    QTest::newRow("backslash") << u"a\\b"_s;
    QTest::newRow("empty") << QString();
    QTest::newRow("part too long") << QString(120, u'x');
}

void TestTarArchive::refusesPathsThatLeaveTheFunction()
{
    QFETCH(QString, path);
    const auto tar = makeTar({{path, "x", false}});
    QVERIFY(!tar);
    QCOMPARE(tar.error().code, u"package.bad_path"_s);
    QVERIFY2(!tar.error().message.isEmpty(), "the refusal says why");
}

void TestTarArchive::gzipIsReadableByGzip()
{
    QByteArray data;
    for (int i = 0; i < 5000; ++i)
        data += QByteArray::number(i) + ' ';
    const QByteArray packed = gzip(data);
    QVERIFY(packed.size() < data.size());
    QCOMPARE(run(u"/usr/bin/gzip"_s, {u"-dc"_s}, packed), data);
    QCOMPARE(run(u"/usr/bin/gzip"_s, {u"-dc"_s}, gzip({})), QByteArray());
}

RUNE_TEST_GUILESS_MAIN(TestTarArchive)
#include "tst_tararchive.moc"
