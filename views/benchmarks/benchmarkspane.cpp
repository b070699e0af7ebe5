// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmarks/benchmarkspane.h"

#include "benchmarks/benchmarkformat.h"
#include "benchmarks/benchmarkresults.h"
#include "benchmarks/rttheatmap.h"
#include "benchprotocol.h"
#include "cluster/nodelist.h"
#include "util/background.h"
#include "widgets/chartstyle.h"
#include "widgets/format.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

namespace t = protocol::benchtests;
namespace m = protocol::benchmetrics;
namespace units = protocol::benchunits;

/** One bar chart: a test's metrics that share a unit. */
struct BarSpec {
    const char *test;
    QList<const char *> metrics;
    const char *unit;
};

const QList<BarSpec> &barSpecs()
{
    static const QList<BarSpec> specs {
        {t::cpu, {m::cpuSingle, m::cpuMulti}, units::eventsPerSecond},
        {t::memory, {m::memoryRead, m::memoryWrite}, units::mibPerSecond},
        {t::fileio, {m::fileRead, m::fileWrite, m::fileWriteFsync}, units::mibPerSecond},
        {t::fileio, {m::fileReadIops, m::fileWriteIops, m::fileWriteFsyncIops}, units::iops},
        {t::db, {m::dbRead, m::dbWrite}, units::transactionsPerSecond},
    };
    return specs;
}

QString stepText(BenchmarkSession::StepState state)
{
    switch (state) {
    case BenchmarkSession::StepState::Waiting:
        return BenchmarksPane::tr("waiting");
    case BenchmarkSession::StepState::Running:
        return u"%p %"_s;
    case BenchmarkSession::StepState::Done:
        return BenchmarksPane::tr("done");
    case BenchmarkSession::StepState::Cancelled:
        return BenchmarksPane::tr("cancelled");
    case BenchmarkSession::StepState::Failed:
        return BenchmarksPane::tr("failed");
    }
    return {};
}

/** "memory.png" from a chart's title. */
QString fileNameFor(const QString &name)
{
    QString file = name.toLower();
    file.replace(QRegularExpression(u"[^a-z0-9]+"_s), u"-"_s);
    return file + u".png"_s;
}

} // namespace

