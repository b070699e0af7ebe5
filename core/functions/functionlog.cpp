// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionlog.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::FunctionLog", text);
}

// The agent writes a blank line every few seconds; silence past this means the stream is dead.
constexpr int silenceTimeoutMs = 30000;

} // namespace

FunctionLogLine::Level FunctionLogLine::level() const
{
    if (stream == u"stderr"_s)
        return Level::Error;
    if (stream == u"agent"_s)
        return Level::Warning;
    return Level::Info;
}

QString logLevelName(FunctionLogLine::Level level)
{
    switch (level) {
    case FunctionLogLine::Level::Info:
        return u"info"_s;
    case FunctionLogLine::Level::Warning:
        return u"warning"_s;
    case FunctionLogLine::Level::Error:
        return u"error"_s;
    }
    return {};
}

Result<FunctionLogLine> parseFunctionLogLine(const QByteArray &json, const QString &nodeId)
{
    QJsonParseError parseError;
    const QJsonObject object = QJsonDocument::fromJson(json, &parseError).object();
    if (parseError.error != QJsonParseError::NoError || !object.value(u"seq"_s).isDouble())
        return fail(u"agent.bad_response"_s, tr("A log line from the agent is not JSON with a seq field."));
    FunctionLogLine line;
    line.seq = quint64(object.value(u"seq"_s).toInteger());
    line.time = QDateTime::fromMSecsSinceEpoch(object.value(u"time_ms"_s).toInteger(), Qt::UTC);
    line.function = object.value(u"function"_s).toString();
    line.version = object.value(u"version"_s).toInt();
    line.replica = object.value(u"replica"_s).toString();
    line.requestId = object.value(u"request_id"_s).toString();
    line.stream = object.value(u"stream"_s).toString();
    line.text = object.value(u"text"_s).toString();
    line.nodeId = nodeId;
    return line;
}

FunctionLogFollower::FunctionLogFollower(
    QNetworkAccessManager *network, AgentAddress address, QString function, int backlog, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_address(std::move(address))
    , m_function(std::move(function))
    , m_backlog(backlog)
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(3000);
    connect(&m_retry, &QTimer::timeout, this, &FunctionLogFollower::connectNow);
}

FunctionLogFollower::~FunctionLogFollower()
{
    stop();
}

void FunctionLogFollower::setRetryInterval(std::chrono::milliseconds interval)
{
    m_retry.setInterval(interval);
}

void FunctionLogFollower::start()
{
    if (m_running)
        return;
    m_running = true;
    connectNow();
}

void FunctionLogFollower::stop()
{
    m_running = false;
    m_retry.stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    m_connected = false;
}

bool FunctionLogFollower::isConnected() const
{
    return m_connected;
}

AgentAddress FunctionLogFollower::address() const
{
    return m_address;
}

QString FunctionLogFollower::function() const
{
    return m_function;
}

void FunctionLogFollower::connectNow()
{
    if (!m_running || !m_network)
        return;
    QUrl url = m_address.controlUrl;
    url.setPath(u"/v1/logs"_s);
    QUrlQuery query;
    query.addQueryItem(u"function"_s, m_function);
    query.addQueryItem(u"follow"_s, u"1"_s);
    if (m_lastTimeMs > 0)
        query.addQueryItem(u"since"_s, QString::number(m_lastTimeMs));
    else
        query.addQueryItem(u"limit"_s, QString::number(m_backlog));
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setTransferTimeout(silenceTimeoutMs);
    if (!m_address.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_address.token.toUtf8());
    m_pending.clear();
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200 && !m_connected) {
            m_connected = true;
            Q_EMIT connectionChanged(true, {});
        }
    });
    connect(m_reply, &QNetworkReply::readyRead, this, &FunctionLogFollower::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &FunctionLogFollower::onFinished);
}

void FunctionLogFollower::onReadyRead()
{
    m_pending += m_reply->readAll();
    QList<FunctionLogLine> lines;
    qsizetype newline;
    while ((newline = m_pending.indexOf('\n')) >= 0) {
        const QByteArray raw = m_pending.left(newline).trimmed();
        m_pending.remove(0, newline + 1);
        if (raw.isEmpty())
            continue; // the agent's keep-alive
        auto line = parseFunctionLogLine(raw, m_address.nodeId);
        // After a reconnect "since" repeats the lines of the last millisecond: skip what was
        // seen. A line from later is new even with a lower number (an agent that started over).
        if (!line || (line->seq <= m_lastSeq && line->time.toMSecsSinceEpoch() <= m_lastTimeMs))
            continue;
        m_lastSeq = line->seq;
        m_lastTimeMs = line->time.toMSecsSinceEpoch();
        lines.append(*line);
    }
    if (!lines.isEmpty())
        Q_EMIT linesArrived(lines);
}

void FunctionLogFollower::onFinished()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString problem = status == 0
        ? tr("Cannot reach the agent at %1: %2.").arg(m_address.controlUrl.authority(), m_reply->errorString())
        : tr("The agent at %1 ended the log stream (HTTP %2).").arg(m_address.controlUrl.authority()).arg(status);
    m_reply->deleteLater();
    m_reply = nullptr;
    const bool wasConnected = m_connected;
    m_connected = false;
    if (wasConnected || status == 0)
        Q_EMIT connectionChanged(false, problem);
    if (m_running)
        m_retry.start();
}

} // namespace rune
