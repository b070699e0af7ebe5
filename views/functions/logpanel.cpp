// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/logpanel.h"

#include "agent/functionagents.h"
#include "functions/functioncatalog.h"
#include "functions/functionlog.h"
#include "functions/logfiltermodel.h"
#include "functions/logtablemodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

LogPanel::LogPanel(const FunctionServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_model(new LogTableModel(services.nodes, this))
    , m_filter(new LogFilterModel(this))
    , m_requestEdit(new QLineEdit(this))
    , m_levelCombo(new QComboBox(this))
    , m_textEdit(new QLineEdit(this))
    , m_followCheck(new QCheckBox(tr("Follow"), this))
    , m_statusLabel(new QLabel(this))
    , m_table(new QTableView(this))
{
    m_filter->setSourceModel(m_model);
    // The agent numbers its deploys itself: name the console's version where it is known.
    m_model->setVersionLabel([this](const FunctionLogLine &line) -> QString {
        for (const FunctionDeployment &deployment : m_services.catalog->deployments(m_functionId)) {
            if (deployment.nodeId == line.nodeId && deployment.agentVersion == line.version)
                return u"v"_s + QString::number(deployment.number);
        }
        return tr("agent v%1").arg(line.version);
    });
    m_requestEdit->setObjectName(u"logRequestEdit"_s);
    m_requestEdit->setPlaceholderText(tr("request id"));
    m_requestEdit->setClearButtonEnabled(true);
    m_levelCombo->setObjectName(u"logLevelCombo"_s);
    m_levelCombo->addItem(tr("All levels"), -1);
    for (auto level : {FunctionLogLine::Level::Info, FunctionLogLine::Level::Warning, FunctionLogLine::Level::Error})
        m_levelCombo->addItem(logLevelName(level), int(level));
    m_textEdit->setObjectName(u"logTextEdit"_s);
    m_textEdit->setPlaceholderText(tr("text"));
    m_textEdit->setClearButtonEnabled(true);
    m_followCheck->setObjectName(u"logFollowCheck"_s);
    m_followCheck->setChecked(true);
    m_followCheck->setToolTip(tr("Keep the newest line in view"));
    m_statusLabel->setObjectName(u"logStatusLabel"_s);
    auto *clearButton = new QPushButton(tr("Clear"), this);
    clearButton->setObjectName(u"logClearButton"_s);

    m_table->setObjectName(u"logTable"_s);
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setWordWrap(false);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(u"<b>%1</b>"_s.arg(tr("Logs")), this));
    bar->addWidget(m_requestEdit, 1);
    bar->addWidget(m_levelCombo);
    bar->addWidget(m_textEdit, 1);
    bar->addWidget(m_followCheck);
    bar->addWidget(clearButton);
    bar->addWidget(m_statusLabel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    connect(m_requestEdit, &QLineEdit::textChanged, m_filter, &LogFilterModel::setRequestId);
    connect(m_textEdit, &QLineEdit::textChanged, m_filter, &LogFilterModel::setText);
    connect(m_levelCombo, &QComboBox::currentIndexChanged, this, [this] {
        const int level = m_levelCombo->currentData().toInt();
        m_filter->setLevel(level < 0 ? std::nullopt : std::optional(FunctionLogLine::Level(level)));
    });
    connect(clearButton, &QPushButton::clicked, m_model, &LogTableModel::clear);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_followCheck->isChecked())
            m_table->scrollToBottom();
    });
    connect(services.catalog, &FunctionCatalog::versionsChanged, this, [this](const QString &id) {
        if (id == m_functionId)
            followNewNodes();
    });
    updateStatus();
}

LogPanel::~LogPanel() = default;

void LogPanel::setFunction(const QString &functionId)
{
    if (functionId == m_functionId)
        return;
    ++m_generation;
    m_functionId = functionId;
    for (const auto &follower : std::as_const(m_followers))
        delete follower.data();
    m_followers.clear();
    m_problems.clear();
    m_model->clear();
    m_requestEdit->clear();
    followNewNodes();
}

void LogPanel::followNewNodes()
{
    const Function *function = m_services.catalog->find(m_functionId);
    if (!function) {
        updateStatus();
        return;
    }
    const int generation = m_generation;
    const QString name = function->name;
    for (const QString &nodeId : m_services.catalog->everyNodeOf(m_functionId)) {
        if (m_followers.contains(nodeId))
            continue;
        m_followers.insert(nodeId, nullptr); // resolving
        m_services.agents->resolve(nodeId, this, [this, generation, nodeId, name](Result<AgentAddress> address) {
            if (generation != m_generation)
                return;
            if (!address) {
                m_followers.remove(nodeId);
                m_problems.insert(nodeId, address.error().message);
                updateStatus();
                return;
            }
            auto *follower = new FunctionLogFollower(m_services.agents->network(), *address, name, 200, this);
            connect(follower, &FunctionLogFollower::linesArrived, m_model, &LogTableModel::append);
            connect(follower,
                &FunctionLogFollower::connectionChanged,
                this,
                [this, nodeId](bool connected, const QString &problem) {
                    if (connected)
                        m_problems.remove(nodeId);
                    else
                        m_problems.insert(nodeId, problem);
                    updateStatus();
                });
            m_followers.insert(nodeId, follower);
            follower->start();
        });
    }
    updateStatus();
}

int LogPanel::connectedCount() const
{
    int count = 0;
    for (const auto &follower : m_followers)
        count += follower && follower->isConnected();
    return count;
}

void LogPanel::updateStatus()
{
    if (m_functionId.isEmpty()) {
        m_statusLabel->setText(tr("no function"));
    } else if (m_followers.isEmpty() && m_problems.isEmpty()) {
        m_statusLabel->setText(tr("not deployed yet"));
    } else {
        QString text = tr("following %n node(s)", nullptr, connectedCount());
        if (!m_problems.isEmpty())
            text += u" · "_s + tr("%n not reachable", nullptr, int(m_problems.size()));
        m_statusLabel->setText(text);
    }
    m_statusLabel->setToolTip(QStringList(m_problems.values()).join(u'\n'));
}

void LogPanel::showRequest(const QString &requestId)
{
    m_requestEdit->setText(requestId);
}

LogTableModel *LogPanel::model() const
{
    return m_model;
}

LogFilterModel *LogPanel::filter() const
{
    return m_filter;
}

QTableView *LogPanel::table() const
{
    return m_table;
}

} // namespace rune::views