BenchmarksPane::BenchmarksPane(const BenchmarkServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_nodeList(new QListWidget(this))
    , m_seconds(new QSpinBox(this))
    , m_normalPriority(new QCheckBox(tr("Normal priority"), this))
    , m_runButton(new QPushButton(tr("Run"), this))
    , m_cancelButton(new QPushButton(tr("Cancel"), this))
    , m_csvButton(new QPushButton(tr("Export CSV…"), this))
    , m_status(new QLabel(this))
    , m_progress(new QTableWidget(this))
    , m_tabs(new QTabWidget(this))
    , m_heatMap(new RttHeatMap(this))
    , m_heatMapNote(new QLabel(this))
    , m_historyNode(new QComboBox(this))
    , m_historyChart(new BenchmarkHistoryChart(this))
{
    setObjectName(u"benchmarksPane"_s);
    m_tabs->setObjectName(u"benchmarkTabs"_s);
    m_tabs->addTab(buildComparison(), tr("Comparison"));
    m_tabs->addTab(buildRoundTrips(), tr("Round trips"));
    m_tabs->addTab(buildHistory(), tr("History"));
    auto *exportPng = new QPushButton(tr("Export chart as PNG…"), this);
    exportPng->setObjectName(u"exportPngButton"_s);
    connect(exportPng, &QPushButton::clicked, this, &BenchmarksPane::exportCurrentTab);
    m_tabs->setCornerWidget(exportPng);

    m_progress->setObjectName(u"benchmarkProgress"_s);
    m_progress->verticalHeader()->setDefaultSectionSize(26);
    m_progress->setSelectionMode(QAbstractItemView::NoSelection);
    m_progress->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_progress->setMinimumHeight(90);

    auto *results = new QSplitter(Qt::Vertical, this);
    results->addWidget(m_progress);
    results->addWidget(m_tabs);
    results->setStretchFactor(0, 1);
    results->setStretchFactor(1, 4);

    auto *layout = new QHBoxLayout(this);
    layout->addWidget(buildSetup());
    layout->addWidget(results, 1);

    BenchmarkSession *session = m_services.session;
    connect(session, &BenchmarkSession::stepChanged, this, &BenchmarksPane::updateStep);
    connect(session, &BenchmarkSession::finished, this, &BenchmarksPane::sessionFinished);
    connect(m_services.results, &BenchmarkResults::recorded, this, [this](const QStringList &nodeIds) {
        reloadFigures();
        if (nodeIds.contains(m_historyNode->currentData().toString()))
            reloadHistory();
    });
    connect(m_services.results, &BenchmarkResults::saveFailed, this, [this](const QString &message) {
        m_status->setText(tr("The figures could not be stored: %1").arg(message));
    });

    // The node list is rebuilt once per round of changes.
    m_nodesTimer.setSingleShot(true);
    m_nodesTimer.setInterval(0);
    connect(&m_nodesTimer, &QTimer::timeout, this, &BenchmarksPane::reloadNodes);
    NodeList *nodes = m_services.nodes;
    for (auto signal : {&NodeList::nodeAdded, &NodeList::nodeRemoved, &NodeList::nodeChanged})
        connect(nodes, signal, &m_nodesTimer, qOverload<>(&QTimer::start));
    connect(nodes, &NodeList::reset, &m_nodesTimer, qOverload<>(&QTimer::start));
    reloadNodes();
    updateButtons();
    reloadFigures();
}

QWidget *BenchmarksPane::buildSetup()
{
    auto *panel = new QWidget(this);
    panel->setFixedWidth(250);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *nodesBox = new QGroupBox(tr("Nodes"), panel);
    auto *nodesLayout = new QVBoxLayout(nodesBox);
    m_nodeList->setObjectName(u"benchmarkNodes"_s);
    nodesLayout->addWidget(m_nodeList);
    connect(m_nodeList, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        m_touchedNodes.insert(item->data(Qt::UserRole).toString());
        updateButtons();
    });
    layout->addWidget(nodesBox, 1);

    auto *testsBox = new QGroupBox(tr("Tests"), panel);
    auto *testsLayout = new QVBoxLayout(testsBox);
    const QHash<QString, QString> hints {
        {latin(t::cpu), tr("CPU: prime counting, one core and all cores")},
        {latin(t::memory), tr("Memory: sequential read and write bandwidth")},
        {latin(t::fileio), tr("File I/O: random 16 KiB reads and writes, with and without fsync")},
        {latin(t::db), tr("Database: SQLite read and write transactions")},
        {latin(t::rtt), tr("RTT: round trips from each node to every other one")},
    };
    for (const QString &test : benchmarkTests()) {
        auto *box = new QCheckBox(benchmarkTestTitle(test), testsBox);
        box->setObjectName(u"benchmarkTest_"_s + test);
        box->setToolTip(hints.value(test));
        box->setChecked(test != latin(t::fileio) && test != latin(t::db));
        connect(box, &QCheckBox::toggled, this, &BenchmarksPane::updateButtons);
        testsLayout->addWidget(box);
        m_testBoxes.insert(test, box);
    }
    auto *form = new QFormLayout;
    m_seconds->setObjectName(u"benchmarkSeconds"_s);
    m_seconds->setRange(protocol::benchlimits::minSeconds, protocol::benchlimits::maxSeconds);
    m_seconds->setValue(protocol::benchlimits::defaultSeconds);
    m_seconds->setSuffix(tr(" s"));
    m_seconds->setToolTip(tr("How long each phase of a test runs (CPU has two phases)."));
    form->addRow(tr("Per phase:"), m_seconds);
    testsLayout->addLayout(form);
    m_normalPriority->setToolTip(tr("Runs the tests at normal priority: figures closer to an idle machine's, "
                                    "but the functions on the node slow down meanwhile."));
    testsLayout->addWidget(m_normalPriority);
    layout->addWidget(testsBox);

    m_runButton->setObjectName(u"benchmarkRun"_s);
    m_cancelButton->setObjectName(u"benchmarkCancel"_s);
    m_csvButton->setObjectName(u"benchmarkCsv"_s);
    m_runButton->setDefault(true);
    connect(m_runButton, &QPushButton::clicked, this, &BenchmarksPane::run);
    connect(m_cancelButton, &QPushButton::clicked, m_services.session, &BenchmarkSession::cancel);
    connect(m_csvButton, &QPushButton::clicked, this, &BenchmarksPane::askCsvPath);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_cancelButton);
    layout->addLayout(buttons);
    layout->addWidget(m_csvButton);
    m_status->setObjectName(u"benchmarkStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    layout->addWidget(m_status);
    return panel;
}

