// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/provisioningpanel.h"

#include "fleet/provisioningmodel.h"
#include "provision/nodeoperations.h"
#include "widgets/meterdelegate.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

ProvisioningPanel::ProvisioningPanel(NodeList *nodes, NodeOperations *operations, QWidget *parent)
    : QWidget(parent)
    , m_operations(operations)
    , m_model(new ProvisioningModel(nodes, operations, this))
    , m_table(new QTableView(this))
    , m_log(new QPlainTextEdit(this))
    , m_logTitle(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_cancelButton(new QPushButton(tr("Cancel all"), this))
    , m_retryButton(new QPushButton(tr("Retry failed"), this))
    , m_clearButton(new QPushButton(tr("Clear finished"), this))
{
    setObjectName(u"provisioningPanel"_s);
    m_table->setObjectName(u"provisioningTable"_s);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(28);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setItemDelegateForColumn(ProvisioningModel::Progress, new MeterDelegate(this));
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->resizeSection(ProvisioningModel::Host, 130);
    m_table->horizontalHeader()->resizeSection(ProvisioningModel::Action, 80);
    m_table->horizontalHeader()->resizeSection(ProvisioningModel::Progress, 150);
    m_log->setObjectName(u"provisioningLog"_s);
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("Select a host to read its log."));
    m_logTitle->setForegroundRole(QPalette::PlaceholderText);
    m_summary->setObjectName(u"provisioningSummary"_s);
    m_cancelButton->setObjectName(u"cancelOperationsButton"_s);
    m_retryButton->setObjectName(u"retryOperationsButton"_s);
    m_clearButton->setObjectName(u"clearOperationsButton"_s);

    auto *header = new QHBoxLayout;
    auto *title = new QLabel(u"<b>%1</b>"_s.arg(tr("Operations")), this);
    header->addWidget(title);
    header->addWidget(m_summary);
    header->addStretch();
    header->addWidget(m_retryButton);
    header->addWidget(m_cancelButton);
    header->addWidget(m_clearButton);

    auto *logBox = new QWidget(this);
    auto *logLayout = new QVBoxLayout(logBox);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->setSpacing(2);
    logLayout->addWidget(m_logTitle);
    logLayout->addWidget(m_log, 1);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(logBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(header);
    layout->addWidget(split, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &index) {
        showLogOf(index.row());
    });
    connect(m_model, &ProvisioningModel::logAppended, this, [this](int row, const QString &line) {
        if (row == m_shownRow)
            m_log->appendPlainText(line);
        Q_EMIT activity();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ProvisioningPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        showLogOf(m_table->currentIndex().row());
        updateButtons();
    });
    connect(m_cancelButton, &QPushButton::clicked, operations, &NodeOperations::cancel);
    connect(m_retryButton, &QPushButton::clicked, this, &ProvisioningPanel::retryFailed);
    connect(m_clearButton, &QPushButton::clicked, m_model, &ProvisioningModel::clearFinished);
    updateButtons();
}

ProvisioningModel *ProvisioningPanel::model() const
{
    return m_model;
}

QTableView *ProvisioningPanel::table() const
{
    return m_table;
}

QPlainTextEdit *ProvisioningPanel::logView() const
{
    return m_log;
}

void ProvisioningPanel::track(const QStringList &nodeIds, NodeAction action)
{
    if (nodeIds.isEmpty())
        return;
    m_model->track(nodeIds, action);
    const int row = m_model->rowOf(nodeIds.first());
    m_table->setCurrentIndex(m_model->index(row, 0));
    showLogOf(row);
    Q_EMIT activity();
}

Result<void> ProvisioningPanel::start(const QStringList &nodeIds, NodeAction action)
{
    // Shown before anything starts: a job may report its first step at once.
    track(nodeIds, action);
    const auto started = m_operations->perform(nodeIds, action);
    const QStringList refusals = started ? QStringList() : started.error().message.split(u'\n');
    for (const QString &id : nodeIds) {
        const int row = m_model->rowOf(id);
        if (m_operations->isBusy(id) || row < 0 || m_model->at(row).outcome != ProvisioningModel::Outcome::Queued)
            continue;
        const QString prefix = m_model->at(row).name + u": "_s;
        const auto reason = std::find_if(refusals.begin(), refusals.end(), [&prefix](const QString &line) {
            return line.startsWith(prefix);
        });
        m_model->note(id, action, reason != refusals.end() ? reason->mid(prefix.size()) : started.error().message);
    }
    return started;
}

void ProvisioningPanel::showLogOf(int row)
{
    m_shownRow = row;
    if (row < 0 || row >= m_model->rowCount()) {
        m_logTitle->setText(tr("Log"));
        m_log->clear();
        return;
    }
    const ProvisioningModel::Row &entry = m_model->at(row);
    m_logTitle->setText(tr("Log of %1").arg(entry.name));
    m_log->setPlainText(entry.log.join(u'\n'));
    m_log->verticalScrollBar()->setValue(m_log->verticalScrollBar()->maximum());
}

void ProvisioningPanel::updateButtons()
{
    using Outcome = ProvisioningModel::Outcome;
    const int running = m_model->count(Outcome::Running) + m_model->count(Outcome::Queued);
    const int failed = m_model->count(Outcome::Failed) + m_model->count(Outcome::Cancelled);
    const int done = m_model->count(Outcome::Done);
    m_cancelButton->setEnabled(running > 0);
    m_retryButton->setEnabled(failed > 0);
    m_clearButton->setEnabled(failed + done > 0);
    QStringList parts;
    if (running > 0)
        parts << tr("%n under way", nullptr, running);
    if (done > 0)
        parts << tr("%n done", nullptr, done);
    if (failed > 0)
        parts << tr("%n failed", nullptr, failed);
    m_summary->setText(parts.join(u" · "_s));
}

void ProvisioningPanel::retryFailed()
{
    using Outcome = ProvisioningModel::Outcome;
    QMap<int, QStringList> byAction;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const ProvisioningModel::Row &entry = m_model->at(row);
        if (entry.outcome == Outcome::Failed || entry.outcome == Outcome::Cancelled)
            byAction[int(entry.action)] << entry.nodeId;
    }
    for (auto it = byAction.begin(); it != byAction.end(); ++it)
        start(it.value(), NodeAction(it.key()));
}

} // namespace rune::views
