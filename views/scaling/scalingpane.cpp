// SPDX-License-Identifier: GPL-3.0-or-later
#include "scaling/scalingpane.h"

#include "cluster/nodelist.h"
#include "functions/functioncatalog.h"
#include "functions/functioninvoker.h"
#include "scaling/scalingdetail.h"
#include "scaling/scalingfleet.h"
#include "scaling/scalingtablemodel.h"
#include "scaling/sparklinedelegate.h"
#include "shell/theme.h"
#include "widgets/chartstyle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

ScalingPane::ScalingPane(const ScalingServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_model(new ScalingTableModel(services.fleet, this))
    , m_table(new QTableView(this))
    , m_detail(new ScalingDetail(services, this))
{
    m_table->setObjectName(u"scalingTable"_s);
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ScalingTableModel::Name, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setItemDelegateForColumn(ScalingTableModel::ReplicasTrend,
        new SparklineDelegate(ScalingTableModel::TrendRole, colors::series(0), m_table));
    m_table->setItemDelegateForColumn(
        ScalingTableModel::LoadTrend, new SparklineDelegate(ScalingTableModel::TrendRole, colors::series(1), m_table));
    m_table->setColumnWidth(ScalingTableModel::Name, 160);
    m_table->setColumnWidth(ScalingTableModel::Replicas, 110);
    m_table->setColumnWidth(ScalingTableModel::State, 120);
    m_table->setColumnWidth(ScalingTableModel::ReplicasTrend, 130);
    for (int column : {ScalingTableModel::Nodes,
             ScalingTableModel::Ready,
             ScalingTableModel::Starting,
             ScalingTableModel::InFlight,
             ScalingTableModel::CallsPerSecond,
             ScalingTableModel::Queued,
             ScalingTableModel::ColdStarts})
        m_table->setColumnWidth(column, 74);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ScalingPane::onCurrentChanged);
    // A reset (new functions, another filter) loses the selection: select the shown one again.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (const int row = m_model->rowOf(m_detail->function()); row >= 0)
            m_table->selectRow(row);
    });
    connect(m_detail, &ScalingDetail::configureRequested, this, &ScalingPane::configureRequested);
    connect(services.fleet, &ScalingFleet::namesChanged, this, &ScalingPane::updateLoadTargets);
    // A node that begins running the function shown is polled at the fast pace too.
    connect(services.fleet, &ScalingFleet::figuresChanged, this, [this](const QStringList &names) {
        if (names.contains(m_detail->function()))
            updateVisibleNodes();
    });

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(buildFilter());
    topLayout->addWidget(m_table);
    auto *bottom = new QWidget(this);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addWidget(m_detail, 1);
    bottomLayout->addWidget(buildLoad());
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(u"scalingSplitter"_s);
    split->addWidget(top);
    split->addWidget(bottom);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(split);
    updateLoadTargets();
}

ScalingPane::~ScalingPane() = default;

QWidget *ScalingPane::buildFilter()
{
    auto *bar = new QWidget(this);
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    m_filterEdit = new QLineEdit(bar);
    m_filterEdit->setObjectName(u"scalingFilterEdit"_s);
    m_filterEdit->setPlaceholderText(tr("Filter functions by name"));
    m_filterEdit->setClearButtonEnabled(true);
    m_atZeroCheck = new QCheckBox(tr("At zero only"), bar);
    m_atZeroCheck->setObjectName(u"atZeroCheck"_s);
    m_atMaxCheck = new QCheckBox(tr("At max replicas only"), bar);
    m_atMaxCheck->setObjectName(u"atMaxCheck"_s);
    connect(m_filterEdit, &QLineEdit::textChanged, this, &ScalingPane::applyFilter);
    connect(m_atZeroCheck, &QCheckBox::toggled, this, &ScalingPane::applyFilter);
    connect(m_atMaxCheck, &QCheckBox::toggled, this, &ScalingPane::applyFilter);
    auto *exportPngButton = new QPushButton(tr("Export chart as PNG…"), bar);
    exportPngButton->setObjectName(u"exportPngButton"_s);
    auto *exportCsvButton = new QPushButton(tr("Export figures as CSV…"), bar);
    exportCsvButton->setObjectName(u"exportCsvButton"_s);
    connect(exportPngButton, &QPushButton::clicked, this, [this] {
        askSavePath(
            this, tr("Export chart"), u"rune-scaling.png"_s, tr("PNG images (*.png)"), [this](const QString &path) {
                exportChartPng(path);
            });
    });
    connect(exportCsvButton, &QPushButton::clicked, this, [this] {
        askSavePath(
            this, tr("Export figures"), u"rune-scaling.csv"_s, tr("CSV files (*.csv)"), [this](const QString &path) {
                exportCsv(path);
            });
    });
    layout->addWidget(m_filterEdit, 1);
    layout->addWidget(m_atZeroCheck);
    layout->addWidget(m_atMaxCheck);
    layout->addSpacing(12);
    layout->addWidget(exportPngButton);
    layout->addWidget(exportCsvButton);
    return bar;
}

