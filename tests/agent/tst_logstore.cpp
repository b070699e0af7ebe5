// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "logs/logstore.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using rune::agent::LogFilter;
using rune::agent::LogLine;
using rune::agent::LogStore;

class TestLogStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void queriesByFunctionRequestAndTime();
    void rotationBoundsTheDisk();
    void linesSurviveARestart();
    void followersSeeOnlyTheirLines();
};

static LogLine line(const std::string &function, const std::string &request, std::int64_t time, const std::string &text)
{
    LogLine l;
    l.function = function;
    l.version = 3;
    l.replica = function + "-r1";
    l.requestId = request;
    l.timeMs = time;
    l.stream = "stdout";
    l.text = text;
    return l;
}

void TestLogStore::queriesByFunctionRequestAndTime()
{
    QTemporaryDir dir;
    LogStore store(dir.path().toStdString(), {});
    store.append(line("echo", "r1", 1000, "first"));
    store.append(line("resize", "r2", 2000, "other function"));
    store.append(line("echo", "r3", 3000, "third"));
    QCOMPARE(store.query({"echo", "", 0, 100}).size(), 2u);
    const auto byRequest = store.query({"", "r3", 0, 100});
    QCOMPARE(byRequest.size(), 1u);
    QCOMPARE(byRequest.front().text, std::string("third"));
    QCOMPARE(byRequest.front().version, 3);
    QCOMPARE(store.query({"", "", 2000, 100}).size(), 2u);
    const auto newest = store.query({"", "", 0, 1});
    QCOMPARE(newest.size(), 1u);
    QCOMPARE(newest.front().text, std::string("third"));
    QVERIFY(newest.front().seq > store.query({"", "r1", 0, 1}).front().seq);
}

void TestLogStore::rotationBoundsTheDisk()
{
    QTemporaryDir dir;
    LogStore store(dir.path().toStdString(), {4096, 2, 100});
    for (int i = 0; i < 2000; ++i)
        store.append(line("noisy", "r" + std::to_string(i), i, std::string(40, 'x')));
    const QStringList files = QDir(dir.path()).entryList({u"functions.log*"_s}, QDir::Files, QDir::Name);
    QCOMPARE(files, QStringList({u"functions.log"_s, u"functions.log.1"_s, u"functions.log.2"_s}));
    qint64 total = 0;
    for (const QString &name : files)
        total += QFileInfo(dir.filePath(name)).size();
    QVERIFY2(total < 3 * 4096 + 512, qPrintable(QString::number(total)));
    QCOMPARE(store.query({"", "", 0, 1000}).size(), 100u); // memory is bounded too
}

void TestLogStore::linesSurviveARestart()
{
    QTemporaryDir dir;
    std::uint64_t lastSeq = 0;
    {
        LogStore store(dir.path().toStdString(), {});
        store.append(line("echo", "r1", 1, "before restart"));
        lastSeq = store.query({}).back().seq;
    }
    // A crash can leave a torn last line; it is skipped, not fatal.
    QFile file(dir.filePath(u"functions.log"_s));
    QVERIFY(file.open(QIODevice::Append));
    file.write("{\"seq\": 99, \"te");
    file.close();
    LogStore store(dir.path().toStdString(), {});
    const auto lines = store.query({"echo", "", 0, 10});
    QCOMPARE(lines.size(), 1u);
    QCOMPARE(lines.front().text, std::string("before restart"));
    store.append(line("echo", "r2", 2, "after"));
    QVERIFY(store.query({}).back().seq > lastSeq);
}

void TestLogStore::followersSeeOnlyTheirLines()
{
    QTemporaryDir dir;
    LogStore store(dir.path().toStdString(), {});
    std::vector<std::string> seen;
    const auto id = store.follow({"echo", "", 0, 0}, [&seen](const LogLine &l) {
        seen.push_back(l.text);
    });
    store.append(line("echo", "r1", 1, "one"));
    store.append(line("other", "r2", 2, "not mine"));
    store.append(line("echo", "r3", 3, "two"));
    store.unfollow(id);
    store.append(line("echo", "r4", 4, "after unfollow"));
    QCOMPARE(seen, (std::vector<std::string> {"one", "two"}));
}

RUNE_TEST_GUILESS_MAIN(TestLogStore)
#include "tst_logstore.moc"
