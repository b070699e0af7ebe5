// SPDX-License-Identifier: GPL-3.0-or-later
#include "scaling/scalingdetail.h"

#include "cluster/nodelist.h"
#include "metrics/metrichistory.h"
#include "scaling/scalingchart.h"
#include "scaling/scalingevents.h"
#include "scaling/scalingeventsmodel.h"
#include "scaling/scalingfleet.h"
#include "scaling/scalingseries.h"
#include "shell/theme.h"
#include "util/csv.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QList<QPointF> pointsOf(const QList<MetricPoint> &points, Metric metric)
{
    QList<QPointF> line;
    line.reserve(points.size());
    for (const MetricPoint &point : points)
        line.append(QPointF(double(point.timeMs), double(point.value(metric))));
    return line;
}

QList<QPointF> startingOf(const QList<MetricPoint> &points)
{
    QList<QPointF> line;
    line.reserve(points.size());
    for (const MetricPoint &point : points) {
        const float starting = std::max(0.0f, point.value(Metric::Replicas) - point.value(Metric::ReplicasReady));
        line.append(QPointF(double(point.timeMs), double(starting)));
    }
    return line;
}

/** Replicas after the event, from the agent's "<before> -> <after> replicas"; nothing otherwise. */
std::optional<int> replicasAfter(const QString &reason)
{
    static const QRegularExpression pattern(u"->\\s*(\\d+)\\s+replicas"_s);
    const auto match = pattern.match(reason);
    return match.hasMatch() ? std::optional<int>(match.captured(1).toInt()) : std::nullopt;
}

QColor markColor(ScalingKind kind)
{
    switch (kind) {
    case ScalingKind::ScaleUp:
        return QColor(0x2e, 0xa0, 0x43);
    case ScalingKind::ScaleDown:
        return QColor(0xd2, 0x99, 0x22);
    case ScalingKind::ToZero:
        return QColor(0x6e, 0x77, 0x81);
    default:
        return QColor(0xcf, 0x22, 0x2e);
    }
}

} // namespace

