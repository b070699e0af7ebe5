// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QStringList>

namespace rune
{
class GatewaySync;
class NodeList;
} // namespace rune

namespace rune::views
{

/**
 * The gateways of some controllers, a row per node a gateway forwards to: its address, the
 * functions routed there, and its health and calls as the controller last said (GET /v1/cluster).
 * A node the console wants routed that the controller does not list yet shows "not sent yet";
 * one it lists that the console no longer wants, "being removed".
 */
class GatewayModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayModel)

public:
    enum Column { Controller, Node, Address, Health, InFlight, Forwarded, Errors, Functions, ColumnCount };

    GatewayModel(GatewaySync *sync, NodeList *nodes, QObject *parent = nullptr);

    /** Shows the gateways of @p controllerIds (the default: none). */
    void setControllers(const QStringList &controllerIds);
    /** Shows the gateway of every controller in the fleet, as it comes and goes. */
    void showEveryController();
    QStringList controllers() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /** The rows were read again. */
    void reloaded();

private:
    struct Row {
        QString controller;
        QString node;
        QString address;
        QString health;
        bool healthKnown = false;
        bool healthy = false;
        int inFlight = -1; ///< -1: the controller has not said
        qint64 forwarded = -1;
        qint64 errors = -1;
        QStringList functions;

        bool operator==(const Row &) const = default;
    };

    void reload();

    GatewaySync *m_sync;
    NodeList *m_nodes;
    QStringList m_chosen;
    bool m_every = false;
    QList<Row> m_rows;
};

} // namespace rune::views
