// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/logtablemodel.h"

#include "cluster/nodelist.h"
#include "functions/functionformat.h"

#include <QColor>
#include <QFontDatabase>

using namespace Qt::StringLiterals;

namespace rune::views
{

LogTableModel::LogTableModel(NodeList *nodes, QObject *parent)
    : QAbstractTableModel(parent)
    , m_nodes(nodes)
{
}

void LogTableModel::setVersionLabel(std::function<QString(const FunctionLogLine &)> label)
{
    m_versionLabel = std::move(label);
}

void LogTableModel::setLimit(int lines)
{
    m_limit = std::max(1, lines);
}

void LogTableModel::append(const QList<FunctionLogLine> &lines)
{
    if (lines.isEmpty())
        return;
    const qsizetype incoming = std::min<qsizetype>(lines.size(), m_limit);
    const qsizetype overflow = m_lines.size() + incoming - m_limit;
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_lines.remove(0, overflow);
        endRemoveRows();
    }
    const int first = int(m_lines.size());
    beginInsertRows({}, first, first + int(incoming) - 1);
    m_lines.append(lines.mid(lines.size() - incoming));
    endInsertRows();
}

void LogTableModel::clear()
{
    beginResetModel();
    m_lines.clear();
    endResetModel();
}

const FunctionLogLine &LogTableModel::lineAt(int row) const
{
    return m_lines.at(row);
}

int LogTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

int LogTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogTableModel::displayData(const FunctionLogLine &line, int column) const
{
    switch (column) {
    case Time:
        return formatLocalTime(line.time, true);
    case Node:
        return nodeNameOrId(m_nodes, line.nodeId);
    case Version:
        return m_versionLabel ? m_versionLabel(line) : QString(u"v"_s + QString::number(line.version));
    case Request:
        return line.requestId.left(8);
    case Level:
        return logLevelName(line.level());
    case Text:
        return line.text;
    default:
        return {};
    }
}

QVariant LogTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const FunctionLogLine &line = m_lines.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(line, index.column());
    case RequestIdRole:
        return line.requestId;
    case LevelRole:
        return int(line.level());
    case TextRole:
        return line.text;
    case Qt::ToolTipRole:
        if (index.column() == Request)
            return line.requestId;
        if (index.column() == Time)
            return line.time.toLocalTime().toString(Qt::ISODateWithMs);
        return index.column() == Text ? QVariant(line.text) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == Level || index.column() == Text) {
            if (line.level() == FunctionLogLine::Level::Error)
                return QColor(0xd1, 0x3a, 0x3a);
            if (line.level() == FunctionLogLine::Level::Warning)
                return QColor(0xc0, 0x7a, 0x00);
        }
        return {};
    case Qt::FontRole:
        return index.column() == Text ? QVariant(QFontDatabase::systemFont(QFontDatabase::FixedFont)) : QVariant();
    default:
        return {};
    }
}

QVariant LogTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Node:
        return tr("Node");
    case Version:
        return tr("Version");
    case Request:
        return tr("Request");
    case Level:
        return tr("Level");
    case Text:
        return tr("Text");
    default:
        return {};
    }
}

} // namespace rune::views
