// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;
using namespace rune;

class TestSqliteStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyFileIsMigratedToTheCurrentSchema();
    void nodesRoundTrip();
    void functionsAndVersionsRoundTrip();
    void versionsAreImmutable();
    void removingAFunctionTakesItsVersions();
    void deploymentsFollowTheirVersion();
    void storeOpenedTwiceSeesBothWriters();
    void connectionsPerThread();
    void corruptFileIsReportedAndLeftAlone();
    void newerSchemaIsRefused();
    void directoryIsRefused();

private:
    static std::unique_ptr<Store> openOrDie(const QString &path);
};

namespace
{

Node sampleNode(const QString &id)
{
    Node node;
    node.id = id;
    node.name = u"compute-"_s + id;
    node.role = NodeRole::Compute;
    node.ssh = {u"198.51.100.4"_s, 2222, u"rune"_s, u"/home/admin/.ssh/id_ed25519"_s};
    node.agent = {7471, u"s3cret-token"_s, false};
    node.labels = {u"rack-1"_s, u"ssd"_s};
    node.hourlyPrice = u"0.085"_s;
    node.facts = {u"box"_s,
        u"Debian GNU/Linux 12"_s,
        u"6.1.0"_s,
        u"x86_64"_s,
        u"0.1.0"_s,
        16,
        64LL << 30,
        1LL << 40,
        1LL << 39,
        {},
        {}};
    node.state = NodeState::Rebooting;
    node.targetAction = NodeAction::Reboot;
    node.targetSince = QDateTime(QDate(2026, 11, 2), QTime(10, 30, 5), Qt::UTC);
    return node;
}

Function sampleFunction(const QString &id, const QString &name)
{
    Function function;
    function.id = id;
    function.project = u"traffic"_s;
    function.name = name;
    function.config.runtime = FunctionRuntime::Node;
    function.config.handler = u"index.onCrash"_s;
    function.config.memoryMiB = 256;
    function.config.triggers = {{TriggerType::Mqtt, u"cars/+/crash"_s}};
    function.config.env = {{u"REGION"_s, u"eu"_s}};
    function.currentVersion = 2;
    return function;
}

FunctionVersion sampleVersion(const QString &functionId, int number)
{
    FunctionVersion version;
    version.functionId = functionId;
    version.number = number;
    version.created = QDateTime(QDate(2026, 11, number), QTime(8, 0), Qt::UTC);
    version.codeDigest = codeDigestOf(QByteArray::number(number));
    version.state = FunctionState::Published;
    version.note = u"version %1"_s.arg(number);
    return version;
}

} // namespace

std::unique_ptr<Store> TestSqliteStore::openOrDie(const QString &path)
{
    auto store = Store::open(path);
    if (!store)
        qFatal("cannot open the store: %s", qPrintable(store.error().message));
    return std::move(*store);
}

void TestSqliteStore::emptyFileIsMigratedToTheCurrentSchema()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"sub/dir/rune.db"_s);
    {
        QFile empty(dir.filePath(u"empty.db"_s));
        QVERIFY(empty.open(QIODevice::WriteOnly));
    }
    for (const QString &file : {path, dir.filePath(u"empty.db"_s)}) {
        auto store = Store::open(file);
        QVERIFY2(store.has_value(), store ? "" : qPrintable(store.error().message));
        QVERIFY((*store)->loadNodes().value().isEmpty());
        QVERIFY((*store)->loadFunctions().value().isEmpty());
    }
    // WAL mode and a schema version are what make concurrent readers and later migrations work.
    {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"inspect"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery mode(u"PRAGMA journal_mode"_s, db);
        QVERIFY(mode.next());
        QCOMPARE(mode.value(0).toString(), u"wal"_s);
        QSqlQuery version(u"PRAGMA user_version"_s, db);
        QVERIFY(version.next());
        QVERIFY(version.value(0).toInt() >= 1);
    }
    QSqlDatabase::removeDatabase(u"inspect"_s);
}

