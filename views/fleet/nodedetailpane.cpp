// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/nodedetailpane.h"

#include "benchmarks/benchmarkformat.h"
#include "benchmarks/benchmarkresults.h"
#include "cluster/nodelist.h"
#include "fleet/gatewaypanel.h"
#include "fleet/nodeattention.h"
#include "fleet/nodeeventsmodel.h"
#include "fleet/nodefunctionsmodel.h"
#include "metrics/fleetmetrics.h"
#include "metrics/metrichistory.h"
#include "widgets/format.h"
#include "widgets/metricchart.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDataStream>
#include <QDateTime>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(name);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setShowGrid(false);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(26);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

const char *const factKeys[] = {"hostname",
    "address",
    "role",
    "os",
    "kernel",
    "arch",
    "cores",
    "memory",
    "gpus",
    "disk",
    "agent",
    "uptime",
    "load",
    "labels",
    "isolation",
    "warnings",
    "mqtt",
    "benchmarks"};

/** "2 × Tesla T4 (15 GiB)"; "none" once the agent has said so; empty before it has. */
QString gpusText(const NodeFacts &facts)
{
    if (facts.agentVersion.isEmpty())
        return QString();
    if (facts.gpus.isEmpty())
        return NodeDetailPane::tr("none");
    QStringList lines;
    for (const NodeGpu &gpu : facts.gpus)
        lines << (gpu.memoryBytes > 0 ? u"#%1 %2 (%3)"_s.arg(gpu.index).arg(gpu.model, formatBytes(gpu.memoryBytes))
                                      : u"#%1 %2"_s.arg(gpu.index).arg(gpu.model));
    return lines.join(u'\n');
}

/** The agent's isolation mechanisms in words; unknown ones as the agent named them. */
QString isolationText(const NodeIsolation &isolation)
{
    if (!isolation.isReported())
        return NodeDetailPane::tr("not reported (an agent older than the report)");
    const QHash<QString, QString> words {
        {u"per-replica"_s, NodeDetailPane::tr("a user per replica")},
        {u"agent"_s, NodeDetailPane::tr("the agent's user")},
        {u"cgroup2"_s, NodeDetailPane::tr("cgroup v2")},
        {u"cgroup1"_s, NodeDetailPane::tr("cgroup v1")},
        {u"rlimit"_s, NodeDetailPane::tr("RLIMIT_AS")},
        {u"subreaper"_s, NodeDetailPane::tr("a subreaper")},
        {u"private"_s, NodeDetailPane::tr("private")},
        {u"shared"_s, NodeDetailPane::tr("shared")},
    };
    const auto word = [&words](const QString &value) {
        return value.isEmpty() ? u"—"_s : words.value(value, value);
    };
    return NodeDetailPane::tr("users: %1 · memory: %2 · processes: %3 · files: %4")
        .arg(word(isolation.users), word(isolation.memory), word(isolation.processes), word(isolation.filesystem));
}

} // namespace

