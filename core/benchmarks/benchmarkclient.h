// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/functionagentclient.h"
#include "benchmarks/benchmarkrun.h"

#include <QJsonObject>
#include <QPointer>
#include <functional>

class QNetworkAccessManager;

namespace rune
{

struct ReplyLimits;

/**
 * The agent's benchmark API for one node (`/v1/bench/...`). Calls are asynchronous: the
 * callback runs on @p context's thread, not at all if @p context is destroyed first. An answer
 * other than 2xx is the agent's Error: "agent.busy" (409) names the run going on,
 * "agent.bad_request" (400) the parameter and its limit, as the agent says them.
 */
class BenchmarkClient
{
public:
    template <typename T> using Callback = std::function<void(Result<T>)>;

    BenchmarkClient(QNetworkAccessManager *network, AgentAddress address);

    const AgentAddress &address() const;

    /** POST /v1/bench/<test> with @p parameters (any of protocol::benchparams). */
    void start(const QString &test, const QJsonObject &parameters, QObject *context, Callback<BenchmarkRun> done);
    /** GET /v1/bench/runs/<id>. */
    void fetch(const QString &runId, QObject *context, Callback<BenchmarkRun> done);
    /** GET /v1/bench/runs: the running one and the recent finished ones, newest first. */
    void list(QObject *context, Callback<QList<BenchmarkRun>> done);
    /** DELETE /v1/bench/runs/<id>. */
    void cancel(const QString &runId, QObject *context, Callback<BenchmarkRun> done);

private:
    void send(const QByteArray &verb,
        const QString &path,
        const QByteArray &body,
        QObject *context,
        std::function<void(Result<QByteArray>)> done);

    QPointer<QNetworkAccessManager> m_network;
    AgentAddress m_address;
};

/**
 * The agent's error for an answer of HTTP @p status with @p body; a 409 "busy" names the run
 * going on ("run": its id, or the run itself) in its message when the agent's message does not.
 */
Error benchmarkError(int status, const QByteArray &body);

} // namespace rune
