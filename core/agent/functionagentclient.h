// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentmetrics.h"
#include "agent/agenttriggers.h"
#include "util/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace rune
{

struct ReplyLimits;

/** The body of a deploy and its Content-Type. */
struct DeployBody {
    QByteArray contentType;
    QByteArray body;
};

/**
 * A deploy as the console sends it: multipart/form-data with the parts "config" (@p config as
 * JSON) and "archive", so a configuration of any size the agent accepts (up to 1 MiB) gets
 * there; a header would stop at the agent's header limit.
 */
DeployBody deployBody(const QByteArray &archive, const QJsonObject &config);

/**
 * How the console reaches one node's agent: its control API (directly for a demo node, else
 * the local end of an SSH tunnel) and, when reachable, its invoke port.
 */
struct AgentAddress {
    QString nodeId;
    QUrl controlUrl; ///< e.g. http://127.0.0.1:7470
    QUrl invokeUrl; ///< e.g. http://127.0.0.1:8080; empty: calls go through the control API (POST only)
    QString token; ///< the control token; also the invoke token unless the agent was given another

    bool operator==(const AgentAddress &) const = default;
};

/** A function as one agent reports it (`GET /v1/functions/<name>`). */
struct AgentFunctionStatus {
    QString name;
    int version = 0; ///< the agent's version serving plain calls
    QString state; ///< PUBLISHED, UPDATING or BLOCKED
    QString runtime;
    int replicas = 0;
    int replicasReady = 0;
    int inFlight = 0;
    QList<int> versions; ///< every version the agent keeps
    std::optional<StartFailure> startFailure; ///< set while its replicas cannot start

    bool operator==(const AgentFunctionStatus &) const = default;
};

/** Parses an agent's function object; fails with "agent.bad_response". */
Result<AgentFunctionStatus> parseAgentFunction(const QByteArray &body);

/** A trial of a function on one agent: its serving code at another memory size (the memory tuner). */
struct AgentTrial {
    QString id;
    QString function;
    int version = 0; ///< the agent's serving version whose code it runs
    int memoryMiB = 0;
};

/** Parses an agent's trial object; fails with "agent.bad_response". */
Result<AgentTrial> parseAgentTrial(const QByteArray &body);

/** One call of a function, as the invoke panel sends it. */
struct InvokeRequest {
    QString function;
    int agentVersion = 0; ///< 0: the version serving plain calls; else name@v<agentVersion>
    QString method = QStringLiteral("POST");
    QString path = QStringLiteral("/"); ///< after /function/<name>, with an optional ?query
    QList<QPair<QString, QString>> headers;
    QByteArray body;
    QString requestId; ///< sent as X-Request-Id; empty: one is made up
    int timeoutMs = 35000;
    QString trialId; ///< set: a POST to this trial of the function (createTrial) through the control API
};

/** What came back from a call: any HTTP status is an answer, not an error. */
struct InvokeResult {
    QString nodeId;
    QString requestId;
    int status = 0;
    QString reason;
    QList<QPair<QString, QString>> headers;
    QByteArray body;
    qint64 latencyMs = 0;
    int agentVersion = 0; ///< from X-Rune-Version
    bool coldStart = false; ///< X-Rune-Cold-Start: 1
    std::optional<qint64> agentDurationUs; ///< X-Rune-Duration-Us: the agent's time for a trial's call
    QDateTime at; ///< when it was sent, UTC
    bool asynchronous = false; ///< sent to /async-function: the status is the queued call's outcome

    /** The value of header @p name, ignoring case; empty when absent. */
    QString header(const QString &name) const;
};

/** An asynchronous call as GET /v1/results/<id> tells it (protocol::asynccall). */
struct AsyncCallState {
    QString requestId;
    QString status; ///< queued, running, succeeded, failed (a 4xx, not retried) or dead (every attempt failed)
    int attempts = 0;
    int resultStatus = 0; ///< once ended: the HTTP status the function (or the agent) answered
    QString resultError; ///< once ended without the function answering: the agent's error code
    QByteArray body; ///< once ended: the answer's body, decoded when the agent sent it as base64
    QString contentType;

    /** Succeeded, failed or dead: nothing will change any more. */
    bool ended() const;
};

/** Parses GET /v1/results/<id>'s answer; fails with "agent.bad_response". */
Result<AsyncCallState> parseAsyncCallState(const QByteArray &body);

/**
 * The agent's function API for one node. Calls are asynchronous: the callback runs on
 * @p context's thread, not at all if @p context is destroyed first, and destroying @p context
 * aborts the request. An answer other than 2xx is the agent's Error ("agent.<code>").
 */
class FunctionAgentClient
{
public:
    template <typename T> using Callback = std::function<void(Result<T>)>;
    using Progress = std::function<void(qint64 sent, qint64 total)>;

    virtual ~FunctionAgentClient() = default;

    virtual AgentAddress address() const = 0;

    /** PUT /v1/functions/<name>: the archive as the body, the configuration in X-Rune-Config. */
    virtual void deploy(const QString &name,
        const QByteArray &archive,
        const QJsonObject &config,
        QObject *context,
        Progress progress,
        Callback<AgentFunctionStatus> done) = 0;
    virtual void fetchFunction(const QString &name, QObject *context, Callback<AgentFunctionStatus> done) = 0;
    virtual void removeFunction(const QString &name, QObject *context, Callback<void> done) = 0;
    /** DELETE /v1/functions/<name>/versions/<agentVersion>: an older version, for good. */
    virtual void removeVersion(const QString &name, int agentVersion, QObject *context, Callback<void> done) = 0;
    /** POST /v1/functions/<name>:block or :unblock. */
    virtual void setBlocked(
        const QString &name, bool blocked, QObject *context, Callback<AgentFunctionStatus> done) = 0;
    /** Calls the function on the invoke port (or POST through the control API without one, or a trial). */
    virtual void invoke(const InvokeRequest &request, QObject *context, Callback<InvokeResult> done) = 0;
    /**
     * POST /async-function/<name>[/path] on the invoke port: the agent stores the call and answers
     * 202 with its request id at once. A refusal (429 queue_full, 507, 404) is the agent's Error.
     */
    virtual void submitAsync(const InvokeRequest &request, QObject *context, Callback<QString> done) = 0;
    /** GET /v1/results/<id>: where an asynchronous call stands; an unknown id is "agent.result_not_found". */
    virtual void fetchAsyncCall(const QString &requestId, QObject *context, Callback<AsyncCallState> done) = 0;
    /** POST /v1/functions/<name>/trials: the serving code at @p memoryMiB, reachable by trialId only. */
    virtual void createTrial(const QString &name, int memoryMiB, QObject *context, Callback<AgentTrial> done) = 0;
    /** DELETE /v1/functions/<name>/trials/<id>. */
    virtual void removeTrial(const QString &name, const QString &trialId, QObject *context, Callback<void> done) = 0;
    /** GET /v1/triggers: the node's broker connection and MQTT triggers. */
    virtual void fetchTriggers(QObject *context, Callback<AgentTriggers> done) = 0;
    /** PUT /v1/triggers/broker: the node connects to another broker without a restart. */
    virtual void setBroker(const BrokerSettings &broker, QObject *context, Callback<AgentTriggers> done) = 0;
    /** POST /v1/triggers/publish: the agent publishes and waits for the answer on message.awaitTopic. */
    virtual void publishTestMessage(
        const TestMessage &message, QObject *context, Callback<std::optional<BrokerMessage>> done) = 0;
};

/** FunctionAgentClient over HTTP with Qt's network access manager. */
class HttpFunctionAgentClient final : public FunctionAgentClient
{
public:
    HttpFunctionAgentClient(QNetworkAccessManager *network, AgentAddress address);

    AgentAddress address() const override;
    void deploy(const QString &name,
        const QByteArray &archive,
        const QJsonObject &config,
        QObject *context,
        Progress progress,
        Callback<AgentFunctionStatus> done) override;
    void fetchFunction(const QString &name, QObject *context, Callback<AgentFunctionStatus> done) override;
    void removeFunction(const QString &name, QObject *context, Callback<void> done) override;
    void removeVersion(const QString &name, int agentVersion, QObject *context, Callback<void> done) override;
    void setBlocked(const QString &name, bool blocked, QObject *context, Callback<AgentFunctionStatus> done) override;
    void invoke(const InvokeRequest &request, QObject *context, Callback<InvokeResult> done) override;
    void submitAsync(const InvokeRequest &request, QObject *context, Callback<QString> done) override;
    void fetchAsyncCall(const QString &requestId, QObject *context, Callback<AsyncCallState> done) override;
    void createTrial(const QString &name, int memoryMiB, QObject *context, Callback<AgentTrial> done) override;
    void removeTrial(const QString &name, const QString &trialId, QObject *context, Callback<void> done) override;
    void fetchTriggers(QObject *context, Callback<AgentTriggers> done) override;
    void setBroker(const BrokerSettings &broker, QObject *context, Callback<AgentTriggers> done) override;
    void publishTestMessage(
        const TestMessage &message, QObject *context, Callback<std::optional<BrokerMessage>> done) override;

private:
    void send(const QByteArray &verb,
        const QString &path,
        const QByteArray &body,
        const QList<QPair<QByteArray, QByteArray>> &headers,
        const ReplyLimits &limits,
        QObject *context,
        Progress progress,
        Callback<QByteArray> done);

    QPointer<QNetworkAccessManager> m_network;
    AgentAddress m_address;
};

/** Makes the client for one address; tests swap in one that injects faults. */
using FunctionAgentClientFactory = std::function<std::unique_ptr<FunctionAgentClient>(const AgentAddress &)>;

/** The factory of HttpFunctionAgentClient on @p network. */
FunctionAgentClientFactory httpFunctionAgentClients(QNetworkAccessManager *network);

} // namespace rune

Q_DECLARE_METATYPE(rune::AgentAddress)
Q_DECLARE_METATYPE(rune::InvokeResult)
