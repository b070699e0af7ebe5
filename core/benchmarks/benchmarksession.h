// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "benchmarks/benchmarkclient.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <chrono>
#include <memory>

namespace rune
{

class BenchmarkResults;
class FunctionAgents;
struct Node;

/** What to measure: tests on nodes, with each test's parameters (protocol::benchparams). */
struct BenchmarkPlan {
    QStringList nodeIds;
    QStringList tests; ///< in the order each node runs them
    QHash<QString, QJsonObject> parameters; ///< by test; rtt's peers are filled in per node
};

/**
 * Runs a plan: one test at a time on each node (its agent runs one at a time), the nodes in
 * parallel, polling each run's progress. A finished run's figures go to BenchmarkResults. For
 * rtt each node measures every other node of the plan, so the figures form the full matrix.
 * cancel() stops everything: the runs going on are cancelled on their agents, the rest never
 * start. Lives on the UI thread; nothing in it blocks.
 */
class BenchmarkSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BenchmarkSession)

public:
    enum class StepState { Waiting, Running, Done, Cancelled, Failed };

    /** One test on one node. */
    struct Step {
        QString nodeId;
        QString test;
        StepState state = StepState::Waiting;
        double progress = 0; ///< 0..1
        QString runId;
        QString error; ///< Failed: why, in the agent's or the console's words
    };

    BenchmarkSession(FunctionAgents *agents, BenchmarkResults *results, QObject *parent = nullptr);
    ~BenchmarkSession() override;

    /** How often a run's progress is asked for (500 ms). */
    void setPollInterval(std::chrono::milliseconds interval);

    /** Starts @p plan; false (and nothing happens) while another plan runs or when it is empty. */
    bool start(const BenchmarkPlan &plan);
    /** Cancels every run going on and every step not started yet. */
    void cancel();
    bool isRunning() const;

    QList<Step> steps() const;
    /** The step of @p test on @p nodeId; a Waiting one with no node when there is none. */
    Step step(const QString &nodeId, const QString &test) const;
    /** The figures measured by the current (or last) plan. */
    QList<BenchmarkRecord> records() const;

    /**
     * Where node @p from reaches node @p to's invoke port ("host:port"): the loopback for two
     * demo nodes, else @p to's SSH address; empty when @p from cannot reach it (a demo node seen
     * from a remote machine).
     */
    static QString peerAddress(const Node &from, const Node &to);

Q_SIGNALS:
    void stepChanged(const QString &nodeId, const QString &test);
    /** A run finished with figures (already handed to the results). */
    void measured(const QList<BenchmarkRecord> &records);
    /** Every step of the plan has ended. */
    void finished();

private:
    struct Track;

    void runNext(const std::shared_ptr<Track> &track);
    void poll(const std::shared_ptr<Track> &track);
    void settle(const std::shared_ptr<Track> &track, const BenchmarkRun &run);
    void failStep(const std::shared_ptr<Track> &track, const QString &message);
    void failRemaining(const std::shared_ptr<Track> &track, const QString &message);
    void cancelRemaining(const std::shared_ptr<Track> &track);
    void trackEnded();
    QJsonObject parametersFor(const QString &test, const QString &nodeId, QHash<QString, QString> *peers) const;
    Step &stepOf(const QString &nodeId, const QString &test);
    void changed(const Step &step);

    FunctionAgents *m_agents;
    BenchmarkResults *m_results;
    std::chrono::milliseconds m_pollInterval {500};
    BenchmarkPlan m_plan;
    QList<Step> m_steps;
    QList<std::shared_ptr<Track>> m_tracks;
    QList<BenchmarkRecord> m_records;
    int m_tracksRunning = 0;
    bool m_cancelling = false;
    quint64 m_generation = 0; ///< answers of an earlier plan are ignored
};

} // namespace rune
