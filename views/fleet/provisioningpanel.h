// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodestate.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace rune
{
class NodeList;
class NodeOperations;
} // namespace rune

namespace rune::views
{

class ProvisioningModel;

/**
 * The work under way on hosts: a progress bar and the current step per host, the selected
 * host's log beside them, and buttons to cancel everything or retry the hosts that failed.
 */
class ProvisioningPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProvisioningPanel)

public:
    ProvisioningPanel(NodeList *nodes, NodeOperations *operations, QWidget *parent = nullptr);

    ProvisioningModel *model() const;
    QTableView *table() const;
    QPlainTextEdit *logView() const;
    /**
     * Starts @p action on @p nodeIds through NodeOperations and shows them (the first one's log
     * beside); a host that refuses shows why in its row. The refusals are also returned.
     */
    Result<void> start(const QStringList &nodeIds, NodeAction action);

Q_SIGNALS:
    /** Something new to show: the pane may want to reveal the panel. */
    void activity();

private:
    void track(const QStringList &nodeIds, NodeAction action);
    void showLogOf(int row);
    void updateButtons();
    void retryFailed();

    NodeOperations *m_operations;
    ProvisioningModel *m_model;
    QTableView *m_table;
    QPlainTextEdit *m_log;
    QLabel *m_logTitle;
    QLabel *m_summary;
    QPushButton *m_cancelButton;
    QPushButton *m_retryButton;
    QPushButton *m_clearButton;
    int m_shownRow = -1;
};

} // namespace rune::views
