// SPDX-License-Identifier: GPL-3.0-or-later
// Two consoles on one data directory, as the window and the `rune` command line are: what one
// stores, the other (the window, watching) shows, without its own fresher changes being undone.
#include "../common/testmain.h"
#include "cluster/nodelist.h"
#include "cluster/nodepersister.h"
#include "functions/functioncatalog.h"
#include "functions/functionworkspace.h"
#include "settings/settings.h"
#include "shell/console.h"
#include "store/store.h"
#include "store/storewatcher.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestStoreWatcher final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void nodesFollowTheOtherProcess();
    void functionsFollowTheOtherProcess();
    void ownChangesAreNotUndoneByOlderReads();
    void unchangedStoreAnnouncesNothing();
    void replacedStoreIsReportedOnce();
    void damagedStoreKeepsWhatTheWindowShows();
    void failedReloadsAreReportedOnce();

private:
    /** Opens a console on the test's data directory; the window's watches the store. */
    std::unique_ptr<Console> open(bool watching);
    /** Lets every reload under way finish, both writers and the event loop. */
    static void settle(Console &console);
    static Node machine(const QString &id, const QString &name);
    static Function createFunction(Console &console, const QString &name);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<Console> m_window;
    std::unique_ptr<Console> m_cli;
};

void TestStoreWatcher::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_settings = std::make_unique<Settings>(m_dir->filePath(u"rune.ini"_s));
    QVERIFY(m_settings->setValue(Settings::Key::DataDir, m_dir->filePath(u"data"_s)));
    m_window = open(true);
    m_cli = open(false);
    QVERIFY(m_window && m_cli);
}

void TestStoreWatcher::cleanup()
{
    m_cli.reset();
    m_window.reset();
    m_settings.reset();
    m_dir.reset();
}

std::unique_ptr<Console> TestStoreWatcher::open(bool watching)
{
    auto console = Console::open(m_settings.get(), ConsoleEdges {});
    if (!console) {
        qWarning("%s", qPrintable(console.error().message));
        return nullptr;
    }
    bool loaded = false;
    (*console)->services().functions.workspace->load(this, [&loaded](Result<void> done) {
        loaded = bool(done);
    });
    if (!QTest::qWaitFor([&loaded] {
            return loaded;
        }))
        return nullptr;
    if (watching) {
        // Faster than the window's second, so the test does not wait long for each change.
        (*console)->storeWatcher()->setInterval(std::chrono::milliseconds(20));
        (*console)->storeWatcher()->start();
    }
    return std::move(*console);
}

void TestStoreWatcher::settle(Console &console)
{
    // Two rounds: a look, then the reload it starts (nodes first, then the functions).
    for (int round = 0; round < 3; ++round) {
        QTest::qWait(60);
        console.persister()->flush();
        console.services().functions.workspace->writer()->waitForDone();
        QCoreApplication::processEvents();
    }
}

Node TestStoreWatcher::machine(const QString &id, const QString &name)
{
    Node node;
    node.id = id;
    node.name = name;
    node.ssh = {u"192.0.2.10"_s, 22, u"ops"_s, {}};
    node.labels = {u"rack-1"_s};
    node.state = NodeState::Running;
    return node;
}

Function TestStoreWatcher::createFunction(Console &console, const QString &name)
{
    FunctionConfig config;
    config.handler = u"main.handle"_s;
    std::optional<Result<Function>> created;
    console.services().functions.workspace->createFunction(u"shop"_s,
        name,
        config,
        {CodeFile {u"main.py"_s, "def handle(event):\n    return event\n", false}},
        console.services().functions.workspace,
        [&created](Result<Function> function) {
            created = std::move(function);
        });
    if (!QTest::qWaitFor([&created] {
            return created.has_value();
        })
        || !*created)
        qFatal("could not create %s", qPrintable(name));
    return **created;
}

void TestStoreWatcher::nodesFollowTheOtherProcess()
{
    NodeList *window = m_window->services().fleet.nodes;
    NodeList *cli = m_cli->services().fleet.nodes;

    QVERIFY(cli->add(machine(u"n1"_s, u"web-1"_s)));
    m_cli->persister()->flush();
    QTRY_VERIFY(window->find(u"n1"_s));
    QCOMPARE(window->find(u"n1"_s)->name, u"web-1"_s);

    // What the store does not keep stays as the window's poll found it.
    Node withFacts = *window->find(u"n1"_s);
    withFacts.facts.gpus = {NodeGpu {0, u"L4"_s, 24LL << 30}};
    withFacts.facts.isolation.users = u"per-replica"_s;
    QVERIFY(window->update(withFacts));
    m_window->persister()->flush();

    Node renamed = machine(u"n1"_s, u"web-one"_s);
    renamed.labels = {u"rack-2"_s, u"ssd"_s};
    QVERIFY(cli->update(renamed));
    m_cli->persister()->flush();
    QTRY_COMPARE(window->find(u"n1"_s)->name, u"web-one"_s);
    QCOMPARE(window->find(u"n1"_s)->labels, renamed.labels);
    QCOMPARE(window->find(u"n1"_s)->facts.gpus, withFacts.facts.gpus);
    QCOMPARE(window->find(u"n1"_s)->facts.isolation.users, u"per-replica"_s);

    QVERIFY(cli->remove(u"n1"_s));
    m_cli->persister()->flush();
    QTRY_VERIFY(!window->find(u"n1"_s));
    // The window's removal in turn did not write the node back.
    settle(*m_window);
    QVERIFY(m_window->store()->loadNodes()->isEmpty());
}

