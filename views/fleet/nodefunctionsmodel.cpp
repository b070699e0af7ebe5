// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/nodefunctionsmodel.h"

#include "fleet/nodeattention.h"
#include "metrics/fleetmetrics.h"
#include "widgets/format.h"

#include <QColor>

using namespace Qt::StringLiterals;

namespace rune::views
{

NodeFunctionsModel::NodeFunctionsModel(FleetMetrics *metrics, QObject *parent)
    : QAbstractTableModel(parent)
    , m_metrics(metrics)
{
    connect(metrics, &FleetMetrics::functionsChanged, this, [this](const QString &nodeId) {
        if (nodeId == m_nodeId)
            reload();
    });
    connect(metrics, &FleetMetrics::forgotten, this, [this](const QString &nodeId) {
        if (nodeId == m_nodeId)
            reload();
    });
}

void NodeFunctionsModel::setNode(const QString &nodeId)
{
    if (nodeId == m_nodeId)
        return;
    m_nodeId = nodeId;
    reload();
}

QString NodeFunctionsModel::node() const
{
    return m_nodeId;
}

void NodeFunctionsModel::reload()
{
    QList<Row> rows;
    if (!m_nodeId.isEmpty()) {
        // By name: a node may list thousands of functions, and this runs at every poll.
        QHash<QString, FunctionSample> samples;
        for (const FunctionSample &sample : m_metrics->functionSamples(m_nodeId))
            samples.insert(sample.name, sample);
        for (const AgentFunction &function : m_metrics->functions(m_nodeId))
            rows << Row {function, samples.value(function.name)};
    }
    // Same functions in the same order: only the figures moved, so no reset (selection stays).
    const bool sameRows = rows.size() == m_rows.size()
        && std::equal(rows.begin(), rows.end(), m_rows.begin(), [](const Row &a, const Row &b) {
               return a.function.name == b.function.name;
           });
    if (sameRows) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int NodeFunctionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int NodeFunctionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeFunctionsModel::display(const Row &row, int column) const
{
    const AgentFunction &f = row.function;
    const FunctionSample &s = row.sample;
    switch (column) {
    case Name:
        return f.name;
    case Version:
        return u"v%1"_s.arg(f.version);
    case State:
        return f.startFailure ? tr("cannot start") : f.state;
    case Runtime:
        return f.runtime;
    case Replicas:
        return tr("%1 of %2").arg(f.replicasReady).arg(f.replicas);
    case InFlight:
        return f.queued > 0 ? tr("%1 (+%2 queued)").arg(f.inFlight).arg(f.queued) : QString::number(f.inFlight);
    case Calls:
        return formatRate(s.invocationsPerSecond);
    case Errors:
        return formatRate(s.errorsPerSecond);
    case Latency:
        return s.meanLatencyMs > 0 ? formatMilliseconds(s.meanLatencyMs) : u"—"_s;
    case P99:
        return s.p99LatencyMs > 0 ? formatMilliseconds(s.p99LatencyMs) : u"—"_s;
    default:
        return {};
    }
}

QString startFailureText(const StartFailure &failure)
{
    const QString retry = failure.retryInMs > 0
        ? NodeFunctionsModel::tr("the agent tries again in %1").arg(formatMilliseconds(double(failure.retryInMs)))
        : NodeFunctionsModel::tr("the agent tries again at the next call");
    return NodeFunctionsModel::tr(
        "Its replicas cannot start (%n failure(s) in a row; %1): %2", nullptr, failure.failures)
        .arg(retry, failure.message);
}

QVariant NodeFunctionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case SortRole:
        switch (index.column()) {
        case Version:
            return row.function.version;
        case Replicas:
            return row.function.replicas;
        case InFlight:
            return row.function.inFlight;
        case Calls:
            return row.sample.invocationsPerSecond;
        case Errors:
            return row.sample.errorsPerSecond;
        case Latency:
            return row.sample.meanLatencyMs;
        case P99:
            return row.sample.p99LatencyMs;
        default:
            return display(row, index.column());
        }
    case Qt::TextAlignmentRole:
        return index.column() >= Replicas ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == State && (row.function.state == u"BLOCKED"_s || row.function.startFailure))
            return QColor(0xdc, 0x3c, 0x3c);
        return {};
    case Qt::DecorationRole:
        if (index.column() == Name && row.function.startFailure)
            return attentionBadge();
        return {};
    case Qt::ToolTipRole:
        if (row.function.startFailure && (index.column() == Name || index.column() == State))
            return startFailureText(*row.function.startFailure);
        if (index.column() == P99)
            return tr("Since the agent started");
        if (index.column() == Latency)
            return tr("Mean over the calls since the previous poll");
        return {};
    default:
        return {};
    }
}

QVariant NodeFunctionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Function");
    case Version:
        return tr("Version");
    case State:
        return tr("State");
    case Runtime:
        return tr("Runtime");
    case Replicas:
        return tr("Replicas ready");
    case InFlight:
        return tr("In flight");
    case Calls:
        return tr("Calls/s");
    case Errors:
        return tr("Errors/s");
    case Latency:
        return tr("Latency");
    case P99:
        return tr("p99");
    default:
        return {};
    }
}

} // namespace rune::views
