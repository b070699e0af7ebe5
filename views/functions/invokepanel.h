// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/functionagentclient.h"
#include "functions/sampleevent.h"
#include "shell/functionservices.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTabWidget;
class QTimer;

namespace rune::views
{

class InvocationTableModel;

/**
 * Try a function: method, path, headers and body (or a saved sample event), sent to one of its
 * nodes; the answer's status, latency, headers and body (JSON indented). Every call lands in a
 * history below; clicking one shows its answer again and its log lines only. Sent
 * asynchronously, the call is queued on the node (its request id shows at once) and its result
 * is polled until the call ended, then shown like a direct answer.
 */
class InvokePanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InvokePanel)

public:
    InvokePanel(const FunctionServices &services, QWidget *parent = nullptr);

    void setFunction(const QString &functionId);
    /** Fills the request from @p event. */
    void applyEvent(const SampleEvent &event);
    /** The request as the fields hold it, as a sample event named @p name. */
    SampleEvent currentEvent(const QString &name = {}) const;
    /** Sends the request (asynchronously when "Send asynchronously" is ticked). */
    void invoke();
    /** Stops waiting for an asynchronous call's result; the call itself goes on on its node. */
    void stopWaiting();
    /** How often an asynchronous call's result is asked for. */
    void setPollInterval(std::chrono::milliseconds interval);
    InvocationTableModel *history() const;
    QTableView *historyView() const;
    QList<SampleEvent> events() const;

Q_SIGNALS:
    /** A call of the history was chosen (or just made): show its log lines. */
    void requestSelected(const QString &requestId);
    /** An answer arrived (or the call failed, with an empty result and @p problem). */
    void invoked(const rune::InvokeResult &result, const QString &problem);

private:
    QWidget *buildRequest();
    QWidget *buildResponse();
    /** What the status line holds: a prompt, why the function cannot be called, or an answer. */
    enum class Status { Prompt, Unavailable, Answer };
    void refreshTargets();
    /** Why the function cannot be called now (not deployed, on no node); empty when it can. */
    QString availabilityProblem() const;
    void showAvailability();
    void setStatus(const QString &text, Status status);
    void showResult(const InvokeResult &result);
    void showProblem(const QString &problem);
    void invokeAsync(const QString &nodeId, const InvokeRequest &request);
    void pollAsyncCall();
    void asyncCallAnswered(const AsyncCallState &call);
    void endWaiting();
    void saveEvent();
    void deleteEvent();
    void storeEvents();

    FunctionServices m_services;
    QString m_functionId;
    QList<SampleEvent> m_events;
    InvocationTableModel *m_history;
    QComboBox *m_nodeCombo;
    QComboBox *m_versionCombo;
    QComboBox *m_methodCombo;
    QLineEdit *m_pathEdit;
    QPlainTextEdit *m_headersEdit;
    QPlainTextEdit *m_bodyEdit;
    QComboBox *m_eventCombo;
    QPushButton *m_saveEventButton;
    QPushButton *m_deleteEventButton;
    QPushButton *m_invokeButton;
    QCheckBox *m_asyncCheck;
    QPushButton *m_stopWaitingButton;
    QTimer *m_pollTimer;
    /** The asynchronous call being waited for; generation tells a stale answer from a current one. */
    struct Waiting {
        QString nodeId;
        QString requestId;
        QDateTime at;
        QElapsedTimer sent;
        quint64 generation = 0;
        bool active = false;
    } m_waiting;
    QLabel *m_statusLabel;
    Status m_status = Status::Prompt;
    QTabWidget *m_responseTabs;
    QPlainTextEdit *m_responseBody;
    QPlainTextEdit *m_responseHeaders;
    QTableView *m_historyView;
};

} // namespace rune::views
