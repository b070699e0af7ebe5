// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/gatewaymodel.h"

#include "cluster/gatewaysync.h"
#include "cluster/nodelist.h"

#include <QBrush>

using namespace Qt::StringLiterals;

namespace rune::views
{

GatewayModel::GatewayModel(GatewaySync *sync, NodeList *nodes, QObject *parent)
    : QAbstractTableModel(parent)
    , m_sync(sync)
    , m_nodes(nodes)
{
    connect(m_sync, &GatewaySync::changed, this, &GatewayModel::reload);
    for (auto signal : {&NodeList::nodeAdded, &NodeList::nodeRemoved})
        connect(m_nodes, signal, this, &GatewayModel::reload);
    connect(m_nodes, &NodeList::reset, this, &GatewayModel::reload);
    reload();
}

void GatewayModel::setControllers(const QStringList &controllerIds)
{
    m_chosen = controllerIds;
    m_every = false;
    reload();
}

void GatewayModel::showEveryController()
{
    m_every = true;
    reload();
}

QStringList GatewayModel::controllers() const
{
    if (m_every)
        return m_sync->controllers();
    QStringList present;
    for (const QString &id : m_chosen) {
        const rune::Node *node = m_nodes->find(id);
        if (node && node->role == NodeRole::Controller)
            present << id;
    }
    return present;
}

void GatewayModel::reload()
{
    QList<Row> rows;
    for (const QString &id : controllers()) {
        const GatewaySyncState state = m_sync->state(id);
        const QString controller = nodeNameOrId(m_nodes, id);
        const GatewayStatus *status = state.status && *state.status ? &**state.status : nullptr;
        QSet<QString> listed;
        if (status) {
            for (const GatewayNodeStatus &node : status->nodes) {
                listed.insert(node.name);
                const bool wanted = std::any_of(state.wanted.begin(), state.wanted.end(), [&](const GatewayRoute &r) {
                    return r.name == node.name;
                });
                Row row {controller,
                    node.name,
                    node.url,
                    node.healthy ? tr("up") : tr("down"),
                    true,
                    node.healthy,
                    node.inFlight,
                    node.forwarded,
                    node.errors,
                    node.functions};
                if (!wanted)
                    row.health += tr(", being removed");
                rows.append(row);
            }
        }
        for (const GatewayRoute &route : state.wanted) {
            if (listed.contains(route.name))
                continue;
            rows.append(Row {controller,
                route.name,
                route.url,
                status ? tr("not sent yet") : tr("unknown"),
                false,
                false,
                -1,
                -1,
                -1,
                route.functions});
        }
    }
    // The controllers are asked every second while on screen: rows that stay keep the selection.
    if (rows.size() == m_rows.size()) {
        if (rows != m_rows) {
            m_rows = rows;
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        }
    } else {
        beginResetModel();
        m_rows = rows;
        endResetModel();
    }
    Q_EMIT reloaded();
}

int GatewayModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int GatewayModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GatewayModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    const auto count = [](qint64 value) -> QVariant {
        return value < 0 ? QVariant(u"–"_s) : QVariant(value);
    };
    if (role == Qt::DisplayRole) {
        switch (Column(index.column())) {
        case Controller:
            return row.controller;
        case Node:
            return row.node;
        case Address:
            return row.address;
        case Health:
            return row.health;
        case InFlight:
            return count(row.inFlight);
        case Forwarded:
            return count(row.forwarded);
        case Errors:
            return count(row.errors);
        case Functions:
            return row.functions.join(u", "_s);
        case ColumnCount:
            break;
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Health && row.healthKnown && !row.healthy)
        return QBrush(QColor(0xc6, 0x28, 0x28));
    if (role == Qt::ToolTipRole && index.column() == Functions)
        return row.functions.join(u"\n"_s);
    if (role == Qt::TextAlignmentRole && index.column() >= InFlight && index.column() <= Errors)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant GatewayModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Controller:
        return tr("Controller");
    case Node:
        return tr("Node");
    case Address:
        return tr("Address");
    case Health:
        return tr("Health");
    case InFlight:
        return tr("In flight");
    case Forwarded:
        return tr("Forwarded");
    case Errors:
        return tr("Errors");
    case Functions:
        return tr("Functions");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace rune::views