NodeDetailPane::NodeDetailPane(
    NodeList *nodes, FleetMetrics *metrics, MetricHistory *history, BenchmarkResults *benchmarks, QWidget *parent)
    : QWidget(parent)
    , m_nodes(nodes)
    , m_metrics(metrics)
    , m_history(history)
    , m_benchmarks(benchmarks)
    , m_nodeCombo(new QComboBox(this))
    , m_stateLabel(new QLabel(this))
    , m_factsLine(new QLabel(this))
    , m_attentionLabel(new QLabel(this))
    , m_rangeGroup(new QButtonGroup(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_tabs(new QTabWidget(this))
    , m_functions(new NodeFunctionsModel(metrics, this))
    , m_events(new NodeEventsModel(metrics, this))
{
    auto *sortedFunctions = new QSortFilterProxyModel(this);
    sortedFunctions->setSourceModel(m_functions);
    sortedFunctions->setSortRole(NodeFunctionsModel::SortRole);
    m_functionsTable = makeTable(sortedFunctions, u"detailFunctionsTable"_s, this);
    m_functionsTable->setSortingEnabled(true);
    m_functionsTable->sortByColumn(NodeFunctionsModel::Name, Qt::AscendingOrder);
    m_eventsTable = makeTable(m_events, u"detailEventsTable"_s, this);
    m_eventsTable->horizontalHeader()->resizeSection(NodeEventsModel::Kind, 130);
    m_tabs->setObjectName(u"detailTabs"_s);
    m_tabs->addTab(m_functionsTable, tr("Functions"));
    m_tabs->addTab(buildFacts(), tr("Host"));
    m_tabs->addTab(m_eventsTable, tr("Events"));

    m_splitter->setObjectName(u"detailSplitter"_s);
    m_splitter->addWidget(buildCharts());
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildHeader());
    layout->addWidget(m_splitter, 1);

    // The node list is rebuilt once per round of additions, not once per node added.
    m_choicesTimer.setSingleShot(true);
    m_choicesTimer.setInterval(0);
    connect(&m_choicesTimer, &QTimer::timeout, this, &NodeDetailPane::reloadNodeChoices);
    for (auto signal : {&NodeList::nodeAdded, &NodeList::nodeRemoved})
        connect(nodes, signal, &m_choicesTimer, qOverload<>(&QTimer::start));
    connect(nodes, &NodeList::reset, &m_choicesTimer, qOverload<>(&QTimer::start));

    connect(benchmarks, &BenchmarkResults::recorded, this, [this](const QStringList &nodeIds) {
        if (nodeIds.contains(m_nodeId))
            reloadBenchmarks();
    });
    connect(nodes, &NodeList::nodeChanged, this, [this](qsizetype row) {
        const Node &node = m_nodes->at(row);
        if (node.id == m_nodeId)
            updateFacts();
        if (!m_choicesTimer.isActive() && row < m_nodeCombo->count()
            && m_nodeCombo->itemData(int(row)).toString() == node.id) {
            m_nodeCombo->setItemText(int(row), node.name);
            m_nodeCombo->setItemIcon(int(row), stateBadge(node.state));
        }
    });
    connect(history, &MetricHistory::pointAdded, this, &NodeDetailPane::onPoint);
    connect(metrics, &FleetMetrics::sampled, this, &NodeDetailPane::onSample);
    connect(metrics, &FleetMetrics::updated, this, &NodeDetailPane::updateAttention);
    connect(metrics, &FleetMetrics::triggersChanged, this, [this](const QString &nodeId) {
        if (nodeId == m_nodeId)
            updateBroker();
    });
    reloadNodeChoices();
}

QWidget *NodeDetailPane::buildHeader()
{
    auto *header = new QWidget(this);
    auto *row = new QHBoxLayout(header);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(u"<h2>%1</h2>"_s.arg(tr("Node detail")), header));
    m_nodeCombo->setObjectName(u"detailNodeCombo"_s);
    m_nodeCombo->setMinimumContentsLength(16);
    m_nodeCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    connect(m_nodeCombo, &QComboBox::activated, this, [this](int index) {
        setNode(m_nodeCombo->itemData(index).toString());
    });
    row->addSpacing(12);
    row->addWidget(m_nodeCombo);
    m_stateLabel->setObjectName(u"detailStateLabel"_s);
    row->addWidget(m_stateLabel);
    row->addStretch(1);
    const std::pair<HistoryRange, QString> ranges[] = {
        {HistoryRange::FiveMinutes, tr("5 min")}, {HistoryRange::OneHour, tr("1 h")}, {HistoryRange::Day, tr("24 h")}};
    for (const auto &[range, text] : ranges) {
        auto *button = new QToolButton(header);
        button->setText(text);
        button->setCheckable(true);
        button->setAutoRaise(false);
        button->setObjectName(u"range%1Button"_s.arg(int(range)));
        button->setToolTip(range == HistoryRange::FiveMinutes ? tr("Every sample of the last five minutes")
                                                              : tr("Averages kept by the console"));
        m_rangeGroup->addButton(button, int(range));
        row->addWidget(button);
    }
    m_rangeGroup->button(int(m_range))->setChecked(true);
    connect(m_rangeGroup, &QButtonGroup::idClicked, this, [this](int id) {
        setRange(HistoryRange(id));
    });
    // The facts get a line of their own: long host names and OS names must not widen the window.
    m_factsLine->setObjectName(u"detailFactsLine"_s);
    m_factsLine->setForegroundRole(QPalette::PlaceholderText);
    m_factsLine->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_factsLine->setTextFormat(Qt::PlainText);
    auto *box = new QWidget(this);
    auto *lines = new QVBoxLayout(box);
    lines->setContentsMargins(0, 0, 0, 0);
    lines->setSpacing(0);
    lines->addWidget(header);
    lines->addWidget(m_factsLine);
    m_attentionLabel->setObjectName(u"detailAttentionLabel"_s);
    m_attentionLabel->setTextFormat(Qt::PlainText);
    m_attentionLabel->setWordWrap(true);
    m_attentionLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_attentionLabel->setStyleSheet(u"QLabel { color: #b86e00; padding: 2px 0; }"_s);
    m_attentionLabel->hide();
    lines->addWidget(m_attentionLabel);
    return box;
}

