// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "packaging/functionpackage.h"
#include "util/regularfile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace rune;

namespace
{

void write(const QString &path, const QByteArray &data, bool executable = false)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(data);
    file.close();
    if (executable)
        file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
}

QStringList included(const FunctionPackage &package)
{
    QStringList paths;
    for (const PackageEntry &entry : package.entries) {
        if (entry.isIncluded())
            paths << entry.path;
    }
    return paths;
}

const PackageEntry *entry(const FunctionPackage &package, const QString &path)
{
    for (const PackageEntry &e : package.entries) {
        if (e.path == path)
            return &e;
    }
    return nullptr;
}

} // namespace

class TestFunctionPackage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aFolderPackagesItsContentsWithItsRuneignore();
    void looseFilesPackageUnderTheirNames();
    void everythingExcludedIsRefused();
    void pipesAndLinksAreNeverRead();
    void userNamedFilesAreReadOnlyWhenRegular();
    void guessesTheRuntime_data();
    void guessesTheRuntime();
    void namesFromFolders_data();
    void namesFromFolders();
};

void TestFunctionPackage::aFolderPackagesItsContentsWithItsRuneignore()
{
    QTemporaryDir dir;
    const QString root = dir.filePath(u"My Resizer"_s);
    write(root + u"/handler.py"_s, "def handle(e, c):\n    return 'ok'\n");
    write(root + u"/lib/util.py"_s, "X = 1\n");
    write(root + u"/lib/__pycache__/util.cpython-311.pyc"_s, "\0\0");
    write(root + u"/tests/test_handler.py"_s, "assert True\n");
    write(root + u"/notes.log"_s, "log\n");
    write(root + u"/keep.log"_s, "keep\n");
    write(root + u"/.git/HEAD"_s, "ref: refs/heads/main\n");
    write(root + u"/bin/tool"_s, "#!/bin/sh\n", true);
    write(root + u"/.runeignore"_s, "# not deployed\n__pycache__/\ntests/\n*.log\n!keep.log\n");
    QFile::link(root + u"/handler.py"_s, root + u"/link.py"_s);

    const auto package = FunctionPackage::scan({root});
    QVERIFY2(package.has_value(), package ? "" : qPrintable(package.error().message));
    QCOMPARE(package->root, QFileInfo(root).absoluteFilePath());
    QCOMPARE(included(*package),
        QStringList({u".runeignore"_s, u"bin/tool"_s, u"handler.py"_s, u"keep.log"_s, u"lib/util.py"_s}));
    // Excluded files are listed with the pattern that left them out; ignored folders are not entered.
    QCOMPARE(entry(*package, u"notes.log"_s)->excludedBy, u"*.log"_s);
    QCOMPARE(entry(*package, u"tests/test_handler.py"_s), nullptr);
    QVERIFY(!entry(*package, u"link.py"_s)->isIncluded());
    QVERIFY(entry(*package, u"bin/tool"_s)->executable);
    QCOMPARE(package->suggestedName, u"my-resizer"_s);
    QCOMPARE(package->suggestedRuntime, FunctionRuntime::Python3);
    QCOMPARE(package->suggestedHandler, u"handler.handle"_s);

    const auto files = package->readFiles();
    QVERIFY(files.has_value());
    QCOMPARE(files->size(), 5);
    QCOMPARE(files->at(1).path, u"bin/tool"_s);
    QVERIFY(files->at(1).executable);
    QCOMPARE(files->at(2).data, QByteArray("def handle(e, c):\n    return 'ok'\n"));
    qint64 bytes = 0;
    for (const CodeFile &file : *files)
        bytes += file.data.size();
    QCOMPARE(package->includedBytes(), bytes);
}

void TestFunctionPackage::looseFilesPackageUnderTheirNames()
{
    QTemporaryDir dir;
    write(dir.filePath(u"src/index.js"_s), "exports.handle = async () => 'hi';\n");
    write(dir.filePath(u"src/data/table.json"_s), "{}");
    write(dir.filePath(u"src/.runeignore"_s), "*.json\n");
    const auto package = FunctionPackage::scan({dir.filePath(u"src/index.js"_s), dir.filePath(u"src/data"_s)});
    QVERIFY2(package.has_value(), package ? "" : qPrintable(package.error().message));
    QCOMPARE(package->root, QDir(dir.filePath(u"src"_s)).absolutePath());
    QCOMPARE(included(*package), QStringList({u"index.js"_s}));
    QCOMPARE(entry(*package, u"data/table.json"_s)->excludedBy, u"*.json"_s);
    QCOMPARE(package->suggestedRuntime, FunctionRuntime::Node);
    QCOMPARE(package->suggestedName, u"index"_s);
}

void TestFunctionPackage::everythingExcludedIsRefused()
{
    QTemporaryDir dir;
    write(dir.filePath(u"f/a.log"_s), "x");
    write(dir.filePath(u"f/.runeignore"_s), "*\n");
    const auto package = FunctionPackage::scan({dir.filePath(u"f"_s)});
    QVERIFY(!package);
    QCOMPARE(package.error().code, u"package.empty"_s);
    QVERIFY(!FunctionPackage::scan({dir.filePath(u"missing"_s)}));
}

