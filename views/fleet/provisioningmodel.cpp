// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/provisioningmodel.h"

#include "cluster/nodelist.h"
#include "provision/nodeoperations.h"
#include "widgets/meterdelegate.h"

#include <QTime>

using namespace Qt::StringLiterals;

namespace rune::views
{

ProvisioningModel::ProvisioningModel(NodeList *nodes, NodeOperations *operations, QObject *parent)
    : QAbstractTableModel(parent)
    , m_nodes(nodes)
{
    connect(operations, &NodeOperations::stepStarted, this, [this](const QString &id, ProvisionStep step) {
        const int row = ensureRow(id, std::nullopt);
        m_rows[row].step = provisionStepName(step);
        m_rows[row].outcome = Outcome::Running;
        changed(row);
    });
    connect(operations, &NodeOperations::progress, this, [this](const QString &id, int percent) {
        const int row = ensureRow(id, std::nullopt);
        m_rows[row].percent = std::max(m_rows[row].percent, percent);
        changed(row);
    });
    connect(operations, &NodeOperations::logLine, this, [this](const QString &id, const QString &line) {
        appendLog(ensureRow(id, std::nullopt), line);
    });
    connect(operations,
        &NodeOperations::nodeFinished,
        this,
        [this](const QString &id, NodeAction action, const Result<void> &result) {
            const int row = ensureRow(id, action);
            Row &entry = m_rows[row];
            if (result) {
                entry.outcome = Outcome::Done;
                entry.percent = 100;
                entry.step = tr("Done");
                entry.error.clear();
            } else {
                entry.outcome = result.error().code == u"provision.cancelled"_s ? Outcome::Cancelled : Outcome::Failed;
                entry.error = result.error().message;
                entry.step = result.error().message.section(u'\n', 0, 0);
            }
            changed(row);
            appendLog(row, result ? tr("%1 done.").arg(nodeActionName(action)) : entry.error);
        });
}

int ProvisioningModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ProvisioningModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const ProvisioningModel::Row &ProvisioningModel::at(int row) const
{
    return m_rows.at(row);
}

int ProvisioningModel::rowOf(const QString &nodeId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).nodeId == nodeId)
            return row;
    }
    return -1;
}

int ProvisioningModel::count(Outcome outcome) const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [outcome](const Row &row) {
        return row.outcome == outcome;
    }));
}

int ProvisioningModel::ensureRow(const QString &nodeId, std::optional<NodeAction> action)
{
    int row = rowOf(nodeId);
    if (row >= 0)
        return row;
    const Node *node = m_nodes ? m_nodes->find(nodeId) : nullptr;
    Row entry;
    entry.nodeId = nodeId;
    entry.name = node ? node->name : nodeId;
    // A job the console resumed at start: the node's recorded target says which action it is.
    entry.action = action.value_or(node && node->targetAction ? *node->targetAction : NodeAction::Provision);
    row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(entry);
    endInsertRows();
    return row;
}

void ProvisioningModel::track(const QStringList &nodeIds, NodeAction action)
{
    for (const QString &id : nodeIds) {
        const int row = ensureRow(id, action);
        Row &entry = m_rows[row];
        entry.action = action;
        entry.percent = 0;
        entry.outcome = Outcome::Queued;
        entry.error.clear();
        entry.step = tr("Waiting for a free slot");
        changed(row);
        appendLog(
            row, tr("— %1 asked at %2 —").arg(nodeActionName(action), QTime::currentTime().toString(u"HH:mm:ss"_s)));
    }
}

void ProvisioningModel::note(const QString &nodeId, NodeAction action, const QString &line)
{
    const int row = ensureRow(nodeId, action);
    if (m_rows[row].outcome == Outcome::Queued)
        m_rows[row].outcome = Outcome::Failed;
    m_rows[row].step = line;
    changed(row);
    appendLog(row, line);
}

void ProvisioningModel::appendLog(int row, const QString &line)
{
    m_rows[row].log << line;
    Q_EMIT logAppended(row, line);
}

void ProvisioningModel::changed(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void ProvisioningModel::clearFinished()
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        const Outcome outcome = m_rows.at(row).outcome;
        if (outcome == Outcome::Queued || outcome == Outcome::Running)
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
}

QString ProvisioningModel::outcomeText(const Row &row) const
{
    switch (row.outcome) {
    case Outcome::Queued:
        return tr("queued");
    case Outcome::Running:
        return tr("%1 %").arg(row.percent);
    case Outcome::Done:
        return tr("done");
    case Outcome::Failed:
        return tr("failed");
    case Outcome::Cancelled:
        return tr("cancelled");
    }
    return {};
}

QVariant ProvisioningModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row &row = m_rows.at(index.row());
    if (role == NodeIdRole)
        return row.nodeId;
    if (role == Qt::ToolTipRole)
        return row.error.isEmpty() ? QVariant() : QVariant(row.error);
    if (index.column() == Progress && role == MeterDelegate::ValueRole)
        return row.outcome == Outcome::Failed || row.outcome == Outcome::Cancelled ? 100 : row.percent;
    if (index.column() == Progress && role == MeterDelegate::ColorRole) {
        switch (row.outcome) {
        case Outcome::Done:
            return QColor(0x2e, 0xa0, 0x43);
        case Outcome::Failed:
            return QColor(0xdc, 0x3c, 0x3c);
        case Outcome::Cancelled:
            return QColor(0x8a, 0x8f, 0x98);
        default:
            return QColor(0x3b, 0x82, 0xf6);
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Host:
        return row.name;
    case Action:
        return nodeActionName(row.action);
    case Progress:
        return outcomeText(row);
    case Step:
        return row.step;
    default:
        return {};
    }
}

QVariant ProvisioningModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Host:
        return tr("Host");
    case Action:
        return tr("Action");
    case Progress:
        return tr("Progress");
    case Step:
        return tr("Step");
    default:
        return {};
    }
}

} // namespace rune::views