void TestStoreWatcher::functionsFollowTheOtherProcess()
{
    FunctionCatalog *window = m_window->services().functions.catalog;
    const Function made = createFunction(*m_cli, u"checkout"_s);
    QTRY_VERIFY(window->find(made.id));
    QCOMPARE(window->find(made.id)->name, u"checkout"_s);
    QCOMPARE(window->files(made.id), QStringList {u"main.py"_s});

    // A deploy as `rune fn deploy` records it: a version, where it runs, the current version.
    Store *store = m_cli->store();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(store->addVersion({made.id, 1, now, u"ab12"_s, FunctionState::Latest, u"first"_s}));
    QVERIFY(store->saveDeployment({made.id, 1, u"n9"_s, 3, now}));
    Function deployed = made;
    deployed.currentVersion = 1;
    deployed.config.memoryMiB = 256;
    QVERIFY(store->saveFunction(deployed));
    QTRY_COMPARE(window->find(made.id)->currentVersion, 1);
    QCOMPARE(window->find(made.id)->config.memoryMiB, 256);
    QTRY_COMPARE(window->versions(made.id).size(), 1);
    QCOMPARE(window->versions(made.id).first().note, u"first"_s);
    QCOMPARE(window->agentVersion(made.id, 1, u"n9"_s), 3);

    // Blocked on the command line.
    QSignalSpy versionsChanged(window, &FunctionCatalog::versionsChanged);
    QVERIFY(store->setVersionState(made.id, 1, FunctionState::Blocked));
    QTRY_COMPARE(window->versions(made.id).first().state, FunctionState::Blocked);
    QCOMPARE(versionsChanged.count(), 1);

    QSignalSpy removed(window, &FunctionCatalog::functionRemoved);
    bool gone = false;
    m_cli->services().functions.workspace->removeFunction(made.id, this, [&gone](Result<void> done) {
        gone = bool(done);
    });
    QTRY_VERIFY(gone);
    QTRY_VERIFY(!window->find(made.id));
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.first().first().toString(), made.id);
}

void TestStoreWatcher::ownChangesAreNotUndoneByOlderReads()
{
    NodeList *window = m_window->services().fleet.nodes;
    FunctionCatalog *catalog = m_window->services().functions.catalog;
    QVERIFY(window->add(machine(u"busy"_s, u"busy"_s)));
    const Function function = createFunction(*m_window, u"cart"_s);
    // Every write of the window is a change to the watcher's own connection, so reloads run all
    // along; none may take the node or the function back to an older state.
    QStringList seen;
    connect(window, &NodeList::nodeChanged, this, [window, &seen](qsizetype row) {
        seen << window->at(row).labels.value(0);
    });
    for (int i = 1; i <= 150; ++i) {
        Node node = *window->find(u"busy"_s);
        node.labels = {u"step-%1"_s.arg(i, 3, 10, QChar(u'0'))};
        QVERIFY(window->update(node));
        if (i % 10 == 0) {
            FunctionConfig config = catalog->find(function.id)->config;
            config.memoryMiB = 128 + i / 10 * 64;
            bool saved = false;
            m_window->services().functions.workspace->saveConfig(
                function.id, config, this, [&saved](Result<void> done) {
                    saved = bool(done);
                });
            QTRY_VERIFY(saved);
            QCOMPARE(catalog->find(function.id)->config.memoryMiB, config.memoryMiB);
        }
        QTest::qWait(i % 3 == 0 ? 15 : 0);
        QCOMPARE(window->find(u"busy"_s)->labels.value(0), u"step-%1"_s.arg(i, 3, 10, QChar(u'0')));
    }
    settle(*m_window);
    QCOMPARE(window->find(u"busy"_s)->labels.value(0), u"step-150"_s);
    QCOMPARE(catalog->find(function.id)->config.memoryMiB, 128 + 15 * 64);
    QStringList sorted = seen;
    sorted.sort();
    QCOMPARE(seen, sorted); // never back
    QCOMPARE(seen.size(), 150); // one announcement per change, none from a reload
    QCOMPARE(m_window->store()->loadNodes()->first().labels.value(0), u"step-150"_s);
}