QWidget *ScalingPane::buildLoad()
{
    auto *bar = new QWidget(this);
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 4, 0, 0);
    m_loadNodeCombo = new QComboBox(bar);
    m_loadNodeCombo->setObjectName(u"loadNodeCombo"_s);
    m_loadNodeCombo->setMinimumWidth(140);
    m_rateSpin = new QSpinBox(bar);
    m_rateSpin->setObjectName(u"loadRateSpin"_s);
    m_rateSpin->setRange(1, LoadPlan::maxCallsPerSecond);
    m_rateSpin->setValue(20);
    m_rateSpin->setSuffix(tr(" calls/s"));
    m_secondsSpin = new QSpinBox(bar);
    m_secondsSpin->setObjectName(u"loadSecondsSpin"_s);
    m_secondsSpin->setRange(1, LoadPlan::maxSeconds);
    m_secondsSpin->setValue(20);
    m_secondsSpin->setSuffix(tr(" s"));
    m_loadButton = new QPushButton(tr("Load…"), bar);
    m_loadButton->setObjectName(u"loadButton"_s);
    m_loadButton->setToolTip(tr("Send the function a burst of calls from this console, to watch it scale up and back"));
    m_cancelButton = new QPushButton(tr("Cancel"), bar);
    m_cancelButton->setObjectName(u"cancelLoadButton"_s);
    m_cancelButton->setEnabled(false);
    m_loadProgress = new QProgressBar(bar);
    m_loadProgress->setObjectName(u"loadProgress"_s);
    m_loadProgress->setRange(0, 1000);
    m_loadProgress->setValue(0);
    m_loadProgress->setMaximumWidth(200);
    m_statusLabel = new QLabel(bar);
    m_statusLabel->setObjectName(u"loadStatusLabel"_s);
    m_statusLabel->setWordWrap(true);
    connect(m_loadButton, &QPushButton::clicked, this, &ScalingPane::startLoad);
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        if (m_load)
            m_load->cancel();
    });
    layout->addWidget(new QLabel(tr("Load on"), bar));
    layout->addWidget(m_loadNodeCombo);
    layout->addWidget(m_rateSpin);
    layout->addWidget(new QLabel(tr("for"), bar));
    layout->addWidget(m_secondsSpin);
    layout->addWidget(m_loadButton);
    layout->addWidget(m_loadProgress);
    layout->addWidget(m_cancelButton);
    layout->addWidget(m_statusLabel, 1);
    return bar;
}

void ScalingPane::applyFilter()
{
    m_model->setFilter(ScalingFilter {m_filterEdit->text(), m_atZeroCheck->isChecked(), m_atMaxCheck->isChecked()});
}

void ScalingPane::selectFunction(const QString &function)
{
    const int row = m_model->rowOf(function);
    if (row >= 0) {
        m_table->selectRow(row);
        return;
    }
    m_detail->setFunction(function);
    updateLoadTargets();
}

void ScalingPane::onCurrentChanged()
{
    const QString name = m_model->nameAt(m_table->currentIndex().row());
    if (name.isEmpty() || name == m_detail->function())
        return;
    m_detail->setFunction(name);
    updateLoadTargets();
}

ScalingTableModel *ScalingPane::tableModel() const
{
    return m_model;
}

ScalingDetail *ScalingPane::detail() const
{
    return m_detail;
}

QStringList ScalingPane::visibleNodes() const
{
    return m_visibleNodes;
}

