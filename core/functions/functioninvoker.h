// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/functionagents.h"
#include "functions/functioncatalog.h"

#include <QObject>
#include <functional>

namespace rune
{

/**
 * Calls a function on one of the nodes that run it, by the console's version number: the
 * agent there may know the same code by another number (FunctionDeployment), so the call goes
 * to name@v<agent's number>. Retired versions are not called.
 */
class FunctionInvoker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionInvoker)

public:
    template <typename T> using Callback = std::function<void(Result<T>)>;

    FunctionInvoker(FunctionCatalog *catalog, FunctionAgents *agents, QObject *parent = nullptr);

    /** The nodes running the version that serves plain calls of @p functionId. */
    QStringList nodesFor(const QString &functionId) const;

    /**
     * Calls @p functionId on @p nodeId. @p number 0 calls the version serving plain calls;
     * another number calls that version. Fails with "function.not_deployed", "function.retired"
     * or the agent's error when no answer came; any HTTP answer is a result.
     */
    void invoke(const QString &functionId,
        const QString &nodeId,
        int number,
        InvokeRequest request,
        QObject *context,
        Callback<InvokeResult> done);

    /**
     * Sends the same call asynchronously (POST /async-function/<name> on the node's invoke port):
     * @p queued gets the agent's request id, or why the node refused the call (429 queue_full,
     * 507 queue_storage, ...) or could not be reached.
     */
    void invokeAsync(const QString &functionId,
        const QString &nodeId,
        int number,
        InvokeRequest request,
        QObject *context,
        Callback<QString> queued);
    /** Where the asynchronous call @p requestId stands on @p nodeId (GET /v1/results/<id>). */
    void fetchAsyncCall(
        const QString &nodeId, const QString &requestId, QObject *context, Callback<AsyncCallState> done);

Q_SIGNALS:
    /** Every answered call, for histories. */
    void invoked(const QString &functionId, const rune::InvokeResult &result);

private:
    /** @p request aimed at the agent's number for version @p number of @p functionId on @p nodeId. */
    Result<InvokeRequest> resolve(
        const QString &functionId, const QString &nodeId, int number, InvokeRequest request) const;

    FunctionCatalog *m_catalog;
    FunctionAgents *m_agents;
};

} // namespace rune
