// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionagentclient.h"

#include "cluster/agentclient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::FunctionAgentClient", text);
}

constexpr int controlTimeoutMs = 10000;
constexpr int deployTimeoutMs = 120000;

Error unreachable(const QUrl &url, QNetworkReply *reply)
{
    return Error {
        u"agent.unreachable"_s, tr("Cannot reach the agent at %1: %2.").arg(url.authority(), reply->errorString())};
}

QString functionPath(const QString &name, const QString &suffix = {})
{
    return u"/v1/functions/"_s + QString::fromLatin1(QUrl::toPercentEncoding(name)) + suffix;
}

/** "/items?x=1" → path "/items" and query "x=1" under @p base + @p prefix. */
QUrl invokeUrl(const QUrl &base, const QString &prefix, const QString &path)
{
    QString rest = path.isEmpty() ? u"/"_s : path;
    if (!rest.startsWith(u'/') && !rest.startsWith(u'?'))
        rest.prepend(u'/');
    const qsizetype question = rest.indexOf(u'?');
    QUrl url = base;
    url.setPath(prefix + (question < 0 ? rest : rest.left(question)), QUrl::TolerantMode);
    if (question >= 0)
        url.setQuery(rest.mid(question + 1), QUrl::TolerantMode);
    return url;
}

} // namespace

QString InvokeResult::header(const QString &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

Result<AgentFunctionStatus> parseAgentFunction(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonObject object = QJsonDocument::fromJson(body, &parseError).object();
    if (parseError.error != QJsonParseError::NoError || !object.contains(u"name"_s)
        || !object.value(u"version"_s).isDouble())
        return fail(u"agent.bad_response"_s,
            tr("The agent's answer about a function is not what this console expects; is it a different version?"));
    AgentFunctionStatus status;
    status.name = object.value(u"name"_s).toString();
    status.version = object.value(u"version"_s).toInt();
    status.state = object.value(u"state"_s).toString();
    status.runtime = object.value(u"runtime"_s).toString();
    status.replicas = object.value(u"replicas"_s).toInt();
    status.replicasReady = object.value(u"replicas_ready"_s).toInt();
    status.inFlight = object.value(u"in_flight"_s).toInt();
    for (const QJsonValue &version : object.value(u"versions"_s).toArray())
        status.versions.append(version.toInt());
    return status;
}

HttpFunctionAgentClient::HttpFunctionAgentClient(QNetworkAccessManager *network, AgentAddress address)
    : m_network(network)
    , m_address(std::move(address))
{
}

AgentAddress HttpFunctionAgentClient::address() const
{
    return m_address;
}

void HttpFunctionAgentClient::send(const QByteArray &verb,
    const QString &path,
    const QByteArray &body,
    const QList<QPair<QByteArray, QByteArray>> &headers,
    int timeoutMs,
    QObject *context,
    Progress progress,
    Callback<QByteArray> done)
{
    if (!m_network) {
        done(fail(u"agent.closed"_s, tr("The console is shutting down.")));
        return;
    }
    QUrl url = m_address.controlUrl;
    url.setPath(path, QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    if (!m_address.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_address.token.toUtf8());
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, body);
    QObject::connect(context, &QObject::destroyed, reply, &QNetworkReply::abort);
    if (progress)
        QObject::connect(reply, &QNetworkReply::uploadProgress, context, progress);
    const QUrl base = m_address.controlUrl;
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, base, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray answer = reply->readAll();
        if (status == 0)
            done(std::unexpected(unreachable(base, reply)));
        else if (status < 200 || status >= 300)
            done(std::unexpected(parseAgentError(status, answer)));
        else
            done(answer);
    });
}

void HttpFunctionAgentClient::deploy(const QString &name,
    const QByteArray &archive,
    const QJsonObject &config,
    QObject *context,
    Progress progress,
    Callback<AgentFunctionStatus> done)
{
    const QList<QPair<QByteArray, QByteArray>> headers = {
        {"Content-Type", "application/gzip"},
        {"X-Rune-Config", QJsonDocument(config).toJson(QJsonDocument::Compact)},
    };
    send("PUT",
        functionPath(name),
        archive,
        headers,
        deployTimeoutMs,
        context,
        std::move(progress),
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? parseAgentFunction(*body) : std::unexpected(body.error()));
        });
}

