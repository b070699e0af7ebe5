// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/packagetablemodel.h"

#include "widgets/format.h"

#include <QApplication>
#include <QPalette>

using namespace Qt::StringLiterals;

namespace rune::views
{

PackageTableModel::PackageTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PackageTableModel::setEntries(const QList<PackageEntry> &entries)
{
    beginResetModel();
    m_entries = entries;
    endResetModel();
}

const QList<PackageEntry> &PackageTableModel::entries() const
{
    return m_entries;
}

int PackageTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int PackageTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PackageTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const PackageEntry &entry = m_entries.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Path:
            return entry.executable ? entry.path + u" *"_s : entry.path;
        case Size:
            return entry.size == 0 ? u"0 B"_s : formatBytes(entry.size);
        case Included:
            return entry.isIncluded() ? tr("included") : tr("excluded: %1").arg(entry.excludedBy);
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && !entry.isIncluded())
        return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
    if (role == Qt::ToolTipRole && index.column() == Path)
        return entry.executable ? tr("%1 (executable)").arg(entry.sourcePath) : entry.sourcePath;
    if (role == Qt::TextAlignmentRole && index.column() == Size)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant PackageTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Path:
        return tr("File");
    case Size:
        return tr("Size");
    case Included:
        return tr("Packaged");
    default:
        return {};
    }
}

} // namespace rune::views
