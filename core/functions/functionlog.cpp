// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionlog.h"

#include "agent/agentclient.h"
#include "agent/agentjson.h"
#include "agent/boundedreply.h"
#include "protocol.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimeZone>
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

// The agent writes a blank line every few seconds: a stream that brings no complete line for
// this long is dead, or trickling bytes to hold the console's attention.
constexpr int silenceTimeoutMs = 30000;
// The agent cuts a function's output at 16 KiB a line; escaped as JSON a line stays far below this.
constexpr qint64 maxLogLineBytes = 256 * 1024;
// What one turn of the event loop reads: a flooding node cannot hold the thread (its socket waits
// behind the reply's bounded buffer meanwhile).
constexpr qint64 bytesPerTurn = 256 * 1024;

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

namespace
{

Result<FunctionLogLine> logLineFromObject(const QJsonObject &lineObject, const QString &nodeId)
{
    const QJsonObject *object = &lineObject;
    if (!object->value(u"seq"_s).isDouble())
        return std::unexpected(agentjson::notProtocol(tr("a log line without its number (seq).")));
    agentjson::FieldReader reader(*object, tr("a log line"));
    FunctionLogLine line;
    line.seq = quint64(reader.count("seq"));
    line.time = QDateTime::fromMSecsSinceEpoch(reader.count("time_ms"), QTimeZone::utc());
    line.function = reader.text("function");
    line.version = reader.smallCount("version");
    line.replica = reader.text("replica");
    line.requestId = reader.text("request_id");
    line.stream = reader.text("stream");
    // A line's text (up to the agent's 16 KiB) may pass the other fields' cap: kept whole.
    if (object->value(u"text"_s).isString())
        line.text = object->value(u"text"_s).toString();
    else
        reader.text("text"); // notes the wrong kind
    line.nodeId = nodeId;
    if (const auto error = reader.error())
        return std::unexpected(*error);
    return line;
}

} // namespace

Result<FunctionLogLine> parseFunctionLogLine(const QByteArray &json, const QString &nodeId)
{
    const auto object = agentjson::parseObject(json, maxLogLineBytes);
    if (!object)
        return std::unexpected(object.error());
    return logLineFromObject(*object, nodeId);
}

Result<QList<FunctionLogLine>> parseFunctionLogBacklog(const QByteArray &body, const QString &nodeId)
{
    const auto object = agentjson::parseObject(body);
    if (!object)
        return std::unexpected(object.error());
    if (!object->value(u"lines"_s).isArray())
        return std::unexpected(agentjson::notProtocol(tr("a log without its lines.")));
    QList<FunctionLogLine> lines;
    for (const QJsonValue &value : object->value(u"lines"_s).toArray()) {
        auto line = logLineFromObject(value.toObject(), nodeId);
        if (!line)
            return std::unexpected(line.error());
        lines.append(*line);
    }
    return lines;
}

void fetchFunctionLog(QNetworkAccessManager *network,
    const AgentAddress &address,
    const QString &function,
    int limit,
    QObject *context,
    std::function<void(Result<QList<FunctionLogLine>>)> done)
{
    QUrl url = address.controlUrl;
    url.setPath(QLatin1StringView(protocol::paths::logs));
    url.setQuery(QUrlQuery {{u"function"_s, function}, {u"limit"_s, QString::number(limit)}});
    const QString where = address.controlUrl.authority();
    readBounded(network->get(agentRequest(url, address.token)),
        ReplyLimits {},
        where,
        context,
        [nodeId = address.nodeId, done = std::move(done)](QNetworkReply *reply, Result<QByteArray> body) {
            if (!body)
                return done(std::unexpected(body.error()));
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != 200)
                return done(std::unexpected(parseAgentError(status, *body)));
            done(parseFunctionLogBacklog(*body, nodeId));
        });
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
    m_lineWatchdog.setSingleShot(true);
    m_lineWatchdog.setInterval(silenceTimeoutMs);
    connect(&m_lineWatchdog, &QTimer::timeout, this, [this] {
        breakStream(tr("The node at %1 sent no complete log line for %2 s.")
                        .arg(m_address.controlUrl.authority())
                        .arg(m_lineWatchdog.interval() / 1000));
    });
    m_drain.setSingleShot(true);
    connect(&m_drain, &QTimer::timeout, this, &FunctionLogFollower::onReadyRead);
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
    dropReply();
    m_connected = false;
}

