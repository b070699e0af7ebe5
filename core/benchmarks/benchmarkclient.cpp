// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarks/benchmarkclient.h"

#include "agent/agentclient.h"
#include "agent/agentjson.h"
#include "agent/boundedreply.h"
#include "benchprotocol.h"
#include "protocol.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::BenchmarkClient", text);
}

using namespace std::chrono_literals;

/** A run's answer is small (an rtt run over a thousand peers is the largest); the agent answers at once. */
const ReplyLimits benchLimits {agentjson::maxAnswerBytes, 10s, 30s};

QString runPath(const QString &runId)
{
    return QLatin1StringView(protocol::paths::benchRuns) + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(runId));
}

/** The running run's id in a 409's body: "run" as an id or as the run, at the top or in "error". */
QString busyRunId(const QJsonObject &answer)
{
    const QString key = agentjson::field(protocol::benchrun::object);
    const QString idKey = agentjson::field(protocol::benchrun::id);
    for (const QJsonObject &object : {answer, answer.value(agentjson::field(protocol::error::object)).toObject()}) {
        const QJsonValue run = object.value(key);
        if (run.isString())
            return run.toString().left(80);
        if (run.isObject() && run.toObject().value(idKey).isString())
            return run.toObject().value(idKey).toString().left(80);
    }
    return {};
}

} // namespace

Error benchmarkError(int status, const QByteArray &body)
{
    Error error = parseAgentError(status, body);
    if (error.code != u"agent."_s + QLatin1StringView(protocol::errorcode::busy))
        return error;
    const auto answer = agentjson::parseObject(body);
    const QString running = answer ? busyRunId(*answer) : QString();
    if (!running.isEmpty() && !error.message.contains(running))
        error.message = tr("%1 (the run going on: %2)").arg(error.message, running);
    return error;
}

BenchmarkClient::BenchmarkClient(QNetworkAccessManager *network, AgentAddress address)
    : m_network(network)
    , m_address(std::move(address))
{
}

const AgentAddress &BenchmarkClient::address() const
{
    return m_address;
}

void BenchmarkClient::send(const QByteArray &verb,
    const QString &path,
    const QByteArray &body,
    QObject *context,
    std::function<void(Result<QByteArray>)> done)
{
    if (!m_network) {
        done(fail(u"agent.closed"_s, tr("The console is shutting down.")));
        return;
    }
    QUrl url = m_address.controlUrl;
    url.setPath(path, QUrl::StrictMode);
    QNetworkRequest request = agentRequest(url, m_address.token);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply *reply = m_network->sendCustomRequest(request, verb, body);
    readBounded(reply,
        benchLimits,
        m_address.controlUrl.authority(),
        context,
        [done = std::move(done)](QNetworkReply *answered, Result<QByteArray> answer) {
            if (!answer)
                return done(std::move(answer));
            const int status = answered->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status < 200 || status >= 300)
                return done(std::unexpected(benchmarkError(status, *answer)));
            done(std::move(answer));
        });
}

void BenchmarkClient::start(
    const QString &test, const QJsonObject &parameters, QObject *context, Callback<BenchmarkRun> done)
{
    send("POST",
        QLatin1StringView(protocol::paths::benchPrefix) + QString::fromLatin1(QUrl::toPercentEncoding(test)),
        QJsonDocument(parameters).toJson(QJsonDocument::Compact),
        context,
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? parseBenchmarkRun(*body) : std::unexpected(body.error()));
        });
}

void BenchmarkClient::fetch(const QString &runId, QObject *context, Callback<BenchmarkRun> done)
{
    send("GET", runPath(runId), {}, context, [done = std::move(done)](Result<QByteArray> body) {
        done(body ? parseBenchmarkRun(*body) : std::unexpected(body.error()));
    });
}

void BenchmarkClient::list(QObject *context, Callback<QList<BenchmarkRun>> done)
{
    send("GET",
        QLatin1StringView(protocol::paths::benchRuns),
        {},
        context,
        [done = std::move(done)](Result<QByteArray> body) {
            done(body ? parseBenchmarkRuns(*body) : std::unexpected(body.error()));
        });
}

void BenchmarkClient::cancel(const QString &runId, QObject *context, Callback<BenchmarkRun> done)
{
    send("DELETE", runPath(runId), {}, context, [done = std::move(done)](Result<QByteArray> body) {
        done(body ? parseBenchmarkRun(*body) : std::unexpected(body.error()));
    });
}

} // namespace rune
