// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/nodespane.h"

#include "cluster/groupsummary.h"
#include "cluster/nodelist.h"
#include "cluster/nodeprice.h"
#include "fleet/addhostdialog.h"
#include "fleet/bulkadddialog.h"
#include "fleet/nodeactions.h"
#include "fleet/nodefilterproxy.h"
#include "fleet/nodetablemodel.h"
#include "fleet/provisioningpanel.h"
#include "fleet/visiblerows.h"

#include <QAction>
#include <QDataStream>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

NodesPane::NodesPane(const FleetServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_model(new NodeTableModel(services.nodes, services.metrics, this))
    , m_proxy(new NodeFilterProxy(services.nodes, NodeTableModel::SortRole, this))
    , m_toolBar(new QToolBar(this))
    , m_filterEdit(new QLineEdit(this))
    , m_summaryLabel(new QLabel(this))
    , m_table(new QTableView(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_actions(new NodeActions(services.nodes, services.operations, this))
{
    m_proxy->setSourceModel(m_model);
    m_filterEdit->setObjectName(u"nodesFilterEdit"_s);
    m_filterEdit->setPlaceholderText(tr("Filter by name, role, address, label or state (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &NodeFilterProxy::setTextFilter);
    m_summaryLabel->setObjectName(u"nodesSummaryLabel"_s);

    m_table->setObjectName(u"nodesTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(28);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    const int widths[] = {150, 90, 200, 120, 60, 90, 170};
    for (int column = 0; column < int(std::size(widths)); ++column)
        m_table->horizontalHeader()->resizeSection(column, widths[column]);
    m_table->setIconSize(QSize(12, 12));
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, &NodesPane::showContextMenu);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        Q_EMIT nodeActivated(index.data(NodeTableModel::NodeIdRole).toString());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &NodesPane::updateSelection);
    connect(m_actions, &NodeActions::requested, this, &NodesPane::start);
    connect(m_actions, &NodeActions::removeRequested, this, &NodesPane::remove);
    buildToolBar();

    auto *header = new QHBoxLayout;
    header->addWidget(new QLabel(u"<h2>%1</h2>"_s.arg(tr("Nodes")), this));
    header->addStretch();
    header->addWidget(m_summaryLabel);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_filterEdit);
    topLayout->addWidget(m_table, 1);
    m_splitter->setObjectName(u"nodesSplitter"_s);
    m_splitter->addWidget(top);
    m_panel = new ProvisioningPanel(services.nodes, services.operations, this);
    m_splitter->addWidget(m_panel);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_panel->hide();
    connect(m_panel, &ProvisioningPanel::activity, m_panel, &QWidget::show);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_toolBar);
    layout->addWidget(m_splitter, 1);

    m_summaryTimer.setSingleShot(true);
    m_summaryTimer.setInterval(0);
    connect(&m_summaryTimer, &QTimer::timeout, this, &NodesPane::updateSummary);
    for (auto signal : {&NodeList::nodeAdded, &NodeList::nodeRemoved, &NodeList::nodeChanged})
        connect(services.nodes, signal, &m_summaryTimer, qOverload<>(&QTimer::start));
    connect(services.nodes, &NodeList::reset, &m_summaryTimer, qOverload<>(&QTimer::start));
    m_visible = new VisibleRows(m_table, NodeTableModel::NodeIdRole, this);
    connect(m_visible, &VisibleRows::changed, this, &NodesPane::visibleNodesChanged);
    updateSummary();
}

void NodesPane::buildToolBar()
{
    m_toolBar->setObjectName(u"nodesToolBar"_s);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    QAction *add = m_toolBar->addAction(tr("Add host…"), this, &NodesPane::addHost);
    add->setObjectName(u"addHostAction"_s);
    add->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    add->setToolTip(tr("Add one machine you reach over SSH (Ctrl+N)"));
    QAction *addMany = m_toolBar->addAction(tr("Add many…"), this, &NodesPane::addManyHosts);
    addMany->setObjectName(u"addManyHostsAction"_s);
    addMany->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    addMany->setToolTip(tr("Paste user@host:port lines, or import a CSV file or ~/.ssh/config (Ctrl+Shift+N)"));
    m_toolBar->addSeparator();
    for (QAction *action : m_actions->all()) {
        if (action == m_actions->removeAction())
            m_toolBar->addSeparator();
        m_toolBar->addAction(action);
    }
}

QTableView *NodesPane::table() const
{
    return m_table;
}

QToolBar *NodesPane::toolBar() const
{
    return m_toolBar;
}

NodeActions *NodesPane::actions() const
{
    return m_actions;
}

ProvisioningPanel *NodesPane::provisioningPanel() const
{
    return m_panel;
}

void NodesPane::focusFilter()
{
    m_filterEdit->setFocus(Qt::ShortcutFocusReason);
    m_filterEdit->selectAll();
}

QStringList NodesPane::visibleNodes() const
{
    return m_visible->nodeIds();
}

QByteArray NodesPane::saveState() const
{
    QByteArray state;
    QDataStream out(&state, QIODevice::WriteOnly);
    out << m_table->horizontalHeader()->saveState() << m_splitter->saveState();
    return state;
}

void NodesPane::restoreState(const QByteArray &state)
{
    QByteArray header;
    QByteArray splitter;
    QDataStream in(state);
    in >> header >> splitter;
    if (!header.isEmpty())
        m_table->horizontalHeader()->restoreState(header);
    if (!splitter.isEmpty())
        m_splitter->restoreState(splitter);
}

void NodesPane::updateSelection()
{
    QStringList ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        ids << index.data(NodeTableModel::NodeIdRole).toString();
    m_actions->setSelection(ids);
}

void NodesPane::showContextMenu(const QPoint &position)
{
    const QModelIndex index = m_table->indexAt(position);
    if (!index.isValid())
        return;
    QMenu *menu = new QMenu(this);
    menu->setToolTipsVisible(true);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    const QString id = index.data(NodeTableModel::NodeIdRole).toString();
    menu->addAction(tr("Open in detail"), this, [this, id] {
        Q_EMIT nodeActivated(id);
    });
    menu->addAction(tr("Hourly price…"), this, [this, id] {
        askHourlyPrice(id);
    });
    menu->addSeparator();
    for (QAction *action : m_actions->all()) {
        if (action == m_actions->removeAction())
            menu->addSeparator();
        menu->addAction(action);
    }
    menu->popup(m_table->viewport()->mapToGlobal(position));
}

bool NodesPane::setHourlyPrice(const QString &nodeId, const QString &price)
{
    const auto stored = rune::setHourlyPrice(*m_services.nodes, nodeId, price);
    if (!stored) {
        if (stored.error().code != u"node.not_found"_s)
            Q_EMIT message(stored.error().message);
        return false;
    }
    const QString name = m_services.nodes->find(nodeId)->name;
    Q_EMIT message(stored->isEmpty() ? tr("%1 has no hourly price now.").arg(name)
                                     : tr("%1 costs $%2 an hour.").arg(name, *stored));
    return true;
}

void NodesPane::askHourlyPrice(const QString &nodeId)
{
    const Node *node = m_services.nodes->find(nodeId);
    if (!node)
        return;
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(u"hourlyPriceDialog"_s);
    dialog->setWindowTitle(tr("Hourly price of %1").arg(node->name));
    dialog->setLabelText(tr("US dollars an hour (rent, or purchase and power spread over the hours); empty: not "
                            "set. Placement weighs it."));
    dialog->setTextValue(node->hourlyPrice);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, nodeId](const QString &price) {
        setHourlyPrice(nodeId, price);
    });
    connect(dialog, &QInputDialog::finished, dialog, &QObject::deleteLater);
    dialog->open();
}

