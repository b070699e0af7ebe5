// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The console's function services on real agents: a store and a bucket store in a temporary
// folder, a NodeList of demo-style nodes backed by TestAgents, and the catalog, workspace,
// releases and invoker wired as Console (shell/console.cpp) wires them.

#include "agent/functionagents.h"
#include "benchmarks/benchmarkresults.h"
#include "cluster/nodelist.h"
#include "demo/demoworkload.h"
#include "functions/functioncatalog.h"
#include "functions/functioninvoker.h"
#include "functions/functionreleases.h"
#include "functions/functiontemplate.h"
#include "functions/functionworkspace.h"
#include "metrics/fleetmetrics.h"
#include "remoteaccess.h"
#include "store/store.h"
#include "testagent.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <vector>

namespace rune::test
{

inline QString templatesDir()
{
    return QStringLiteral(RUNE_SOURCE_DIR) + QStringLiteral("/resources/templates");
}

inline QList<FunctionTemplate> functionTemplates()
{
    auto templates = loadFunctionTemplates(templatesDir());
    if (!templates)
        qFatal("templates: %s", qPrintable(templates.error().message));
    return *templates;
}

inline FunctionTemplate functionTemplate(const QString &id)
{
    for (const FunctionTemplate &t : functionTemplates()) {
        if (t.id == id)
            return t;
    }
    qFatal("no template %s", qPrintable(id));
}

class FunctionFixture
{
public:
    /** Starts @p agentCount agents, named node-1 ... node-N, each a Running compute node. */
    explicit FunctionFixture(int agentCount = 1)
        : catalog()
        , network()
        , remote(&nodes)
        , agents(&nodes, &network, AgentDirectory(&remote.access))
    {
        auto opened = Store::open(dir.filePath(QStringLiteral("rune.db")));
        if (!opened)
            qFatal("store: %s", qPrintable(opened.error().message));
        store = std::move(*opened);
        benchmarks = std::make_unique<BenchmarkResults>(store.get());
        workspace = std::make_unique<FunctionWorkspace>(
            store.get(), BucketStore(dir.filePath(QStringLiteral("buckets"))), &catalog);
        releases = std::make_unique<FunctionReleases>(workspace.get(), &agents);
        invoker = std::make_unique<FunctionInvoker>(&catalog, &agents);
        for (int i = 1; i <= agentCount; ++i)
            addAgent(QStringLiteral("node-%1").arg(i));
    }

    ~FunctionFixture()
    {
        // Services first: their threads may still write to the store.
        invoker.reset();
        releases.reset();
        workspace.reset();
        benchmarks.reset();
        // All agents at once: one that had a log follower waits a few seconds before it exits.
        for (const auto &agent : testAgents)
            agent->process().terminate();
        testAgents.clear();
    }

    /** Starts one more agent and adds its node. */
    QString addAgent(const QString &name)
    {
        testAgents.push_back(std::make_unique<TestAgent>(QStringList(), QStringLiteral("token-") + name));
        TestAgent &agent = *testAgents.back();
        if (agent.waitForPort() == 0)
            qFatal("agent %s did not start", qPrintable(name));
        Node node;
        node.id = name;
        node.name = name;
        node.role = NodeRole::Compute;
        node.state = NodeState::Running;
        node.agent = AgentEndpoint {agent.port(), agent.token(), true, agent.invokePort()};
        nodes.add(node);
        return node.id;
    }

    /** A node whose agent never answers: a closed loopback port. */
    QString addDeadNode(const QString &name)
    {
        Node node;
        node.id = name;
        node.name = name;
        node.state = NodeState::Running;
        node.agent = AgentEndpoint {closedPort(), QStringLiteral("none"), true, closedPort()};
        nodes.add(node);
        return node.id;
    }

    TestAgent &agent(int index)
    {
        return *testAgents.at(size_t(index));
    }

    /** Loads the (empty) store into the catalog; call before anything else. */
    bool load()
    {
        bool ok = false;
        bool done = false;
        workspace->load(&context, [&](Result<void> loaded) {
            ok = loaded.has_value();
            done = true;
        });
        return QTest::qWaitFor([&] {
            return done;
        }) && ok;
    }

    /** Creates @p name from a template and returns its id ("" on failure). */
    QString create(const QString &name, const QString &templateId = QStringLiteral("python3"))
    {
        QString id;
        bool done = false;
        workspace->createFunction(
            QStringLiteral("demo"), name, functionTemplate(templateId), &context, [&](Result<Function> made) {
                if (made)
                    id = made->id;
                else
                    qWarning() << made.error().message;
                done = true;
            });
        if (!QTest::qWaitFor([&] {
                return done;
            }))
            qWarning("creating %s timed out", qPrintable(name));
        return id;
    }

    /** Waits for @p job and returns it finished (nullptr if it never finished). */
    DeployJob *wait(DeployJob *job, int timeoutMs = 30000)
    {
        QPointer<DeployJob> guard(job);
        if (!QTest::qWaitFor(
                [&] {
                    return !guard || guard->isFinished();
                },
                timeoutMs))
            qWarning("the deploy did not finish in time");
        return guard && guard->isFinished() ? guard.data() : nullptr;
    }

    template <typename T, typename Call> Result<T> call(Call start)
    {
        std::optional<Result<T>> result;
        start([&](Result<T> r) {
            result = std::move(r);
        });
        if (!QTest::qWaitFor(
                [&] {
                    return result.has_value();
                },
                30000))
            qWarning("no answer in time");
        return result ? *result : Result<T>(fail(QStringLiteral("test.timeout"), QStringLiteral("no answer")));
    }

    Result<void> saveFile(const QString &id, const QString &path, const QString &text, bool executable = false)
    {
        return call<void>([&](auto done) {
            workspace->saveFile(id, CodeFile {path, text.toUtf8(), executable}, &context, done);
        });
    }

    Result<InvokeResult> invoke(const QString &id, const QString &nodeId, int number = 0, InvokeRequest request = {})
    {
        return call<InvokeResult>([&](auto done) {
            invoker->invoke(id, nodeId, number, request, &context, done);
        });
    }

    QTemporaryDir dir;
    NodeList nodes;
    FunctionCatalog catalog;
    QNetworkAccessManager network;
    RemoteAccess remote; ///< every node here is local: nothing is reached over SSH
    FunctionAgents agents;
    std::unique_ptr<Store> store;
    FleetMetrics metrics;
    std::unique_ptr<BenchmarkResults> benchmarks;
    std::unique_ptr<FunctionWorkspace> workspace;
    std::unique_ptr<FunctionReleases> releases;
    std::unique_ptr<FunctionInvoker> invoker;
    std::vector<std::unique_ptr<TestAgent>> testAgents;
    QObject context;
};

} // namespace rune::test
