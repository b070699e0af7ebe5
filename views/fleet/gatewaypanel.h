// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace rune
{
class GatewaySync;
class NodeList;
} // namespace rune

namespace rune::views
{

class GatewayModel;

/**
 * The gateway of one or every controller: a line per controller saying whether its node list
 * is in step, being sent, or could not be sent (and when it is tried again), above the nodes it
 * routes to. While on screen the controllers are asked at the node poll interval.
 */
class GatewayPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayPanel)

public:
    GatewayPanel(GatewaySync *sync, NodeList *nodes, QWidget *parent = nullptr);

    /** Shows @p controllerIds (the default: none). */
    void setControllers(const QStringList &controllerIds);
    /** Shows every controller of the fleet. */
    void showEveryController();
    QTableView *table() const;
    GatewayModel *model() const;
    /** The lines above the table, for tests. */
    QString statusText() const;

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void updateStatus();

    GatewaySync *m_sync;
    NodeList *m_nodes;
    GatewayModel *m_model;
    QLabel *m_status;
    QTableView *m_table;
};

/** What @p sync says about @p controllerId's gateway, in a sentence (shown above its nodes). */
QString gatewayStatusLine(const GatewaySync &sync, const NodeList &nodes, const QString &controllerId);

} // namespace rune::views
