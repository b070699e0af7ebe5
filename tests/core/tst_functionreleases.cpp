// SPDX-License-Identifier: GPL-3.0-or-later
// Versions and their lifecycle against real agents: deploy, change, roll back, block, retire.
#include "../common/functionfixture.h"
#include "../common/testmain.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;
using namespace rune;
using rune::test::FunctionFixture;

namespace
{

QJsonObject jsonBody(const InvokeResult &result)
{
    return QJsonDocument::fromJson(result.body).object();
}

FunctionState stateOf(const FunctionCatalog &catalog, const QString &id, int number)
{
    return catalog.version(id, number).value_or(FunctionVersion {}).state;
}

const QString changedHandler = u"def handle(event, context):\n    print('v2 here')\n    return {'message': 'v2'}\n"_s;

} // namespace

class TestFunctionReleases final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyTemplateRunsWithItsSampleEvents_data();
    void everyTemplateRunsWithItsSampleEvents();
    void deployMakesAVersionThatAnswersOnEveryNode();
    void changedCodeMakesANewVersionAndRollbackBringsTheOldBack();
    void blockAndUnblockActOnTheAgents();
    void retireFollowsTheStateMachine();
    void aNodeThatFailsIsReportedAndTheOthersCarryOn();
    void aDeployNoNodeTookLeavesNoVersion();
    void invalidConfigurationIsRefusedBeforeAnything();
    void reloadingFindsEverythingAgain();
};

void TestFunctionReleases::everyTemplateRunsWithItsSampleEvents_data()
{
    QTest::addColumn<QString>("templateId");
    QTest::addColumn<QString>("expected");
    QTest::newRow("python3") << u"python3"_s << u"Hello, Ada!"_s;
    QTest::newRow("node") << u"node"_s << u"\"item\":\"lamp\""_s;
    QTest::newRow("exec") << u"exec"_s << u"\"words\": 9"_s; // runs only with its execute bit
}

void TestFunctionReleases::everyTemplateRunsWithItsSampleEvents()
{
    QFETCH(QString, templateId);
    QFETCH(QString, expected);
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = fx.create(u"t-"_s + templateId, templateId);
    DeployJob *job = fx.wait(fx.releases->deploy(id, {u"node-1"_s}));
    QVERIFY2(job && job->succeeded(), job ? qPrintable(job->summary()) : "no deploy");
    const SampleEvent event = rune::test::functionTemplate(templateId).events.first();
    InvokeRequest request;
    request.method = event.method;
    request.path = event.path;
    request.headers = event.headers;
    request.body = event.body.toUtf8();
    const auto result = fx.invoke(id, u"node-1"_s, 0, request);
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    QVERIFY2(result->status == 200 && QString::fromUtf8(result->body).contains(expected),
        qPrintable(QString::number(result->status) + u' ' + QString::fromUtf8(result->body)));
}

void TestFunctionReleases::deployMakesAVersionThatAnswersOnEveryNode()
{
    FunctionFixture fx(2);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    QVERIFY(!id.isEmpty());
    QSignalSpy progress(fx.releases.get(), &FunctionReleases::deployStarted);
    DeployJob *job = fx.wait(fx.releases->deploy(id, {u"node-1"_s, u"node-2"_s}));
    QVERIFY(job);
    QVERIFY2(job->succeeded(), qPrintable(job->summary()));
    QCOMPARE(progress.size(), 1);
    QCOMPARE(job->version(), 1);
    QVERIFY(job->createsVersion());
    QCOMPARE(job->results().size(), 2);
    QVERIFY2(job->summary().contains(u"node-1 and node-2"_s), qPrintable(job->summary()));

    QCOMPARE(fx.catalog.find(id)->currentVersion, 1);
    QCOMPARE(stateOf(fx.catalog, id, 1), FunctionState::Latest);
    QCOMPARE(fx.catalog.nodesOf(id, 1), QStringList({u"node-1"_s, u"node-2"_s}));
    QVERIFY(isCodeDigest(fx.catalog.version(id, 1)->codeDigest));

    for (const QString &node : {u"node-1"_s, u"node-2"_s}) {
        InvokeRequest request;
        request.body = R"({"name": "Ada"})";
        request.headers = {{u"Content-Type"_s, u"application/json"_s}};
        const auto result = fx.invoke(id, node, 0, request);
        QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
        QCOMPARE(result->status, 200);
        QCOMPARE(jsonBody(*result).value(u"message"_s).toString(), u"Hello, Ada!"_s);
        QCOMPARE(result->nodeId, node);
        QVERIFY(!result->requestId.isEmpty());
        QCOMPARE(jsonBody(*result).value(u"request_id"_s).toString(), result->requestId);
    }
    // Deploying unchanged code makes no version.
    DeployJob *again = fx.wait(fx.releases->deploy(id, {u"node-1"_s}));
    QVERIFY(again && again->succeeded());
    QVERIFY(!again->createsVersion());
    QCOMPARE(fx.catalog.versions(id).size(), 1);
}