// A named pipe would block the read for ever, a link could lead out of the folder: neither is
// deployed, and one that appears between the scan and the read is refused at once.
void TestFunctionPackage::pipesAndLinksAreNeverRead()
{
    QTemporaryDir dir;
    write(dir.filePath(u"f/handler.py"_s), "def handle(e, c):\n    return 1\n");
    QVERIFY(::mkfifo(QFile::encodeName(dir.filePath(u"f/pipe"_s)).constData(), 0644) == 0);
    QVERIFY(QFile::link(u"/etc/hostname"_s, dir.filePath(u"f/outside"_s)));
    const auto package = FunctionPackage::scan({dir.filePath(u"f"_s)});
    QVERIFY(package);
    QCOMPARE(package->includedCount(), 1);
    for (const PackageEntry &entry : package->entries) {
        if (entry.path == u"pipe"_s)
            QCOMPARE(entry.excludedBy, u"not a regular file"_s);
        if (entry.path == u"outside"_s)
            QCOMPARE(entry.excludedBy, u"a symbolic link"_s);
    }
    const auto files = package->readFiles();
    QVERIFY(files);
    QCOMPARE(files->size(), 1);

    // The scanned handler becomes a pipe before the read: refused without waiting for a writer
    // (a wait would hang the test).
    QVERIFY(QFile::remove(dir.filePath(u"f/handler.py"_s)));
    QVERIFY(::mkfifo(QFile::encodeName(dir.filePath(u"f/handler.py"_s)).constData(), 0644) == 0);
    const auto swapped = package->readFiles();
    QVERIFY(!swapped);
    QCOMPARE(swapped.error().code, u"package.unreadable"_s);
    QVERIFY2(swapped.error().message.contains(u"not a regular file"_s), qPrintable(swapped.error().message));

    // Or a link: not followed.
    QVERIFY(QFile::remove(dir.filePath(u"f/handler.py"_s)));
    QVERIFY(QFile::link(u"/etc/hostname"_s, dir.filePath(u"f/handler.py"_s)));
    const auto linked = package->readFiles();
    QVERIFY(!linked);
    QCOMPARE(linked.error().code, u"package.unreadable"_s);
}

// The one reader of files the user names (function folders, host lists, price tables).
void TestFunctionPackage::userNamedFilesAreReadOnlyWhenRegular()
{
    QTemporaryDir dir;
    write(dir.filePath(u"plain"_s), "twelve bytes");
    const auto plain = readRegularFile(dir.filePath(u"plain"_s), 12);
    QVERIFY(plain);
    QCOMPARE(*plain, QByteArray("twelve bytes"));
    const auto large = readRegularFile(dir.filePath(u"plain"_s), 11);
    QVERIFY(!large);
    QCOMPARE(large.error().code, u"file.too_large"_s);
    QVERIFY(QFile::link(dir.filePath(u"plain"_s), dir.filePath(u"link"_s)));
    QVERIFY(readRegularFile(dir.filePath(u"link"_s), 12, FileLinks::Follow));
    const auto link = readRegularFile(dir.filePath(u"link"_s), 12, FileLinks::Refuse);
    QVERIFY(!link);
    QCOMPARE(link.error().code, u"file.not_regular"_s);
    QVERIFY(::mkfifo(QFile::encodeName(dir.filePath(u"pipe"_s)).constData(), 0644) == 0);
    const auto pipe = readRegularFile(dir.filePath(u"pipe"_s), 12);
    QVERIFY(!pipe);
    QCOMPARE(pipe.error().code, u"file.not_regular"_s);
    QVERIFY2(pipe.error().message.contains(dir.filePath(u"pipe"_s)), qPrintable(pipe.error().message));
    const auto device = readRegularFile(u"/dev/zero"_s, 12);
    QVERIFY(!device);
    QCOMPARE(device.error().code, u"file.not_regular"_s);
    QVERIFY(!readRegularFile(dir.filePath(u"folder-that-is-not"_s), 12));
    QCOMPARE(readRegularFile(dir.path(), 12).error().code, u"file.not_regular"_s);
}

void TestFunctionPackage::guessesTheRuntime_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QStringList>("executables");
    QTest::addColumn<QString>("runtime");
    QTest::addColumn<QString>("handler");
    QTest::newRow("python") << QStringList {u"main.py"_s} << QStringList() << u"python3"_s << u"main.handle"_s;
    QTest::newRow("node") << QStringList {u"index.js"_s, u"package.json"_s} << QStringList() << u"node"_s
                          << u"index.handle"_s;
    QTest::newRow("exec") << QStringList {u"README"_s, u"run"_s} << QStringList {u"run"_s} << u"exec"_s << u"run"_s;
}

void TestFunctionPackage::guessesTheRuntime()
{
    QFETCH(QStringList, files);
    QFETCH(QStringList, executables);
    QFETCH(QString, runtime);
    QFETCH(QString, handler);
    QList<PackageEntry> entries;
    for (const QString &path : files)
        entries.append(PackageEntry {path, {}, 1, executables.contains(path), {}});
    const auto [guessedRuntime, guessedHandler] = guessRuntime(entries);
    QCOMPARE(functionRuntimeName(guessedRuntime), runtime);
    QCOMPARE(guessedHandler, handler);
}

void TestFunctionPackage::namesFromFolders_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("name");
    QTest::newRow("spaces") << u"My Resizer_2"_s << u"my-resizer-2"_s;
    QTest::newRow("leading digits") << u"2fast"_s << u"fast"_s;
    QTest::newRow("nothing usable") << u"___"_s << u"function"_s;
}

void TestFunctionPackage::namesFromFolders()
{
    QFETCH(QString, text);
    QFETCH(QString, name);
    QCOMPARE(functionNameFrom(text), name);
    QVERIFY(functionNameProblem(functionNameFrom(text)).isEmpty());
}

RUNE_TEST_GUILESS_MAIN(TestFunctionPackage)
#include "tst_functionpackage.moc"