QWidget *NodeDetailPane::buildCharts()
{
    using Unit = MetricChart::Unit;
    auto *grid = new QWidget(this);
    auto *layout = new QGridLayout(grid);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    m_charts = {
        new MetricChart(tr("CPU"), Unit::Percent, {{Metric::CpuPercent, tr("CPU")}}, grid),
        new MetricChart(tr("Memory"), Unit::Bytes, {{Metric::MemoryUsedBytes, tr("used")}}, grid),
        new MetricChart(tr("Disk I/O"),
            Unit::BytesPerSecond,
            {{Metric::DiskReadBytesPerSecond, tr("read")}, {Metric::DiskWriteBytesPerSecond, tr("write")}},
            grid),
        new MetricChart(tr("Network"),
            Unit::BytesPerSecond,
            {{Metric::NetReceiveBytesPerSecond, tr("in")}, {Metric::NetTransmitBytesPerSecond, tr("out")}},
            grid),
        new MetricChart(tr("Invocations"),
            Unit::PerSecond,
            {{Metric::InvocationsPerSecond, tr("calls")}, {Metric::ErrorsPerSecond, tr("errors")}},
            grid),
        new MetricChart(tr("Latency"),
            Unit::Milliseconds,
            {{Metric::MeanLatencyMs, tr("mean")}, {Metric::P99LatencyMs, tr("p99")}},
            grid),
    };
    m_charts[Cpu]->setCeiling(100);
    m_charts[Network]->setToolTip(tr("Traffic on the node's network interfaces, loopback excluded"));
    m_charts[Latency]->setToolTip(tr("Warm calls since the previous poll: their mean, and the slowest function's p99"));
    const char *const names[] = {"cpuChart", "memoryChart", "diskChart", "networkChart", "callsChart", "latencyChart"};
    for (int index = 0; index < ChartCount; ++index) {
        m_charts[index]->setObjectName(QString::fromLatin1(names[index]));
        layout->addWidget(m_charts[index], index / 3, index % 3);
    }
    return grid;
}