void TestFunctionReleases::changedCodeMakesANewVersionAndRollbackBringsTheOldBack()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s}))->succeeded());
    QVERIFY(fx.saveFile(id, u"handler.py"_s, changedHandler));
    DeployJob *second = fx.wait(fx.releases->deploy(id, {u"node-1"_s}, u"say v2"_s));
    QVERIFY2(second->succeeded(), qPrintable(second->summary()));
    QCOMPARE(second->version(), 2);
    QCOMPARE(stateOf(fx.catalog, id, 1), FunctionState::Published);
    QCOMPARE(stateOf(fx.catalog, id, 2), FunctionState::Latest);
    QCOMPARE(fx.catalog.version(id, 2)->note, u"say v2"_s);
    QCOMPARE(jsonBody(*fx.invoke(id, u"node-1"_s)).value(u"message"_s).toString(), u"v2"_s);
    // The older version is still callable by its number.
    QCOMPARE(jsonBody(*fx.invoke(id, u"node-1"_s, 1)).value(u"message"_s).toString(), u"Hello, world!"_s);

    // Rolling back to the current version is refused with a reason.
    DeployJob *refused = fx.wait(fx.releases->rollback(id, 2));
    QVERIFY(!refused->succeeded());
    QVERIFY2(refused->summary().contains(u"already serves"_s), qPrintable(refused->summary()));

    DeployJob *rollback = fx.wait(fx.releases->rollback(id, 1));
    QVERIFY2(rollback->succeeded(), qPrintable(rollback->summary()));
    QCOMPARE(rollback->version(), 3);
    QCOMPARE(fx.catalog.version(id, 3)->note, u"Rollback to v1"_s);
    QCOMPARE(fx.catalog.version(id, 3)->codeDigest, fx.catalog.version(id, 1)->codeDigest);
    QCOMPARE(stateOf(fx.catalog, id, 2), FunctionState::Published);
    QCOMPARE(stateOf(fx.catalog, id, 3), FunctionState::Latest);
    QCOMPARE(jsonBody(*fx.invoke(id, u"node-1"_s)).value(u"message"_s).toString(), u"Hello, world!"_s);
    // The agent numbered it itself; the console knows which.
    QCOMPARE(fx.catalog.agentVersion(id, 3, u"node-1"_s), 3);
    // Rolling back onto identical code is refused: nothing would change.
    DeployJob *same = fx.wait(fx.releases->rollback(id, 1));
    QVERIFY(!same->succeeded());
    QVERIFY2(same->summary().contains(u"same code"_s), qPrintable(same->summary()));
    QCOMPARE(fx.catalog.versions(id).size(), 3);
}

