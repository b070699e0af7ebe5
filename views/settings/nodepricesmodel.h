// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "fleet/noderowsmodel.h"

namespace rune::views
{

/**
 * The Settings pane's node prices: one row per node, its name and its hourly price in US dollars,
 * the price editable. Edits go through rune::setHourlyPrice, as the Nodes pane's "Hourly price…"
 * does; a refused one changes nothing and is announced with priceRefused.
 */
class NodePricesModel final : public NodeRowsModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodePricesModel)

public:
    enum Column { Name, HourlyPrice, ColumnCount };

    explicit NodePricesModel(NodeList *nodes, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

Q_SIGNALS:
    void priceRefused(const QString &message);
    void priceSet(const QString &message);
};

} // namespace rune::views