void HttpFunctionAgentClient::fetchFunction(const QString &name, QObject *context, Callback<AgentFunctionStatus> done)
{
    send("GET",
        functionPath(name),
        {},
        {},
        controlTimeoutMs,
        context,
        {},
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? parseAgentFunction(*body) : std::unexpected(body.error()));
        });
}

void HttpFunctionAgentClient::removeFunction(const QString &name, QObject *context, Callback<void> done)
{
    send("DELETE",
        functionPath(name),
        {},
        {},
        controlTimeoutMs,
        context,
        {},
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? Result<void>() : std::unexpected(body.error()));
        });
}

void HttpFunctionAgentClient::removeVersion(
    const QString &name, int agentVersion, QObject *context, Callback<void> done)
{
    send("DELETE",
        functionPath(name, u"/versions/%1"_s.arg(agentVersion)),
        {},
        {},
        controlTimeoutMs,
        context,
        {},
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? Result<void>() : std::unexpected(body.error()));
        });
}

void HttpFunctionAgentClient::setBlocked(
    const QString &name, bool blocked, QObject *context, Callback<AgentFunctionStatus> done)
{
    send("POST",
        functionPath(name, blocked ? u":block"_s : u":unblock"_s),
        {},
        {},
        controlTimeoutMs,
        context,
        {},
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? parseAgentFunction(*body) : std::unexpected(body.error()));
        });
}

void HttpFunctionAgentClient::invoke(const InvokeRequest &call, QObject *context, Callback<InvokeResult> done)
{
    if (!m_network) {
        done(fail(u"agent.closed"_s, tr("The console is shutting down.")));
        return;
    }
    const QString target =
        call.function + (call.agentVersion > 0 ? u"@v"_s + QString::number(call.agentVersion) : QString());
    const bool direct = !m_address.invokeUrl.isEmpty();
    if (!direct && call.method.compare(u"POST"_s, Qt::CaseInsensitive) != 0) {
        done(fail(u"agent.invoke_port_unreachable"_s,
            tr("The invoke port of this node is not reachable from the console; only POST calls go through its control "
               "API.")));
        return;
    }
    const QUrl url = direct ? invokeUrl(m_address.invokeUrl, u"/function/"_s + target, call.path)
                            : invokeUrl(m_address.controlUrl, functionPath(target, u"/invoke"_s), {});
    QNetworkRequest request(url);
    request.setTransferTimeout(call.timeoutMs);
    const QString requestId =
        call.requestId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : call.requestId;
    bool hasAuthorization = false;
    for (const auto &[name, value] : call.headers) {
        request.setRawHeader(name.toUtf8(), value.toUtf8());
        hasAuthorization |= name.compare(u"Authorization"_s, Qt::CaseInsensitive) == 0;
    }
    if (!hasAuthorization && !m_address.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_address.token.toUtf8());
    request.setRawHeader("X-Request-Id", requestId.toUtf8());
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    const QDateTime at = QDateTime::currentDateTimeUtc();
    QNetworkReply *reply = m_network->sendCustomRequest(request, call.method.toUpper().toLatin1(), call.body);
    QObject::connect(context, &QObject::destroyed, reply, &QNetworkReply::abort);
    const QString nodeId = m_address.nodeId;
    QObject::connect(reply, &QNetworkReply::finished, context, [=, done = std::move(done)] {
        reply->deleteLater();
        InvokeResult result;
        result.nodeId = nodeId;
        result.requestId = requestId;
        result.at = at;
        result.latencyMs = timer->elapsed();
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (result.status == 0) {
            done(std::unexpected(unreachable(url, reply)));
            return;
        }
        result.reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            result.headers.append({QString::fromLatin1(name), QString::fromUtf8(value)});
        result.body = reply->readAll();
        if (const QString id = result.header(u"X-Request-Id"_s); !id.isEmpty())
            result.requestId = id;
        result.agentVersion = result.header(u"X-Rune-Version"_s).toInt();
        result.coldStart = result.header(u"X-Rune-Cold-Start"_s) == u"1"_s;
        done(result);
    });
}

FunctionAgentClientFactory httpFunctionAgentClients(QNetworkAccessManager *network)
{
    QPointer<QNetworkAccessManager> guarded(network);
    return [guarded](const AgentAddress &address) -> std::unique_ptr<FunctionAgentClient> {
        return std::make_unique<HttpFunctionAgentClient>(guarded.data(), address);
    };
}

} // namespace rune
