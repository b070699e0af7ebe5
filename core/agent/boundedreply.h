// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentjson.h"
#include "util/result.h"

#include <QByteArray>
#include <QString>
#include <chrono>
#include <functional>
#include <optional>

class QNetworkReply;
class QNetworkRequest;
class QUrl;
class QObject;

namespace rune
{

/**
 * How much of a node's answer the console reads, and for how long. Qt's transfer timeout only
 * measures silence, so a node sending one byte a second would keep a request alive for ever:
 * the deadline bounds the whole exchange.
 */
struct ReplyLimits {
    qint64 maxBytes = agentjson::maxAnswerBytes; ///< the body, as it arrives (after decompression)
    std::chrono::milliseconds silence {3000}; ///< no byte of the answer for this long
    std::chrono::milliseconds deadline {10000}; ///< from sending to the answer's last byte
};

/**
 * A request to a node's agent: with its bearer token (when there is one), and asking for the
 * answer as it is: Qt would otherwise inflate a gzip body on its own thread, beyond the reach of
 * any size limit (the agent never compresses).
 */
QNetworkRequest agentRequest(const QUrl &url, const QString &token);

/** Called once with the reply (status and headers readable) and its body, or why there is none. */
using BoundedReplyDone = std::function<void(QNetworkReply *reply, Result<QByteArray> body)>;

/**
 * Reads @p reply within @p limits: a Content-Length above maxBytes stops it at once, a body
 * growing past maxBytes as soon as it does ("agent.too_large"), silence or the deadline abort it
 * ("agent.timeout"), a failed connection is "agent.unreachable". @p context lives on the
 * reply's thread; @p done is not called if @p context is destroyed first (which aborts the request). The reply is
 * deleted after @p done. @p where names the node in messages (its host:port).
 */
void readBounded(
    QNetworkReply *reply, const ReplyLimits &limits, const QString &where, QObject *context, BoundedReplyDone done);

/**
 * Why @p reply brought no answer from the node at @p where: unreachable, closed unanswered, not
 * HTTP, cut short; nothing when it brought one (whatever its HTTP status).
 */
std::optional<Error> transportFailure(QNetworkReply *reply, const QString &where);

/** A control API answer: the body of a 2xx, else the agent's error (`{"error":{...}}`). */
Result<QByteArray> controlAnswer(QNetworkReply *reply, Result<QByteArray> body);

} // namespace rune
