// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/eventspanel.h"

#include "agent/functionagents.h"
#include "functions/functioninvoker.h"
#include "functions/functionworkspace.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

/** The answer as the user reads it best: JSON indented, anything else as it came. */
QString readable(const QString &payload)
{
    QJsonParseError error {};
    const QJsonDocument json = QJsonDocument::fromJson(payload.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || json.isNull())
        return payload;
    return QString::fromUtf8(json.toJson(QJsonDocument::Indented)).trimmed();
}

QString brokerLine(const QString &node, const Result<AgentTriggers> &triggers)
{
    if (!triggers)
        return EventsPanel::tr("%1: %2").arg(node, triggers.error().message);
    if (!triggers->enabled)
        return EventsPanel::tr("%1: triggers do not fire on this node (only edge nodes fire them)").arg(node);
    if (!triggers->broker)
        return EventsPanel::tr("%1: no MQTT broker (set one in Settings › Events and send it to the nodes)").arg(node);
    const AgentBroker &broker = *triggers->broker;
    QString line =
        EventsPanel::tr("%1: %2 %3 since %4")
            .arg(node, brokerStateName(broker.state), broker.url, broker.since.toLocalTime().toString(u"HH:mm:ss"_s));
    if (!broker.lastError.isEmpty())
        line += u" — "_s + broker.lastError;
    return line;
}

} // namespace