QWidget *NodeDetailPane::buildFacts()
{
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *page = new QWidget(scroll);
    auto *form = new QFormLayout(page);
    const QString titles[] = {tr("Host name"),
        tr("Address"),
        tr("Role"),
        tr("System"),
        tr("Kernel"),
        tr("Architecture"),
        tr("Cores"),
        tr("Memory"),
        tr("GPUs"),
        tr("Disk"),
        tr("Agent"),
        tr("Agent up for"),
        tr("Load average"),
        tr("Labels"),
        tr("Isolation"),
        tr("Isolation warnings"),
        tr("MQTT broker"),
        tr("Benchmarks")};
    for (int index = 0; index < int(std::size(factKeys)); ++index) {
        auto *value = new QLabel(page);
        value->setObjectName(u"fact_"_s + QString::fromLatin1(factKeys[index]));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setTextFormat(Qt::PlainText); // what a node says is never markup
        value->setWordWrap(true);
        form->addRow(titles[index] + u':', value);
        m_factLabels.insert(QString::fromLatin1(factKeys[index]), value);
    }
    scroll->setWidget(page);
    return scroll;
}

void NodeDetailPane::reloadNodeChoices()
{
    m_nodeCombo->clear();
    for (const Node &node : m_nodes->nodes())
        m_nodeCombo->addItem(stateBadge(node.state), node.name, node.id);
    if (!m_nodeId.isEmpty() && !m_nodes->find(m_nodeId))
        setNode({});
    if (m_nodeId.isEmpty() && m_nodes->count() > 0)
        setNode(m_nodes->at(0).id);
    m_nodeCombo->setCurrentIndex(m_nodeCombo->findData(m_nodeId));
}

void NodeDetailPane::setNode(const QString &nodeId)
{
    if (nodeId == m_nodeId)
        return;
    m_nodeId = nodeId;
    m_nodeCombo->setCurrentIndex(m_nodeCombo->findData(nodeId));
    m_functions->setNode(nodeId);
    m_events->setNode(nodeId);
    updateFacts();
    reloadHistory();
    reloadBenchmarks();
    updateGatewayTab();
    Q_EMIT nodeChanged(nodeId);
}

QString NodeDetailPane::node() const
{
    return m_nodeId;
}

void NodeDetailPane::setRange(HistoryRange range)
{
    m_rangeGroup->button(int(range))->setChecked(true);
    if (range == m_range)
        return;
    m_range = range;
    reloadHistory();
}

HistoryRange NodeDetailPane::range() const
{
    return m_range;
}

void NodeDetailPane::setSampleInterval(std::chrono::milliseconds interval)
{
    if (interval == m_sampleInterval)
        return;
    m_sampleInterval = interval;
    reloadHistory();
}

qint64 NodeDetailPane::gapThreshold() const
{
    // Three missed points make a gap: three samples, or three averages of the range.
    const qint64 spacing = std::max<qint64>(m_sampleInterval.count(), rangeStep(m_range).count());
    return std::max<qint64>(3 * spacing, 3000);
}

MetricChart *NodeDetailPane::chart(ChartId id) const
{
    return m_charts.value(id);
}

QTableView *NodeDetailPane::functionsTable() const
{
    return m_functionsTable;
}

QTableView *NodeDetailPane::eventsTable() const
{
    return m_eventsTable;
}

void NodeDetailPane::reloadBenchmarks()
{
    QLabel *label = m_factLabels.value(u"benchmarks"_s);
    const quint64 generation = ++m_benchmarkGeneration;
    if (m_nodeId.isEmpty()) {
        label->setText(u"—"_s);
        return;
    }
    m_benchmarks->latest(m_nodeId, this, [this, label, generation](Result<QList<BenchmarkRecord>> latest) {
        if (generation != m_benchmarkGeneration)
            return;
        if (!latest) {
            label->setText(latest.error().message);
            return;
        }
        const QStringList lines = benchmarkSummaryLines(*latest);
        label->setText(lines.isEmpty() ? tr("not measured yet (Benchmarks pane)") : lines.join(u'\n'));
    });
}

QString NodeDetailPane::fact(const QString &key) const
{
    const QLabel *label = m_factLabels.value(key);
    return label ? label->text() : QString();
}

