// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/logfiltermodel.h"

#include "functions/logtablemodel.h"

namespace rune::views
{

LogFilterModel::LogFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void LogFilterModel::setRequestId(const QString &requestId)
{
    m_requestId = requestId.trimmed();
    invalidateRowsFilter();
}

QString LogFilterModel::requestId() const
{
    return m_requestId;
}

void LogFilterModel::setLevel(std::optional<FunctionLogLine::Level> level)
{
    m_level = level;
    invalidateRowsFilter();
}

void LogFilterModel::setText(const QString &text)
{
    m_text = text;
    invalidateRowsFilter();
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_requestId.isEmpty() && !index.data(LogTableModel::RequestIdRole).toString().startsWith(m_requestId))
        return false;
    if (m_level && index.data(LogTableModel::LevelRole).toInt() != int(*m_level))
        return false;
    return m_text.isEmpty() || index.data(LogTableModel::TextRole).toString().contains(m_text, Qt::CaseInsensitive);
}

} // namespace rune::views
