// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/agentclient.h"

#include "agent/agentjson.h"
#include "agent/boundedreply.h"
#include "protocol.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
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
using agentjson::FieldReader;

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::AgentClient", text);
}

// What each answer may weigh. The agent's health and facts are a few hundred bytes and a page of
// events a few dozen KiB; metrics and function lists grow with the functions (agentjson's cap).
constexpr qint64 maxFactsBytes = 256 * 1024;
constexpr qint64 maxEventsBytes = 2 * 1024 * 1024;

Result<void> requireFields(const FieldReader &object, std::initializer_list<const char *> names)
{
    QStringList missing;
    for (const char *name : names) {
        if (!object.contains(name))
            missing << field(name);
    }
    if (missing.isEmpty())
        return {};
    return fail(u"agent.bad_response"_s,
        tr("The agent's answer lacks the field(s) %1; is it a different version?").arg(missing.join(u", "_s)));
}

NodeIsolation parseIsolation(FieldReader &info)
{
    namespace i = protocol::isolation;
    FieldReader isolation(info.object(protocol::info::isolation), tr("the isolation"), info);
    return NodeIsolation {
        isolation.text(i::users),
        isolation.text(i::memory),
        isolation.text(i::processes),
        isolation.text(i::filesystem),
        isolation.texts(i::warnings),
    };
}

QList<NodeGpu> parseGpus(FieldReader &info)
{
    QList<NodeGpu> gpus;
    const QJsonArray list = info.list(protocol::info::gpus);
    for (qsizetype i = 0; i < list.size() && i < 1024; ++i) {
        if (!list.at(i).isObject()) {
            info.note(tr("a GPU of the host facts is not an object."));
            break;
        }
        FieldReader gpu(list.at(i).toObject(), tr("a GPU"), info);
        gpus.append(NodeGpu {gpu.smallCount(protocol::gpu::index),
            gpu.text(protocol::gpu::model),
            gpu.count(protocol::gpu::memoryBytes)});
    }
    return gpus;
}

} // namespace

Result<AgentHealth> parseAgentHealth(const QByteArray &body)
{
    namespace h = protocol::health;
    auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    FieldReader reader(*object, tr("the health answer"));
    if (auto ok = requireFields(reader, {h::status, h::version, h::role}); !ok)
        return std::unexpected(ok.error());
    AgentHealth health {
        reader.text(h::status),
        reader.text(h::version),
        reader.text(h::role),
        reader.count(h::uptimeSeconds),
    };
    if (const auto error = reader.error())
        return std::unexpected(*error);
    return health;
}

Result<NodeFacts> parseAgentInfo(const QByteArray &body)
{
    namespace i = protocol::info;
    auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    FieldReader reader(*object, tr("the host facts"));
    if (auto ok = requireFields(reader, {i::hostname, i::os, i::arch, i::cores, i::memoryBytes}); !ok)
        return std::unexpected(ok.error());
    NodeFacts facts;
    facts.hostname = reader.text(i::hostname);
    facts.os = reader.text(i::os);
    facts.kernel = reader.text(i::kernel);
    facts.arch = reader.text(i::arch);
    facts.agentVersion = reader.text(i::agentVersion);
    facts.cores = reader.smallCount(i::cores);
    facts.memoryBytes = reader.count(i::memoryBytes);
    facts.diskBytes = reader.count(i::diskBytes);
    facts.diskFreeBytes = reader.count(i::diskFreeBytes);
    facts.isolation = parseIsolation(reader);
    if (reader.contains(i::gpus))
        facts.gpus = parseGpus(reader);
    if (const auto error = reader.error())
        return std::unexpected(*error);
    return facts;
}

Error parseAgentError(int httpStatus, const QByteArray &body)
{
    namespace e = protocol::error;
    const auto object = agentjson::parseObject(body);
    FieldReader answer(object ? *object : QJsonObject(), tr("the error"));
    FieldReader error(answer.object(e::object), tr("the error"), answer);
    const QString code = error.text(e::code);
    const QString message = error.text(e::message);
    if (!code.isEmpty() && !answer.error())
        return Error {u"agent."_s + code, message};
    return Error {
        u"agent.http_%1"_s.arg(httpStatus), tr("The agent answered HTTP %1 without an explanation.").arg(httpStatus)};
}

HttpAgentClient::HttpAgentClient(QNetworkAccessManager *network, QUrl baseUrl, QString token, ReplyLimits limits)
    : m_network(network)
    , m_baseUrl(std::move(baseUrl))
    , m_token(std::move(token))
    , m_limits(limits)
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

void HttpAgentClient::get(
    const QString &path, QObject *context, Callback<QByteArray> done, const QUrlQuery &query, qint64 maxBytes)
{
    if (!m_network) {
        done(fail(u"agent.closed"_s, QCoreApplication::translate("rune", "The console is shutting down.")));
        return;
    }
    QUrl url = m_baseUrl;
    url.setPath(path);
    if (!query.isEmpty())
        url.setQuery(query);
    const QNetworkRequest request = agentRequest(url, m_token);
    ReplyLimits limits = m_limits;
    limits.maxBytes = std::min(limits.maxBytes, maxBytes);
    readBounded(m_network->get(request),
        limits,
        m_baseUrl.authority(),
        context,
        [done = std::move(done)](QNetworkReply *reply, Result<QByteArray> body) {
            done(controlAnswer(reply, std::move(body)));
        });
}

void HttpAgentClient::fetchHealth(QObject *context, Callback<AgentHealth> done)
{
    get(
        field(protocol::paths::health),
        context,
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? parseAgentHealth(*body) : std::unexpected(body.error()));
        },
        {},
        maxFactsBytes);
}

void HttpAgentClient::fetchInfo(QObject *context, Callback<NodeFacts> done)
{
    get(
        field(protocol::paths::info),
        context,
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? parseAgentInfo(*body) : std::unexpected(body.error()));
        },
        {},
        maxFactsBytes);
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
        query,
        maxEventsBytes);
}

void HttpAgentClient::fetchTriggers(QObject *context, Callback<AgentTriggers> done)
{
    get(field(protocol::paths::triggers), context, [done = std::move(done)](Result<QByteArray> body) {
        done(body ? parseAgentTriggers(*body) : std::unexpected(body.error()));
    });
}

} // namespace rune