void NodeDetailPane::reloadHistory()
{
    const quint64 generation = ++m_loadGeneration;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 from = now - rangeSpan(m_range).count();
    for (MetricChart *chart : std::as_const(m_charts)) {
        chart->setGapThreshold(gapThreshold());
        chart->setPoints({}, from, now);
    }
    if (m_nodeId.isEmpty())
        return;
    m_loading = true;
    m_firstPointMs = 0;
    m_arrivedWhileLoading.clear();
    m_history->load(m_nodeId, m_range, this, [this, generation](const MetricHistory::Points &points) {
        if (generation != m_loadGeneration)
            return; // another node or range was chosen meanwhile
        m_loading = false;
        m_firstPointMs = points.isEmpty() ? 0 : points.constFirst().timeMs;
        const qint64 end = QDateTime::currentMSecsSinceEpoch();
        const qint64 start = windowStart(end);
        for (MetricChart *chart : std::as_const(m_charts))
            chart->setPoints(points, start, end);
        const qint64 last = points.isEmpty() ? 0 : points.constLast().timeMs;
        for (const MetricPoint &point : std::exchange(m_arrivedWhileLoading, {})) {
            if (point.timeMs > last)
                onPoint(m_nodeId, m_range, point);
        }
    });
}

void NodeDetailPane::onPoint(const QString &nodeId, HistoryRange range, const MetricPoint &point)
{
    if (nodeId != m_nodeId || range != m_range)
        return;
    if (m_loading) {
        m_arrivedWhileLoading << point;
        return;
    }
    if (m_firstPointMs == 0)
        m_firstPointMs = point.timeMs;
    const qint64 end = std::max(QDateTime::currentMSecsSinceEpoch(), point.timeMs);
    const qint64 start = windowStart(end);
    for (MetricChart *chart : std::as_const(m_charts))
        chart->append(point, start, end);
}

qint64 NodeDetailPane::windowStart(qint64 end) const
{
    // A node watched for a minute shows that minute across the chart, not a sliver at its right
    // edge; the window widens as history grows, up to the whole range.
    const qint64 span = rangeSpan(m_range).count();
    const qint64 least = m_range == HistoryRange::FiveMinutes ? 60'000
        : m_range == HistoryRange::OneHour                    ? 600'000
                                                              : 7'200'000;
    if (m_firstPointMs <= 0)
        return end - span;
    return std::max(end - span, std::min(m_firstPointMs, end - least));
}

void NodeDetailPane::onSample(const QString &nodeId, const NodeSample &sample)
{
    if (nodeId != m_nodeId)
        return;
    if (sample.memoryTotalBytes > 0)
        m_charts[Memory]->setCeiling(double(sample.memoryTotalBytes));
    m_factLabels.value(u"uptime"_s)->setText(formatDuration(qint64(sample.uptimeSeconds)));
    m_factLabels.value(u"load"_s)->setText(QString::number(sample.load1, 'f', 2));
}

