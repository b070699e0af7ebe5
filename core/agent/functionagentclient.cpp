// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/functionagentclient.h"

#include "agent/agentclient.h"
#include "agent/agentjson.h"
#include "agent/boundedreply.h"
#include "protocol.h"

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

using namespace std::chrono_literals;

/** A control call: a function's state is a few KiB; the agent answers at once. */
const ReplyLimits controlLimits {agentjson::maxAnswerBytes, 10s, 30s};
/** A deploy sends up to the agent's 64 MiB archive limit, maybe over a slow SSH tunnel. */
const ReplyLimits deployLimits {agentjson::maxAnswerBytes, 120s, 15min};
/** The most of a function's answer the invoke panel keeps. */
constexpr qint64 maxInvokeAnswerBytes = 16 * 1024 * 1024;

/** A call may take the function's own timeout in silence; the whole exchange a little longer. */
ReplyLimits invokeLimits(int timeoutMs)
{
    const std::chrono::milliseconds silence(std::max(timeoutMs, 1000));
    return ReplyLimits {maxInvokeAnswerBytes, silence, 2 * silence + 10s};
}

QString functionPath(const QString &name, const QString &suffix = {})
{
    return QLatin1StringView(protocol::paths::functions) + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(name))
        + suffix;
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

/** Completes @p result with what @p reply answered (any HTTP status). */
InvokeResult invokeResult(InvokeResult result, QNetworkReply *reply, QByteArray body)
{
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        result.headers.append({QString::fromLatin1(name), QString::fromUtf8(value)});
    result.body = std::move(body);
    if (const QString id = result.header(u"X-Request-Id"_s); !id.isEmpty())
        result.requestId = id;
    result.agentVersion = result.header(u"X-Rune-Version"_s).toInt();
    result.coldStart = result.header(QLatin1StringView(protocol::trial::coldStartHeader)) == u"1"_s;
    bool isNumber = false;
    const qint64 durationUs = result.header(QLatin1StringView(protocol::trial::durationHeader)).toLongLong(&isNumber);
    if (isNumber && durationUs >= 0)
        result.agentDurationUs = durationUs;
    return result;
}

