// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/overviewpane.h"

#include "cluster/gatewaysync.h"
#include "cluster/groupsummary.h"
#include "cluster/nodelist.h"
#include "fleet/gatewaypanel.h"
#include "fleet/nodefilterproxy.h"
#include "fleet/overviewmodel.h"
#include "fleet/visiblerows.h"
#include "metrics/fleetmetrics.h"
#include "widgets/format.h"
#include "widgets/meterdelegate.h"

#include <QComboBox>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

enum Total { TotalNodes, TotalCalls, TotalErrors, TotalCpu, TotalMemory, TotalReplicas, TotalMqtt, TotalCount };

QList<NodeState> statesOf(const QList<Node> &nodes, std::optional<NodeRole> role = std::nullopt)
{
    QList<NodeState> states;
    for (const Node &node : nodes) {
        if (!role || node.role == *role)
            states << node.state;
    }
    return states;
}

} // namespace

OverviewPane::OverviewPane(NodeList *nodes, FleetMetrics *metrics, QWidget *parent)
    : QWidget(parent)
    , m_nodes(nodes)
    , m_metrics(metrics)
    , m_model(new OverviewModel(nodes, metrics, this))
    , m_proxy(new NodeFilterProxy(nodes, OverviewModel::SortRole, this))
    , m_summaryLabel(new QLabel(this))
    , m_groupsLabel(new QLabel(this))
    , m_shownLabel(new QLabel(this))
    , m_roleCombo(new QComboBox(this))
    , m_stateCombo(new QComboBox(this))
    , m_filterEdit(new QLineEdit(this))
    , m_table(new QTableView(this))
{
    m_proxy->setSourceModel(m_model);
    m_summaryLabel->setObjectName(u"overviewSummaryLabel"_s);
    m_groupsLabel->setObjectName(u"overviewGroupsLabel"_s);
    m_groupsLabel->setForegroundRole(QPalette::PlaceholderText);
    m_shownLabel->setForegroundRole(QPalette::PlaceholderText);

    m_table->setObjectName(u"overviewTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(30);
    m_table->setIconSize(QSize(12, 12));
    m_table->setWordWrap(false);
    auto *meter = new MeterDelegate(this);
    for (int column : {OverviewModel::Cpu, OverviewModel::Memory, OverviewModel::Disk})
        m_table->setItemDelegateForColumn(column, meter);
    QHeaderView *header = m_table->horizontalHeader();
    header->setStretchLastSection(true);
    header->setSectionResizeMode(QHeaderView::Interactive);
    const int widths[] = {140, 105, 90, 110, 165, 165, 70, 65, 60};
    for (int column = 0; column < int(std::size(widths)); ++column)
        header->resizeSection(column, widths[column]);
    connect(m_table, &QTableView::doubleClicked, this, &OverviewPane::activate);
    connect(m_table, &QTableView::activated, this, &OverviewPane::activate);

    auto *title = new QLabel(u"<h2>%1</h2>"_s.arg(tr("Overview")), this);
    auto *top = new QHBoxLayout;
    top->addWidget(title);
    top->addStretch();
    top->addWidget(m_summaryLabel);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buildTotals());
    layout->addWidget(m_groupsLabel);
    layout->addWidget(buildFilters());
    layout->addWidget(m_table, 1);

    // Once per round of changes: a thousand nodes changing in one batch cost one summary.
    m_summaryTimer.setSingleShot(true);
    m_summaryTimer.setInterval(0);
    connect(&m_summaryTimer, &QTimer::timeout, this, &OverviewPane::updateSummary);
    const auto later = [this] {
        m_summaryTimer.start();
    };
    for (auto signal : {&NodeList::nodeAdded, &NodeList::nodeRemoved, &NodeList::nodeChanged})
        connect(nodes, signal, this, later);
    connect(nodes, &NodeList::reset, this, later);
    connect(metrics, &FleetMetrics::updated, this, &OverviewPane::updateTotals);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, later);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, later);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, later);
    m_visible = new VisibleRows(m_table, OverviewModel::NodeIdRole, this);
    connect(m_visible, &VisibleRows::changed, this, &OverviewPane::visibleNodesChanged);
    updateSummary();
    updateTotals();
}