void NodeDetailPane::updateFacts()
{
    const Node *node = m_nodes->find(m_nodeId);
    if (!node) {
        m_stateLabel->clear();
        m_factsLine->setText(m_nodes->count() == 0 ? tr("No nodes yet: add hosts in Nodes.") : QString());
        for (QLabel *label : std::as_const(m_factLabels))
            label->clear();
        updateAttention();
        return;
    }
    const NodeFacts &f = node->facts;
    m_stateLabel->setText(
        u"<span style='color:%1'>●</span> <b>%2</b>"_s.arg(stateColor(node->state).name(), nodeStateName(node->state)));
    QStringList line {nodeRoleName(node->role), node->address()};
    if (f.cores > 0)
        line << tr("%n core(s)", nullptr, f.cores) << formatBytes(f.memoryBytes) << f.os;
    m_factsLine->setText(line.join(u"  ·  "_s));
    const QHash<QString, QString> values {
        {u"hostname"_s, f.hostname},
        {u"address"_s, node->address()},
        {u"role"_s, nodeRoleName(node->role)},
        {u"os"_s, f.os},
        {u"kernel"_s, f.kernel},
        {u"arch"_s, f.arch},
        {u"cores"_s, f.cores > 0 ? QString::number(f.cores) : QString()},
        {u"memory"_s, f.memoryBytes > 0 ? formatBytes(f.memoryBytes) : QString()},
        {u"gpus"_s, gpusText(f)},
        {u"disk"_s,
            f.diskBytes > 0 ? tr("%1 free of %2").arg(formatBytes(f.diskFreeBytes), formatBytes(f.diskBytes))
                            : QString()},
        {u"agent"_s, f.agentVersion},
        {u"labels"_s, node->labels.join(u", "_s)},
        {u"isolation"_s, f.agentVersion.isEmpty() ? QString() : isolationText(f.isolation)},
        {u"warnings"_s,
            f.isolation.isReported() && f.isolation.warnings.isEmpty() ? tr("none") : f.isolation.warnings.join(u'\n')},
    };
    for (auto it = values.begin(); it != values.end(); ++it)
        m_factLabels.value(it.key())->setText(it.value().isEmpty() ? u"—"_s : it.value());
    if (f.memoryBytes > 0)
        m_charts[Memory]->setCeiling(double(f.memoryBytes));
    updateBroker();
    updateAttention();
}

void NodeDetailPane::updateBroker()
{
    // Asked at the background poll rate: until the first answer, say so rather than "none".
    const AgentTriggers *triggers = m_metrics->triggers(m_nodeId);
    m_factLabels.value(u"mqtt"_s)->setText(triggers ? describeBroker(triggers->broker) : tr("not reported yet"));
}

void NodeDetailPane::updateAttention()
{
    const Node *node = m_nodes->find(m_nodeId);
    const NodeAttention attention = node ? nodeAttention(*node, *m_metrics) : NodeAttention();
    QStringList lines;
    if (!attention.pollProblem.isEmpty())
        lines << u"⚠ "_s + attention.pollProblem;
    if (!attention.isolationWarnings.isEmpty()) {
        lines << u"⚠ "_s
                + tr("The agent cannot keep this node's functions fully apart: %1")
                      .arg(attention.isolationWarnings.join(u"; "_s));
    }
    m_attentionLabel->setText(lines.join(u'\n'));
    m_attentionLabel->setVisible(!lines.isEmpty());
}

QString NodeDetailPane::attentionText() const
{
    return m_attentionLabel->isVisible() ? m_attentionLabel->text() : QString();
}

QByteArray NodeDetailPane::saveState() const
{
    QByteArray state;
    QDataStream out(&state, QIODevice::WriteOnly);
    out << m_splitter->saveState() << int(m_range) << m_nodeId;
    return state;
}

void NodeDetailPane::restoreState(const QByteArray &state)
{
    QByteArray splitter;
    int range = 0;
    QString nodeId;
    QDataStream in(state);
    in >> splitter >> range >> nodeId;
    if (in.status() != QDataStream::Ok)
        return;
    m_splitter->restoreState(splitter);
    if (range >= 0 && range <= int(HistoryRange::Day))
        setRange(HistoryRange(range));
    if (m_nodes->find(nodeId))
        setNode(nodeId);
}

void NodeDetailPane::setGateways(GatewaySync *sync)
{
    if (m_gateway || !sync)
        return;
    m_gateway = new GatewayPanel(sync, m_nodes, this);
    m_tabs->addTab(m_gateway, tr("Gateway"));
    updateGatewayTab();
}

GatewayPanel *NodeDetailPane::gatewayPanel() const
{
    return m_gateway;
}

void NodeDetailPane::updateGatewayTab()
{
    if (!m_gateway)
        return;
    const Node *node = m_nodes->find(m_nodeId);
    const bool controller = node && node->role == NodeRole::Controller;
    m_gateway->setControllers(controller ? QStringList {m_nodeId} : QStringList());
    m_tabs->setTabVisible(m_tabs->indexOf(m_gateway), controller);
}

} // namespace rune::views