void FunctionLogFollower::setSilenceTimeout(std::chrono::milliseconds timeout)
{
    m_lineWatchdog.setInterval(timeout);
}

void FunctionLogFollower::dropReply()
{
    m_lineWatchdog.stop();
    m_drain.stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    m_pending.clear();
}

void FunctionLogFollower::breakStream(const QString &problem)
{
    dropReply();
    m_connected = false;
    Q_EMIT connectionChanged(false, problem);
    if (m_running)
        m_retry.start();
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
    url.setPath(QLatin1StringView(protocol::paths::logs));
    QUrlQuery query;
    query.addQueryItem(u"function"_s, m_function);
    query.addQueryItem(u"follow"_s, u"1"_s);
    if (m_lastTimeMs > 0)
        query.addQueryItem(u"since"_s, QString::number(m_lastTimeMs));
    else
        query.addQueryItem(u"limit"_s, QString::number(m_backlog));
    url.setQuery(query);
    const QNetworkRequest request = agentRequest(url, m_address.token);
    m_pending.clear();
    m_reply = m_network->get(request);
    m_reply->setReadBufferSize(bytesPerTurn);
    m_lineWatchdog.start();
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
    if (!m_reply)
        return;
    if (m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200) {
        // An error answer: kept (bounded) for onFinished to quote.
        m_pending += m_reply->read(std::max<qint64>(0, maxLogLineBytes - m_pending.size()));
        return;
    }
    m_pending += m_reply->read(bytesPerTurn);
    QList<FunctionLogLine> lines;
    auto problem = takeLines(lines);
    if (!problem && m_pending.size() > maxLogLineBytes)
        problem = agentjson::notProtocol(tr("a log line longer than %1 KiB.").arg(maxLogLineBytes / 1024));
    // The lines before a bad one are good: they are shown.
    if (!lines.isEmpty())
        Q_EMIT linesArrived(lines);
    if (problem)
        return breakStream(problem->message);
    if (m_reply && m_reply->bytesAvailable() > 0)
        m_drain.start(0); // the rest at the next turn of the event loop
}

std::optional<Error> FunctionLogFollower::takeLines(QList<FunctionLogLine> &lines)
{
    qsizetype from = 0;
    qsizetype newline;
    while ((newline = m_pending.indexOf('\n', from)) >= 0) {
        const QByteArray raw = m_pending.sliced(from, newline - from).trimmed();
        from = newline + 1;
        m_lineWatchdog.start(); // a complete line, even the agent's blank keep-alive
        if (raw.isEmpty())
            continue;
        auto line = parseFunctionLogLine(raw, m_address.nodeId);
        if (!line)
            return line.error();
        // After a reconnect "since" repeats the lines of the last millisecond: skip what was
        // seen. A line from later is new even with a lower number (an agent that started over).
        if (line->seq <= m_lastSeq && line->time.toMSecsSinceEpoch() <= m_lastTimeMs)
            continue;
        m_lastSeq = line->seq;
        m_lastTimeMs = line->time.toMSecsSinceEpoch();
        lines.append(*line);
    }
    m_pending.remove(0, from);
    return std::nullopt;
}

void FunctionLogFollower::onFinished()
{
    // Lines that came with the end of the stream are not lost (the reply holds a bounded buffer).
    while (m_reply && m_reply->bytesAvailable() > 0)
        onReadyRead();
    if (!m_reply)
        return; // the last bytes broke the stream
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString authority = m_address.controlUrl.authority();
    const auto failure = transportFailure(m_reply, authority);
    const QString problem = failure ? failure->message
        : status == 200
        ? tr("The agent at %1 ended the log stream.").arg(authority)
        : tr("The agent at %1 refused the log stream: %2").arg(authority, parseAgentError(status, m_pending).message);
    m_lineWatchdog.stop();
    m_drain.stop();
    m_pending.clear();
    m_reply->deleteLater();
    m_reply = nullptr;
    const bool wasConnected = m_connected;
    m_connected = false;
    if (wasConnected || failure || status != 200)
        Q_EMIT connectionChanged(false, problem);
    if (m_running)
        m_retry.start();
}

} // namespace rune
