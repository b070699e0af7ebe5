// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "cluster/nodelist.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace rune;

class TestNodeList final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addAnnouncesTheRow();
    void duplicateOrEmptyIdsAreRefused();
    void updateAnnouncesOnlyRealChanges();
    void removeAnnouncesTheRow();
    void addressShowsUserHostAndPort_data();
    void addressShowsUserHostAndPort();
    void roleNamesRoundTrip();
    void nodeNameOrIdFallsBackToTheId();
};

static Node makeNode(const QString &id, const QString &name)
{
    Node node;
    node.id = id;
    node.name = name;
    node.ssh = {u"10.0.0.5"_s, 22, u"admin"_s, {}};
    return node;
}

void TestNodeList::addAnnouncesTheRow()
{
    NodeList list;
    QSignalSpy before(&list, &NodeList::nodeAboutToBeAdded);
    QSignalSpy after(&list, &NodeList::nodeAdded);
    QVERIFY(list.add(makeNode(u"a"_s, u"alpha"_s)));
    QVERIFY(list.add(makeNode(u"b"_s, u"beta"_s)));
    QCOMPARE(list.count(), 2);
    QCOMPARE(after.count(), 2);
    QCOMPARE(before.at(1).at(0).value<qsizetype>(), 1);
    QCOMPARE(list.indexOf(u"b"_s), 1);
    QCOMPARE(list.find(u"a"_s)->name, u"alpha"_s);
    QCOMPARE(list.find(u"zzz"_s), nullptr);
}

void TestNodeList::duplicateOrEmptyIdsAreRefused()
{
    NodeList list;
    QVERIFY(list.add(makeNode(u"a"_s, u"alpha"_s)));
    QVERIFY(!list.add(makeNode(u"a"_s, u"again"_s)));
    QVERIFY(!list.add(makeNode(QString(), u"nameless"_s)));
    QCOMPARE(list.count(), 1);
    QCOMPARE(list.at(0).name, u"alpha"_s);
}

void TestNodeList::updateAnnouncesOnlyRealChanges()
{
    NodeList list;
    list.add(makeNode(u"a"_s, u"alpha"_s));
    list.add(makeNode(u"b"_s, u"beta"_s));
    QSignalSpy changed(&list, &NodeList::nodeChanged);
    Node node = list.at(1);
    QVERIFY(list.update(node));
    QCOMPARE(changed.count(), 0);
    node.state = NodeState::Running;
    node.facts.cores = 8;
    QVERIFY(list.update(node));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<qsizetype>(), 1);
    QCOMPARE(list.at(1).facts.cores, 8);
    QVERIFY(!list.update(makeNode(u"missing"_s, u"ghost"_s)));
}

void TestNodeList::removeAnnouncesTheRow()
{
    NodeList list;
    list.add(makeNode(u"a"_s, u"alpha"_s));
    list.add(makeNode(u"b"_s, u"beta"_s));
    QSignalSpy removed(&list, &NodeList::nodeRemoved);
    QVERIFY(list.remove(u"a"_s));
    QVERIFY(!list.remove(u"a"_s));
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(0).value<qsizetype>(), 0);
    QCOMPARE(list.at(0).id, u"b"_s);
}

void TestNodeList::addressShowsUserHostAndPort_data()
{
    QTest::addColumn<Node>("node");
    QTest::addColumn<QString>("address");
    Node plain = makeNode(u"a"_s, u"a"_s);
    QTest::newRow("user@host:port") << plain << u"admin@10.0.0.5:22"_s;
    Node noUser = plain;
    noUser.ssh.user.clear();
    noUser.ssh.port = 2222;
    QTest::newRow("no user") << noUser << u"10.0.0.5:2222"_s;
    Node ipv6 = plain;
    ipv6.ssh.host = u"fd00::5"_s;
    QTest::newRow("ipv6 in brackets") << ipv6 << u"admin@[fd00::5]:22"_s;
    Node local = plain;
    local.agent.local = true;
    local.agent.controlPort = 7471;
    QTest::newRow("local agent") << local << u"127.0.0.1:7471"_s;
}

void TestNodeList::addressShowsUserHostAndPort()
{
    QFETCH(Node, node);
    QFETCH(QString, address);
    QCOMPARE(node.address(), address);
}

void TestNodeList::roleNamesRoundTrip()
{
    for (auto role : {NodeRole::Controller, NodeRole::Compute, NodeRole::Edge})
        QCOMPARE(nodeRoleFromName(nodeRoleName(role)), role);
    QCOMPARE(nodeRoleFromName(u"EDGE"), NodeRole::Edge);
    QVERIFY(!nodeRoleFromName(u"router"));
}

void TestNodeList::nodeNameOrIdFallsBackToTheId()
{
    NodeList list;
    QVERIFY(list.add(makeNode(u"n1"_s, u"compute-1"_s)));
    QCOMPARE(nodeNameOrId(&list, u"n1"_s), u"compute-1"_s);
    QCOMPARE(nodeNameOrId(&list, u"gone"_s), u"gone"_s); // a node removed since
    QCOMPARE(nodeNameOrId(nullptr, u"n1"_s), u"n1"_s);
}

RUNE_TEST_GUILESS_MAIN(TestNodeList)
#include "tst_nodelist.moc"
