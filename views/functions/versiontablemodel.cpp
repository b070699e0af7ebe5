// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/versiontablemodel.h"

#include "cluster/nodelist.h"
#include "functions/functioncatalog.h"
#include "functions/functionformat.h"

#include <QApplication>
#include <QFont>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace rune::views
{

VersionTableModel::VersionTableModel(FunctionCatalog *catalog, NodeList *nodes, QObject *parent)
    : QAbstractTableModel(parent)
    , m_catalog(catalog)
    , m_nodes(nodes)
{
    connect(catalog, &FunctionCatalog::versionsChanged, this, [this](const QString &id) {
        if (id == m_functionId)
            sync();
    });
    connect(catalog, &FunctionCatalog::functionChanged, this, [this](const QString &id) {
        if (id == m_functionId)
            sync();
    });
    connect(catalog, &FunctionCatalog::functionRemoved, this, [this](const QString &id) {
        if (id == m_functionId)
            setFunction({});
    });
    connect(nodes, &NodeList::nodeChanged, this, [this] {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, Nodes), index(int(m_rows.size()) - 1, Nodes));
    });
}

void VersionTableModel::setFunction(const QString &functionId)
{
    beginResetModel();
    m_functionId = functionId;
    m_rows.clear();
    endResetModel();
    sync();
}

QString VersionTableModel::functionId() const
{
    return m_functionId;
}

int VersionTableModel::rowOf(int number) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).number == number)
            return row;
    }
    return -1;
}

FunctionVersion VersionTableModel::versionAt(int row) const
{
    return m_rows.value(row);
}

void VersionTableModel::sync()
{
    QList<FunctionVersion> wanted =
        m_catalog && !m_functionId.isEmpty() ? m_catalog->versions(m_functionId) : QList<FunctionVersion>();
    std::reverse(wanted.begin(), wanted.end());
    // Row by row, so a selection survives a deploy: gone versions out, new ones in, the rest refreshed.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        const int number = m_rows.at(row).number;
        const bool kept = std::any_of(wanted.cbegin(), wanted.cend(), [number](const FunctionVersion &v) {
            return v.number == number;
        });
        if (!kept) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    for (int row = 0; row < wanted.size(); ++row) {
        if (row < m_rows.size() && m_rows.at(row).number == wanted.at(row).number) {
            m_rows[row] = wanted.at(row);
            continue;
        }
        beginInsertRows({}, row, row);
        m_rows.insert(row, wanted.at(row));
        endInsertRows();
    }
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

int VersionTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int VersionTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString VersionTableModel::nodesText(int number) const
{
    QStringList names;
    for (const QString &id : m_catalog->nodesOf(m_functionId, number))
        names << nodeNameOrId(m_nodes, id);
    return names.join(u", "_s);
}

QVariant VersionTableModel::displayData(const FunctionVersion &version, int column) const
{
    switch (column) {
    case Version:
        return QString(u"v"_s + QString::number(version.number));
    case Created:
        return formatLocalTime(version.created);
    case State:
        return functionStateName(version.state);
    case Nodes:
        return nodesText(version.number);
    case Note:
        return version.note;
    default:
        return {};
    }
}

QVariant VersionTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || !m_catalog)
        return {};
    const FunctionVersion &version = m_rows.at(index.row());
    const Function *function = m_catalog->find(m_functionId);
    const bool serving = function && function->currentVersion == version.number;
    switch (role) {
    case Qt::DisplayRole:
        return displayData(version, index.column());
    case NumberRole:
        return version.number;
    case StateRole:
        return int(version.state);
    case Qt::DecorationRole:
        return index.column() == State ? QVariant(functionStateBadge(version.state)) : QVariant();
    case Qt::FontRole:
        if (serving) {
            QFont font = QApplication::font();
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Version)
            return serving ? tr("Serves the function's calls")
                           : tr("Callable as %1@v%2").arg(function ? function->name : QString()).arg(version.number);
        if (index.column() == Created)
            return version.created.toLocalTime().toString(Qt::ISODate);
        return index.column() == Version ? QVariant() : displayData(version, index.column());
    default:
        return {};
    }
}

QVariant VersionTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Version:
        return tr("Version");
    case Created:
        return tr("Created");
    case State:
        return tr("State");
    case Nodes:
        return tr("Runs on");
    case Note:
        return tr("Note");
    default:
        return {};
    }
}

} // namespace rune::views