void TestStoreWatcher::unchangedStoreAnnouncesNothing()
{
    QVERIFY(m_cli->services().fleet.nodes->add(machine(u"n1"_s, u"web-1"_s)));
    m_cli->persister()->flush();
    createFunction(*m_cli, u"checkout"_s);
    NodeList *nodes = m_window->services().fleet.nodes;
    FunctionCatalog *catalog = m_window->services().functions.catalog;
    QTRY_VERIFY(nodes->find(u"n1"_s) && !catalog->functions().isEmpty());
    settle(*m_window);

    QSignalSpy looked(m_window->storeWatcher(), &StoreWatcher::changed);
    std::vector<std::unique_ptr<QSignalSpy>> spies;
    for (const auto signal : {&NodeList::nodeAdded, &NodeList::nodeChanged, &NodeList::nodeRemoved})
        spies.push_back(std::make_unique<QSignalSpy>(nodes, signal));
    for (const auto signal : {&FunctionCatalog::functionAdded,
             &FunctionCatalog::functionChanged,
             &FunctionCatalog::functionRemoved,
             &FunctionCatalog::versionsChanged,
             &FunctionCatalog::filesChanged})
        spies.push_back(std::make_unique<QSignalSpy>(catalog, signal));
    // Writes that change neither nodes nor functions: the store changed, the reload finds nothing new.
    for (int i = 0; i < 3; ++i) {
        BenchmarkRecord record;
        record.nodeId = u"n1"_s;
        record.test = u"cpu"_s;
        record.metric = u"events_per_second"_s;
        record.value = 100 + i;
        record.runId = u"run-%1"_s.arg(i);
        record.started = QDateTime::currentDateTimeUtc();
        const qsizetype before = looked.count();
        QVERIFY(m_cli->store()->addBenchmarkRecords({record}));
        QTRY_VERIFY(looked.count() > before);
        settle(*m_window);
    }
    for (const auto &spy : spies)
        QCOMPARE(spy->count(), 0);
}

void TestStoreWatcher::replacedStoreIsReportedOnce()
{
    QSignalSpy problems(m_window->storeWatcher(), &StoreWatcher::problem);
    const QString path = m_window->store()->path();
    QFile other(m_dir->filePath(u"other.db"_s));
    QVERIFY(other.open(QIODevice::WriteOnly));
    QVERIFY(other.write("not a store") > 0);
    other.close();
    QVERIFY(QFile::remove(path));
    QVERIFY(QFile::rename(other.fileName(), path));
    QTRY_COMPARE(problems.count(), 1);
    QVERIFY2(problems.first().first().toString().contains(u"was replaced or removed"_s),
        qPrintable(problems.first().first().toString()));
    QVERIFY(problems.first().first().toString().contains(path));
    QTest::qWait(300); // fifteen more looks
    QCOMPARE(problems.count(), 1);

    QVERIFY(QFile::remove(path));
    QTest::qWait(300);
    QCOMPARE(problems.count(), 1);
}

void TestStoreWatcher::damagedStoreKeepsWhatTheWindowShows()
{
    QVERIFY(m_cli->services().fleet.nodes->add(machine(u"n1"_s, u"web-1"_s)));
    m_cli->persister()->flush();
    QTRY_VERIFY(m_window->services().fleet.nodes->find(u"n1"_s));
    settle(*m_window);
    m_cli.reset(); // its connections go, as a command's do when it ends

    QSignalSpy problems(m_window->storeWatcher(), &StoreWatcher::problem);
    QSignalSpy looked(m_window->storeWatcher(), &StoreWatcher::changed);
    // Overwritten in place (same file), as a disk fault or a careless copy would.
    {
        QFile file(m_window->store()->path());
        QVERIFY(file.open(QIODevice::ReadWrite));
        const QByteArray garbage(file.size(), 'x');
        QVERIFY(file.write(garbage) == garbage.size());
    }
    QTRY_VERIFY(looked.count() >= 1); // the file changed: the window reads it again
    QTest::qWait(400);
    QCOMPARE(looked.count(), 1); // once, not at every look
    QVERIFY(problems.count() <= 1);
    // What the window shows stays.
    QVERIFY(m_window->services().fleet.nodes->find(u"n1"_s));
}

void TestStoreWatcher::failedReloadsAreReportedOnce()
{
    QSignalSpy problems(m_window->storeWatcher(), &StoreWatcher::problem);
    const Result<void> broken = fail(u"store.corrupt"_s, u"Could not load the nodes from x: file is not a database."_s);
    for (int i = 0; i < 5; ++i)
        m_window->storeWatcher()->reportReload(broken);
    QCOMPARE(problems.count(), 1);
    QCOMPARE(problems.first().first().toString(), broken.error().message);
    // Healthy again, then broken again: worth saying again.
    m_window->storeWatcher()->reportReload({});
    m_window->storeWatcher()->reportReload(broken);
    QCOMPARE(problems.count(), 2);
}

RUNE_TEST_GUILESS_MAIN(TestStoreWatcher)
#include "tst_storewatcher.moc"