ScalingDetail::ScalingDetail(const ScalingServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_titleLabel(new QLabel(this))
    , m_rangeCombo(new QComboBox(this))
    , m_charts(new QWidget(this))
    , m_replicasChart(new ScalingChart(tr("Replicas"), m_charts))
    , m_loadChart(new ScalingChart(tr("Load (all nodes)"), m_charts))
    , m_settingsLabel(new QLabel(this))
    , m_configureLink(new QLabel(this))
    , m_eventsModel(new ScalingEventsModel(
          services.events,
          [this](const QString &id) {
              return nodeName(id);
          },
          this))
    , m_eventsView(new QTableView(this))
{
    m_titleLabel->setObjectName(u"scalingTitleLabel"_s);
    QFont titleFont = m_titleLabel->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_titleLabel->setFont(titleFont);
    m_rangeCombo->setObjectName(u"rangeCombo"_s);
    m_rangeCombo->addItem(tr("Last 5 minutes"), int(HistoryRange::FiveMinutes));
    m_rangeCombo->addItem(tr("Last hour"), int(HistoryRange::OneHour));
    m_rangeCombo->addItem(tr("Last 24 hours"), int(HistoryRange::Day));
    connect(m_rangeCombo, &QComboBox::currentIndexChanged, this, [this] {
        setRange(HistoryRange(m_rangeCombo->currentData().toInt()));
    });
    m_replicasChart->setObjectName(u"replicasChart"_s);
    m_replicasChart->setWholeNumbers(true);
    m_loadChart->setObjectName(u"loadChart"_s);
    auto *chartsLayout = new QVBoxLayout(m_charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->addWidget(m_replicasChart, 3);
    chartsLayout->addWidget(m_loadChart, 2);

    m_eventsView->setObjectName(u"scalingEventsView"_s);
    m_eventsView->setModel(m_eventsModel);
    m_eventsView->verticalHeader()->hide();
    m_eventsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_eventsView->horizontalHeader()->setStretchLastSection(true);
    m_eventsView->setColumnWidth(ScalingEventsModel::Time, 150);
    m_eventsView->setColumnWidth(ScalingEventsModel::Kind, 110);

    auto *header = new QHBoxLayout;
    header->addWidget(m_titleLabel, 1);
    header->addWidget(m_rangeCombo);
    auto *middle = new QHBoxLayout;
    middle->addWidget(m_charts, 1);
    middle->addWidget(buildSettings());
    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addLayout(header);
    topLayout->addLayout(middle, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(m_eventsView);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(services.history, &MetricHistory::pointAdded, this, &ScalingDetail::onPoint);
    connect(services.fleet, &ScalingFleet::figuresChanged, this, &ScalingDetail::onFigures);
    connect(services.events, &ScalingEvents::appended, this, [this] {
        m_dirty = m_marksDirty = true;
    });
    // Redrawn at most once a second: a hundred nodes' points arrive one by one.
    m_redraw.setInterval(1000);
    connect(&m_redraw, &QTimer::timeout, this, [this] {
        if (std::exchange(m_dirty, false))
            redraw();
    });
    m_redraw.start();
    setFunction({});
}

ScalingDetail::~ScalingDetail() = default;

QWidget *ScalingDetail::buildSettings()
{
    auto *box = new QWidget(this);
    box->setObjectName(u"scalingSettings"_s);
    box->setMinimumWidth(220);
    box->setMaximumWidth(280);
    auto *layout = new QVBoxLayout(box);
    auto *heading = new QLabel(tr("<b>Scaling settings</b>"), box);
    m_settingsLabel->setObjectName(u"scalingSettingsLabel"_s);
    m_settingsLabel->setWordWrap(true);
    m_settingsLabel->setTextFormat(Qt::RichText);
    m_configureLink->setObjectName(u"configureLink"_s);
    m_configureLink->setTextFormat(Qt::RichText);
    m_configureLink->setText(u"<a href=\"configure\">%1</a>"_s.arg(tr("Change them in Configuration…")));
    connect(m_configureLink, &QLabel::linkActivated, this, [this] {
        const FunctionFleetRow *row = m_services.fleet->row(m_function);
        if (row && row->limits)
            Q_EMIT configureRequested(row->limits->functionId);
    });
    layout->addWidget(heading);
    layout->addWidget(m_settingsLabel);
    layout->addWidget(m_configureLink);
    layout->addStretch(1);
    return box;
}

void ScalingDetail::setFunction(const QString &function)
{
    m_function = function;
    m_titleLabel->setText(function.isEmpty() ? tr("Select a function to see it scale") : function);
    m_eventsModel->setFunction(function.isEmpty() ? u"\x1f"_s : function); // none when no function
    updateSettings();
    reload();
}

QString ScalingDetail::function() const
{
    return m_function;
}

void ScalingDetail::setRange(HistoryRange range)
{
    if (range == m_range)
        return;
    m_range = range;
    m_rangeCombo->setCurrentIndex(m_rangeCombo->findData(int(range)));
    reload();
}

HistoryRange ScalingDetail::range() const
{
    return m_range;
}

ScalingChart *ScalingDetail::replicasChart() const
{
    return m_replicasChart;
}

ScalingChart *ScalingDetail::loadChart() const
{
    return m_loadChart;
}

ScalingEventsModel *ScalingDetail::eventsModel() const
{
    return m_eventsModel;
}

QWidget *ScalingDetail::chartsWidget() const
{
    return m_charts;
}

QStringList ScalingDetail::nodesOfFunction() const
{
    QStringList nodes;
    if (const FunctionFleetRow *row = m_services.fleet->row(m_function)) {
        for (const FunctionOnNode &node : row->nodes)
            nodes << node.nodeId;
    }
    return nodes;
}

QString ScalingDetail::nodeName(const QString &nodeId) const
{
    const Node *node = m_services.nodes->find(nodeId);
    return node ? node->name : nodeId;
}

void ScalingDetail::reload()
{
    const quint64 generation = ++m_generation;
    m_marksDirty = true;
    m_keys.clear();
    m_series.clear();
    for (const QString &nodeId : nodesOfFunction()) {
        const QString key = ScalingFleet::seriesKey(nodeId, m_function);
        m_keys.insert(key, nodeId);
        m_services.history->load(key, m_range, this, [this, generation, nodeId](MetricHistory::Points points) {
            if (generation != m_generation)
                return;
            // Points that came live while the history was read are newer than what it holds.
            QList<MetricPoint> &series = m_series[nodeId];
            const qint64 last = points.isEmpty() ? 0 : points.constLast().timeMs;
            for (const MetricPoint &point : std::as_const(series)) {
                if (point.timeMs > last)
                    points.append(point);
            }
            series = std::move(points);
            m_dirty = true; // drawn once for all the nodes' answers, at the next redraw tick
        });
    }
    redraw();
}

void ScalingDetail::onPoint(const QString &key, HistoryRange range, const MetricPoint &point)
{
    if (range != m_range)
        return;
    const auto it = m_keys.constFind(key);
    if (it == m_keys.constEnd())
        return;
    QList<MetricPoint> &series = m_series[*it];
    series.append(point);
    const qint64 oldest = now() - rangeSpan(m_range).count();
    while (!series.isEmpty() && series.constFirst().timeMs < oldest)
        series.removeFirst();
    m_dirty = true;
}

void ScalingDetail::onFigures(const QStringList &names)
{
    if (m_function.isEmpty() || !names.contains(m_function))
        return;
    updateSettings();
    // A node began or stopped running it. (The count first: this runs at every batch of polls.)
    const FunctionFleetRow *row = m_services.fleet->row(m_function);
    if (row && row->nodes.size() == m_keys.size())
        return;
    const QStringList nodes = nodesOfFunction();
    if (QSet<QString>(nodes.begin(), nodes.end()) != QSet<QString>(m_keys.cbegin(), m_keys.cend()))
        reload();
}

void ScalingDetail::updateSettings()
{
    const FunctionFleetRow *row = m_services.fleet->row(m_function);
    m_configureLink->setVisible(row && row->limits);
    if (!row) {
        m_settingsLabel->setText(tr("No node runs this function now."));
        return;
    }
    if (!row->limits) {
        m_settingsLabel->setText(tr("This console does not know %1: it was deployed from elsewhere.").arg(m_function));
        return;
    }
    const ScalingLimits &l = *row->limits;
    const QString idle =
        l.idleToZeroSeconds > 0 ? tr("%n s idle, then zero", nullptr, l.idleToZeroSeconds) : tr("never to zero");
    m_settingsLabel->setText(tr("<table cellspacing=3>"
                                "<tr><td>Replicas per node</td><td><b>%1 – %2</b></td></tr>"
                                "<tr><td>Calls per replica</td><td><b>%3</b></td></tr>"
                                "<tr><td>Idle to zero</td><td><b>%4</b></td></tr>"
                                "<tr><td>Running now</td><td><b>%5</b> on %n node(s)</td></tr></table>",
        nullptr,
        int(row->nodes.size()))
                                 .arg(l.minReplicas)
                                 .arg(l.maxReplicas)
                                 .arg(l.targetConcurrency)
                                 .arg(idle)
                                 .arg(row->replicas));
}

void ScalingDetail::redraw()
{
    const qint64 to = now();
    const qint64 from = to - rangeSpan(m_range).count();
    m_replicasChart->setWindow(from, to);
    m_loadChart->setWindow(from, to);
    QStringList nodes = m_series.keys();
    nodes.sort();
    QList<ScalingChart::Line> replicas;
    QList<QList<MetricPoint>> all;
    for (const QString &nodeId : std::as_const(nodes)) {
        all.append(m_series.value(nodeId));
        if (replicas.size() < maxNodeLines)
            replicas.append({nodeName(nodeId),
                pointsOf(all.constLast(), Metric::Replicas),
                colors::series(int(replicas.size())),
                Qt::SolidLine});
    }
    const QList<MetricPoint> sums = sumOnGrid(all, from, to, SeriesGrid::of(m_range));
    const QColor muted = palette().color(QPalette::PlaceholderText);
    if (!m_function.isEmpty()) {
        replicas.append({tr("ready, all nodes"), pointsOf(sums, Metric::ReplicasReady), muted, Qt::DashLine});
        replicas.append({tr("starting, all nodes"), startingOf(sums), QColor(0x82, 0x50, 0xdf), Qt::DotLine});
    }
    m_replicasChart->setLines(replicas);
    QList<ScalingChart::Line> load;
    if (!m_function.isEmpty()) {
        load.append({tr("calls/s"), pointsOf(sums, Metric::InvocationsPerSecond), colors::series(0), Qt::SolidLine});
        load.append({tr("in flight"), pointsOf(sums, Metric::InFlight), colors::series(1), Qt::SolidLine});
        load.append({tr("queue"), pointsOf(sums, Metric::Queued), colors::series(2), Qt::SolidLine});
        load.append(
            {tr("cold starts/s"), pointsOf(sums, Metric::ColdStartsPerSecond), colors::series(3), Qt::SolidLine});
    }
    m_loadChart->setLines(load);
    if (std::exchange(m_marksDirty, false))
        redrawMarks(from);
}

void ScalingDetail::redrawMarks(qint64 fromMs)
{
    QList<ScalingChart::Mark> marks;
    for (qsizetype i = m_services.events->size() - 1; i >= 0 && marks.size() < maxMarks; --i) {
        const ScalingEvent &event = m_services.events->at(i);
        if (m_function.isEmpty() || event.function != m_function || event.timeMs < fromMs)
            continue;
        const QString text = tr("%1 on %2: %3").arg(scalingKindName(event.kind), nodeName(event.nodeId), event.reason);
        marks.append({event.timeMs, double(replicasAfter(event.reason).value_or(0)), text, markColor(event.kind)});
    }
    m_replicasChart->setMarks(marks);
}

QString ScalingDetail::csv() const
{
    QString text = csvLine({u"time"_s,
        u"node"_s,
        u"function"_s,
        u"replicas"_s,
        u"ready"_s,
        u"starting"_s,
        u"in_flight"_s,
        u"calls_per_s"_s,
        u"queued"_s,
        u"cold_starts_per_s"_s});
    QStringList nodes = m_series.keys();
    nodes.sort();
    for (const QString &nodeId : std::as_const(nodes)) {
        for (const MetricPoint &p : m_series.value(nodeId)) {
            const auto number = [&p](Metric metric) {
                return QString::number(double(p.value(metric)), 'g', 6);
            };
            text += csvLine({QDateTime::fromMSecsSinceEpoch(p.timeMs).toUTC().toString(Qt::ISODateWithMs),
                nodeName(nodeId),
                m_function,
                number(Metric::Replicas),
                number(Metric::ReplicasReady),
                QString::number(std::max(0.0f, p.value(Metric::Replicas) - p.value(Metric::ReplicasReady))),
                number(Metric::InFlight),
                number(Metric::InvocationsPerSecond),
                number(Metric::Queued),
                number(Metric::ColdStartsPerSecond)});
        }
    }
    return text;
}

} // namespace rune::views
