// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarks/benchmarksession.h"

#include "agent/functionagents.h"
#include "benchmarks/benchmarkresults.h"
#include "benchprotocol.h"
#include "cluster/nodelist.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QJsonArray>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

/** Polls that fail in a row before a run is given up as lost (a tunnel may hiccup once). */
constexpr int maxPollFailures = 3;

QString hostPort(const QString &host, quint16 port)
{
    // An IPv6 address needs brackets before its port.
    const bool ipv6 = QHostAddress(host).protocol() == QAbstractSocket::IPv6Protocol;
    return (ipv6 ? u"[%1]:%2"_s : u"%1:%2"_s).arg(host).arg(port);
}

} // namespace

/** One node's part of the plan: its client and where it is in the list of tests. */
struct BenchmarkSession::Track {
    QString nodeId;
    quint64 generation = 0;
    std::unique_ptr<BenchmarkClient> client;
    int next = 0; ///< index into the plan's tests of the next one to start
    QString test; ///< the test going on
    QString runId;
    QHash<QString, QString> peers; ///< rtt: "host:port" measured -> node id
    int pollFailures = 0;
    bool ended = false;
};

BenchmarkSession::BenchmarkSession(FunctionAgents *agents, BenchmarkResults *results, QObject *parent)
    : QObject(parent)
    , m_agents(agents)
    , m_results(results)
{
}

BenchmarkSession::~BenchmarkSession() = default;

void BenchmarkSession::setPollInterval(std::chrono::milliseconds interval)
{
    m_pollInterval = interval;
}

QString BenchmarkSession::peerAddress(const Node &from, const Node &to)
{
    if (to.agent.local)
        return from.agent.local ? hostPort(u"127.0.0.1"_s, to.agent.invokePort) : QString();
    return hostPort(to.ssh.host, to.agent.invokePort);
}

bool BenchmarkSession::start(const BenchmarkPlan &plan)
{
    if (isRunning() || plan.nodeIds.isEmpty() || plan.tests.isEmpty())
        return false;
    ++m_generation;
    m_plan = plan;
    m_cancelling = false;
    m_records.clear();
    m_steps.clear();
    m_tracks.clear();
    for (const QString &nodeId : plan.nodeIds) {
        for (const QString &test : plan.tests) {
            Step step;
            step.nodeId = nodeId;
            step.test = test;
            m_steps.append(step);
        }
    }
    m_tracksRunning = int(plan.nodeIds.size());
    for (const QString &nodeId : plan.nodeIds) {
        auto track = std::make_shared<Track>();
        track->nodeId = nodeId;
        track->generation = m_generation;
        m_tracks.append(track);
    }
    // Resolved after start() returns: a demo node (or one gone from the fleet) answers at once,
    // and the caller sees every signal of the plan, finished() included, after start().
    for (const auto &track : std::as_const(m_tracks)) {
        QTimer::singleShot(0, this, [this, track] {
            if (track->generation != m_generation || track->ended)
                return;
            m_agents->resolve(track->nodeId, this, [this, track](Result<AgentAddress> address) {
                if (track->generation != m_generation || track->ended)
                    return;
                if (!address)
                    return failRemaining(track, address.error().message);
                track->client = std::make_unique<BenchmarkClient>(m_agents->network(), *address);
                runNext(track);
            });
        });
    }
    return true;
}

void BenchmarkSession::cancel()
{
    if (!isRunning())
        return;
    m_cancelling = true;
    for (const auto &track : std::as_const(m_tracks)) {
        if (track->ended)
            continue;
        cancelRemaining(track);
        // The run going on stops on its agent; its poll sees it cancelled and ends the track.
        if (!track->runId.isEmpty() && track->client) {
            track->client->cancel(track->runId, this, [this, track](Result<BenchmarkRun> run) {
                if (track->generation != m_generation || track->ended)
                    return;
                if (!run)
                    return failStep(track, tr("Could not cancel the run: %1").arg(run.error().message));
                if (run->finished())
                    settle(track, *run);
            });
        }
    }
}

bool BenchmarkSession::isRunning() const
{
    return m_tracksRunning > 0;
}

QList<BenchmarkSession::Step> BenchmarkSession::steps() const
{
    return m_steps;
}

BenchmarkSession::Step BenchmarkSession::step(const QString &nodeId, const QString &test) const
{
    for (const Step &step : m_steps) {
        if (step.nodeId == nodeId && step.test == test)
            return step;
    }
    return {};
}

QList<BenchmarkRecord> BenchmarkSession::records() const
{
    return m_records;
}

BenchmarkSession::Step &BenchmarkSession::stepOf(const QString &nodeId, const QString &test)
{
    for (Step &step : m_steps) {
        if (step.nodeId == nodeId && step.test == test)
            return step;
    }
    Q_UNREACHABLE();
}

void BenchmarkSession::changed(const Step &step)
{
    Q_EMIT stepChanged(step.nodeId, step.test);
}