/** @p body as an agent's JSON object whose @p key holds text; @p missing says what came instead. */
Result<QJsonObject> objectNaming(const QByteArray &body, const char *key, const QString &missing)
{
    auto object = agentjson::parseObject(body);
    if (object && !object->value(agentjson::field(key)).isString())
        return std::unexpected(agentjson::notProtocol(missing));
    return object;
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

Result<AgentTrial> parseAgentTrial(const QByteArray &body)
{
    namespace f = protocol::trial;
    const auto object = objectNaming(body, f::id, tr("a trial without an id."));
    if (!object)
        return std::unexpected(object.error());
    agentjson::FieldReader reader(*object, tr("the trial"));
    AgentTrial trial;
    trial.id = reader.text(f::id);
    trial.function = reader.text(f::function);
    trial.version = reader.smallCount(f::version);
    trial.memoryMiB = reader.smallCount(f::memoryMiB);
    if (const auto error = reader.error())
        return std::unexpected(*error);
    return trial;
}

bool AsyncCallState::ended() const
{
    namespace f = protocol::asynccall;
    return status == QLatin1StringView(f::statusSucceeded) || status == QLatin1StringView(f::statusFailed)
        || status == QLatin1StringView(f::statusDead);
}

Result<AsyncCallState> parseAsyncCallState(const QByteArray &body)
{
    namespace f = protocol::asynccall;
    const auto object = objectNaming(body, f::status, tr("an asynchronous call without a status."));
    if (!object)
        return std::unexpected(object.error());
    agentjson::FieldReader reader(*object, tr("the asynchronous call"));
    AsyncCallState call;
    call.requestId = reader.text(f::requestId);
    call.status = reader.text(f::status);
    call.attempts = reader.smallCount(f::attempts);
    const QJsonObject result = reader.object(f::result);
    agentjson::FieldReader outcome(result, tr("the call's result"), reader);
    call.resultStatus = outcome.smallCount(f::resultStatus);
    call.resultError = outcome.text(f::resultError);
    call.contentType = outcome.text(f::resultContentType);
    const bool base64 = outcome.text(f::resultBodyEncoding) == QLatin1StringView(f::encodingBase64);
    // The whole body, not text() cut to a short length: the answer itself is bounded.
    const QJsonValue answer = result.value(agentjson::field(f::resultBody));
    if (!answer.isString() && !answer.isUndefined() && !answer.isNull())
        reader.note(tr("the call's body is %1, not text.").arg(agentjson::kindName(answer)));
    const QByteArray text = answer.toString().toUtf8();
    call.body = base64 ? QByteArray::fromBase64(text) : text;
    if (const auto error = reader.error())
        return std::unexpected(*error);
    return call;
}

Result<AgentFunctionStatus> parseAgentFunction(const QByteArray &body)
{
    namespace f = protocol::functions;
    const auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    agentjson::FieldReader reader(*object, tr("the function"));
    if (!object->value(agentjson::field(f::name)).isString() || !object->value(agentjson::field(f::version)).isDouble())
        return std::unexpected(agentjson::notProtocol(tr("a function without a name or version.")));
    AgentFunctionStatus status;
    status.name = reader.text(f::name);
    status.version = reader.smallCount(f::version);
    status.state = reader.text(f::state);
    status.runtime = reader.text(f::runtime);
    status.replicas = reader.smallCount(f::replicas);
    status.replicasReady = reader.smallCount(f::replicasReady);
    status.inFlight = reader.smallCount(f::inFlight);
    status.startFailure = parseStartFailure(reader);
    const QJsonArray versions = reader.list(f::versions);
    for (const QJsonValue &version : versions) {
        if (!version.isDouble()) {
            reader.note(tr("the list \"versions\" holds %1, not numbers.").arg(agentjson::kindName(version)));
            break;
        }
        status.versions.append(int(std::clamp(version.toDouble(), 0.0, 1e6)));
    }
    if (const auto error = reader.error())
        return std::unexpected(*error);
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
    const ReplyLimits &limits,
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
    QNetworkRequest request = agentRequest(url, m_address.token);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, body);
    if (progress)
        QObject::connect(reply, &QNetworkReply::uploadProgress, context, progress);
    readBounded(reply,
        limits,
        m_address.controlUrl.authority(),
        context,
        [done = std::move(done)](QNetworkReply *answered, Result<QByteArray> answer) {
            done(controlAnswer(answered, std::move(answer)));
        });
}

DeployBody deployBody(const QByteArray &archive, const QJsonObject &config)
{
    // A random boundary, and another in the unlikely case the archive holds it.
    QByteArray boundary;
    do
        boundary = "rune-" + QUuid::createUuid().toByteArray(QUuid::Id128);
    while (archive.contains(boundary));
    const QByteArray delimiter = "--" + boundary;
    QByteArray body;
    body += delimiter + "\r\nContent-Disposition: form-data; name=\"" + protocol::deploy::configPart
        + "\"\r\nContent-Type: application/json\r\n\r\n" + QJsonDocument(config).toJson(QJsonDocument::Compact);
    body += "\r\n" + delimiter + "\r\nContent-Disposition: form-data; name=\"" + protocol::deploy::archivePart
        + "\"; filename=\"code.tar.gz\"\r\nContent-Type: application/gzip\r\n\r\n" + archive;
    body += "\r\n" + delimiter + "--\r\n";
    return {"multipart/form-data; boundary=" + boundary, body};
}