QWidget *BenchmarksPane::buildComparison()
{
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *page = new QWidget(scroll);
    page->setObjectName(u"benchmarkComparison"_s);
    auto *grid = new QGridLayout(page);
    int index = 0;
    for (const BarSpec &spec : barSpecs()) {
        QStringList metrics;
        for (const char *metric : spec.metrics)
            metrics << latin(metric);
        const QString title = u"%1 (%2)"_s.arg(benchmarkTestTitle(latin(spec.test)), latin(spec.unit));
        auto *chart = new BenchmarkBarChart(title, latin(spec.test), metrics, latin(spec.unit), page);
        chart->setObjectName(u"benchmarkBars%1"_s.arg(index));
        chart->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(chart, &QWidget::customContextMenuRequested, this, [this, chart, title](const QPoint &at) {
            QMenu menu(this);
            menu.addAction(tr("Export as PNG…"), this, [this, chart, title] {
                askPngPath(chart, title);
            });
            menu.exec(chart->mapToGlobal(at));
        });
        grid->addWidget(chart, index / 2, index % 2);
        m_barCharts.append(chart);
        ++index;
    }
    scroll->setWidget(page);
    return scroll;
}

QWidget *BenchmarksPane::buildRoundTrips()
{
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *page = new QWidget(scroll);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_heatMap, 0, Qt::AlignLeft | Qt::AlignTop);
    m_heatMapNote->setWordWrap(true);
    m_heatMapNote->setText(tr("Each node measures TCP round trips to the other nodes' invoke ports: a demo node "
                              "through the loopback, a remote one through its SSH address."));
    m_heatMapNote->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_heatMapNote);
    layout->addStretch(1);
    scroll->setWidget(page);
    return scroll;
}

QWidget *BenchmarksPane::buildHistory()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Node:"), page));
    m_historyNode->setObjectName(u"benchmarkHistoryNode"_s);
    m_historyNode->setMinimumContentsLength(16);
    row->addWidget(m_historyNode);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addWidget(m_historyChart, 1);
    connect(m_historyNode, &QComboBox::currentIndexChanged, this, &BenchmarksPane::reloadHistory);
    return page;
}

void BenchmarksPane::reloadNodes()
{
    const QSignalBlocker blocker(m_nodeList);
    QSet<QString> checked;
    for (int row = 0; row < m_nodeList->count(); ++row) {
        if (m_nodeList->item(row)->checkState() == Qt::Checked)
            checked.insert(m_nodeList->item(row)->data(Qt::UserRole).toString());
    }
    m_nodeList->clear();
    const QString historyNode = m_historyNode->currentData().toString();
    {
        const QSignalBlocker historyBlocker(m_historyNode);
        m_historyNode->clear();
        for (const Node &node : m_services.nodes->nodes()) {
            auto *item = new QListWidgetItem(stateBadge(node.state), node.name, m_nodeList);
            item->setData(Qt::UserRole, node.id);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            // Until the user decides, a node is measured when it is running.
            const bool wanted =
                m_touchedNodes.contains(node.id) ? checked.contains(node.id) : node.state == NodeState::Running;
            item->setCheckState(wanted ? Qt::Checked : Qt::Unchecked);
            m_historyNode->addItem(node.name, node.id);
        }
        const int index = m_historyNode->findData(historyNode);
        m_historyNode->setCurrentIndex(index >= 0 ? index : (m_historyNode->count() > 0 ? 0 : -1));
    }
    if (m_historyNode->currentData().toString() != historyNode)
        reloadHistory();
    updateButtons();
}

