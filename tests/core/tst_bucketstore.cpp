// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "functions/bucketstore.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestBucketStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void workingFilesRoundTrip();
    void versionsAreImmutableAndKeepExecuteBits();
    void replacingWorkingFilesDropsTheOldOnes();
    void refusesPathsOutsideTheFunction();
    void sampleEventsRoundTrip();
};

void TestBucketStore::workingFilesRoundTrip()
{
    QTemporaryDir dir;
    BucketStore buckets(dir.filePath(u"buckets"_s));
    QVERIFY(buckets.workingPaths(u"p"_s, u"f"_s)->isEmpty());
    QVERIFY(buckets.writeWorkingFile(u"p"_s, u"f"_s, {u"handler.py"_s, "v1", false}));
    QVERIFY(buckets.writeWorkingFile(u"p"_s, u"f"_s, {u"lib/a.py"_s, "a", false}));
    QVERIFY(buckets.writeWorkingFile(u"p"_s, u"f"_s, {u"handler.py"_s, "v2", false}));
    QCOMPARE(*buckets.workingPaths(u"p"_s, u"f"_s), QStringList({u"handler.py"_s, u"lib/a.py"_s}));
    QCOMPARE(buckets.readWorkingFile(u"p"_s, u"f"_s, u"handler.py"_s)->data, QByteArray("v2"));
    // The layout ARCHITECTURE.md describes: <root>/<project>/<function>/...
    QVERIFY(QFileInfo::exists(dir.filePath(u"buckets/p/f/working/lib/a.py"_s)));
    QVERIFY(buckets.removeWorkingFile(u"p"_s, u"f"_s, u"lib/a.py"_s));
    QCOMPARE(*buckets.workingPaths(u"p"_s, u"f"_s), QStringList({u"handler.py"_s}));
    QCOMPARE(buckets.readWorkingFile(u"p"_s, u"f"_s, u"nope.py"_s).error().code, u"bucket.not_found"_s);
}

void TestBucketStore::versionsAreImmutableAndKeepExecuteBits()
{
    QTemporaryDir dir;
    BucketStore buckets(dir.filePath(u"buckets"_s));
    const QList<CodeFile> files = {{u"run.sh"_s, "#!/bin/sh\n", true}, {u"data.txt"_s, "d", false}};
    const QJsonObject config {{u"runtime"_s, u"exec"_s}};
    QVERIFY(buckets.writeVersion(u"p"_s, u"f"_s, 1, files, config));
    QVERIFY(QFileInfo::exists(dir.filePath(u"buckets/p/f/v1/code/run.sh"_s)));
    const auto again = buckets.writeVersion(u"p"_s, u"f"_s, 1, {}, {});
    QCOMPARE(again.error().code, u"bucket.exists"_s);
    const auto read = buckets.versionFiles(u"p"_s, u"f"_s, 1);
    QVERIFY(read.has_value());
    QCOMPARE(read->size(), 2);
    QCOMPARE(read->at(0), (CodeFile {u"data.txt"_s, "d", false}));
    QCOMPARE(read->at(1), (CodeFile {u"run.sh"_s, "#!/bin/sh\n", true}));
    QCOMPARE(*buckets.versionConfig(u"p"_s, u"f"_s, 1), config);
    QVERIFY(
        !QFileInfo(dir.filePath(u"buckets/p/f/v1/code/data.txt"_s)).permissions().testFlag(QFileDevice::WriteOwner));
    QCOMPARE(buckets.versionFiles(u"p"_s, u"f"_s, 2).error().code, u"bucket.not_found"_s);
    QVERIFY(buckets.removeVersion(u"p"_s, u"f"_s, 1));
    QVERIFY(!QFileInfo::exists(dir.filePath(u"buckets/p/f/v1"_s)));
}

void TestBucketStore::replacingWorkingFilesDropsTheOldOnes()
{
    QTemporaryDir dir;
    BucketStore buckets(dir.filePath(u"buckets"_s));
    QVERIFY(buckets.writeWorkingFile(u"p"_s, u"f"_s, {u"old.py"_s, "old", false}));
    QVERIFY(buckets.replaceWorkingFiles(u"p"_s, u"f"_s, {{u"new.py"_s, "new", false}, {u"x/run"_s, "r", true}}));
    QCOMPARE(*buckets.workingPaths(u"p"_s, u"f"_s), QStringList({u"new.py"_s, u"x/run"_s}));
    QVERIFY(buckets.readWorkingFile(u"p"_s, u"f"_s, u"x/run"_s)->executable);
    // Nothing is left behind but the function's own folders.
    QCOMPARE(QDir(dir.filePath(u"buckets/p/f"_s)).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
        QStringList({u"working"_s}));
}

void TestBucketStore::refusesPathsOutsideTheFunction()
{
    QTemporaryDir dir;
    BucketStore buckets(dir.filePath(u"buckets"_s));
    QCOMPARE(
        buckets.writeWorkingFile(u"p"_s, u"f"_s, {u"../escape.py"_s, "x", false}).error().code, u"bucket.bad_path"_s);
    QCOMPARE(buckets.readWorkingFile(u"p"_s, u"f"_s, u"/etc/passwd"_s).error().code, u"bucket.bad_path"_s);
    QVERIFY(!QFileInfo::exists(dir.filePath(u"buckets/p/escape.py"_s)));
}

void TestBucketStore::sampleEventsRoundTrip()
{
    QTemporaryDir dir;
    BucketStore buckets(dir.filePath(u"buckets"_s));
    QVERIFY(buckets.events(u"p"_s, u"f"_s)->isEmpty());
    SampleEvent event;
    event.name = u"greet"_s;
    event.method = u"PUT"_s;
    event.path = u"/x?y=1"_s;
    event.headers = {{u"Content-Type"_s, u"application/json"_s}};
    event.body = u"{\"a\": 1}"_s;
    QVERIFY(buckets.saveEvents(u"p"_s, u"f"_s, {event}));
    QCOMPARE(*buckets.events(u"p"_s, u"f"_s), QList<SampleEvent>({event}));
}

RUNE_TEST_GUILESS_MAIN(TestBucketStore)
#include "tst_bucketstore.moc"