void HttpFunctionAgentClient::deploy(const QString &name,
    const QByteArray &archive,
    const QJsonObject &config,
    QObject *context,
    Progress progress,
    Callback<AgentFunctionStatus> done)
{
    DeployBody request = deployBody(archive, config);
    send("PUT",
        functionPath(name),
        request.body,
        {{"Content-Type", request.contentType}},
        deployLimits,
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
        controlLimits,
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
        controlLimits,
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
        controlLimits,
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
        controlLimits,
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
    const bool trial = !call.trialId.isEmpty();
    const bool direct = !m_address.invokeUrl.isEmpty() && !trial;
    if (!direct && call.method.compare(u"POST"_s, Qt::CaseInsensitive) != 0) {
        done(trial ? fail(u"agent.bad_request"_s, tr("A trial takes POST calls only."))
                   : fail(u"agent.invoke_port_unreachable"_s,
                       tr("The invoke port of this node is not reachable from the console; only POST calls go "
                          "through its control API.")));
        return;
    }
    const QString controlPath = trial ? functionPath(call.function,
                                    QLatin1StringView(protocol::paths::trialsSuffix) + u'/'
                                        + QString::fromLatin1(QUrl::toPercentEncoding(call.trialId)) + u"/invoke"_s)
                                      : functionPath(target, u"/invoke"_s);
    const QUrl url = direct ? invokeUrl(m_address.invokeUrl, u"/function/"_s + target, call.path)
                            : invokeUrl(m_address.controlUrl, controlPath, {});
    // The caller's own headers (an Authorization, an Accept-Encoding) go over the defaults.
    QNetworkRequest request = agentRequest(url, {});
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
    InvokeResult result;
    result.nodeId = m_address.nodeId;
    result.requestId = requestId;
    result.at = QDateTime::currentDateTimeUtc();
    QNetworkReply *reply = m_network->sendCustomRequest(request, call.method.toUpper().toLatin1(), call.body);
    readBounded(reply,
        invokeLimits(call.timeoutMs),
        url.authority(),
        context,
        [result, timer, done = std::move(done)](QNetworkReply *answered, Result<QByteArray> body) mutable {
            if (!body)
                return done(std::unexpected(body.error()));
            result.latencyMs = timer->elapsed();
            done(invokeResult(std::move(result), answered, std::move(*body)));
        });
}

void HttpFunctionAgentClient::submitAsync(const InvokeRequest &call, QObject *context, Callback<QString> done)
{
    if (!m_network)
        return done(fail(u"agent.closed"_s, tr("The console is shutting down.")));
    // Only the invoke port queues calls: the control API has no asynchronous way in.
    if (m_address.invokeUrl.isEmpty())
        return done(fail(u"agent.invoke_port_unreachable"_s,
            tr("The invoke port of this node is not reachable from the console, and only it takes asynchronous "
               "calls.")));
    const QString target =
        call.function + (call.agentVersion > 0 ? u"@v"_s + QString::number(call.agentVersion) : QString());
    const QUrl url =
        invokeUrl(m_address.invokeUrl, QLatin1StringView(protocol::paths::asyncInvokePrefix) + target, call.path);
    QNetworkRequest request = agentRequest(url, {});
    bool hasAuthorization = false;
    for (const auto &[name, value] : call.headers) {
        request.setRawHeader(name.toUtf8(), value.toUtf8());
        hasAuthorization |= name.compare(u"Authorization"_s, Qt::CaseInsensitive) == 0;
    }
    if (!hasAuthorization && !m_address.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_address.token.toUtf8());
    QNetworkReply *reply = m_network->sendCustomRequest(request, call.method.toUpper().toLatin1(), call.body);
    readBounded(reply,
        controlLimits,
        url.authority(),
        context,
        [done = std::move(done)](QNetworkReply *answered, Result<QByteArray> body) {
            const auto answer = controlAnswer(answered, std::move(body));
            if (!answer)
                return done(std::unexpected(answer.error()));
            const auto object = agentjson::parseObject(*answer);
            const QString id =
                object ? object->value(agentjson::field(protocol::asynccall::requestId)).toString() : QString();
            if (id.isEmpty())
                return done(std::unexpected(agentjson::notProtocol(tr("a queued call without a request id."))));
            done(id);
        });
}

void HttpFunctionAgentClient::fetchAsyncCall(const QString &requestId, QObject *context, Callback<AsyncCallState> done)
{
    send("GET",
        QLatin1StringView(protocol::paths::results) + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(requestId)),
        {},
        {},
        controlLimits,
        context,
        {},
        [done = std::move(done)](Result<QByteArray> answer) {
            done(answer ? parseAsyncCallState(*answer) : std::unexpected(answer.error()));
        });
}

