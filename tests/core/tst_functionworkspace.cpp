// SPDX-License-Identifier: GPL-3.0-or-later
// The function workspace: working files, sample events and removal, written on its own thread
// into a real bucket store and SQLite store, and reported back on the caller's.
#include "../common/functionfixture.h"
#include "../common/testmain.h"

#include <QSignalSpy>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::FunctionFixture;

class TestFunctionWorkspace final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void workingFilesAreWrittenReadRemovedAndReplaced();
    void sampleEventsRoundTrip();
    void anUnknownFunctionFailsAtOnce();
    void removingAFunctionRemovesItsFiles();
};

void TestFunctionWorkspace::workingFilesAreWrittenReadRemovedAndReplaced()
{
    FunctionFixture fx(0);
    QVERIFY(fx.load());
    const QString id = fx.create(u"files"_s);
    QVERIFY(!id.isEmpty());
    QVERIFY(fx.saveFile(id, u"lib/util.py"_s, u"ANSWER = 42\n"_s));
    QTRY_VERIFY(fx.catalog.files(id).contains(u"lib/util.py"_s));
    const auto read = fx.call<CodeFile>([&](auto done) {
        fx.workspace->readFile(id, u"lib/util.py"_s, &fx.context, done);
    });
    QVERIFY2(read, read ? "" : qPrintable(read.error().message));
    QCOMPARE(read->data, QByteArray("ANSWER = 42\n"));

    const auto removed = fx.call<void>([&](auto done) {
        fx.workspace->removeFile(id, u"lib/util.py"_s, &fx.context, done);
    });
    QVERIFY2(removed, removed ? "" : qPrintable(removed.error().message));
    QTRY_VERIFY(!fx.catalog.files(id).contains(u"lib/util.py"_s));

    QSignalSpy replacedSignal(fx.workspace.get(), &FunctionWorkspace::filesReplaced);
    const QList<CodeFile> dropped {{u"handler.py"_s, "def handle(e, c):\n    return 'dropped'\n", false},
        {u"run.sh"_s, "#!/bin/sh\necho hi\n", true}};
    const auto replaced = fx.call<void>([&](auto done) {
        fx.workspace->replaceFiles(id, dropped, &fx.context, done);
    });
    QVERIFY2(replaced, replaced ? "" : qPrintable(replaced.error().message));
    QCOMPARE(replacedSignal.size(), 1);
    QCOMPARE(replacedSignal.first().first().toString(), id);
    const auto files = fx.call<QList<CodeFile>>([&](auto done) {
        fx.workspace->readWorkingFiles(id, &fx.context, done);
    });
    QVERIFY2(files, files ? "" : qPrintable(files.error().message));
    QCOMPARE(*files, dropped);
    QTRY_COMPARE(fx.catalog.files(id), QStringList({u"handler.py"_s, u"run.sh"_s}));
}

void TestFunctionWorkspace::sampleEventsRoundTrip()
{
    FunctionFixture fx(0);
    QVERIFY(fx.load());
    const QString id = fx.create(u"events"_s);
    QVERIFY(!id.isEmpty());
    SampleEvent event;
    event.name = u"resize a photo"_s;
    event.path = u"/?size=64"_s;
    event.headers = {{u"X-Trace"_s, u"1"_s}};
    event.body = u"{\"photo\": \"cat.jpg\"}"_s;
    const auto saved = fx.call<void>([&](auto done) {
        fx.workspace->saveEvents(id, {event}, &fx.context, done);
    });
    QVERIFY2(saved, saved ? "" : qPrintable(saved.error().message));
    const auto loaded = fx.call<QList<SampleEvent>>([&](auto done) {
        fx.workspace->loadEvents(id, &fx.context, done);
    });
    QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error().message));
    QCOMPARE(loaded->size(), 1);
    QCOMPARE(loaded->first().name, event.name);
    QCOMPARE(loaded->first().path, event.path);
    QCOMPARE(loaded->first().headers, event.headers);
    QCOMPARE(loaded->first().body, event.body);
}

void TestFunctionWorkspace::anUnknownFunctionFailsAtOnce()
{
    FunctionFixture fx(0);
    QVERIFY(fx.load());
    std::optional<Result<CodeFile>> answer;
    fx.workspace->readFile(u"no-such-id"_s, u"handler.py"_s, &fx.context, [&](Result<CodeFile> result) {
        answer = std::move(result);
    });
    QVERIFY(answer.has_value()); // answered before returning: nothing went to the writer thread
    QVERIFY(!*answer);
    QCOMPARE(answer->error().code, u"function.not_found"_s);
}

void TestFunctionWorkspace::removingAFunctionRemovesItsFiles()
{
    FunctionFixture fx(0);
    QVERIFY(fx.load());
    const QString id = fx.create(u"doomed"_s);
    QVERIFY(!id.isEmpty());
    const auto removed = fx.call<void>([&](auto done) {
        fx.workspace->removeFunction(id, &fx.context, done);
    });
    QVERIFY2(removed, removed ? "" : qPrintable(removed.error().message));
    QVERIFY(!fx.catalog.find(id));
    QVERIFY(!QFileInfo::exists(fx.dir.filePath(u"buckets/demo/doomed"_s)));
    const auto files = fx.call<QList<CodeFile>>([&](auto done) {
        fx.workspace->readWorkingFiles(id, &fx.context, done);
    });
    QVERIFY(!files);
    QCOMPARE(files.error().code, u"function.not_found"_s);
}

RUNE_TEST_MAIN(TestFunctionWorkspace)
#include "tst_functionworkspace.moc"
