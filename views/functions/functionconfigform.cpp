// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionconfigform.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

QSpinBox *spin(QWidget *parent, const char *name, int min, int max, const QString &suffix, int step = 1)
{
    auto *box = new QSpinBox(parent);
    box->setObjectName(QLatin1StringView(name));
    box->setRange(min, max);
    box->setSingleStep(step);
    box->setSuffix(suffix);
    box->setMaximumWidth(180);
    return box;
}

QTableWidget *table(QWidget *parent, const char *name, const QStringList &headers)
{
    auto *widget = new QTableWidget(0, int(headers.size()), parent);
    widget->setObjectName(QLatin1StringView(name));
    widget->setHorizontalHeaderLabels(headers);
    widget->horizontalHeader()->setStretchLastSection(true);
    widget->verticalHeader()->hide();
    widget->setMinimumHeight(90);
    widget->setMaximumHeight(140);
    return widget;
}

} // namespace

FunctionConfigForm::FunctionConfigForm(QWidget *parent)
    : QWidget(parent)
    , m_runtimeCombo(new QComboBox(this))
    , m_handlerEdit(new QLineEdit(this))
    , m_memorySpin(spin(this,
          "memorySpin",
          FunctionConfig::minMemoryMiB,
          FunctionConfig::maxMemoryMiB,
          u" MiB"_s,
          FunctionConfig::memoryStepMiB))
    , m_timeoutSpin(spin(this, "timeoutSpin", 0, 3600, u" s"_s))
    , m_payloadSpin(spin(this, "payloadSpin", 0, int(FunctionConfig::maxPayloadLimitBytes / 1024), u" KiB"_s, 256))
    , m_minReplicasSpin(spin(this, "minReplicasSpin", 0, 1000, {}))
    , m_maxReplicasSpin(spin(this, "maxReplicasSpin", 0, 1000, {}))
    , m_concurrencySpin(spin(this, "concurrencySpin", 0, 1000, {}))
    , m_idleSpin(spin(this, "idleSpin", 0, 7 * 24 * 3600, u" s"_s, 30))
    , m_gpuCountSpin(spin(this, "gpuCountSpin", 0, protocol::limits::maxGpuCount, {}))
    , m_gpuMemorySpin(spin(
          this, "gpuMemorySpin", 0, protocol::limits::maxGpuMemoryMiB, u" MiB"_s, protocol::limits::gpuMemoryStepMiB))
    , m_gpuPercentSpin(spin(this, "gpuPercentSpin", 0, protocol::limits::maxGpuPercent, u" %"_s))
    , m_asyncQueueSpin(spin(this, "asyncQueueSpin", 0, 10 * protocol::limits::maxAsyncQueueLimit, u" calls"_s))
    , m_triggerTable(table(
          this, "triggerTable", {tr("Type"), tr("Schedule or topic"), tr("QoS (MQTT)"), tr("Result topic (MQTT)")}))
    , m_envTable(table(this, "envTable", {tr("Name"), tr("Value")}))
    , m_authCombo(new QComboBox(this))
    , m_saveButton(new QPushButton(tr("Save configuration"), this))
    , m_revertButton(new QPushButton(tr("Revert"), this))
    , m_summaryLabel(new QLabel(this))
{
    m_runtimeCombo->setObjectName(u"runtimeCombo"_s);
    for (auto runtime : {FunctionRuntime::Python3, FunctionRuntime::Node, FunctionRuntime::Exec})
        m_runtimeCombo->addItem(functionRuntimeName(runtime), int(runtime));
    m_handlerEdit->setObjectName(u"handlerEdit"_s);
    m_idleSpin->setSpecialValueText(tr("never"));
    m_memorySpin->setToolTip(
        tr("In steps of %1 MiB; the agent enforces it with cgroups or RLIMIT_AS").arg(FunctionConfig::memoryStepMiB));
    m_concurrencySpin->setToolTip(tr("Calls a replica takes (running or waiting) before another one starts"));
    m_minReplicasSpin->setToolTip(tr("0 lets the function scale to zero when idle"));
    m_gpuCountSpin->setToolTip(tr("GPUs each replica gets; with 0 it sees none"));
    m_gpuMemorySpin->setSpecialValueText(tr("any"));
    m_gpuMemorySpin->setToolTip(
        tr("Memory each of those GPUs must have, in steps of %1 MiB").arg(protocol::limits::gpuMemoryStepMiB));
    m_gpuPercentSpin->setToolTip(tr("Share of each GPU's compute (under NVIDIA MPS)"));
    m_asyncQueueSpin->setSpecialValueText(tr("the node's limit"));
    m_asyncQueueSpin->setToolTip(tr("Asynchronous calls queued or running before more are refused with 429"));
    m_authCombo->setObjectName(u"authCombo"_s);
    m_authCombo->addItem(tr("public: anyone who reaches the invoke port"), int(FunctionAuth::Public));
    m_authCombo->addItem(tr("token: callers send the invoke token"), int(FunctionAuth::Token));
    m_saveButton->setObjectName(u"saveConfigButton"_s);
    m_revertButton->setObjectName(u"revertConfigButton"_s);
    m_summaryLabel->setObjectName(u"configSummaryLabel"_s);
    m_summaryLabel->setWordWrap(true);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Runtime"), withMessage(m_runtimeCombo, configkeys::runtime));
    form->addRow(tr("Handler"), withMessage(m_handlerEdit, configkeys::handler));
    form->addRow(tr("Memory"), withMessage(m_memorySpin, configkeys::memoryMiB));
    form->addRow(tr("Timeout"), withMessage(m_timeoutSpin, configkeys::timeoutSeconds));
    form->addRow(tr("Largest request"), withMessage(m_payloadSpin, configkeys::maxPayloadBytes));
    form->addRow(tr("Replicas kept warm"), withMessage(m_minReplicasSpin, configkeys::minReplicas));
    form->addRow(tr("Most replicas"), withMessage(m_maxReplicasSpin, configkeys::maxReplicas));
    form->addRow(tr("Calls per replica"), withMessage(m_concurrencySpin, configkeys::targetConcurrency));
    form->addRow(tr("Idle before zero"), withMessage(m_idleSpin, configkeys::idleToZeroSeconds));
    form->addRow(tr("GPUs"), withMessage(m_gpuCountSpin, configkeys::gpuCount));
    form->addRow(tr("GPU memory"), withMessage(m_gpuMemorySpin, configkeys::gpuMemoryMiB));
    form->addRow(tr("GPU share"), withMessage(m_gpuPercentSpin, configkeys::gpuPercent));
    form->addRow(tr("Async queue"), withMessage(m_asyncQueueSpin, configkeys::asyncQueueLimit));
    form->addRow(tr("Triggers"), withMessage(buildTriggers(), configkeys::triggers));
    form->addRow(tr("Environment"), withMessage(buildEnv(), configkeys::env));
    form->addRow(tr("Who may call"), withMessage(m_authCombo, configkeys::auth));

    auto *content = new QWidget(this);
    content->setLayout(form);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_summaryLabel, 1);
    buttons->addWidget(m_revertButton);
    buttons->addWidget(m_saveButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    layout->addLayout(buttons);

    const auto changed = [this] {
        revalidate();
    };
    connect(m_runtimeCombo, &QComboBox::currentIndexChanged, this, changed);
    connect(m_authCombo, &QComboBox::currentIndexChanged, this, changed);
    connect(m_handlerEdit, &QLineEdit::textChanged, this, changed);
    for (QSpinBox *box : {m_memorySpin,
             m_timeoutSpin,
             m_payloadSpin,
             m_minReplicasSpin,
             m_maxReplicasSpin,
             m_concurrencySpin,
             m_idleSpin,
             m_gpuCountSpin,
             m_gpuMemorySpin,
             m_gpuPercentSpin,
             m_asyncQueueSpin})
        connect(box, &QSpinBox::valueChanged, this, changed);
    connect(m_triggerTable, &QTableWidget::itemChanged, this, changed);
    connect(m_envTable, &QTableWidget::itemChanged, this, changed);
    connect(m_saveButton, &QPushButton::clicked, this, [this] {
        Q_EMIT saveRequested(config());
    });
    connect(m_revertButton, &QPushButton::clicked, this, [this] {
        setConfig(m_saved);
    });
    setConfig(FunctionConfig());
}