void HttpFunctionAgentClient::createTrial(
    const QString &name, int memoryMiB, QObject *context, Callback<AgentTrial> done)
{
    QJsonObject body;
    body.insert(QLatin1StringView(protocol::trial::memoryMiB), memoryMiB);
    send("POST",
        functionPath(name, QLatin1StringView(protocol::paths::trialsSuffix)),
        QJsonDocument(body).toJson(QJsonDocument::Compact),
        {{"Content-Type", "application/json"}},
        controlLimits,
        context,
        {},
        [done = std::move(done)](Result<QByteArray> answer) {
            done(answer ? parseAgentTrial(*answer) : std::unexpected(answer.error()));
        });
}

void HttpFunctionAgentClient::removeTrial(
    const QString &name, const QString &trialId, QObject *context, Callback<void> done)
{
    send("DELETE",
        functionPath(name,
            QLatin1StringView(protocol::paths::trialsSuffix) + u'/'
                + QString::fromLatin1(QUrl::toPercentEncoding(trialId))),
        {},
        {},
        controlLimits,
        context,
        {},
        [done = std::move(done)](Result<QByteArray> answer) {
            done(answer ? Result<void>() : std::unexpected(answer.error()));
        });
}

FunctionAgentClientFactory httpFunctionAgentClients(QNetworkAccessManager *network)
{
    QPointer<QNetworkAccessManager> guarded(network);
    return [guarded](const AgentAddress &address) -> std::unique_ptr<FunctionAgentClient> {
        return std::make_unique<HttpFunctionAgentClient>(guarded.data(), address);
    };
}

void HttpFunctionAgentClient::fetchTriggers(QObject *context, Callback<AgentTriggers> done)
{
    send("GET",
        QLatin1StringView(protocol::paths::triggers),
        {},
        {},
        controlLimits,
        context,
        {},
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? parseAgentTriggers(*body) : std::unexpected(body.error()));
        });
}

void HttpFunctionAgentClient::setBroker(const BrokerSettings &broker, QObject *context, Callback<AgentTriggers> done)
{
    namespace f = protocol::triggers;
    QJsonObject body {{QLatin1StringView(f::url), broker.url}, {QLatin1StringView(f::username), broker.username}};
    if (broker.password)
        body.insert(QLatin1StringView(f::password), *broker.password);
    send("PUT",
        QLatin1StringView(protocol::paths::triggerBroker),
        QJsonDocument(body).toJson(QJsonDocument::Compact),
        {{"Content-Type", "application/json"}},
        controlLimits,
        context,
        {},
        [done = std::move(done)](Result<QByteArray> answer) {
            done(answer ? parseAgentTriggers(*answer) : std::unexpected(answer.error()));
        });
}

void HttpFunctionAgentClient::publishTestMessage(
    const TestMessage &message, QObject *context, Callback<std::optional<BrokerMessage>> done)
{
    namespace f = protocol::publish;
    QJsonObject body {{QLatin1StringView(f::topic), message.topic},
        {QLatin1StringView(f::payload), QString::fromUtf8(message.payload)},
        {QLatin1StringView(f::qos), 1}};
    if (!message.awaitTopic.isEmpty()) {
        body.insert(QLatin1StringView(f::awaitTopic), message.awaitTopic);
        body.insert(QLatin1StringView(f::timeoutMs), message.timeoutMs);
    }
    // The agent answers when the awaited message comes or its timeout passes.
    const std::chrono::milliseconds wait(std::max(message.timeoutMs, 1000));
    send("POST",
        QLatin1StringView(protocol::paths::triggerPublish),
        QJsonDocument(body).toJson(QJsonDocument::Compact),
        {{"Content-Type", "application/json"}},
        ReplyLimits {agentjson::maxAnswerBytes, wait + 10s, wait + 30s},
        context,
        {},
        [done = std::move(done)](Result<QByteArray> answer) {
            done(answer ? parsePublishAnswer(*answer) : std::unexpected(answer.error()));
        });
}

} // namespace rune