void TestFunctionReleases::blockAndUnblockActOnTheAgents()
{
    FunctionFixture fx(2);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s, u"node-2"_s}))->succeeded());

    const auto blocked = fx.call<QString>([&](auto done) {
        fx.releases->setBlocked(id, true, &fx.context, done);
    });
    QVERIFY2(blocked.has_value(), blocked ? "" : qPrintable(blocked.error().message));
    QVERIFY2(blocked->contains(u"blocked on node-1 and node-2"_s), qPrintable(*blocked));
    QCOMPARE(stateOf(fx.catalog, id, 1), FunctionState::Blocked);
    QCOMPARE(fx.invoke(id, u"node-2"_s)->status, 423);

    // Blocking twice is refused by the state machine, with its reason.
    const auto twice = fx.call<QString>([&](auto done) {
        fx.releases->setBlocked(id, true, &fx.context, done);
    });
    QVERIFY(!twice);
    QCOMPARE(twice.error().code, u"function.transition_refused"_s);
    QVERIFY2(twice.error().message.contains(u"already BLOCKED"_s), qPrintable(twice.error().message));

    // A deploy while blocked stays blocked, as the agents keep it.
    QVERIFY(fx.saveFile(id, u"handler.py"_s, changedHandler));
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s, u"node-2"_s}))->succeeded());
    QCOMPARE(stateOf(fx.catalog, id, 1), FunctionState::Published);
    QCOMPARE(stateOf(fx.catalog, id, 2), FunctionState::Blocked);
    QCOMPARE(fx.invoke(id, u"node-1"_s)->status, 423);

    const auto unblocked = fx.call<QString>([&](auto done) {
        fx.releases->setBlocked(id, false, &fx.context, done);
    });
    QVERIFY2(unblocked.has_value(), unblocked ? "" : qPrintable(unblocked.error().message));
    QCOMPARE(stateOf(fx.catalog, id, 2), FunctionState::Latest);
    QCOMPARE(fx.invoke(id, u"node-1"_s)->status, 200);
}

void TestFunctionReleases::retireFollowsTheStateMachine()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s}))->succeeded());
    QVERIFY(fx.saveFile(id, u"handler.py"_s, changedHandler));
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s}))->succeeded());

    const auto retireServing = fx.call<void>([&](auto done) {
        fx.releases->retire(id, 2, &fx.context, done);
    });
    QVERIFY(!retireServing);
    QVERIFY2(retireServing.error().message.contains(u"roll back"_s), qPrintable(retireServing.error().message));

    QVERIFY(fx.call<void>([&](auto done) {
        fx.releases->retire(id, 1, &fx.context, done);
    }));
    QCOMPARE(stateOf(fx.catalog, id, 1), FunctionState::Retired);
    // The agent dropped its copy: callers naming the version directly get 404 there too.
    rune::test::HttpConnection direct(fx.agent(0).invokePort());
    QCOMPARE(direct.request("GET", "/function/hello@v1").status, 404);
    rune::test::HttpConnection serving(fx.agent(0).invokePort());
    QCOMPARE(serving.request("GET", "/function/hello@v2").status, 200);
    const auto again = fx.call<void>([&](auto done) {
        fx.releases->retire(id, 1, &fx.context, done);
    });
    QVERIFY(!again);
    QVERIFY2(again.error().message.contains(u"kept for history"_s), qPrintable(again.error().message));
    // The console does not call a retired version.
    const auto call = fx.invoke(id, u"node-1"_s, 1);
    QVERIFY(!call);
    QCOMPARE(call.error().code, u"function.retired"_s);
    // Its code can still come back, as a new version.
    DeployJob *back = fx.wait(fx.releases->rollback(id, 1));
    QVERIFY2(back->succeeded(), qPrintable(back->summary()));
    QCOMPARE(back->version(), 3);
    QCOMPARE(stateOf(fx.catalog, id, 1), FunctionState::Retired);
}

