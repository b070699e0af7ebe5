// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/settingspane.h"

#include "cluster/nodelist.h"
#include "settings/brokerpush.h"
#include "settings/nodepricesmodel.h"
#include "settings/settingfield.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

SettingsPane::SettingsPane(Settings *settings, NodeList *nodes, QWidget *parent)
    : QWidget(parent)
    , m_settings(settings)
    , m_nodes(nodes)
    , m_dataDirAtStart(settings->dataDir())
    , m_restartLabel(new QLabel(this))
{
    setObjectName(u"settingsPane"_s);
    auto *content = new QWidget(this);
    auto *column = new QVBoxLayout(content);
    auto *title = new QLabel(u"<h2>%1</h2>"_s.arg(tr("Settings")), content);
    auto *where =
        new QLabel(tr("Stored in %1. Values are checked as you type and saved with Return or when you leave the field.")
                       .arg(settings->fileName()),
            content);
    where->setObjectName(u"settingsFileLabel"_s);
    where->setWordWrap(true);
    where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_restartLabel->setObjectName(u"restartLabel"_s);
    m_restartLabel->setWordWrap(true);
    m_restartLabel->hide();
    column->addWidget(title);
    column->addWidget(where);
    if (!settings->problems().isEmpty())
        column->addWidget(buildProblems());
    column->addWidget(m_restartLabel);
    for (const Settings::Section section : Settings::sections())
        column->addWidget(buildSection(section));
    column->addWidget(buildPrices(nodes));
    column->addStretch(1);
    content->setMaximumWidth(860);

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    connect(m_settings, &Settings::changed, this, &SettingsPane::noteRestart);
}

QWidget *SettingsPane::buildSection(Settings::Section section)
{
    auto *box = new QGroupBox(Settings::sectionTitle(section), this);
    box->setObjectName(u"settingsSection_%1"_s.arg(int(section)));
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const Settings::Descriptor &d : Settings::descriptors()) {
        if (d.section != section || !d.shown)
            continue;
        auto *field = new SettingField(m_settings, d.key, box);
        m_fields.insert(d.key, field);
        const QString unit = *d.unit ? u" (%1)"_s.arg(QLatin1StringView(d.unit)) : QString();
        form->addRow(Settings::label(d.key) + unit, field);
    }
    auto *reset = new QPushButton(tr("Reset to defaults"), box);
    reset->setObjectName(u"resetSectionButton_%1"_s.arg(int(section)));
    reset->setToolTip(tr("Every setting of %1 back to its default").arg(Settings::sectionTitle(section)));
    connect(reset, &QPushButton::clicked, this, [this, section] {
        m_settings->resetSection(section);
    });
    m_resetButtons.insert(section, reset);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(reset);
    auto *layout = new QVBoxLayout(box);
    layout->addLayout(form);
    if (section == Settings::Section::Events)
        layout->addWidget(buildBrokerRow(box));
    layout->addLayout(buttons);
    return box;
}

QWidget *SettingsPane::buildBrokerRow(QWidget *parent)
{
    auto *row = new QWidget(parent);
    m_sendBroker = new QPushButton(tr("Send to the nodes…"), row);
    m_sendBroker->setObjectName(u"sendBrokerButton"_s);
    m_sendBroker->setToolTip(tr("Gives every running node this broker (asking for its password first); "
                                "they connect without a restart."));
    m_sendBroker->hide();
    m_brokerResult = new QLabel(row);
    m_brokerResult->setObjectName(u"brokerResultLabel"_s);
    m_brokerResult->setWordWrap(true);
    m_brokerResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(m_sendBroker, &QPushButton::clicked, this, &SettingsPane::sendBrokerToNodes);
    auto *layout = new QVBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_sendBroker);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    layout->addWidget(m_brokerResult);
    m_passwordPrompt = [](QWidget *owner, const QString &question) -> std::optional<QString> {
        bool ok = false;
        const QString password =
            QInputDialog::getText(owner, tr("MQTT broker password"), question, QLineEdit::Password, {}, &ok);
        return ok ? std::optional<QString>(password) : std::nullopt;
    };
    return row;
}

void SettingsPane::setAgents(FunctionAgents *agents)
{
    m_agents = agents;
    if (m_sendBroker)
        m_sendBroker->setVisible(agents != nullptr);
}

void SettingsPane::setPasswordPrompt(PasswordPrompt prompt)
{
    m_passwordPrompt = std::move(prompt);
}

void SettingsPane::sendBrokerToNodes()
{
    if (!m_agents)
        return;
    QStringList running;
    for (const Node &node : m_nodes->nodes()) {
        if (node.state == NodeState::Running)
            running << node.id;
    }
    if (running.isEmpty()) {
        m_brokerResult->setText(tr("No node is running: nothing was sent."));
        return;
    }
    const QString url = m_settings->value(Settings::Key::MqttBrokerUrl).toString();
    const QString user = m_settings->value(Settings::Key::MqttUsername).toString();
    std::optional<QString> password;
    if (!url.isEmpty() && !user.isEmpty()) {
        const auto answer = m_passwordPrompt(this,
            tr("The password of %1 at %2. It is sent once to the %n running node(s), which keep it in a file "
               "only the agent reads; the console does not store it. Empty: each node keeps the password it has.",
                nullptr,
                int(running.size()))
                .arg(user, url));
        if (!answer)
            return;
        if (!answer->isEmpty())
            password = *answer;
    } else if (!url.isEmpty()) {
        password = QString(); // no user: no password either
    }
    m_sendBroker->setEnabled(false);
    m_brokerResult->setText(url.isEmpty() ? tr("Clearing the broker on %n node(s)…", nullptr, int(running.size()))
                                          : tr("Sending %1 to %n node(s)…", nullptr, int(running.size())).arg(url));
    pushBroker(m_agents, running, BrokerSettings {url, user, password}, this, [this](QList<BrokerPushResult> results) {
        m_sendBroker->setEnabled(true);
        m_brokerResult->setText(describePush(results));
    });
}

