// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "packaging/functionpackage.h"

#include <QAbstractTableModel>

namespace rune::views
{

/** What a deploy would package: every file found, included or excluded and why. */
class PackageTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PackageTableModel)

public:
    enum Column { Path, Size, Included, ColumnCount };

    explicit PackageTableModel(QObject *parent = nullptr);

    void setEntries(const QList<PackageEntry> &entries);
    const QList<PackageEntry> &entries() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<PackageEntry> m_entries;
};

} // namespace rune::views
