// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "settings/settings.h"

#include <QHash>
#include <QWidget>
#include <functional>
#include <optional>

class QLabel;
class QPushButton;
class QTableView;

namespace rune
{
class FunctionAgents;
class NodeList;
} // namespace rune

namespace rune::views
{

class NodePricesModel;
class SettingField;

/**
 * Every setting of the console, generated from the settings' table: one form per section with
 * each field's explanation, default and when it applies, validation as it is typed, and
 * "Reset to defaults" per section; then the nodes' hourly prices. Valid changes are saved at
 * once; those that need a restart are listed at the top. A damaged settings file is reported at
 * the top with a way to set it aside.
 */
class SettingsPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsPane)

public:
    /** Edits @p settings and the prices of @p nodes (both outlive the pane). */
    SettingsPane(Settings *settings, NodeList *nodes, QWidget *parent = nullptr);

    SettingField *field(Settings::Key key) const;
    QPushButton *resetButton(Settings::Section section) const;
    NodePricesModel *pricesModel() const;
    QTableView *pricesView() const;
    /** The note listing the changes that wait for a restart; empty when none do. */
    QString restartNote() const;

    /** Asks for the broker's password: nullopt when cancelled, empty to keep what each node has. */
    using PasswordPrompt = std::function<std::optional<QString>(QWidget *parent, const QString &question)>;
    /** Where "Send to the nodes" sends the broker; without agents the button is hidden. */
    void setAgents(FunctionAgents *agents);
    /** Replaces the password dialog (tests). */
    void setPasswordPrompt(PasswordPrompt prompt);
    /** Sends the MQTT broker of the settings to every running node, asking for its password first. */
    void sendBrokerToNodes();
    QPushButton *sendBrokerButton() const;
    /** Each node's answer to the last send. */
    QString brokerResultText() const;

private:
    QWidget *buildSection(Settings::Section section);
    QWidget *buildPrices(NodeList *nodes);
    QWidget *buildProblems();
    void noteRestart(Settings::Key key);
    QWidget *buildBrokerRow(QWidget *parent);

    Settings *m_settings;
    NodeList *m_nodes;
    QString m_dataDirAtStart;
    QHash<Settings::Key, SettingField *> m_fields;
    QHash<Settings::Section, QPushButton *> m_resetButtons;
    QList<Settings::Key> m_waitingForRestart;
    QLabel *m_restartLabel;
    QLabel *m_pricesMessage = nullptr;
    NodePricesModel *m_prices = nullptr;
    QTableView *m_pricesView = nullptr;
    FunctionAgents *m_agents = nullptr;
    PasswordPrompt m_passwordPrompt;
    QPushButton *m_sendBroker = nullptr;
    QLabel *m_brokerResult = nullptr;
};

} // namespace rune::views
