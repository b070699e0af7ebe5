// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/functionagentclient.h"
#include "util/result.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;

namespace rune
{

/** One line a function wrote, as `/v1/logs` reports it, with the node it came from. */
struct FunctionLogLine {
    /** How loud a line is: stderr is an error, the agent's own lines a warning, stdout information. */
    enum class Level { Info, Warning, Error };

    quint64 seq = 0; ///< increasing per agent
    QDateTime time; ///< UTC
    QString function;
    int version = 0; ///< the agent's version number
    QString replica;
    QString requestId; ///< empty outside a call
    QString stream; ///< stdout, stderr or agent
    QString text;
    QString nodeId;

    Level level() const;

    bool operator==(const FunctionLogLine &) const = default;
};

/** "info", "warning", "error". */
QString logLevelName(FunctionLogLine::Level level);

/** Parses one NDJSON line of `/v1/logs`; fails with "agent.bad_response". */
Result<FunctionLogLine> parseFunctionLogLine(const QByteArray &json, const QString &nodeId);
/** Parses the answer of `/v1/logs` without follow (`{"lines":[...]}`); fails with "agent.bad_response". */
Result<QList<FunctionLogLine>> parseFunctionLogBacklog(const QByteArray &body, const QString &nodeId);

/**
 * Reads the last @p limit lines of @p function's log on one agent, once (`GET /v1/logs` without
 * follow): @p done gets them oldest first, or why not.
 */
void fetchFunctionLog(QNetworkAccessManager *network,
    const AgentAddress &address,
    const QString &function,
    int limit,
    QObject *context,
    std::function<void(Result<QList<FunctionLogLine>>)> done);

/**
 * Follows one function's log on one agent: `GET /v1/logs?function=<name>&follow=1`, newline-
 * delimited JSON read as it arrives. When the stream breaks (the agent restarts, a tunnel
 * drops) it connects again every few seconds, asking only for lines it has not seen. A node that
 * sends something else — a line that is not a log line, a line without end, bytes that never make
 * a line — has its stream broken off, with the reason in connectionChanged().
 */
class FunctionLogFollower final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionLogFollower)

public:
    /** @p backlog: how many earlier lines to ask for when first connecting. */
    FunctionLogFollower(QNetworkAccessManager *network,
        AgentAddress address,
        QString function,
        int backlog = 200,
        QObject *parent = nullptr);
    ~FunctionLogFollower() override;

    void start();
    void stop();
    bool isConnected() const;
    AgentAddress address() const;
    QString function() const;
    /** How long to wait before connecting again after the stream broke. */
    void setRetryInterval(std::chrono::milliseconds interval);
    /** How long the stream may bring no complete line (the agent's keep-alive included) before it is broken off. */
    void setSilenceTimeout(std::chrono::milliseconds timeout);

Q_SIGNALS:
    /** New lines, oldest first; each seen once. */
    void linesArrived(const QList<rune::FunctionLogLine> &lines);
    /** The stream opened (@p problem empty) or broke (why). */
    void connectionChanged(bool connected, const QString &problem);

private:
    void connectNow();
    void onReadyRead();
    /** Moves the complete lines of the pending bytes into @p lines, up to the first that is not a log line. */
    std::optional<Error> takeLines(QList<FunctionLogLine> &lines);
    void onFinished();
    void dropReply();
    void breakStream(const QString &problem);

    QPointer<QNetworkAccessManager> m_network;
    AgentAddress m_address;
    QString m_function;
    int m_backlog;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_pending;
    QTimer m_retry;
    QTimer m_lineWatchdog; ///< restarted by every complete line
    QTimer m_drain; ///< reads on at the next turn what one turn left
    quint64 m_lastSeq = 0;
    qint64 m_lastTimeMs = 0;
    bool m_connected = false;
    bool m_running = false;
};

} // namespace rune

Q_DECLARE_METATYPE(rune::FunctionLogLine)