void NodesPane::updateSummary()
{
    QList<NodeState> states;
    for (const Node &node : m_services.nodes->nodes())
        states << node.state;
    m_summaryLabel->setText(tr("%n node(s) · %1", nullptr, int(states.size())).arg(groupSummary(states)));
}

void NodesPane::addHost()
{
    auto *dialog = new AddHostDialog(m_services.nodes, m_services.connectTo, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        addNodes({dialog->node()}, dialog->provisionNow());
    });
    dialog->open();
}

void NodesPane::addManyHosts()
{
    auto *dialog = new BulkAddDialog(m_services.nodes, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        addNodes(dialog->nodes(), dialog->provisionNow());
    });
    dialog->open();
}

void NodesPane::addNodes(const QList<Node> &nodes, bool provision)
{
    QStringList ids;
    for (const Node &node : nodes) {
        if (m_services.nodes->add(node))
            ids << node.id;
    }
    Q_EMIT message(tr("Added %n host(s).", nullptr, int(ids.size())));
    if (provision)
        start(ids, NodeAction::Provision);
}

void NodesPane::start(const QStringList &nodeIds, NodeAction action)
{
    if (nodeIds.isEmpty())
        return;
    const auto started = m_panel->start(nodeIds, action);
    Q_EMIT message(started ? tr("%1 started on %n host(s).", nullptr, int(nodeIds.size())).arg(nodeActionName(action))
                           : started.error().message.section(u'\n', 0, 0));
}

void NodesPane::remove(const QStringList &nodeIds)
{
    for (const QString &id : nodeIds)
        m_services.nodes->remove(id);
    Q_EMIT message(tr("Removed %n host(s) from the list.", nullptr, int(nodeIds.size())));
}

} // namespace rune::views