QWidget *OverviewPane::buildTotals()
{
    auto *strip = new QWidget(this);
    auto *grid = new QHBoxLayout(strip);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(8);
    const QString titles[] = {
        tr("Nodes"), tr("Calls/s"), tr("Errors"), tr("CPU"), tr("Memory"), tr("Replicas"), tr("MQTT brokers")};
    for (int total = 0; total < TotalCount; ++total) {
        auto *tile = new QFrame(strip);
        tile->setFrameShape(QFrame::StyledPanel);
        tile->setAutoFillBackground(true);
        tile->setBackgroundRole(QPalette::Base);
        auto *tileLayout = new QVBoxLayout(tile);
        tileLayout->setContentsMargins(12, 6, 12, 8);
        tileLayout->setSpacing(0);
        auto *caption = new QLabel(titles[total], tile);
        caption->setForegroundRole(QPalette::PlaceholderText);
        auto *value = new QLabel(tile);
        value->setObjectName(u"overviewTotal%1"_s.arg(total));
        QFont font = value->font();
        font.setPointSizeF(font.pointSizeF() * 1.45);
        font.setBold(true);
        value->setFont(font);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        tileLayout->addWidget(caption);
        tileLayout->addWidget(value);
        grid->addWidget(tile, 1);
        m_totals << value;
    }
    return strip;
}

QWidget *OverviewPane::buildFilters()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_roleCombo->setObjectName(u"overviewRoleCombo"_s);
    m_roleCombo->addItem(tr("All roles"));
    for (auto role : {NodeRole::Controller, NodeRole::Compute, NodeRole::Edge})
        m_roleCombo->addItem(nodeRoleName(role), int(role));
    m_stateCombo->setObjectName(u"overviewStateCombo"_s);
    m_stateCombo->addItem(tr("All states"));
    for (int state = int(NodeState::Creating); state <= int(NodeState::Undefined); ++state)
        m_stateCombo->addItem(stateBadge(NodeState(state)), nodeStateName(NodeState(state)), state);
    m_filterEdit->setObjectName(u"overviewFilterEdit"_s);
    m_filterEdit->setPlaceholderText(tr("Filter by name, label, address or version (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);
    connect(m_roleCombo, &QComboBox::currentIndexChanged, this, [this] {
        const QVariant role = m_roleCombo->currentData();
        m_proxy->setRoleFilter(role.isValid() ? std::optional(NodeRole(role.toInt())) : std::nullopt);
    });
    connect(m_stateCombo, &QComboBox::currentIndexChanged, this, [this] {
        const QVariant state = m_stateCombo->currentData();
        m_proxy->setStateFilter(state.isValid() ? std::optional(NodeState(state.toInt())) : std::nullopt);
    });
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &NodeFilterProxy::setTextFilter);
    row->addWidget(m_roleCombo);
    row->addWidget(m_stateCombo);
    row->addWidget(m_filterEdit, 1);
    row->addWidget(m_shownLabel);
    return bar;
}

QTableView *OverviewPane::table() const
{
    return m_table;
}

void OverviewPane::focusFilter()
{
    m_filterEdit->setFocus(Qt::ShortcutFocusReason);
    m_filterEdit->selectAll();
}

QStringList OverviewPane::visibleNodes() const
{
    return m_visible->nodeIds();
}

QByteArray OverviewPane::saveState() const
{
    return m_table->horizontalHeader()->saveState();
}

void OverviewPane::restoreState(const QByteArray &state)
{
    if (!state.isEmpty())
        m_table->horizontalHeader()->restoreState(state);
}

void OverviewPane::activate(const QModelIndex &index)
{
    if (index.isValid())
        Q_EMIT nodeActivated(index.data(OverviewModel::NodeIdRole).toString());
}