void BenchmarksPane::setNodeChecked(const QString &nodeId, bool checked)
{
    for (int row = 0; row < m_nodeList->count(); ++row) {
        QListWidgetItem *item = m_nodeList->item(row);
        if (item->data(Qt::UserRole).toString() == nodeId)
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    }
}

QStringList BenchmarksPane::checkedNodes() const
{
    QStringList ids;
    for (int row = 0; row < m_nodeList->count(); ++row) {
        if (m_nodeList->item(row)->checkState() == Qt::Checked)
            ids << m_nodeList->item(row)->data(Qt::UserRole).toString();
    }
    return ids;
}

void BenchmarksPane::setTestChecked(const QString &test, bool checked)
{
    if (QCheckBox *box = m_testBoxes.value(test))
        box->setChecked(checked);
}

QStringList BenchmarksPane::checkedTests() const
{
    QStringList tests;
    for (const QString &test : benchmarkTests()) {
        if (m_testBoxes.value(test)->isChecked())
            tests << test;
    }
    return tests;
}

void BenchmarksPane::setExtraParameters(const QString &test, const QJsonObject &parameters)
{
    m_extraParameters.insert(test, parameters);
}

BenchmarkPlan BenchmarksPane::plan() const
{
    BenchmarkPlan plan;
    plan.nodeIds = checkedNodes();
    plan.tests = checkedTests();
    for (const QString &test : std::as_const(plan.tests)) {
        QJsonObject parameters = m_extraParameters.value(test);
        parameters.insert(latin(protocol::benchparams::seconds), m_seconds->value());
        parameters.insert(latin(protocol::benchparams::priority),
            latin(m_normalPriority->isChecked() ? protocol::benchparams::priorityNormal
                                                : protocol::benchparams::priorityLow));
        plan.parameters.insert(test, parameters);
    }
    return plan;
}

QPushButton *BenchmarksPane::runButton() const
{
    return m_runButton;
}

QPushButton *BenchmarksPane::cancelButton() const
{
    return m_cancelButton;
}

void BenchmarksPane::run()
{
    if (!m_services.session->start(plan()))
        return;
    rebuildProgress();
    m_status->setText(tr("Measuring…"));
    updateButtons();
}

void BenchmarksPane::rebuildProgress()
{
    const BenchmarkPlan &current = plan();
    m_progress->clear();
    m_progress->setRowCount(int(current.nodeIds.size()));
    m_progress->setColumnCount(int(current.tests.size()) + 1);
    QStringList headers;
    for (const QString &test : current.tests)
        headers << benchmarkTestTitle(test);
    headers << tr("Problems");
    m_progress->setHorizontalHeaderLabels(headers);
    QStringList names;
    for (const QString &id : current.nodeIds)
        names << nodeNameOrId(m_services.nodes, id);
    m_progress->setVerticalHeaderLabels(names);
    for (int row = 0; row < current.nodeIds.size(); ++row) {
        for (int column = 0; column < current.tests.size(); ++column) {
            auto *bar = new QProgressBar(m_progress);
            bar->setObjectName(u"progress_%1_%2"_s.arg(current.nodeIds[row], current.tests[column]));
            bar->setRange(0, 100);
            bar->setValue(0);
            bar->setFormat(stepText(BenchmarkSession::StepState::Waiting));
            bar->setProperty("nodeId", current.nodeIds[row]);
            bar->setProperty("test", current.tests[column]);
            m_progress->setCellWidget(row, column, bar);
        }
        auto *problem = new QTableWidgetItem;
        problem->setForeground(QColor(0xdc, 0x26, 0x26));
        m_progress->setItem(row, int(current.tests.size()), problem);
    }
    m_progress->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    for (int column = 0; column < current.tests.size(); ++column)
        m_progress->setColumnWidth(column, 110);
    m_progress->horizontalHeader()->setStretchLastSection(true);
}

