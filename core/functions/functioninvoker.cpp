// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functioninvoker.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rune
{

FunctionInvoker::FunctionInvoker(FunctionCatalog *catalog, FunctionAgents *agents, QObject *parent)
    : QObject(parent)
    , m_catalog(catalog)
    , m_agents(agents)
{
}

QStringList FunctionInvoker::nodesFor(const QString &functionId) const
{
    const Function *function = m_catalog->find(functionId);
    return function ? m_catalog->nodesOf(functionId, function->currentVersion) : QStringList();
}

Result<InvokeRequest> FunctionInvoker::resolve(
    const QString &functionId, const QString &nodeId, int number, InvokeRequest request) const
{
    const Function *function = m_catalog->find(functionId);
    if (!function || function->currentVersion == 0)
        return fail(u"function.not_deployed"_s,
            tr("%1 has not been deployed yet: deploy it first.").arg(function ? function->name : functionId));
    if (number > 0) {
        const auto version = m_catalog->version(functionId, number);
        if (!version)
            return fail(u"function.not_found"_s, tr("%1 has no version v%2.").arg(function->name).arg(number));
        if (version->state == FunctionState::Retired)
            return fail(u"function.retired"_s,
                tr("v%1 of %2 is retired: it is kept for history only.").arg(number).arg(function->name));
        request.agentVersion = m_catalog->agentVersion(functionId, number, nodeId);
        if (request.agentVersion == 0)
            return fail(u"function.not_deployed"_s,
                tr("v%1 of %2 was never deployed to %3.").arg(number).arg(function->name, m_agents->nodeName(nodeId)));
    } else if (m_catalog->agentVersion(functionId, function->currentVersion, nodeId) == 0) {
        return fail(u"function.not_deployed"_s,
            tr("%1 v%2 does not run on %3; deploy it there first.")
                .arg(function->name)
                .arg(function->currentVersion)
                .arg(m_agents->nodeName(nodeId)));
    }
    request.function = function->name;
    return request;
}

void FunctionInvoker::invoke(const QString &functionId,
    const QString &nodeId,
    int number,
    InvokeRequest request,
    QObject *context,
    Callback<InvokeResult> done)
{
    auto resolved = resolve(functionId, nodeId, number, std::move(request));
    if (!resolved)
        return done(std::unexpected(resolved.error()));
    m_agents->withClient(nodeId, context, [this, functionId, request = *resolved, context, done](auto client) {
        if (!client)
            return done(std::unexpected(client.error()));
        (*client)->invoke(request, context, [this, functionId, done](Result<InvokeResult> result) {
            if (result)
                Q_EMIT invoked(functionId, *result);
            done(result);
        });
    });
}

void FunctionInvoker::invokeAsync(const QString &functionId,
    const QString &nodeId,
    int number,
    InvokeRequest request,
    QObject *context,
    Callback<QString> queued)
{
    auto resolved = resolve(functionId, nodeId, number, std::move(request));
    if (!resolved)
        return queued(std::unexpected(resolved.error()));
    m_agents->withClient(nodeId, context, [request = *resolved, context, queued](auto client) {
        if (!client)
            return queued(std::unexpected(client.error()));
        (*client)->submitAsync(request, context, queued);
    });
}

void FunctionInvoker::fetchAsyncCall(
    const QString &nodeId, const QString &requestId, QObject *context, Callback<AsyncCallState> done)
{
    m_agents->withClient(nodeId, context, [requestId, context, done](auto client) {
        if (!client)
            return done(std::unexpected(client.error()));
        (*client)->fetchAsyncCall(requestId, context, done);
    });
}

} // namespace rune
