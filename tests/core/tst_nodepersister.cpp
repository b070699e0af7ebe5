// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "cluster/nodepersister.h"
#include "store/store.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestNodePersister final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void changesReachTheStoreAndSurviveARestart();
    void demoNodesAreNotKept();
    void removedNodesAreForgotten();

private:
    static QList<Node> reload(const QString &path);
};

static Node machine(const QString &id)
{
    Node node;
    node.id = id;
    node.name = id;
    node.role = NodeRole::Edge;
    node.ssh = {u"192.0.2.7"_s, 2201, u"ops"_s, u"/home/ops/.ssh/id_ed25519"_s};
    node.labels = {u"rack-3"_s};
    return node;
}

QList<Node> TestNodePersister::reload(const QString &path)
{
    auto store = Store::open(path);
    if (!store)
        qFatal("cannot reopen the store: %s", qPrintable(store.error().message));
    return (*store)->loadNodes().value_or(QList<Node>());
}

void TestNodePersister::changesReachTheStoreAndSurviveARestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"rune.db"_s);
    {
        auto store = Store::open(path);
        QVERIFY(store.has_value());
        NodeList nodes;
        NodePersister persister(&nodes, store->get());
        nodes.add(machine(u"edge-a"_s));
        Node changed = machine(u"edge-a"_s);
        changed.state = NodeState::Terminating;
        changed.targetAction = NodeAction::Terminate;
        changed.targetSince = QDateTime::currentDateTimeUtc();
        nodes.update(changed);
        persister.flush();
    }
    const QList<Node> saved = reload(path);
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().state, NodeState::Terminating);
    QCOMPARE(saved.first().targetAction, NodeAction::Terminate);
    QCOMPARE(saved.first().ssh.keyFile, u"/home/ops/.ssh/id_ed25519"_s);
}

void TestNodePersister::demoNodesAreNotKept()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"rune.db"_s);
    {
        auto store = Store::open(path);
        QVERIFY(store.has_value());
        NodeList nodes;
        NodePersister persister(&nodes, store->get());
        Node demo = machine(u"local-compute-1"_s);
        demo.agent.local = true;
        nodes.add(demo);
        persister.flush();
    }
    QVERIFY(reload(path).isEmpty());
}

void TestNodePersister::removedNodesAreForgotten()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"rune.db"_s);
    {
        auto store = Store::open(path);
        QVERIFY(store.has_value());
        NodeList nodes;
        NodePersister persister(&nodes, store->get());
        nodes.add(machine(u"a"_s));
        nodes.add(machine(u"b"_s));
        nodes.remove(u"a"_s);
        persister.flush();
    }
    const QList<Node> saved = reload(path);
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().id, u"b"_s);
}

RUNE_TEST_GUILESS_MAIN(TestNodePersister)
#include "tst_nodepersister.moc"