QProgressBar *BenchmarksPane::progressBar(const QString &nodeId, const QString &test) const
{
    for (int row = 0; row < m_progress->rowCount(); ++row) {
        for (int column = 0; column + 1 < m_progress->columnCount(); ++column) {
            auto *bar = qobject_cast<QProgressBar *>(m_progress->cellWidget(row, column));
            if (bar && bar->property("nodeId").toString() == nodeId && bar->property("test").toString() == test)
                return bar;
        }
    }
    return nullptr;
}

QString BenchmarksPane::nodeProblem(const QString &nodeId) const
{
    QStringList lines;
    for (const BenchmarkSession::Step &step : m_services.session->steps()) {
        if (step.nodeId == nodeId && step.state == BenchmarkSession::StepState::Failed)
            lines << u"%1: %2"_s.arg(benchmarkTestTitle(step.test), step.error);
    }
    return lines.join(u'\n');
}

QString BenchmarksPane::statusText() const
{
    return m_status->text();
}

void BenchmarksPane::updateStep(const QString &nodeId, const QString &test)
{
    QProgressBar *bar = progressBar(nodeId, test);
    if (!bar)
        return;
    const BenchmarkSession::Step step = m_services.session->step(nodeId, test);
    bar->setValue(int(std::lround(step.progress * 100)));
    bar->setFormat(stepText(step.state));
    bar->setToolTip(step.error);
    for (int row = 0; row < m_progress->rowCount(); ++row) {
        if (m_progress->cellWidget(row, 0) && m_progress->cellWidget(row, 0)->property("nodeId").toString() == nodeId) {
            const QString problem = nodeProblem(nodeId);
            QTableWidgetItem *item = m_progress->item(row, m_progress->columnCount() - 1);
            item->setText(QString(problem).replace(u'\n', u"  ·  "_s));
            item->setToolTip(problem);
        }
    }
}

void BenchmarksPane::updateButtons()
{
    const bool running = m_services.session->isRunning();
    m_runButton->setEnabled(!running && !checkedNodes().isEmpty() && !checkedTests().isEmpty());
    m_cancelButton->setEnabled(running);
}

void BenchmarksPane::sessionFinished()
{
    int done = 0;
    int failed = 0;
    int cancelled = 0;
    for (const BenchmarkSession::Step &step : m_services.session->steps()) {
        done += step.state == BenchmarkSession::StepState::Done;
        failed += step.state == BenchmarkSession::StepState::Failed;
        cancelled += step.state == BenchmarkSession::StepState::Cancelled;
    }
    m_status->setText(tr("Finished: %1 done, %2 failed, %3 cancelled.").arg(done).arg(failed).arg(cancelled));
    updateButtons();
}

QList<ChartNode> BenchmarksPane::chartNodes() const
{
    // The fleet's order; nodes gone from the fleet keep their figures under the name they had.
    QList<ChartNode> nodes;
    QSet<QString> seen;
    for (const Node &node : m_services.nodes->nodes()) {
        nodes.append({node.id, node.name});
        seen.insert(node.id);
    }
    for (const BenchmarkRecord &record : m_latest) {
        if (!seen.contains(record.nodeId)) {
            nodes.append({record.nodeId, record.nodeName});
            seen.insert(record.nodeId);
        }
    }
    return nodes;
}

void BenchmarksPane::reloadFigures()
{
    const quint64 generation = ++m_figuresGeneration;
    m_services.results->latest({}, this, [this, generation](Result<QList<BenchmarkRecord>> latest) {
        if (generation != m_figuresGeneration)
            return;
        if (!latest) {
            m_status->setText(latest.error().message);
            return;
        }
        m_latest = std::move(*latest);
        const QList<ChartNode> nodes = chartNodes();
        for (BenchmarkBarChart *chart : std::as_const(m_barCharts))
            chart->setRecords(m_latest, nodes);
        m_heatMap->setRecords(m_latest, nodes);
        Q_EMIT figuresShown();
    });
}

