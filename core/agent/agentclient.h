// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentmetrics.h"
#include "agent/agenttriggers.h"
#include "agent/boundedreply.h"
#include "cluster/node.h"
#include "util/result.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>
#include <chrono>
#include <functional>

class QNetworkAccessManager;

namespace rune
{

/** What `GET /v1/health` says. */
struct AgentHealth {
    QString status;
    QString version;
    QString role;
    qint64 uptimeSeconds = 0;
};

/** Parses a `/v1/health` body. */
Result<AgentHealth> parseAgentHealth(const QByteArray &body);
/** Parses a `/v1/info` body into host facts. */
Result<NodeFacts> parseAgentInfo(const QByteArray &body);
/** The Error an agent's non-2xx answer carries (`{"error":{"code","message"}}`), or a generic one. */
Error parseAgentError(int httpStatus, const QByteArray &body);

/**
 * The console's view of one agent's control API. Calls are asynchronous: the callback runs on
 * @p context's thread, and not at all if @p context is destroyed first.
 */
class AgentClient
{
public:
    virtual ~AgentClient() = default;

    template <typename T> using Callback = std::function<void(Result<T>)>;

    virtual void fetchHealth(QObject *context, Callback<AgentHealth> done) = 0;
    virtual void fetchInfo(QObject *context, Callback<NodeFacts> done) = 0;
    /** windowSeconds (1 to 60, or 0: the agent's default of 10) is what recent_latency covers. */
    virtual void fetchMetrics(QObject *context, int windowSeconds, Callback<AgentMetrics> done) = 0;
    virtual void fetchFunctions(QObject *context, Callback<QList<AgentFunction>> done) = 0;
    /** Events with a sequence number above @p afterSeq, at most @p limit of the newest. */
    virtual void fetchEvents(quint64 afterSeq, int limit, QObject *context, Callback<QList<AgentEvent>> done) = 0;
};

/**
 * AgentClient over HTTP to a base URL (a local agent, or the local end of an SSH tunnel). Every
 * answer is read within @p limits, so a node that floods, trickles or hangs costs one bounded
 * request and an Error, never a stuck poll.
 */
class HttpAgentClient final : public AgentClient
{
public:
    HttpAgentClient(QNetworkAccessManager *network, QUrl baseUrl, QString token, ReplyLimits limits = {});

    void fetchHealth(QObject *context, Callback<AgentHealth> done) override;
    void fetchInfo(QObject *context, Callback<NodeFacts> done) override;
    void fetchMetrics(QObject *context, int windowSeconds, Callback<AgentMetrics> done) override;
    void fetchFunctions(QObject *context, Callback<QList<AgentFunction>> done) override;
    void fetchEvents(quint64 afterSeq, int limit, QObject *context, Callback<QList<AgentEvent>> done) override;
    /** GET /v1/triggers: the node's MQTT broker and triggers, for the monitor's slower round. */
    void fetchTriggers(QObject *context, Callback<AgentTriggers> done);

    /** GET @p path (with @p query); the body of a 2xx answer, else the agent's error. */
    void get(const QString &path,
        QObject *context,
        Callback<QByteArray> done,
        const QUrlQuery &query = {},
        qint64 maxBytes = agentjson::maxAnswerBytes);

    QUrl baseUrl() const;
    QString token() const;

private:
    QPointer<QNetworkAccessManager> m_network;
    QUrl m_baseUrl;
    QString m_token;
    ReplyLimits m_limits;
};

} // namespace rune
