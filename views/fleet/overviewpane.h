// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace rune
{
class FleetMetrics;
class GatewaySync;
class NodeList;
} // namespace rune

namespace rune::views
{

class GatewayPanel;
class NodeFilterProxy;
class OverviewModel;
class VisibleRows;

/**
 * Every node at a glance: the fleet's summary and totals above a table of nodes with their
 * state, load, calls and errors, sortable and filterable by role, state, label or name. A
 * double-click (or Enter) opens the node in detail.
 */
class OverviewPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewPane)

public:
    OverviewPane(NodeList *nodes, FleetMetrics *metrics, QWidget *parent = nullptr);

    QTableView *table() const;
    void focusFilter();
    /** The nodes the table shows on screen now. */
    QStringList visibleNodes() const;
    QByteArray saveState() const;
    void restoreState(const QByteArray &state);
    /** Adds the gateways of the fleet's controllers below the nodes, shown while there is one. */
    void setGateways(GatewaySync *sync);
    /** nullptr before setGateways(). */
    GatewayPanel *gatewayPanel() const;

Q_SIGNALS:
    void nodeActivated(const QString &nodeId);
    void visibleNodesChanged(const QStringList &nodeIds);

private:
    QWidget *buildTotals();
    QWidget *buildFilters();
    void updateSummary();
    void updateTotals();
    void activate(const QModelIndex &index);

    NodeList *m_nodes;
    FleetMetrics *m_metrics;
    OverviewModel *m_model;
    NodeFilterProxy *m_proxy;
    QLabel *m_summaryLabel;
    QLabel *m_groupsLabel;
    QLabel *m_shownLabel;
    QComboBox *m_roleCombo;
    QComboBox *m_stateCombo;
    QLineEdit *m_filterEdit;
    QTableView *m_table;
    GatewayPanel *m_gateway = nullptr;
    VisibleRows *m_visible;
    QList<QLabel *> m_totals;
    QTimer m_summaryTimer;
};

} // namespace rune::views