void BenchmarksPane::reloadHistory()
{
    const quint64 generation = ++m_historyGeneration;
    const QString nodeId = m_historyNode->currentData().toString();
    if (nodeId.isEmpty()) {
        m_historyChart->setRecords({});
        return;
    }
    m_services.results->history(nodeId, this, [this, generation, nodeId](Result<QList<BenchmarkRecord>> history) {
        if (generation != m_historyGeneration)
            return;
        m_historyChart->chart()->setTitle(
            tr("History of %1 · each metric in its own unit, log scale").arg(nodeNameOrId(m_services.nodes, nodeId)));
        m_historyChart->setRecords(history.value_or(QList<BenchmarkRecord>()));
        if (!history)
            m_status->setText(history.error().message);
        Q_EMIT historyShown();
    });
}

QList<BenchmarkBarChart *> BenchmarksPane::barCharts() const
{
    return m_barCharts;
}

BenchmarkBarChart *BenchmarksPane::barChart(const QString &test) const
{
    for (BenchmarkBarChart *chart : m_barCharts) {
        if (chart->test() == test)
            return chart;
    }
    return nullptr;
}

RttHeatMap *BenchmarksPane::heatMap() const
{
    return m_heatMap;
}

BenchmarkHistoryChart *BenchmarksPane::historyChart() const
{
    return m_historyChart;
}

QTabWidget *BenchmarksPane::tabs() const
{
    return m_tabs;
}

void BenchmarksPane::showHistory(const QString &nodeId)
{
    const int index = m_historyNode->findData(nodeId);
    if (index < 0)
        return;
    if (index == m_historyNode->currentIndex())
        reloadHistory();
    else
        m_historyNode->setCurrentIndex(index);
}

void BenchmarksPane::exportCsv(const QString &path)
{
    m_services.results->all(this, [this, path](Result<QList<BenchmarkRecord>> records) {
        if (!records) {
            Q_EMIT exported(path, records.error().message);
            return;
        }
        BenchmarkResults::exportCsv(*records, path, this, [this, path](Result<void> written) {
            const QString error = written ? QString() : written.error().message;
            m_status->setText(written ? tr("Exported the figures to %1.").arg(path) : error);
            Q_EMIT exported(path, error);
        });
    });
}

void BenchmarksPane::exportPng(QWidget *widget, const QString &path)
{
    exportWidgetPng(widget, path, [this, path](const QString &error) {
        m_status->setText(error.isEmpty() ? tr("Saved the chart as %1.").arg(path)
                                          : tr("Cannot write the image %1: %2").arg(path, error));
        Q_EMIT exported(path, error);
    });
}

void BenchmarksPane::askCsvPath()
{
    askSavePath(this,
        tr("Export benchmark figures"),
        u"benchmarks.csv"_s,
        tr("CSV files (*.csv)"),
        [this](const QString &path) {
            exportCsv(path);
        });
}

void BenchmarksPane::askPngPath(QWidget *widget, const QString &name)
{
    askSavePath(this,
        tr("Export chart"),
        fileNameFor(name),
        tr("PNG images (*.png)"),
        [this, target = QPointer<QWidget>(widget)](const QString &path) {
            if (target)
                exportPng(target, path);
        });
}

void BenchmarksPane::exportCurrentTab()
{
    switch (m_tabs->currentIndex()) {
    case Comparison:
        askPngPath(m_tabs->widget(Comparison)->findChild<QWidget *>(u"benchmarkComparison"_s), tr("benchmarks"));
        break;
    case RoundTrips:
        askPngPath(m_heatMap, tr("round trips"));
        break;
    case History:
        askPngPath(m_historyChart, m_historyChart->chart()->title());
        break;
    default:
        break;
    }
}

} // namespace rune::views
