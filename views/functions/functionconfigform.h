// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/functionconfig.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace rune::views
{

/**
 * A function's configuration as a form: runtime, handler, memory (64 MiB steps), timeout,
 * payload limit, replicas, concurrency, idle time before scaling to zero, triggers (with the
 * QoS and result topic of MQTT ones), environment and auth. Each field shows the agent's own
 * message beside it as the user types (FunctionConfig::problems()); Save is offered only for a
 * valid, changed configuration.
 */
class FunctionConfigForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionConfigForm)

public:
    explicit FunctionConfigForm(QWidget *parent = nullptr);

    /** Shows @p config as the saved state. */
    void setConfig(const FunctionConfig &config);
    /** The configuration as the fields hold it now. */
    FunctionConfig config() const;
    bool isModified() const;
    /** The problems core finds with config(), by field (configkeys names). */
    QList<ConfigProblem> problems() const;
    /** The message shown beside @p field, empty when there is none. */
    QString messageFor(const QString &field) const;

Q_SIGNALS:
    void saveRequested(const rune::FunctionConfig &config);

private:
    QWidget *withMessage(QWidget *field, const char *key);
    QWidget *buildTriggers();
    QWidget *buildEnv();
    void addTriggerRow(const Trigger &trigger);
    void revalidate();

    FunctionConfig m_saved;
    bool m_filling = false;
    QComboBox *m_runtimeCombo;
    QLineEdit *m_handlerEdit;
    QSpinBox *m_memorySpin;
    QSpinBox *m_timeoutSpin;
    QSpinBox *m_payloadSpin;
    QSpinBox *m_minReplicasSpin;
    QSpinBox *m_maxReplicasSpin;
    QSpinBox *m_concurrencySpin;
    QSpinBox *m_idleSpin;
    QSpinBox *m_gpuCountSpin;
    QSpinBox *m_gpuMemorySpin;
    QSpinBox *m_gpuPercentSpin;
    QSpinBox *m_asyncQueueSpin;
    QTableWidget *m_triggerTable;
    QTableWidget *m_envTable;
    QComboBox *m_authCombo;
    QPushButton *m_saveButton;
    QPushButton *m_revertButton;
    QLabel *m_summaryLabel;
    QHash<QString, QLabel *> m_messages;
};

} // namespace rune::views