QPushButton *SettingsPane::sendBrokerButton() const
{
    return m_sendBroker;
}

QString SettingsPane::brokerResultText() const
{
    return m_brokerResult ? m_brokerResult->text() : QString();
}

QWidget *SettingsPane::buildPrices(NodeList *nodes)
{
    auto *box = new QGroupBox(tr("Node prices"), this);
    box->setObjectName(u"nodePricesSection"_s);
    m_prices = new NodePricesModel(nodes, box);
    m_pricesView = new QTableView(box);
    m_pricesView->setObjectName(u"nodePricesTable"_s);
    m_pricesView->setModel(m_prices);
    m_pricesView->verticalHeader()->hide();
    m_pricesView->horizontalHeader()->setStretchLastSection(true);
    m_pricesView->setEditTriggers(
        QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    m_pricesView->setMinimumHeight(140);
    m_pricesMessage = new QLabel(
        tr("What each node costs an hour, for placement and the Cost pane; double-click a price to change it "
           "(the same as Hourly price… in the Nodes pane). Applies at once."),
        box);
    m_pricesMessage->setObjectName(u"nodePricesMessage"_s);
    m_pricesMessage->setWordWrap(true);
    connect(m_prices, &NodePricesModel::priceRefused, m_pricesMessage, [this](const QString &message) {
        m_pricesMessage->setText(u"<span style='color:#d13a3a'>%1</span>"_s.arg(message.toHtmlEscaped()));
    });
    connect(m_prices, &NodePricesModel::priceSet, m_pricesMessage, &QLabel::setText);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(m_pricesMessage);
    layout->addWidget(m_pricesView);
    return box;
}

QWidget *SettingsPane::buildProblems()
{
    auto *box = new QWidget(this);
    box->setObjectName(u"settingsProblems"_s);
    QStringList lines;
    for (const Settings::Problem &problem : m_settings->problems())
        lines << problem.message.toHtmlEscaped();
    auto *label = new QLabel(u"<span style='color:#d13a3a'>%1</span><br>%2"_s.arg(lines.join(u"<br>"_s),
                                 tr("Changes made here are used but not saved until the file is set aside.")),
        box);
    label->setObjectName(u"settingsProblemsLabel"_s);
    label->setWordWrap(true);
    auto *repair = new QPushButton(tr("Set the damaged file aside"), box);
    repair->setObjectName(u"repairSettingsButton"_s);
    repair->setToolTip(
        tr("Renames it to %1.damaged and saves the settings in use in a new file").arg(m_settings->fileName()));
    connect(repair, &QPushButton::clicked, this, [this, label, repair] {
        const auto aside = m_settings->repair();
        label->setText(aside ? tr("The damaged file is now %1; settings are saved again.").arg(*aside)
                             : u"<span style='color:#d13a3a'>%1</span>"_s.arg(aside.error().toHtmlEscaped()));
        repair->setEnabled(!aside);
    });
    auto *layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(label, 1);
    layout->addWidget(repair, 0, Qt::AlignTop);
    return box;
}

void SettingsPane::noteRestart(Settings::Key key)
{
    if (Settings::descriptor(key).takes != Settings::Takes::AfterRestart || !Settings::descriptor(key).shown)
        return;
    if (!m_waitingForRestart.contains(key))
        m_waitingForRestart << key;
    QStringList names;
    for (const Settings::Key waiting : std::as_const(m_waitingForRestart))
        names << Settings::label(waiting);
    QString note = tr("Restart Rune to apply: %1.").arg(names.join(u", "_s));
    // Not dataDir(): it creates the directory, and this runs for every character typed.
    const QString next = m_settings->value(Settings::Key::DataDir).toString();
    if (m_waitingForRestart.contains(Settings::Key::DataDir) && next != m_dataDirAtStart) {
        note += u' '
            + tr("Until then the console keeps its data in %1. Nothing is moved: copy rune.db, metrics.db and "
                 "buckets/ to %2 first to keep your nodes, functions and history.")
                  .arg(m_dataDirAtStart, next.isEmpty() ? tr("the default data directory") : next);
    }
    m_restartLabel->setText(note);
    m_restartLabel->show();
}

SettingField *SettingsPane::field(Settings::Key key) const
{
    return m_fields.value(key);
}

QPushButton *SettingsPane::resetButton(Settings::Section section) const
{
    return m_resetButtons.value(section);
}

NodePricesModel *SettingsPane::pricesModel() const
{
    return m_prices;
}

QTableView *SettingsPane::pricesView() const
{
    return m_pricesView;
}

QString SettingsPane::restartNote() const
{
    return m_restartLabel->isHidden() ? QString() : m_restartLabel->text();
}

} // namespace rune::views