void OverviewPane::updateSummary()
{
    const QList<Node> &nodes = m_nodes->nodes();
    if (m_gateway)
        m_gateway->setVisible(!statesOf(nodes, NodeRole::Controller).isEmpty());
    m_summaryLabel->setText(u"<b>%1</b>"_s.arg(groupSummary(statesOf(nodes)).toHtmlEscaped()));
    QStringList groups;
    for (auto role : {NodeRole::Controller, NodeRole::Compute, NodeRole::Edge}) {
        const QList<NodeState> states = statesOf(nodes, role);
        if (!states.isEmpty())
            groups << tr("%1 ×%2: %3").arg(nodeRoleName(role)).arg(states.size()).arg(groupSummary(states));
    }
    // Labels are the admin's own host groups (a rack, a site): the most common ones get a summary too.
    QHash<QString, QList<NodeState>> byLabel;
    for (const Node &node : nodes) {
        for (const QString &label : node.labels)
            byLabel[label] << node.state;
    }
    QList<QString> labels = byLabel.keys();
    std::sort(labels.begin(), labels.end(), [&byLabel](const QString &a, const QString &b) {
        return byLabel.value(a).size() != byLabel.value(b).size() ? byLabel.value(a).size() > byLabel.value(b).size()
                                                                  : a < b;
    });
    QStringList labelGroups;
    for (const QString &label : labels.mid(0, 6))
        labelGroups
            << tr("%1 ×%2: %3").arg(label).arg(byLabel.value(label).size()).arg(groupSummary(byLabel.value(label)));
    m_groupsLabel->setText(groups.join(u"   ·   "_s)
        + (labelGroups.isEmpty() ? QString() : u"\n"_s + tr("Labels: ") + labelGroups.join(u"   ·   "_s)));
    m_shownLabel->setText(tr("%1 of %n node(s)", nullptr, int(nodes.size())).arg(m_proxy->rowCount()));
    const int running = int(std::count_if(nodes.begin(), nodes.end(), [](const Node &node) {
        return node.state == NodeState::Running;
    }));
    m_totals[TotalNodes]->setText(tr("%1 / %2").arg(running).arg(nodes.size()));
    m_totals[TotalNodes]->setToolTip(tr("Running nodes of all nodes"));
}

void OverviewPane::updateTotals()
{
    const FleetTotals totals = m_metrics->totals();
    m_totals[TotalCalls]->setText(formatRate(totals.invocationsPerSecond));
    m_totals[TotalErrors]->setText(formatPercent(100.0 * totals.errorRate()));
    m_totals[TotalErrors]->setToolTip(tr("%1 failed call(s) per second").arg(formatRate(totals.errorsPerSecond)));
    m_totals[TotalCpu]->setText(totals.reporting > 0 ? formatPercent(totals.cpuPercent) : u"—"_s);
    m_totals[TotalCpu]->setToolTip(tr("Mean over the %n node(s) that answer", nullptr, totals.reporting));
    m_totals[TotalMemory]->setText(totals.memoryTotalBytes > 0
            ? tr("%1 / %2").arg(formatBytes(totals.memoryUsedBytes), formatBytes(totals.memoryTotalBytes))
            : u"—"_s);
    m_totals[TotalReplicas]->setText(QString::number(totals.replicas));
    m_totals[TotalReplicas]->setToolTip(
        tr("%1 deployment(s), %2 call(s) in flight").arg(totals.functions).arg(totals.inFlight));
    // Each node's broker as its agent reports it at the background poll rate.
    const FleetMetrics::BrokerCounts brokers = m_metrics->brokerCounts();
    const bool anyBroker = brokers.connected + brokers.connecting + brokers.failed > 0;
    m_totals[TotalMqtt]->setText(anyBroker ? tr("%1 connected, %2 failed").arg(brokers.connected).arg(brokers.failed)
            : brokers.none > 0             ? tr("none set")
                                           : u"—"_s);
    m_totals[TotalMqtt]->setToolTip(tr("Nodes connected to their MQTT broker: %1, connecting: %2, failed: %3, without "
                                       "a broker: %4 (Node detail tells each node's)")
                                        .arg(brokers.connected)
                                        .arg(brokers.connecting)
                                        .arg(brokers.failed)
                                        .arg(brokers.none));
}

void OverviewPane::setGateways(GatewaySync *sync)
{
    if (m_gateway || !sync)
        return;
    m_gateway = new GatewayPanel(sync, m_nodes, this);
    m_gateway->showEveryController();
    m_gateway->setMaximumHeight(220);
    layout()->addWidget(m_gateway);
    updateSummary();
}

GatewayPanel *OverviewPane::gatewayPanel() const
{
    return m_gateway;
}

} // namespace rune::views