QString ScalingPane::functionIdOf(const QString &name) const
{
    const FunctionFleetRow *row = m_services.fleet->row(name);
    return row && row->limits ? row->limits->functionId : QString();
}

void ScalingPane::updateLoadTargets()
{
    // The nodes that serve the function's plain calls, as the console deployed it.
    const QString functionId = functionIdOf(m_detail->function());
    const QStringList nodes = functionId.isEmpty() ? QStringList() : m_services.invoker->nodesFor(functionId);
    const QString chosen = m_loadNodeCombo->currentData().toString();
    m_loadNodeCombo->clear();
    for (const QString &nodeId : nodes) {
        const Node *node = m_services.nodes->find(nodeId);
        m_loadNodeCombo->addItem(node ? node->name : nodeId, nodeId);
    }
    if (const int index = m_loadNodeCombo->findData(chosen); index >= 0)
        m_loadNodeCombo->setCurrentIndex(index);
    m_loadButton->setEnabled(!m_load && !nodes.isEmpty());
    if (nodes.isEmpty() && !m_load) {
        m_statusLabel->setText(m_detail->function().isEmpty()
                ? QString()
                : tr("%1 was not deployed from this console: it cannot be loaded from here.")
                      .arg(m_detail->function()));
    }
    updateVisibleNodes();
}

void ScalingPane::updateVisibleNodes()
{
    QStringList visible;
    if (const FunctionFleetRow *row = m_services.fleet->row(m_detail->function())) {
        for (const FunctionOnNode &node : row->nodes)
            visible << node.nodeId;
    }
    if (visible != m_visibleNodes) {
        m_visibleNodes = visible;
        Q_EMIT visibleNodesChanged();
    }
}

void ScalingPane::startLoad()
{
    const QString functionId = functionIdOf(m_detail->function());
    const QString nodeId = m_loadNodeCombo->currentData().toString();
    if (m_load || functionId.isEmpty() || nodeId.isEmpty())
        return;
    LoadPlan plan;
    plan.callsPerSecond = m_rateSpin->value();
    plan.seconds = m_secondsSpin->value();
    plan.inFlight = std::min(LoadPlan::maxInFlight, std::max(8, plan.callsPerSecond));
    m_load = new LoadRun(m_services.invoker, functionId, nodeId, plan, this);
    connect(m_load, &LoadRun::progress, this, [this](const LoadProgress &progress) {
        m_loadProgress->setValue(int(1000 * progress.elapsedMs / std::max<qint64>(1, progress.plannedMs)));
        m_statusLabel->setText(tr("%1 calls sent, %2 answered, %3 failed, %4 in flight")
                                   .arg(progress.sent)
                                   .arg(progress.succeeded)
                                   .arg(progress.failed)
                                   .arg(progress.inFlight));
    });
    connect(m_load, &LoadRun::finished, this, &ScalingPane::loadEnded);
    m_loadButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_loadProgress->setValue(0);
    m_statusLabel->setText(tr("Sending %1 calls a second to %2 on %3…")
                               .arg(plan.callsPerSecond)
                               .arg(m_detail->function(), m_loadNodeCombo->currentText()));
    m_load->start();
}

void ScalingPane::loadEnded(const LoadSummary &summary)
{
    m_load->deleteLater();
    m_load = nullptr;
    m_cancelButton->setEnabled(false);
    m_loadProgress->setValue(summary.cancelled ? m_loadProgress->value() : 1000);
    updateLoadTargets();
    m_statusLabel->setText(!summary.refused.isEmpty() ? summary.refused
            : summary.cancelled                       ? tr("Cancelled: %1").arg(summary.sentence())
                                                      : summary.sentence());
    Q_EMIT loadFinished(summary);
}

void ScalingPane::exportChartPng(const QString &path)
{
    exportWidgetPng(m_detail->chartsWidget(), path, [this, path](const QString &error) {
        m_statusLabel->setText(exportMessage(path, error));
        Q_EMIT exported(path, error);
    });
}

void ScalingPane::exportCsv(const QString &path)
{
    exportText(this, path, m_detail->csv(), [this, path](const QString &error) {
        m_statusLabel->setText(exportMessage(path, error));
        Q_EMIT exported(path, error);
    });
}

} // namespace rune::views