EventsPanel::EventsPanel(const FunctionServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_publisher(new MqttTestPublisher(services.catalog, services.invoker, services.agents, this))
    , m_noteLabel(new QLabel(this))
    , m_triggerLabel(new QLabel(this))
    , m_brokersLabel(new QLabel(this))
    , m_topic(new QLineEdit(this))
    , m_payload(new QPlainTextEdit(this))
    , m_publish(new QPushButton(tr("Publish and wait for the answer"), this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_checkLabel(new QLabel(this))
    , m_resultLabel(new QLabel(this))
    , m_answer(new QPlainTextEdit(this))
{
    setObjectName(u"eventsPanel"_s);
    m_topic->setObjectName(u"eventTopic"_s);
    m_payload->setObjectName(u"eventPayload"_s);
    m_publish->setObjectName(u"eventPublish"_s);
    m_answer->setObjectName(u"eventAnswer"_s);
    m_resultLabel->setObjectName(u"eventResult"_s);
    m_brokersLabel->setObjectName(u"eventBrokers"_s);
    m_noteLabel->setObjectName(u"eventNote"_s);
    m_noteLabel->setFrameShape(QFrame::StyledPanel);
    m_noteLabel->setMargin(6);
    m_noteLabel->hide();
    for (QLabel *label : {m_noteLabel, m_triggerLabel, m_brokersLabel, m_checkLabel, m_resultLabel}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_payload->setFont(fixed);
    m_payload->setMaximumHeight(90);
    m_answer->setFont(fixed);
    m_answer->setReadOnly(true);
    m_answer->setPlaceholderText(tr("The function's answer on its result topic shows here."));
    m_topic->setToolTip(tr("A topic the trigger's filter matches; no + or # (those are for filters)."));

    auto *form = new QFormLayout;
    form->addRow(tr("Trigger"), m_triggerLabel);
    auto *brokers = new QHBoxLayout;
    brokers->addWidget(m_brokersLabel, 1);
    brokers->addWidget(m_refresh, 0, Qt::AlignTop);
    form->addRow(tr("Brokers"), brokers);
    form->addRow(tr("Topic"), m_topic);
    form->addRow(QString(), m_checkLabel);
    form->addRow(tr("Payload"), m_payload);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_publish);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_noteLabel);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_resultLabel);
    layout->addWidget(m_answer, 1);

    connect(m_topic, &QLineEdit::textChanged, this, &EventsPanel::updateTopicCheck);
    connect(m_publish, &QPushButton::clicked, this, &EventsPanel::publish);
    connect(m_refresh, &QPushButton::clicked, this, &EventsPanel::refreshBrokers);
    setFunction({});
}

void EventsPanel::setFunction(const QString &functionId)
{
    ++m_generation;
    m_functionId = functionId;
    const Function *function = m_services.catalog->find(functionId);
    const auto trigger = function ? mqttTriggerOf(function->config) : std::nullopt;
    m_filter = trigger ? trigger->value : QString();
    m_answer->clear();
    m_resultLabel->clear();
    m_brokersLabel->clear();
    if (!trigger) {
        m_triggerLabel->setText(function ? tr("%1 has no MQTT trigger: add one in Configuration to test it with "
                                              "messages.")
                                               .arg(function->name)
                                         : tr("No function selected."));
        m_topic->clear();
        m_topic->setEnabled(false);
        m_payload->setEnabled(false);
        m_publish->setEnabled(false);
        m_refresh->setEnabled(false);
        m_checkLabel->clear();
        return;
    }
    m_triggerLabel->setText(trigger->resultTopic.isEmpty()
            ? tr("Messages on %1 call %2; its answers are not published.").arg(m_filter, function->name)
            : tr("Messages on %1 call %2; its answers go to %3.").arg(m_filter, function->name, trigger->resultTopic));
    m_topic->setEnabled(true);
    m_payload->setEnabled(true);
    m_refresh->setEnabled(true);
    m_topic->setText(defaultTestTopic(m_filter));
    m_payload->setPlainText(u"{\"test\": true}"_s);
    // The function's first sample event makes a better payload than a placeholder.
    m_services.workspace->loadEvents(
        functionId, this, [this, generation = m_generation](Result<QList<SampleEvent>> events) {
            if (generation == m_generation && events && !events->isEmpty() && !events->first().body.isEmpty())
                m_payload->setPlainText(events->first().body);
        });
    updateTopicCheck();
    refreshBrokers();
}

void EventsPanel::setNote(const QString &note)
{
    m_noteLabel->setText(note);
    m_noteLabel->setVisible(!note.isEmpty());
}

QString EventsPanel::note() const
{
    return m_noteLabel->text();
}

void EventsPanel::refreshBrokers()
{
    const QStringList nodes = m_services.invoker->nodesFor(m_functionId);
    if (nodes.isEmpty()) {
        m_brokersLabel->setText(tr("Not deployed yet: deploy the function to an edge node."));
        return;
    }
    auto lines = std::make_shared<QStringList>();
    lines->resize(nodes.size());
    m_brokersLabel->setText(tr("Asking %n node(s)…", nullptr, int(nodes.size())));
    for (qsizetype index = 0; index < nodes.size(); ++index) {
        const QString name = m_services.agents->nodeName(nodes.at(index));
        const auto show = [this, lines, index, name, generation = m_generation](Result<AgentTriggers> triggers) {
            if (generation != m_generation)
                return;
            (*lines)[index] = brokerLine(name, triggers);
            m_brokersLabel->setText(lines->join(u'\n').trimmed());
        };
        m_services.agents->withClient(
            nodes.at(index), this, [this, show](Result<std::shared_ptr<FunctionAgentClient>> client) {
                if (!client)
                    return show(std::unexpected(client.error()));
                (*client)->fetchTriggers(this, [show, keep = *client](Result<AgentTriggers> triggers) {
                    show(triggers);
                });
            });
    }
}

void EventsPanel::updateTopicCheck()
{
    if (m_filter.isEmpty())
        return;
    const QString problem = testTopicProblem(m_topic->text().trimmed(), m_filter);
    m_checkLabel->setText(problem);
    m_publish->setEnabled(problem.isEmpty());
}

void EventsPanel::publish()
{
    if (m_filter.isEmpty() || !m_publish->isEnabled())
        return;
    m_publish->setEnabled(false);
    m_answer->clear();
    m_answer->setProperty("rawPayload", QVariant());
    m_resultLabel->setText(tr("Published to %1; waiting for the answer…").arg(m_topic->text().trimmed()));
    m_publisher->publish(m_functionId,
        m_topic->text().trimmed(),
        m_payload->toPlainText().toUtf8(),
        this,
        [this, generation = m_generation](Result<MqttTestOutcome> outcome) {
            if (generation != m_generation)
                return;
            updateTopicCheck();
            showOutcome(outcome);
        });
}

void EventsPanel::showOutcome(const Result<MqttTestOutcome> &outcome)
{
    if (!outcome) {
        m_resultLabel->setText(tr("No answer: %1").arg(outcome.error().message));
        Q_EMIT published(false);
        return;
    }
    if (!outcome->answer) {
        m_resultLabel->setText(
            tr("Published to %1 by %2; the function publishes no answer.").arg(outcome->topic, outcome->nodeName));
        Q_EMIT published(false);
        return;
    }
    const BrokerMessage &answer = *outcome->answer;
    m_resultLabel->setText(tr("Answer on %1 after %2 ms (published to %3 by %4)%5:")
                               .arg(answer.topic)
                               .arg(outcome->elapsedMs)
                               .arg(outcome->topic,
                                   outcome->nodeName,
                                   answer.payloadWasUtf8 ? QString() : tr("; bytes that were not UTF-8 show as �")));
    m_answer->setPlainText(readable(answer.payload));
    m_answer->setProperty("rawPayload", answer.payload);
    Q_EMIT published(true);
}

QLineEdit *EventsPanel::topicField() const
{
    return m_topic;
}

QPlainTextEdit *EventsPanel::payloadField() const
{
    return m_payload;
}

QPushButton *EventsPanel::publishButton() const
{
    return m_publish;
}

QString EventsPanel::statusText() const
{
    return m_triggerLabel->text() + u'\n' + m_checkLabel->text();
}

QString EventsPanel::brokersText() const
{
    return m_brokersLabel->text();
}

QString EventsPanel::resultText() const
{
    return m_resultLabel->text();
}

QString EventsPanel::answerPayload() const
{
    return m_answer->property("rawPayload").toString();
}

} // namespace rune::views
