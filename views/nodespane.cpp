// SPDX-License-Identifier: GPL-3.0-or-later
#include "nodespane.h"

#include "cluster/groupsummary.h"
#include "cluster/nodelist.h"
#include "nodetablemodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

NodesPane::NodesPane(NodeList *nodes, QWidget *parent)
    : QWidget(parent)
    , m_nodes(nodes)
    , m_model(new NodeTableModel(nodes, this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filterEdit(new QLineEdit(this))
    , m_summaryLabel(new QLabel(this))
    , m_table(new QTableView(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(NodeTableModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);

    m_filterEdit->setObjectName(u"nodesFilterEdit"_s);
    m_filterEdit->setPlaceholderText(tr("Filter by name, role, address or state (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_summaryLabel->setObjectName(u"nodesSummaryLabel"_s);

    m_table->setObjectName(u"nodesTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setIconSize(QSize(12, 12));

    auto *header = new QHBoxLayout;
    auto *title = new QLabel(u"<h2>%1</h2>"_s.arg(tr("Nodes")), this);
    header->addWidget(title);
    header->addStretch();
    header->addWidget(m_summaryLabel);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_filterEdit);
    layout->addWidget(m_table, 1);

    for (auto signal : {&NodeList::nodeAdded, &NodeList::nodeRemoved, &NodeList::nodeChanged})
        connect(nodes, signal, this, &NodesPane::updateSummary);
    connect(nodes, &NodeList::reset, this, &NodesPane::updateSummary);
    updateSummary();
}

QTableView *NodesPane::table() const
{
    return m_table;
}

void NodesPane::focusFilter()
{
    m_filterEdit->setFocus(Qt::ShortcutFocusReason);
    m_filterEdit->selectAll();
}

void NodesPane::updateSummary()
{
    QList<NodeState> states;
    for (const Node &node : m_nodes->nodes())
        states << node.state;
    m_summaryLabel->setText(tr("%n node(s) · %1", nullptr, int(states.size())).arg(groupSummary(states)));
}

} // namespace rune::views