void TestSqliteStore::nodesRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"rune.db"_s);
    Node plain = sampleNode(u"b"_s);
    plain.targetAction.reset();
    plain.targetSince = {};
    plain.labels.clear();
    {
        auto store = openOrDie(path);
        QVERIFY(store->saveNode(sampleNode(u"a"_s)).has_value());
        QVERIFY(store->saveNode(plain).has_value());
        Node renamed = sampleNode(u"a"_s);
        renamed.name = u"renamed"_s;
        QVERIFY(store->saveNode(renamed).has_value()); // replaces, keeps the order
    }
    auto store = openOrDie(path);
    const QList<Node> nodes = store->loadNodes().value();
    QCOMPARE(nodes.size(), 2);
    Node expected = sampleNode(u"a"_s);
    expected.name = u"renamed"_s;
    QCOMPARE(nodes.at(0), expected);
    QCOMPARE(nodes.at(1), plain);
    QVERIFY(store->removeNode(u"a"_s).has_value());
    QVERIFY(store->removeNode(u"never-there"_s).has_value());
    QCOMPARE(store->loadNodes().value(), QList<Node>({plain}));
}

void TestSqliteStore::functionsAndVersionsRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"rune.db"_s);
    {
        auto store = openOrDie(path);
        QVERIFY(store->saveFunction(sampleFunction(u"f2"_s, u"resize"_s)).has_value());
        QVERIFY(store->saveFunction(sampleFunction(u"f1"_s, u"alert"_s)).has_value());
        QVERIFY(store->addVersion(sampleVersion(u"f1"_s, 1)).has_value());
        QVERIFY(store->addVersion(sampleVersion(u"f1"_s, 2)).has_value());
        QVERIFY(store->setVersionState(u"f1"_s, 1, FunctionState::Retired).has_value());
    }
    auto store = openOrDie(path);
    const QList<Function> functions = store->loadFunctions().value();
    QCOMPARE(functions.size(), 2);
    QCOMPARE(functions.at(0), sampleFunction(u"f1"_s, u"alert"_s)); // ordered by name
    QCOMPARE(functions.at(1), sampleFunction(u"f2"_s, u"resize"_s));
    const QList<FunctionVersion> versions = store->loadVersions(u"f1"_s).value();
    FunctionVersion retired = sampleVersion(u"f1"_s, 1);
    retired.state = FunctionState::Retired;
    QCOMPARE(versions, QList<FunctionVersion>({retired, sampleVersion(u"f1"_s, 2)}));
    QVERIFY(store->loadVersions(u"f2"_s).value().isEmpty());
}

void TestSqliteStore::versionsAreImmutable()
{
    QTemporaryDir dir;
    auto store = openOrDie(dir.filePath(u"rune.db"_s));
    QVERIFY(store->saveFunction(sampleFunction(u"f1"_s, u"alert"_s)).has_value());
    QVERIFY(store->addVersion(sampleVersion(u"f1"_s, 1)).has_value());
    FunctionVersion again = sampleVersion(u"f1"_s, 1);
    again.note = u"rewritten history"_s;
    const auto duplicate = store->addVersion(again);
    QVERIFY(!duplicate);
    QCOMPARE(duplicate.error().code, u"store.duplicate"_s);
    QCOMPARE(store->loadVersions(u"f1"_s).value().front().note, u"version 1"_s);

    const auto orphan = store->addVersion(sampleVersion(u"no-such-function"_s, 1));
    QVERIFY(!orphan);
    QCOMPARE(orphan.error().code, u"store.not_found"_s);
    const auto missing = store->setVersionState(u"f1"_s, 9, FunctionState::Blocked);
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, u"store.not_found"_s);

    Function clash = sampleFunction(u"f9"_s, u"alert"_s); // same project and name, other id
    const auto duplicateName = store->saveFunction(clash);
    QVERIFY(!duplicateName);
    QCOMPARE(duplicateName.error().code, u"store.duplicate"_s);
    QVERIFY2(duplicateName.error().message.contains(u"alert"_s), qPrintable(duplicateName.error().message));
}

void TestSqliteStore::removingAFunctionTakesItsVersions()
{
    QTemporaryDir dir;
    auto store = openOrDie(dir.filePath(u"rune.db"_s));
    QVERIFY(store->saveFunction(sampleFunction(u"f1"_s, u"alert"_s)).has_value());
    QVERIFY(store->addVersion(sampleVersion(u"f1"_s, 1)).has_value());
    QVERIFY(store->removeFunction(u"f1"_s).has_value());
    QVERIFY(store->loadFunctions().value().isEmpty());
    QVERIFY(store->loadVersions(u"f1"_s).value().isEmpty());
    // A new function with the old id starts with no history.
    QVERIFY(store->saveFunction(sampleFunction(u"f1"_s, u"alert"_s)).has_value());
    QVERIFY(store->addVersion(sampleVersion(u"f1"_s, 1)).has_value());
}

