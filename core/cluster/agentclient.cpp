// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/agentclient.h"

#include "cluster/agentjson.h"
#include "cluster/agentprotocol.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

using agentjson::field;
using agentjson::parseObject;

Result<void> requireFields(const QJsonObject &object, std::initializer_list<const char *> names)
{
    QStringList missing;
    for (const char *name : names) {
        if (!object.contains(field(name)))
            missing << field(name);
    }
    if (missing.isEmpty())
        return {};
    return fail(u"agent.bad_response"_s,
        QCoreApplication::translate("rune", "The agent's answer lacks the field(s) %1; is it a different version?")
            .arg(missing.join(u", "_s)));
}

} // namespace

Result<AgentHealth> parseAgentHealth(const QByteArray &body)
{
    namespace h = protocol::health;
    auto object = parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    if (auto ok = requireFields(*object, {h::status, h::version, h::role}); !ok)
        return std::unexpected(ok.error());
    return AgentHealth {
        object->value(field(h::status)).toString(),
        object->value(field(h::version)).toString(),
        object->value(field(h::role)).toString(),
        object->value(field(h::uptimeSeconds)).toInteger(),
    };
}

Result<NodeFacts> parseAgentInfo(const QByteArray &body)
{
    namespace i = protocol::info;
    auto object = parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    if (auto ok = requireFields(*object, {i::hostname, i::os, i::arch, i::cores, i::memoryBytes}); !ok)
        return std::unexpected(ok.error());
    NodeFacts facts;
    facts.hostname = object->value(field(i::hostname)).toString();
    facts.os = object->value(field(i::os)).toString();
    facts.kernel = object->value(field(i::kernel)).toString();
    facts.arch = object->value(field(i::arch)).toString();
    facts.agentVersion = object->value(field(i::agentVersion)).toString();
    facts.cores = object->value(field(i::cores)).toInt();
    facts.memoryBytes = object->value(field(i::memoryBytes)).toInteger();
    facts.diskBytes = object->value(field(i::diskBytes)).toInteger();
    facts.diskFreeBytes = object->value(field(i::diskFreeBytes)).toInteger();
    return facts;
}

Error parseAgentError(int httpStatus, const QByteArray &body)
{
    namespace e = protocol::error;
    const auto object = parseObject(body);
    const auto error = object ? object->value(field(e::object)).toObject() : QJsonObject();
    if (error.contains(field(e::code))) {
        return Error {u"agent."_s + error.value(field(e::code)).toString(), error.value(field(e::message)).toString()};
    }
    return Error {u"agent.http_%1"_s.arg(httpStatus),
        QCoreApplication::translate("rune", "The agent answered HTTP %1 without an explanation.").arg(httpStatus)};
}

HttpAgentClient::HttpAgentClient(
    QNetworkAccessManager *network, QUrl baseUrl, QString token, std::chrono::milliseconds timeout)
    : m_network(network)
    , m_baseUrl(std::move(baseUrl))
    , m_token(std::move(token))
    , m_timeout(timeout)
{
}

QUrl HttpAgentClient::baseUrl() const
{
    return m_baseUrl;
}

QString HttpAgentClient::token() const
{
    return m_token;
}

void HttpAgentClient::get(const QString &path, QObject *context, Callback<QByteArray> done, const QUrlQuery &query)
{
    if (!m_network) {
        done(fail(u"agent.closed"_s, QCoreApplication::translate("rune", "The console is shutting down.")));
        return;
    }
    QUrl url = m_baseUrl;
    url.setPath(path);
    if (!query.isEmpty())
        url.setQuery(query);
    QNetworkRequest request(url);
    request.setTransferTimeout(int(m_timeout.count()));
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    QNetworkReply *reply = m_network->get(request);
    const QString where = m_baseUrl.authority();
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, where, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 0) {
            done(fail(u"agent.unreachable"_s,
                QCoreApplication::translate("rune", "Cannot reach the agent at %1: %2.")
                    .arg(where, reply->errorString())));
        } else if (status < 200 || status >= 300) {
            done(std::unexpected(parseAgentError(status, body)));
        } else {
            done(body);
        }
    });
}

void HttpAgentClient::fetchHealth(QObject *context, Callback<AgentHealth> done)
{
    get(field(protocol::paths::health), context, [done = std::move(done)](Result<QByteArray> body) {
        done(body ? parseAgentHealth(*body) : std::unexpected(body.error()));
    });
}

void HttpAgentClient::fetchInfo(QObject *context, Callback<NodeFacts> done)
{
    get(field(protocol::paths::info), context, [done = std::move(done)](Result<QByteArray> body) {
        done(body ? parseAgentInfo(*body) : std::unexpected(body.error()));
    });
}

void HttpAgentClient::fetchMetrics(QObject *context, int windowSeconds, Callback<AgentMetrics> done)
{
    QUrlQuery query;
    if (windowSeconds > 0)
        query.addQueryItem(u"window"_s, QString::number(std::clamp(windowSeconds, 1, 60)));
    get(
        field(protocol::paths::metrics),
        context,
        [done = std::move(done)](Result<QByteArray> body) {
            if (!body)
                return done(std::unexpected(body.error()));
            auto metrics = parseAgentMetrics(*body);
            if (metrics)
                metrics->receivedMs = QDateTime::currentMSecsSinceEpoch();
            done(std::move(metrics));
        },
        query);
}

void HttpAgentClient::fetchFunctions(QObject *context, Callback<QList<AgentFunction>> done)
{
    get(field(protocol::paths::functions), context, [done = std::move(done)](Result<QByteArray> body) {
        done(body ? parseAgentFunctions(*body) : std::unexpected(body.error()));
    });
}

void HttpAgentClient::fetchEvents(quint64 afterSeq, int limit, QObject *context, Callback<QList<AgentEvent>> done)
{
    QUrlQuery query;
    query.addQueryItem(field(protocol::events::sinceQuery), QString::number(afterSeq));
    query.addQueryItem(field(protocol::events::limitQuery), QString::number(limit));
    get(
        field(protocol::paths::events),
        context,
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? parseAgentEvents(*body) : std::unexpected(body.error()));
        },
        query);
}

} // namespace rune