QJsonObject BenchmarkSession::parametersFor(
    const QString &test, const QString &nodeId, QHash<QString, QString> *peers) const
{
    QJsonObject parameters = m_plan.parameters.value(test);
    if (test != QLatin1StringView(protocol::benchtests::rtt))
        return parameters;
    const NodeList *nodes = m_agents->nodes();
    const Node *from = nodes ? nodes->find(nodeId) : nullptr;
    QJsonArray list;
    for (const QString &otherId : m_plan.nodeIds) {
        const Node *to = nodes ? nodes->find(otherId) : nullptr;
        if (!from || !to || otherId == nodeId)
            continue;
        const QString address = peerAddress(*from, *to);
        if (address.isEmpty())
            continue;
        list.append(address);
        peers->insert(address, otherId);
    }
    parameters.insert(QLatin1StringView(protocol::benchparams::peers), list);
    return parameters;
}

void BenchmarkSession::runNext(const std::shared_ptr<Track> &track)
{
    track->runId.clear();
    track->pollFailures = 0;
    track->peers.clear();
    if (m_cancelling || track->next >= m_plan.tests.size()) {
        track->ended = true;
        return trackEnded();
    }
    track->test = m_plan.tests.at(track->next++);
    Step &step = stepOf(track->nodeId, track->test);
    step.state = StepState::Running;
    changed(step);
    const QJsonObject parameters = parametersFor(track->test, track->nodeId, &track->peers);
    track->client->start(track->test, parameters, this, [this, track](Result<BenchmarkRun> run) {
        if (track->generation != m_generation || track->ended)
            return;
        if (!run) {
            failStep(track, run.error().message);
            return runNext(track);
        }
        track->runId = run->id;
        stepOf(track->nodeId, track->test).runId = run->id;
        if (m_cancelling) {
            // Cancel pressed while the run was being asked for: stop it at once.
            track->client->cancel(run->id, this, [](Result<BenchmarkRun>) {});
        }
        if (run->finished())
            return settle(track, *run);
        QTimer::singleShot(m_pollInterval, this, [this, track] {
            poll(track);
        });
    });
}

void BenchmarkSession::poll(const std::shared_ptr<Track> &track)
{
    if (track->generation != m_generation || track->ended || track->runId.isEmpty())
        return;
    track->client->fetch(track->runId, this, [this, track](Result<BenchmarkRun> run) {
        if (track->generation != m_generation || track->ended || track->runId.isEmpty())
            return;
        if (!run) {
            if (++track->pollFailures < maxPollFailures) {
                QTimer::singleShot(m_pollInterval, this, [this, track] {
                    poll(track);
                });
                return;
            }
            failStep(track, tr("Lost the run %1: %2").arg(track->runId, run.error().message));
            return runNext(track);
        }
        track->pollFailures = 0;
        if (run->finished())
            return settle(track, *run);
        Step &step = stepOf(track->nodeId, track->test);
        step.progress = run->progress;
        changed(step);
        QTimer::singleShot(m_pollInterval, this, [this, track] {
            poll(track);
        });
    });
}

void BenchmarkSession::settle(const std::shared_ptr<Track> &track, const BenchmarkRun &run)
{
    if (track->runId.isEmpty())
        return; // settled already (a cancel's answer and a poll may both see the end)
    Step &step = stepOf(track->nodeId, track->test);
    switch (run.state) {
    case BenchmarkRun::State::Done: {
        step.state = StepState::Done;
        step.progress = 1;
        const QList<BenchmarkRecord> records =
            benchmarkRecords(track->nodeId, m_agents->nodeName(track->nodeId), run, track->peers);
        m_records += records;
        m_results->record(records);
        Q_EMIT measured(records);
        break;
    }
    case BenchmarkRun::State::Cancelled:
        step.state = StepState::Cancelled;
        break;
    case BenchmarkRun::State::Failed:
        step.state = StepState::Failed;
        step.error = run.error.isEmpty() ? tr("The agent gave up on the run without saying why.") : run.error;
        break;
    case BenchmarkRun::State::Running:
        return;
    }
    track->runId.clear();
    changed(step);
    runNext(track);
}

void BenchmarkSession::failStep(const std::shared_ptr<Track> &track, const QString &message)
{
    Step &step = stepOf(track->nodeId, track->test);
    step.state = StepState::Failed;
    step.error = message;
    track->runId.clear();
    changed(step);
}

void BenchmarkSession::failRemaining(const std::shared_ptr<Track> &track, const QString &message)
{
    for (Step &step : m_steps) {
        if (step.nodeId == track->nodeId && step.state == StepState::Waiting) {
            step.state = StepState::Failed;
            step.error = message;
            changed(step);
        }
    }
    track->ended = true;
    trackEnded();
}

void BenchmarkSession::cancelRemaining(const std::shared_ptr<Track> &track)
{
    for (Step &step : m_steps) {
        if (step.nodeId == track->nodeId && step.state == StepState::Waiting) {
            step.state = StepState::Cancelled;
            changed(step);
        }
    }
    // A node whose address is still being found has nothing running: it ends here.
    if (!track->client) {
        track->ended = true;
        trackEnded();
    }
}

void BenchmarkSession::trackEnded()
{
    if (--m_tracksRunning == 0)
        Q_EMIT finished();
}

} // namespace rune
