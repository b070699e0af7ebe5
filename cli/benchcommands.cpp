// SPDX-License-Identifier: GPL-3.0-or-later
// rune bench run, rune bench show: the agents' built-in benchmarks, as the Benchmarks pane runs
// them (BenchmarkSession) and keeps their figures (BenchmarkResults, in the store).
#include "benchmarks/benchmarkresults.h"
#include "benchmarks/benchmarksession.h"
#include "benchprotocol.h"
#include "cluster/nodelist.h"
#include "commands.h"
#include "session.h"

#include <QCoreApplication>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

QStringList allBenchmarkTests()
{
    namespace t = protocol::benchtests;
    return {QLatin1StringView(t::cpu),
        QLatin1StringView(t::memory),
        QLatin1StringView(t::fileio),
        QLatin1StringView(t::db),
        QLatin1StringView(t::rtt)};
}

QString stepStateName(BenchmarkSession::StepState state)
{
    switch (state) {
    case BenchmarkSession::StepState::Waiting:
        return u"waiting"_s;
    case BenchmarkSession::StepState::Running:
        return u"running"_s;
    case BenchmarkSession::StepState::Done:
        return u"done"_s;
    case BenchmarkSession::StepState::Cancelled:
        return u"cancelled"_s;
    case BenchmarkSession::StepState::Failed:
        return u"failed"_s;
    }
    return {};
}

QJsonObject recordJson(const BenchmarkRecord &record)
{
    QJsonObject json {{u"node_id"_s, record.nodeId},
        {u"node"_s, record.nodeName},
        {u"test"_s, record.test},
        {u"metric"_s, record.metric},
        {u"value"_s, record.value},
        {u"unit"_s, record.unit},
        {u"started"_s, record.started.toString(Qt::ISODate)},
        {u"duration_ms"_s, record.durationMs},
        {u"agent_version"_s, record.agentVersion}};
    if (!record.peer.isEmpty()) {
        json.insert(u"peer"_s, record.peer);
        json.insert(u"peer_node_id"_s, record.peerNodeId);
    }
    return json;
}

QJsonArray recordsJson(const QList<BenchmarkRecord> &records)
{
    QJsonArray array;
    for (const BenchmarkRecord &record : records)
        array.append(recordJson(record));
    return array;
}

QString recordsTable(const QList<BenchmarkRecord> &records)
{
    QList<QStringList> rows {{u"NODE"_s, u"TEST"_s, u"METRIC"_s, u"VALUE"_s, u"UNIT"_s, u"PEER"_s, u"STARTED"_s}};
    for (const BenchmarkRecord &record : records) {
        rows.append({record.nodeName,
            record.test,
            record.metric,
            QString::number(record.value, 'f', 2),
            record.unit,
            record.peer.isEmpty() ? u"-"_s : record.peer,
            record.started.toString(Qt::ISODate)});
    }
    return textTable(rows);
}

/** --nodes as node ids, or every running node; nullopt after reporting an unknown one. */
std::optional<QStringList> planNodes(Session &session, const NodeList &nodes)
{
    const QStringList named = session.invocation().options.value(u"nodes"_s).split(u',', Qt::SkipEmptyParts);
    QStringList ids;
    for (const QString &text : named) {
        const Node *node = findNode(nodes, text.trimmed());
        if (!node) {
            session.fail(Outcome::NotFound, tr("No node %1; see rune node list").arg(text));
            return std::nullopt;
        }
        if (!ids.contains(node->id))
            ids.append(node->id);
    }
    if (named.isEmpty()) {
        for (const Node &node : nodes.nodes()) {
            if (node.state == NodeState::Running)
                ids.append(node.id);
        }
    }
    return ids;
}

/** --tests, checked against the protocol's tests; nullopt after reporting. */
std::optional<QStringList> planTests(Session &session)
{
    const QString text = session.invocation().options.value(u"tests"_s);
    const QStringList named = text.split(u',', Qt::SkipEmptyParts);
    if (session.invocation().isSet(u"tests"_s) && named.isEmpty()) {
        session.fail(Outcome::Usage, tr("--tests needs at least one test (%1)").arg(allBenchmarkTests().join(u", "_s)));
        return std::nullopt;
    }
    QStringList tests;
    for (const QString &test : allBenchmarkTests()) {
        if (named.isEmpty() || named.contains(test))
            tests.append(test);
    }
    for (const QString &test : named) {
        if (!allBenchmarkTests().contains(test)) {
            session.fail(
                Outcome::Usage, tr("unknown test '%1' (tests: %2)").arg(test, allBenchmarkTests().join(u", "_s)));
            return std::nullopt;
        }
    }
    return tests;
}

/** --seconds within the protocol's bounds; nullopt after reporting. */
std::optional<int> planSeconds(Session &session)
{
    namespace limits = protocol::benchlimits;
    const QString text = session.invocation().options.value(u"seconds"_s, QString::number(limits::defaultSeconds));
    bool ok = false;
    const int seconds = text.toInt(&ok);
    if (!ok || seconds < limits::minSeconds || seconds > limits::maxSeconds) {
        session.fail(Outcome::Usage,
            tr("--seconds takes a whole number from %1 to %2, not '%3'")
                .arg(limits::minSeconds)
                .arg(limits::maxSeconds)
                .arg(text));
        return std::nullopt;
    }
    return seconds;
}

