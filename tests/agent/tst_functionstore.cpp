// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/archives.h"
#include "../common/testmain.h"
#include "functions/functionstore.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::agent::FunctionStore;
using rune::test::file;

class TestFunctionStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void deployCreatesNumberedVersions();
    void invalidConfigNamesEveryProblem();
    void badArchiveKeepsTheOldVersionServing();
    void blockRemoveAndSurviveARestart();
    void recoverClearsInterruptedDeploys();
    void killNineDuringDeploysLeavesOldOrNewNeverAMix();

private:
    QByteArray m_archives[3];
};

static std::string_view view(const QByteArray &bytes)
{
    return {bytes.constData(), size_t(bytes.size())};
}

static nlohmann::json configFor(int deploy)
{
    return {{"runtime", "python3"}, {"env", {{"DEPLOY", std::to_string(deploy)}}}};
}

static QString readFile(const std::filesystem::path &path)
{
    QFile file(QString::fromStdString(path.string()));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

void TestFunctionStore::initTestCase()
{
    for (int i = 0; i < 3; ++i) {
        m_archives[i] = test::makeArchive({file(u"handler.py"_s, u"DEPLOY = %1\n"_s.arg(i)),
            file(u"data/blob.txt"_s, QString(4096, QChar(u'a' + i)))});
    }
}

void TestFunctionStore::deployCreatesNumberedVersions()
{
    QTemporaryDir dir;
    FunctionStore store(dir.path().toStdString());
    const auto first = store.deploy("echo", view(m_archives[0]), configFor(0));
    QVERIFY2(first.has_value(), first ? "" : first.error().problems.front().c_str());
    QCOMPARE(first->version, 1);
    const auto second = store.deploy("echo", view(m_archives[1]), configFor(1));
    QVERIFY(second.has_value());
    QCOMPARE(second->version, 2);
    QCOMPARE(readFile(second->codeDir / "handler.py"), u"DEPLOY = 1\n"_s);
    QCOMPARE(store.current("echo")->version, 2);
    QCOMPARE(readFile(store.version("echo", 1)->codeDir / "handler.py"), u"DEPLOY = 0\n"_s);
    QVERIFY(!store.version("echo", 3));
    QCOMPARE(store.list().size(), 1u);
}

void TestFunctionStore::invalidConfigNamesEveryProblem()
{
    QTemporaryDir dir;
    FunctionStore store(dir.path().toStdString());
    const nlohmann::json bad = {
        {"runtime", "cobol"}, {"memory_mib", 100}, {"timeout_seconds", 0}, {"env", {{"RUNE_X", "1"}}}};
    const auto result = store.deploy("Bad_Name", view(m_archives[0]), bad);
    QVERIFY(!result);
    QCOMPARE(result.error().code, std::string("invalid_config"));
    const auto &problems = result.error().problems;
    QCOMPARE(problems.size(), 5u);
    auto mentions = [&problems](const char *word) {
        return std::any_of(problems.begin(), problems.end(), [word](const std::string &p) {
            return p.find(word) != std::string::npos;
        });
    };
    QVERIFY(mentions("function name"));
    QVERIFY(mentions("runtime"));
    QVERIFY(mentions("multiple of 64"));
    QVERIFY(mentions("timeout_seconds"));
    QVERIFY(mentions("RUNE_X"));
    QVERIFY(store.list().empty());
}

void TestFunctionStore::badArchiveKeepsTheOldVersionServing()
{
    QTemporaryDir dir;
    FunctionStore store(dir.path().toStdString());
    QVERIFY(store.deploy("echo", view(m_archives[0]), configFor(0)));
    const QByteArray hostile = test::makeArchive({file(u"../escape.py"_s, u"x"_s)});
    const auto refused = store.deploy("echo", view(hostile), configFor(1));
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, std::string("bad_archive"));
    QCOMPARE(store.current("echo")->version, 1);
    QVERIFY(!QFile::exists(dir.filePath(u"functions/escape.py"_s)));
    // The refused deploy left no staging directory behind.
    QCOMPARE(QDir(dir.filePath(u"functions/echo"_s)).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
        QStringList({u"current"_s, u"v1"_s}));
}

void TestFunctionStore::blockRemoveAndSurviveARestart()
{
    QTemporaryDir dir;
    {
        FunctionStore store(dir.path().toStdString());
        QVERIFY(store.deploy("alpha", view(m_archives[0]), configFor(0)));
        QVERIFY(store.deploy("beta", view(m_archives[1]), configFor(1)));
        QVERIFY(store.setBlocked("alpha", true));
        QVERIFY(!store.setBlocked("ghost", true));
    }
    FunctionStore reopened(dir.path().toStdString());
    reopened.recover();
    QCOMPARE(reopened.list().size(), 2u);
    QVERIFY(reopened.current("alpha")->blocked);
    QCOMPARE(reopened.current("beta")->config.env.at("DEPLOY"), std::string("1"));
    QVERIFY(reopened.setBlocked("alpha", false));
    QVERIFY(!reopened.current("alpha")->blocked);
    QVERIFY(reopened.remove("alpha"));
    QVERIFY(!reopened.remove("alpha"));
    QVERIFY(!reopened.current("alpha"));
    QVERIFY(!reopened.current("../etc"));
}

void TestFunctionStore::recoverClearsInterruptedDeploys()
{
    QTemporaryDir dir;
    FunctionStore store(dir.path().toStdString());
    QVERIFY(store.deploy("echo", view(m_archives[0]), configFor(0)));
    // What a deploy killed half-way leaves: a staging dir, and a renamed version never switched in.
    QDir functionDir(dir.filePath(u"functions/echo"_s));
    QVERIFY(functionDir.mkpath(u".staging-1-1/code"_s));
    QVERIFY(functionDir.mkpath(u"v2/code"_s));
    QVERIFY(QDir(dir.filePath(u"functions"_s)).mkpath(u"half-new/.staging-9-9"_s));
    store.recover();
    QCOMPARE(functionDir.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
        QStringList({u"current"_s, u"v1"_s}));
    QVERIFY(!QFile::exists(dir.filePath(u"functions/half-new"_s)));
    QCOMPARE(store.deploy("echo", view(m_archives[1]), configFor(1))->version, 2);
}

void TestFunctionStore::killNineDuringDeploysLeavesOldOrNewNeverAMix()
{
    // A child process deploys in a loop and is killed with SIGKILL at a different moment each
    // round; whatever it was doing, the next start must serve one complete version.
    for (int round = 0; round < 12; ++round) {
        QTemporaryDir dir;
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            FunctionStore store(dir.path().toStdString());
            for (int i = 0;; ++i)
                (void)store.deploy("echo", view(m_archives[i % 3]), configFor(i % 3));
        }
        ::usleep(useconds_t(3000 + round * 1700));
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);

        FunctionStore store(dir.path().toStdString());
        store.recover();
        const auto current = store.current("echo");
        if (!current)
            continue; // killed before the first deploy switched in: the function never existed
        const QString deploy = QString::fromStdString(current->config.env.at("DEPLOY"));
        QCOMPARE(readFile(current->codeDir / "handler.py"), u"DEPLOY = %1\n"_s.arg(deploy));
        QCOMPARE(readFile(current->codeDir / "data" / "blob.txt").size(), 4096);
        QCOMPARE(store.deploy("echo", view(m_archives[0]), configFor(0))->version, current->version + 1);
    }
}

RUNE_TEST_GUILESS_MAIN(TestFunctionStore)
#include "tst_functionstore.moc"
