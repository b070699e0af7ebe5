// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/functionfixture.h"
#include "../common/functions.h"
#include "../common/testmain.h"

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::FunctionFixture;

class TestDemoWorkload final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deploysTheSamplesAndCallsThem();
    void waitsForItsNodesAndLeavesExistingSamplesAlone();
};

static QList<DemoSample> samples()
{
    return {{u"hello"_s, u"python3"_s, {u"node-1"_s, u"node-2"_s}}, {u"echo"_s, u"node"_s, {u"node-2"_s}}};
}

void TestDemoWorkload::deploysTheSamplesAndCallsThem()
{
    FunctionFixture fx(2);
    QVERIFY(fx.load());
    DemoWorkload demo(
        fx.workspace.get(), fx.releases.get(), fx.invoker.get(), &fx.nodes, rune::test::functionTemplates());
    demo.setSamples(samples());
    demo.setCallInterval(std::chrono::milliseconds(50));
    QSignalSpy deployed(&demo, &DemoWorkload::samplesDeployed);
    QSignalSpy problems(&demo, &DemoWorkload::problem);
    demo.start();
    QVERIFY(deployed.wait(30000));
    QCOMPARE(problems.size(), 0);
    const Function *hello = fx.catalog.find(u"demo"_s, u"hello"_s);
    const Function *echo = fx.catalog.find(u"demo"_s, u"echo"_s);
    QVERIFY(hello && echo);
    QCOMPARE(hello->config.runtime, FunctionRuntime::Python3);
    QCOMPARE(echo->config.runtime, FunctionRuntime::Node);
    QCOMPARE(fx.catalog.nodesOf(hello->id, 1), QStringList({u"node-1"_s, u"node-2"_s}));

    // The load reaches both functions on their nodes: the agents' logs fill.
    QTRY_VERIFY_WITH_TIMEOUT(demo.callCount() > 20, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(
        rune::test::controlGet(fx.agent(1), "/v1/logs?function=echo").body.contains("call"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        rune::test::controlGet(fx.agent(0), "/v1/logs?function=hello").body.contains("greeting Ada"), 10000);
    demo.stop();
    const int calls = demo.callCount();
    QTest::qWait(200);
    QCOMPARE(demo.callCount(), calls);
}

void TestDemoWorkload::waitsForItsNodesAndLeavesExistingSamplesAlone()
{
    FunctionFixture fx(2);
    Node second = *fx.nodes.find(u"node-2"_s);
    second.state = NodeState::Creating;
    fx.nodes.update(second);
    QVERIFY(fx.load());
    // The user already has hello, deployed and changed.
    const QString hello = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(hello, {u"node-1"_s}))->succeeded());

    DemoWorkload demo(
        fx.workspace.get(), fx.releases.get(), fx.invoker.get(), &fx.nodes, rune::test::functionTemplates());
    demo.setSamples(samples());
    demo.setCallInterval(std::chrono::milliseconds(0));
    QSignalSpy deployed(&demo, &DemoWorkload::samplesDeployed);
    demo.start();
    QTest::qWait(1500);
    QVERIFY(!fx.catalog.find(u"demo"_s, u"echo"_s)); // node-2 is not running yet
    second.state = NodeState::Running;
    fx.nodes.update(second);
    QVERIFY(deployed.wait(30000));
    QCOMPARE(fx.catalog.versions(hello).size(), 1);
    QCOMPARE(fx.catalog.nodesOf(hello, 1), QStringList({u"node-1"_s}));
    const Function *echo = fx.catalog.find(u"demo"_s, u"echo"_s);
    QVERIFY(echo);
    QCOMPARE(echo->currentVersion, 1);
    QCOMPARE(demo.callCount(), 0);
}

RUNE_TEST_GUILESS_MAIN(TestDemoWorkload)
#include "tst_demoworkload.moc"