void TestSqliteStore::deploymentsFollowTheirVersion()
{
    QTemporaryDir dir;
    auto store = openOrDie(dir.filePath(u"rune.db"_s));
    QVERIFY(store->saveFunction(sampleFunction(u"f1"_s, u"alert"_s)).has_value());
    QVERIFY(store->addVersion(sampleVersion(u"f1"_s, 1)).has_value());
    QVERIFY(store->addVersion(sampleVersion(u"f1"_s, 2)).has_value());
    const QDateTime at(QDate(2026, 11, 3), QTime(9, 0), Qt::UTC);
    const FunctionDeployment a {u"f1"_s, 1, u"edge-1"_s, 4, at};
    const FunctionDeployment b {u"f1"_s, 2, u"compute-1"_s, 2, at};
    QVERIFY(store->saveDeployment(b).has_value());
    QVERIFY(store->saveDeployment(a).has_value());
    QCOMPARE(store->loadDeployments(u"f1"_s).value(), QList<FunctionDeployment>({a, b}));
    // Deploying the same version to the same node again records the agent's new number.
    FunctionDeployment again = a;
    again.agentVersion = 5;
    QVERIFY(store->saveDeployment(again).has_value());
    QCOMPARE(store->loadDeployments(u"f1"_s).value().first().agentVersion, 5);
    const auto orphan = store->saveDeployment({u"f1"_s, 9, u"edge-1"_s, 1, at});
    QVERIFY(!orphan);
    QCOMPARE(orphan.error().code, u"store.not_found"_s);
    // A withdrawn version takes its rows along; versions that ran stay.
    QVERIFY(store->removeVersion(u"f1"_s, 1).has_value());
    QCOMPARE(store->loadVersions(u"f1"_s).value().size(), 1);
    QCOMPARE(store->loadDeployments(u"f1"_s).value(), QList<FunctionDeployment>({b}));
    QVERIFY(store->removeFunction(u"f1"_s).has_value());
    QVERIFY(store->loadDeployments(u"f1"_s).value().isEmpty());
}

void TestSqliteStore::storeOpenedTwiceSeesBothWriters()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"rune.db"_s);
    auto first = openOrDie(path);
    auto second = openOrDie(path);
    QVERIFY(first->saveNode(sampleNode(u"a"_s)).has_value());
    QVERIFY(second->saveNode(sampleNode(u"b"_s)).has_value());
    QCOMPARE(first->loadNodes().value().size(), 2);
    QCOMPARE(second->loadNodes().value().size(), 2);
}

void TestSqliteStore::connectionsPerThread()
{
    QTemporaryDir dir;
    auto store = openOrDie(dir.filePath(u"rune.db"_s));
    QList<QFuture<bool>> writers;
    for (int i = 0; i < 4; ++i) {
        writers.append(QtConcurrent::run([&store, i] {
            for (int j = 0; j < 10; ++j) {
                if (!store->saveNode(sampleNode(u"%1-%2"_s.arg(i).arg(j))).has_value())
                    return false;
            }
            return store->loadNodes().has_value();
        }));
    }
    for (QFuture<bool> &writer : writers)
        QVERIFY(writer.result());
    QCOMPARE(store->loadNodes().value().size(), 40);
}

void TestSqliteStore::corruptFileIsReportedAndLeftAlone()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"rune.db"_s);
    QByteArray garbage;
    for (int i = 0; i < 4096; ++i)
        garbage.append(char((i * 7919) % 251));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(garbage);
    }
    const auto store = Store::open(path);
    QVERIFY(!store);
    QCOMPARE(store.error().code, u"store.corrupt"_s);
    QVERIFY2(store.error().message.contains(path), qPrintable(store.error().message));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), garbage);
}

void TestSqliteStore::newerSchemaIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"rune.db"_s);
    openOrDie(path)->saveNode(sampleNode(u"a"_s)).value();
    {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"future"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery(u"PRAGMA user_version = 999"_s, db);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"future"_s);
    const auto store = Store::open(path);
    QVERIFY(!store);
    QCOMPARE(store.error().code, u"store.too_new"_s);
}

void TestSqliteStore::directoryIsRefused()
{
    QTemporaryDir dir;
    const auto store = Store::open(dir.path());
    QVERIFY(!store);
    QCOMPARE(store.error().code, u"store.open_failed"_s);
}

RUNE_TEST_GUILESS_MAIN(TestSqliteStore)
#include "tst_sqlitestore.moc"
