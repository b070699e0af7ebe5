// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace rune
{
class NodeList;
}

namespace rune::views
{

class NodeTableModel;

/** The instance list: every node with its role, address, state and host facts; sortable and filterable. */
class NodesPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodesPane)

public:
    explicit NodesPane(NodeList *nodes, QWidget *parent = nullptr);

    QTableView *table() const;
    /** Puts the keyboard focus in the filter field (Ctrl+F). */
    void focusFilter();

private:
    void updateSummary();

    NodeList *m_nodes;
    NodeTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filterEdit;
    QLabel *m_summaryLabel;
    QTableView *m_table;
};

} // namespace rune::views
