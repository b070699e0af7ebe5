// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/mqtttest.h"
#include "shell/functionservices.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace rune::views
{

/**
 * The Events tab of the Functions pane: the function's MQTT trigger (topic filter and result
 * topic), the broker connection of every node that runs it, and a test message: a topic that
 * matches the filter (cars/test/crash for cars/+/crash) and a payload, published by the agent of
 * one of those nodes, with the answer that came back on the result topic shown below.
 */
class EventsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventsPanel)

public:
    EventsPanel(const FunctionServices &services, QWidget *parent = nullptr);

    void setFunction(const QString &functionId);
    /** A standing note above the trigger (the demo: why it has no broker); empty: none. */
    void setNote(const QString &note);
    QString note() const;
    /** Publishes the test message in the fields (the Publish button). */
    void publish();
    /** Asks the nodes that run the function for their broker connection again. */
    void refreshBrokers();

    QLineEdit *topicField() const;
    QPlainTextEdit *payloadField() const;
    QPushButton *publishButton() const;
    /** The trigger, the topic's check and the brokers, as shown. */
    QString statusText() const;
    QString brokersText() const;
    /** What the last publish brought back (or why it failed), as shown. */
    QString resultText() const;
    /** The answer's payload as it came, empty before one came. */
    QString answerPayload() const;

Q_SIGNALS:
    /** A publish finished, with an answer or without. */
    void published(bool answered);

private:
    void updateTopicCheck();
    void showOutcome(const Result<MqttTestOutcome> &outcome);

    FunctionServices m_services;
    MqttTestPublisher *m_publisher;
    QString m_functionId;
    QString m_filter;
    QLabel *m_noteLabel;
    QLabel *m_triggerLabel;
    QLabel *m_brokersLabel;
    QLineEdit *m_topic;
    QPlainTextEdit *m_payload;
    QPushButton *m_publish;
    QPushButton *m_refresh;
    QLabel *m_checkLabel;
    QLabel *m_resultLabel;
    QPlainTextEdit *m_answer;
    int m_generation = 0; ///< answers for an earlier function or refresh are dropped
};

} // namespace rune::views
