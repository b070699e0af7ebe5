// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/boundedreply.h"

#include "agent/agentclient.h"

#include <QCoreApplication>
#include <QLocale>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <memory>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString tr(const char *text)
{
    return QCoreApplication::translate("rune::BoundedReply", text);
}

QString seconds(std::chrono::milliseconds duration)
{
    return QLocale::c().toString(double(duration.count()) / 1000.0, 'g', 3);
}

constexpr qint64 readBufferBytes = 1024 * 1024;

/** What made the console stop reading before the node finished. */
enum class Stop { None, TooLarge, Silent, Late };

struct ReadState {
    ReplyLimits limits;
    QString where;
    QByteArray body;
    Stop stop = Stop::None;
    QTimer *silence = nullptr;
    bool contextGone = false; ///< its handlers would run half-destroyed: done() is not called
};

void stopReading(QNetworkReply *reply, ReadState &state, Stop why)
{
    if (state.stop != Stop::None || reply->isFinished())
        return;
    state.stop = why;
    state.body.clear();
    reply->abort(); // emits finished(), which reports why
}

/** Moves what arrived into the state's body, stopping before it would pass the size limit. */
void take(QNetworkReply *reply, ReadState &state)
{
    if (state.stop != Stop::None)
        return;
    // Checked before appending: a body is never held (nor its buffer grown) past the limit.
    if (state.body.size() + reply->bytesAvailable() > state.limits.maxBytes)
        return stopReading(reply, state, Stop::TooLarge);
    state.body += reply->readAll();
}

void checkDeclaredLength(QNetworkReply *reply, ReadState &state)
{
    bool ok = false;
    const qint64 declared = reply->rawHeader("Content-Length").trimmed().toLongLong(&ok);
    if (ok && declared > state.limits.maxBytes)
        stopReading(reply, state, Stop::TooLarge);
}

Error stoppedError(const ReadState &state)
{
    const QLocale c = QLocale::c();
    switch (state.stop) {
    case Stop::TooLarge:
        return {u"agent.too_large"_s,
            tr("The node at %1 sent an answer larger than %2; the console stopped reading it.")
                .arg(state.where, c.formattedDataSize(state.limits.maxBytes))};
    case Stop::Silent:
        return {u"agent.timeout"_s,
            tr("The node at %1 went silent for %2 s in the middle of an exchange.")
                .arg(state.where, seconds(state.limits.silence))};
    case Stop::Late:
    case Stop::None:
        break;
    }
    return {u"agent.timeout"_s,
        tr("The node at %1 did not finish its answer within %2 s; the console gave up on it.")
            .arg(state.where, seconds(state.limits.deadline))};
}

Result<QByteArray> outcome(QNetworkReply *reply, ReadState &state)
{
    take(reply, state);
    if (state.stop != Stop::None)
        return std::unexpected(stoppedError(state));
    if (const auto failure = transportFailure(reply, state.where))
        return std::unexpected(*failure);
    return std::move(state.body);
}

void watchTimers(QNetworkReply *reply, const std::shared_ptr<ReadState> &state)
{
    auto *deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    QObject::connect(deadline, &QTimer::timeout, reply, [reply, state] {
        stopReading(reply, *state, Stop::Late);
    });
    deadline->start(state->limits.deadline);
    state->silence = new QTimer(reply);
    state->silence->setSingleShot(true);
    QObject::connect(state->silence, &QTimer::timeout, reply, [reply, state] {
        stopReading(reply, *state, Stop::Silent);
    });
    state->silence->start(state->limits.silence);
    const auto heard = [state] {
        state->silence->start();
    };
    QObject::connect(reply, &QNetworkReply::uploadProgress, state->silence, heard);
    QObject::connect(reply, &QNetworkReply::downloadProgress, state->silence, heard);
    QObject::connect(reply, &QNetworkReply::metaDataChanged, state->silence, heard);
}

} // namespace

std::optional<Error> transportFailure(QNetworkReply *reply, const QString &where)
{
    const QNetworkReply::NetworkError error = reply->error();
    // Qt files an HTTP 400 (and 418) under "invalid operation for this protocol", and a 407 under
    // the proxy errors: with a status line read, those are the node's answer, not a broken exchange.
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 0
        && (error == QNetworkReply::ProtocolInvalidOperationError
            || error == QNetworkReply::ProxyAuthenticationRequiredError))
        return std::nullopt;
    const bool protocolFailure =
        error >= QNetworkReply::ProtocolUnknownError && error < QNetworkReply::InternalServerError;
    const bool connectionFailure = error > QNetworkReply::NoError && error < QNetworkReply::ContentAccessDenied;
    if (!protocolFailure && !connectionFailure)
        return std::nullopt; // an answer, whatever its HTTP status
    // Garbage instead of HTTP, or broken framing: the node is there but does not speak the protocol.
    if (protocolFailure)
        return agentjson::notProtocol(tr("no valid HTTP (%1).").arg(reply->errorString()));
    if (status != 0)
        return agentjson::notProtocol(tr("an answer cut short (%1).").arg(reply->errorString()));
    // Qt drops bytes that are not HTTP without a word: what remains is a connection closed unanswered.
    if (error == QNetworkReply::RemoteHostClosedError)
        return Error {u"agent.no_answer"_s,
            tr("The node at %1 closed the connection without an HTTP answer: it sent nothing, or something that is "
               "not the agent's protocol.")
                .arg(where)};
    return Error {u"agent.unreachable"_s, tr("Cannot reach the agent at %1: %2.").arg(where, reply->errorString())};
}

QNetworkRequest agentRequest(const QUrl &url, const QString &token)
{
    QNetworkRequest request(url);
    request.setRawHeader("Accept-Encoding", "identity");
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    return request;
}

void readBounded(
    QNetworkReply *reply, const ReplyLimits &limits, const QString &where, QObject *context, BoundedReplyDone done)
{
    // Qt's network thread stops reading the socket while this much waits unread: a flood is
    // held back by TCP rather than queued in memory.
    reply->setReadBufferSize(std::min<qint64>(limits.maxBytes + 1, readBufferBytes));
    auto state = std::make_shared<ReadState>();
    state->limits = limits;
    state->where = where;
    watchTimers(reply, state);
    QObject::connect(reply, &QNetworkReply::metaDataChanged, reply, [reply, state] {
        checkDeclaredLength(reply, *state);
    });
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, state] {
        take(reply, *state);
    });
    QObject::connect(context, &QObject::destroyed, reply, [reply, state] {
        state->contextGone = true;
        reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, state, done = std::move(done)] {
        if (!state->contextGone)
            done(reply, outcome(reply, *state));
    });
    // After done(): connected last, so it runs after the context's handler.
    QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
}

Result<QByteArray> controlAnswer(QNetworkReply *reply, Result<QByteArray> body)
{
    if (!body)
        return body;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status < 200 || status >= 300)
        return std::unexpected(parseAgentError(status, *body));
    return body;
}

} // namespace rune
