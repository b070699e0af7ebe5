// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/node.h"
#include "shell/fleetservices.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;
class QToolBar;

namespace rune::views
{

class NodeActions;
class NodeFilterProxy;
class NodeTableModel;
class ProvisioningPanel;
class VisibleRows;

/**
 * The instance list: every node with its role, address, state and host facts, sortable and
 * filterable; adding one host or many; lifecycle actions from the toolbar and the context menu
 * (greyed out, with the reason, where a node's state forbids them); and the provisioning panel
 * with each host's progress, step and log.
 */
class NodesPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodesPane)

public:
    explicit NodesPane(const FleetServices &services, QWidget *parent = nullptr);

    QTableView *table() const;
    QToolBar *toolBar() const;
    NodeActions *actions() const;
    /** Null when the console cannot act on machines (no NodeOperations). */
    ProvisioningPanel *provisioningPanel() const;
    /** Puts the keyboard focus in the filter field (Ctrl+F). */
    void focusFilter();
    QStringList visibleNodes() const;
    QByteArray saveState() const;
    void restoreState(const QByteArray &state);

    /** Opens the dialog that adds one host. */
    void addHost();
    /** Opens the dialog that adds many hosts. */
    void addManyHosts();
    /**
     * Sets what node @p nodeId costs an hour (US dollars, a decimal such as "0.05"; empty clears
     * it), for placement; refuses anything else, saying so in message().
     */
    bool setHourlyPrice(const QString &nodeId, const QString &price);
    /** Asks for node @p nodeId's hourly price (a dialog that does not block). */
    void askHourlyPrice(const QString &nodeId);

Q_SIGNALS:
    void nodeActivated(const QString &nodeId);
    void visibleNodesChanged(const QStringList &nodeIds);
    /** A sentence for the status bar. */
    void message(const QString &text);

private:
    void buildToolBar();
    void showContextMenu(const QPoint &position);
    void updateSelection();
    void updateSummary();
    void addNodes(const QList<Node> &nodes, bool provision);
    void start(const QStringList &nodeIds, NodeAction action);
    void remove(const QStringList &nodeIds);

    FleetServices m_services;
    NodeTableModel *m_model;
    NodeFilterProxy *m_proxy;
    QToolBar *m_toolBar;
    QLineEdit *m_filterEdit;
    QLabel *m_summaryLabel;
    QTableView *m_table;
    QSplitter *m_splitter;
    NodeActions *m_actions;
    ProvisioningPanel *m_panel;
    VisibleRows *m_visible;
    QTimer m_summaryTimer;
};

} // namespace rune::views
