// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/nodepricesmodel.h"

#include "cluster/nodelist.h"
#include "cluster/nodeprice.h"

using namespace Qt::StringLiterals;

namespace rune::views
{

NodePricesModel::NodePricesModel(NodeList *nodes, QObject *parent)
    : NodeRowsModel(nodes, ColumnCount, parent)
{
}

QVariant NodePricesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !nodes())
        return {};
    const Node &node = nodes()->at(index.row());
    if (role == Qt::DisplayRole && index.column() == Name)
        return node.name;
    if (role == Qt::DisplayRole && index.column() == HourlyPrice)
        return node.hourlyPrice.isEmpty() ? tr("not set") : u"$"_s + node.hourlyPrice;
    if (role == Qt::EditRole && index.column() == HourlyPrice)
        return node.hourlyPrice;
    if (role == Qt::ToolTipRole && index.column() == HourlyPrice)
        return tr("US dollars an hour (rent, or purchase and power spread over the hours); empty: not set. "
                  "Placement and the Cost pane weigh it.");
    return {};
}

QVariant NodePricesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == Name ? tr("Node") : tr("Hourly price (USD)");
}

Qt::ItemFlags NodePricesModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = NodeRowsModel::flags(index);
    if (index.isValid() && index.column() == HourlyPrice)
        flags |= Qt::ItemIsEditable;
    return flags;
}

bool NodePricesModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || index.column() != HourlyPrice || !nodes()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const QString id = nodes()->at(index.row()).id;
    const auto stored = setHourlyPrice(*nodes(), id, value.toString());
    if (!stored) {
        Q_EMIT priceRefused(stored.error().message);
        return false;
    }
    // The NodeList's change signal has refreshed the row already.
    const QString name = nodes()->find(id)->name;
    Q_EMIT priceSet(stored->isEmpty() ? tr("%1 has no hourly price now.").arg(name)
                                      : tr("%1 costs $%2 an hour.").arg(name, *stored));
    return true;
}

} // namespace rune::views
