// SPDX-License-Identifier: GPL-3.0-or-later
// Provisioning and SSH exec timings against the namespaced test cluster (run by provision.sh).
#include "../cluster/testcluster.h"
#include "provision/nodeoperations.h"
#include "provision/nodesessions.h"
#include "ssh/libsshtransport.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace rune;
using namespace rune::test;

namespace
{

struct Bench {
    TestCluster &cluster;
    ScriptedPrompter prompter;
    NodeList nodes;
    QNetworkAccessManager network;
    ProvisionOptions options;
    std::unique_ptr<NodeSessions> sessions;

    explicit Bench(TestCluster &testCluster)
        : cluster(testCluster)
    {
        options.agentBinary = QStringLiteral(RUNE_AGENT_BINARY);
        options.installRoot = cluster.dir() + u"/nodes/%n"_s;
        options.agentUser = cluster.env(u"RUNE_TEST_PREFIX"_s) + u"%n"_s;
        sessions = std::make_unique<NodeSessions>([this](const SshTarget &target) {
            return std::make_unique<LibsshTransport>(target, cluster.options(), &prompter);
        });
        for (const QString &name : {u"controller"_s, u"compute1"_s, u"edge1"_s}) {
            Node node;
            node.id = node.name = name;
            node.ssh = SshEndpoint {cluster.address(name), 22, cluster.user(), cluster.key()};
            nodes.add(node);
        }
    }

    /** Milliseconds for @p action on @p ids, or -1 when any node failed. */
    double timed(const QStringList &ids, NodeAction action)
    {
        NodeOperations ops(&nodes, sessions.get(), &network, &prompter, options);
        bool failed = false;
        QObject::connect(
            &ops, &NodeOperations::nodeFinished, &ops, [&](const QString &id, NodeAction, const Result<void> &r) {
                if (!r) {
                    std::fprintf(stderr, "%s: %s\n", qPrintable(id), qPrintable(r.error().message));
                    failed = true;
                }
            });
        QElapsedTimer clock;
        clock.start();
        if (!ops.perform(ids, action))
            return -1;
        const bool done = QTest::qWaitFor(
            [&ops] {
                return ops.isIdle();
            },
            300000);
        return failed || !done ? -1 : double(clock.nsecsElapsed()) / 1e6;
    }
};

/**
 * exec waited for with an event loop that wakes on the answer: QTest::qWaitFor sleeps in 10 ms
 * steps, which would be all this measures.
 */
double timedExec(SshTransport &transport)
{
    QEventLoop loop;
    QObject context;
    bool ok = false;
    QElapsedTimer clock;
    clock.start();
    transport.exec(u"true"_s, {}, std::chrono::seconds(10), &context, [&](Result<ExecResult> result) {
        ok = result && result->exitStatus == 0;
        loop.quit();
    });
    loop.exec();
    return ok ? double(clock.nsecsElapsed()) / 1e6 : -1;
}

double minimum(const QList<double> &values)
{
    return values.isEmpty() ? -1 : *std::min_element(values.begin(), values.end());
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? -1 : values.at(values.size() / 2);
}

QString loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll()) : u"?\n"_s;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int requested = qEnvironmentVariableIntValue("RUNE_BENCH_ROUNDS");
    const int rounds = requested > 0 ? requested : 3;
    TestCluster cluster;
    if (!cluster.isUp()) {
        std::fprintf(stderr, "skipped: %s\n", qPrintable(cluster.error()));
        return 77;
    }
    cluster.trustAllHostKeys();
    Bench bench(cluster);
    const QStringList all {u"controller"_s, u"compute1"_s, u"edge1"_s};
    QList<double> one, three;
    for (int round = 0; round < rounds; ++round) {
        one << bench.timed({u"compute1"_s}, NodeAction::Provision);
        bench.timed({u"compute1"_s}, NodeAction::Terminate);
        three << bench.timed(all, NodeAction::Provision);
        bench.timed(all, NodeAction::Terminate);
    }

    // exec on the reused session vs. a new SSH connection (connect, key exchange, auth) per command.
    const SshTarget target = cluster.target(u"compute1"_s, cluster.user());
    LibsshTransport reused(target, cluster.options(), &bench.prompter);
    timedExec(reused); // connects
    QList<double> reusedTimes, freshTimes;
    for (int i = 0; i < 50; ++i)
        reusedTimes << timedExec(reused);
    for (int i = 0; i < 10; ++i) {
        QElapsedTimer clock;
        clock.start();
        LibsshTransport fresh(target, cluster.options(), &bench.prompter);
        timedExec(fresh);
        freshTimes << double(clock.nsecsElapsed()) / 1e6;
    }

    const double oneMs = median(one), threeMs = median(three);
    std::printf("agent binary: %.1f MiB, %d round(s), medians\n",
        double(QFileInfo(QStringLiteral(RUNE_AGENT_BINARY)).size()) / 1048576.0,
        rounds);
    std::printf("%-42s %10s   %s\n", "measure", "value", "target");
    std::printf("%-42s %8.0f ms\n", "provision 1 node", oneMs);
    std::printf(
        "%-42s %8.0f ms   ratio %.2f (target <= 1.5)\n", "provision 3 nodes in parallel", threeMs, threeMs / oneMs);
    std::printf("%-42s %8.2f ms   (target <= 5 ms; fastest %.2f ms)\n",
        "exec `true` on the reused session",
        median(reusedTimes),
        minimum(reusedTimes));
    std::printf("%-42s %8.2f ms   (fastest %.2f ms)\n",
        "exec `true` on a new connection each time",
        median(freshTimes),
        minimum(freshTimes));
    std::printf("load average while measuring: %s", qPrintable(loadAverage()));
    return oneMs > 0 && threeMs > 0 ? 0 : 1;
}