QWidget *FunctionConfigForm::withMessage(QWidget *field, const char *key)
{
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    auto *message = new QLabel(box);
    message->setObjectName(QLatin1StringView(key) + u"Message"_s);
    message->setWordWrap(true);
    message->setStyleSheet(u"color: #d13a3a;"_s);
    message->hide();
    layout->addWidget(message);
    m_messages.insert(QLatin1StringView(key), message);
    return box;
}

QWidget *FunctionConfigForm::buildTriggers()
{
    auto *box = new QWidget(this);
    auto *add = new QPushButton(tr("Add trigger"), box);
    add->setObjectName(u"addTriggerButton"_s);
    auto *remove = new QPushButton(tr("Remove"), box);
    connect(add, &QPushButton::clicked, this, [this] {
        addTriggerRow(Trigger {TriggerType::Cron, u"*/5 * * * *"_s});
        revalidate();
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        m_triggerTable->removeRow(m_triggerTable->currentRow());
        revalidate();
    });
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_triggerTable);
    layout->addLayout(buttons);
    return box;
}

QWidget *FunctionConfigForm::buildEnv()
{
    auto *box = new QWidget(this);
    auto *add = new QPushButton(tr("Add variable"), box);
    add->setObjectName(u"addEnvButton"_s);
    auto *remove = new QPushButton(tr("Remove"), box);
    connect(add, &QPushButton::clicked, this, [this] {
        const int row = m_envTable->rowCount();
        m_envTable->insertRow(row);
        m_envTable->setItem(row, 0, new QTableWidgetItem(u"NAME"_s));
        m_envTable->setItem(row, 1, new QTableWidgetItem());
        m_envTable->editItem(m_envTable->item(row, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        m_envTable->removeRow(m_envTable->currentRow());
        revalidate();
    });
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_envTable);
    layout->addLayout(buttons);
    return box;
}

void FunctionConfigForm::addTriggerRow(const Trigger &trigger)
{
    const int row = m_triggerTable->rowCount();
    m_triggerTable->insertRow(row);
    auto *type = new QComboBox(m_triggerTable);
    for (auto kind : {TriggerType::Http, TriggerType::Cron, TriggerType::Mqtt})
        type->addItem(triggerTypeName(kind), int(kind));
    type->setCurrentIndex(type->findData(int(trigger.type)));
    connect(type, &QComboBox::currentIndexChanged, this, [this] {
        revalidate();
    });
    m_triggerTable->setCellWidget(row, 0, type);
    m_triggerTable->setItem(row, 1, new QTableWidgetItem(trigger.value));
    // MQTT only: at most once (0) or at least once (1); the broker's answer topic for a 2xx answer.
    auto *qos = new QComboBox(m_triggerTable);
    qos->addItem(tr("0: at most once"), 0);
    qos->addItem(tr("1: at least once"), 1);
    qos->setCurrentIndex(qos->findData(trigger.qos));
    connect(qos, &QComboBox::currentIndexChanged, this, [this] {
        revalidate();
    });
    m_triggerTable->setCellWidget(row, 2, qos);
    m_triggerTable->setItem(row, 3, new QTableWidgetItem(trigger.resultTopic));
}

void FunctionConfigForm::setConfig(const FunctionConfig &config)
{
    m_filling = true;
    m_saved = config;
    m_runtimeCombo->setCurrentIndex(m_runtimeCombo->findData(int(config.runtime)));
    m_handlerEdit->setText(config.handler);
    m_memorySpin->setValue(config.memoryMiB);
    m_timeoutSpin->setValue(config.timeoutSeconds);
    m_payloadSpin->setValue(int(config.maxPayloadBytes / 1024));
    m_minReplicasSpin->setValue(config.minReplicas);
    m_maxReplicasSpin->setValue(config.maxReplicas);
    m_concurrencySpin->setValue(config.targetConcurrency);
    m_idleSpin->setValue(config.idleToZeroSeconds);
    m_gpuCountSpin->setValue(config.gpuCount);
    m_gpuMemorySpin->setValue(config.gpuMemoryMiB);
    m_gpuPercentSpin->setValue(config.gpuPercent);
    m_asyncQueueSpin->setValue(config.asyncQueueLimit);
    m_triggerTable->setRowCount(0);
    for (const Trigger &trigger : config.triggers)
        addTriggerRow(trigger);
    m_envTable->setRowCount(0);
    for (auto it = config.env.cbegin(); it != config.env.cend(); ++it) {
        const int row = m_envTable->rowCount();
        m_envTable->insertRow(row);
        m_envTable->setItem(row, 0, new QTableWidgetItem(it.key()));
        m_envTable->setItem(row, 1, new QTableWidgetItem(it.value()));
    }
    m_authCombo->setCurrentIndex(m_authCombo->findData(int(config.auth)));
    m_filling = false;
    revalidate();
}

FunctionConfig FunctionConfigForm::config() const
{
    FunctionConfig config = m_saved; // fields the form does not show stay as they were
    config.runtime = FunctionRuntime(m_runtimeCombo->currentData().toInt());
    config.handler = m_handlerEdit->text().trimmed();
    config.memoryMiB = m_memorySpin->value();
    config.timeoutSeconds = m_timeoutSpin->value();
    // Kept exact when the KiB field was not touched: a limit need not be whole KiB.
    if (m_payloadSpin->value() != int(m_saved.maxPayloadBytes / 1024))
        config.maxPayloadBytes = qint64(m_payloadSpin->value()) * 1024;
    config.minReplicas = m_minReplicasSpin->value();
    config.maxReplicas = m_maxReplicasSpin->value();
    config.targetConcurrency = m_concurrencySpin->value();
    config.idleToZeroSeconds = m_idleSpin->value();
    config.gpuCount = m_gpuCountSpin->value();
    config.gpuMemoryMiB = m_gpuMemorySpin->value();
    config.gpuPercent = m_gpuPercentSpin->value();
    config.asyncQueueLimit = m_asyncQueueSpin->value();
    config.triggers.clear();
    for (int row = 0; row < m_triggerTable->rowCount(); ++row) {
        const auto *type = qobject_cast<QComboBox *>(m_triggerTable->cellWidget(row, 0));
        const QTableWidgetItem *value = m_triggerTable->item(row, 1);
        const auto *qos = qobject_cast<QComboBox *>(m_triggerTable->cellWidget(row, 2));
        const QTableWidgetItem *resultTopic = m_triggerTable->item(row, 3);
        Trigger trigger {
            TriggerType(type ? type->currentData().toInt() : 0), value ? value->text().trimmed() : QString()};
        // Kept only where the agent keeps them, so an untouched configuration stays unmodified.
        if (trigger.type == TriggerType::Mqtt) {
            trigger.qos = qos ? qos->currentData().toInt() : 0;
            trigger.resultTopic = resultTopic ? resultTopic->text().trimmed() : QString();
        }
        config.triggers.append(trigger);
    }
    config.env.clear();
    for (int row = 0; row < m_envTable->rowCount(); ++row) {
        const QTableWidgetItem *name = m_envTable->item(row, 0);
        const QTableWidgetItem *value = m_envTable->item(row, 1);
        if (name && !name->text().trimmed().isEmpty())
            config.env.insert(name->text().trimmed(), value ? value->text() : QString());
    }
    config.auth = FunctionAuth(m_authCombo->currentData().toInt());
    return config;
}

bool FunctionConfigForm::isModified() const
{
    return !(config() == m_saved);
}

QList<ConfigProblem> FunctionConfigForm::problems() const
{
    return config().problems();
}

QString FunctionConfigForm::messageFor(const QString &field) const
{
    const QLabel *label = m_messages.value(field);
    return label && !label->isHidden() ? label->text() : QString();
}

void FunctionConfigForm::revalidate()
{
    if (m_filling)
        return;
    QHash<QString, QStringList> byField;
    const QList<ConfigProblem> found = problems();
    QStringList general; // about the configuration as a whole: shown in the summary
    for (const ConfigProblem &problem : found) {
        const QString sentence = problem.message + u'.'; // the agent's words, as its answer to a deploy has them
        if (m_messages.contains(problem.field))
            byField[problem.field] << sentence;
        else
            general << sentence;
    }
    for (auto it = m_messages.cbegin(); it != m_messages.cend(); ++it) {
        const QStringList messages = byField.value(it.key());
        it.value()->setText(messages.join(u'\n'));
        it.value()->setVisible(!messages.isEmpty());
    }
    const bool modified = isModified();
    m_saveButton->setEnabled(modified && found.isEmpty());
    m_revertButton->setEnabled(modified);
    if (!found.isEmpty())
        m_summaryLabel->setText(
            (QStringList {tr("%n problem(s) to fix before saving.", nullptr, int(found.size()))} + general).join(u' '));
    else if (modified)
        m_summaryLabel->setText(tr("Changed. Saved changes go to the agents with the next deploy."));
    else
        m_summaryLabel->setText(tr("Sent to the agents with every deploy."));
}

} // namespace rune::views