std::optional<BenchmarkPlan> readPlan(Session &session, const NodeList &nodes)
{
    const auto ids = planNodes(session, nodes);
    if (!ids)
        return std::nullopt;
    const auto tests = planTests(session);
    if (!tests)
        return std::nullopt;
    const auto seconds = planSeconds(session);
    if (!seconds)
        return std::nullopt;
    if (ids->isEmpty()) {
        session.fail(Outcome::Refused, tr("No running node to measure; name nodes with --nodes"));
        return std::nullopt;
    }
    namespace p = protocol::benchparams;
    BenchmarkPlan plan {*ids, *tests, {}};
    const char *priority = session.invocation().isSet(u"normal-priority"_s) ? p::priorityNormal : p::priorityLow;
    for (const QString &test : std::as_const(plan.tests)) {
        plan.parameters.insert(test,
            QJsonObject {{QLatin1StringView(p::seconds), *seconds},
                {QLatin1StringView(p::priority), QLatin1StringView(priority)}});
    }
    return plan;
}

QJsonArray stepsJson(const BenchmarkSession &runner, const NodeList &nodes)
{
    QJsonArray steps;
    for (const BenchmarkSession::Step &step : runner.steps()) {
        const Node *node = nodes.find(step.nodeId);
        QJsonObject json {{u"node_id"_s, step.nodeId},
            {u"node"_s, node ? node->name : step.nodeId},
            {u"test"_s, step.test},
            {u"state"_s, stepStateName(step.state)}};
        if (!step.error.isEmpty())
            json.insert(u"error"_s, step.error);
        steps.append(json);
    }
    return steps;
}

/** Prints the plan's steps and figures once every step has ended; exit 1 when one did not finish. */
void reportRun(Session &session, const BenchmarkServices &services)
{
    // The figures are in the store before the command says they are (bench show reads them).
    services.results->flush();
    QStringList problems;
    for (const BenchmarkSession::Step &step : services.session->steps()) {
        if (step.state != BenchmarkSession::StepState::Done) {
            const Node *node = services.nodes->find(step.nodeId);
            problems.append(u"%1 %2: %3"_s.arg(node ? node->name : step.nodeId,
                step.test,
                step.error.isEmpty() ? stepStateName(step.state) : step.error));
        }
    }
    const QList<BenchmarkRecord> records = services.session->records();
    session.output().endProgress();
    session.output().result(
        QJsonObject {{u"steps"_s, stepsJson(*services.session, *services.nodes)}, {u"results"_s, recordsJson(records)}},
        records.isEmpty() ? QString() : recordsTable(records));
    if (problems.isEmpty())
        return session.finish(exitCode(Outcome::Ok));
    if (session.output().mode() == OutputMode::Text)
        session.output().error(Outcome::Failed, problems.join(u"\n"_s));
    session.finish(exitCode(Outcome::Failed));
}

} // namespace

const Node *findNode(const NodeList &nodes, const QString &text)
{
    if (const Node *node = nodes.find(text))
        return node;
    for (const Node &node : nodes.nodes()) {
        if (node.name == text)
            return nodes.find(node.id);
    }
    return nullptr;
}

void runBenchRun(Session &session)
{
    Console *console = session.console();
    if (!console)
        return;
    const BenchmarkServices &services = console->services().benchmarks;
    const auto plan = readPlan(session, *services.nodes);
    if (!plan)
        return;
    BenchmarkSession *runner = services.session;
    QObject::connect(runner,
        &BenchmarkSession::stepChanged,
        &session,
        [&session, runner, nodes = services.nodes](const QString &nodeId, const QString &test) {
            const BenchmarkSession::Step step = runner->step(nodeId, test);
            const Node *node = nodes->find(nodeId);
            session.output().progress(u"%1 %2: %3 %4%"_s.arg(node ? node->name : nodeId,
                test,
                stepStateName(step.state),
                QString::number(qRound(step.progress * 100))));
        });
    QObject::connect(runner, &BenchmarkSession::finished, &session, [&session, services] {
        reportRun(session, services);
    });
    session.onStopSignal([runner] {
        runner->cancel();
    });
    if (!runner->start(*plan))
        session.fail(Outcome::Failed, tr("The benchmarks could not start"));
}

void runBenchShow(Session &session)
{
    Console *console = session.console();
    if (!console)
        return;
    const BenchmarkServices &services = console->services().benchmarks;
    QString nodeId;
    if (session.invocation().isSet(u"node"_s)) {
        const QString text = session.invocation().options.value(u"node"_s);
        const Node *node = findNode(*services.nodes, text);
        if (!node)
            return session.fail(Outcome::NotFound, tr("No node %1; see rune node list").arg(text));
        nodeId = node->id;
    }
    const auto print = [&session](Result<QList<BenchmarkRecord>> records) {
        if (!records)
            return session.fail(Outcome::Failed, records.error().message);
        session.succeed(QJsonObject {{u"results"_s, recordsJson(*records)}},
            records->isEmpty() ? tr("No benchmark results yet; run: rune bench run") : recordsTable(*records));
    };
    if (session.invocation().isSet(u"history"_s) && nodeId.isEmpty())
        services.results->all(&session, print);
    else if (session.invocation().isSet(u"history"_s))
        services.results->history(nodeId, &session, print);
    else
        services.results->latest(nodeId, &session, print);
}

} // namespace rune::cli