void TestFunctionReleases::aNodeThatFailsIsReportedAndTheOthersCarryOn()
{
    FunctionFixture fx(1);
    const QString dead = fx.addDeadNode(u"dead"_s);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    DeployJob *job = fx.releases->deploy(id, {u"node-1"_s, dead});
    QSignalSpy nodes(job, &DeployJob::nodeFinished);
    QVERIFY(fx.wait(job));
    QVERIFY(job->succeeded());
    QCOMPARE(nodes.size(), 2);
    QVERIFY2(job->summary().contains(u"node-1"_s) && job->summary().contains(u"Not deployed to dead (Cannot reach"_s),
        qPrintable(job->summary()));
    QCOMPARE(fx.catalog.nodesOf(id, 1), QStringList({u"node-1"_s}));
    const auto result = fx.invoke(id, dead);
    QVERIFY(!result);
    QCOMPARE(result.error().code, u"function.not_deployed"_s);
}

void TestFunctionReleases::aDeployNoNodeTookLeavesNoVersion()
{
    FunctionFixture fx(0);
    const QString dead = fx.addDeadNode(u"dead"_s);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    QSignalSpy versions(&fx.catalog, &FunctionCatalog::versionsChanged);
    DeployJob *job = fx.wait(fx.releases->deploy(id, {dead}));
    QVERIFY(job && !job->succeeded());
    QVERIFY2(job->summary().contains(u"was not deployed"_s), qPrintable(job->summary()));
    QVERIFY(versions.size() >= 2); // UPDATING shown, then withdrawn
    QVERIFY(fx.catalog.versions(id).isEmpty());
    QCOMPARE(fx.catalog.find(id)->currentVersion, 0);
    QVERIFY(!QFileInfo::exists(fx.workspace->buckets().versionDir(u"demo"_s, u"hello"_s, 1)));
    QVERIFY(fx.store->loadVersions(id)->isEmpty());
}

void TestFunctionReleases::invalidConfigurationIsRefusedBeforeAnything()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    FunctionConfig config = fx.catalog.find(id)->config;
    config.memoryMiB = 100;
    const auto saved = fx.call<void>([&](auto done) {
        fx.workspace->saveConfig(id, config, &fx.context, done);
    });
    QVERIFY(!saved);
    QVERIFY2(saved.error().message.contains(u"memory_mib must be a multiple of 64 (got 100)"_s),
        qPrintable(saved.error().message));
    config.memoryMiB = 192;
    QVERIFY(fx.call<void>([&](auto done) {
        fx.workspace->saveConfig(id, config, &fx.context, done);
    }));
    QCOMPARE(fx.catalog.find(id)->config.memoryMiB, 192);
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s}))->succeeded());
    // A configuration change alone is a new version too: the agents get it as one.
    config.timeoutSeconds = 5;
    QVERIFY(fx.call<void>([&](auto done) {
        fx.workspace->saveConfig(id, config, &fx.context, done);
    }));
    DeployJob *job = fx.wait(fx.releases->deploy(id, {u"node-1"_s}));
    QVERIFY(job->createsVersion());
    QCOMPARE(job->version(), 2);
}

void TestFunctionReleases::reloadingFindsEverythingAgain()
{
    FunctionFixture fx(1);
    QVERIFY(fx.load());
    const QString id = fx.create(u"hello"_s);
    QVERIFY(fx.wait(fx.releases->deploy(id, {u"node-1"_s}))->succeeded());
    FunctionCatalog reloaded;
    FunctionWorkspace workspace(fx.store.get(), fx.workspace->buckets(), &reloaded);
    bool done = false;
    workspace.load(&fx.context, [&](Result<void>) {
        done = true;
    });
    QTRY_VERIFY(done);
    QCOMPARE(reloaded.functions(), fx.catalog.functions());
    QCOMPARE(reloaded.versions(id), fx.catalog.versions(id));
    QCOMPARE(reloaded.deployments(id), fx.catalog.deployments(id));
    QCOMPARE(reloaded.files(id), QStringList({u"handler.py"_s}));
}

RUNE_TEST_GUILESS_MAIN(TestFunctionReleases)
#include "tst_functionreleases.moc"
