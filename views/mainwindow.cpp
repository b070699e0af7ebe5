// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "cluster/groupsummary.h"
#include "cluster/nodelist.h"
#include "emptystatepane.h"
#include "functionspane.h"
#include "nodespane.h"
#include "settings/settings.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QStackedWidget>
#include <QStatusBar>

using namespace Qt::StringLiterals;

namespace rune::views
{

MainWindow::MainWindow(Settings *settings, NodeList *nodes, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_nodes(nodes)
    , m_navigation(new QListWidget(this))
    , m_panes(new QStackedWidget(this))
    , m_fleetStatus(new QLabel(this))
{
    setWindowTitle(tr("Rune"));
    setWindowIcon(QIcon(u":/icons/rune.svg"_s));

    m_navigation->setObjectName(u"navigation"_s);
    m_navigation->setIconSize(QSize(20, 20));
    m_navigation->setFixedWidth(190);
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_panes->setObjectName(u"panes"_s);
    connect(m_navigation, &QListWidget::currentRowChanged, m_panes, &QStackedWidget::setCurrentIndex);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_navigation);
    layout->addWidget(m_panes, 1);
    setCentralWidget(central);

    buildPanes();
    buildMenus();

    m_fleetStatus->setObjectName(u"fleetStatusLabel"_s);
    statusBar()->addPermanentWidget(m_fleetStatus);
    for (auto signal : {&NodeList::nodeAdded, &NodeList::nodeRemoved, &NodeList::nodeChanged})
        connect(nodes, signal, this, &MainWindow::updateFleetStatus);
    connect(nodes, &NodeList::reset, this, &MainWindow::updateFleetStatus);
    updateFleetStatus();

    restoreLayout();
}

MainWindow::~MainWindow() = default;

void MainWindow::addPane(const QString &iconName, const QString &title, QWidget *pane)
{
    auto *item = new QListWidgetItem(QIcon(u":/icons/"_s + iconName + u".svg"_s), title, m_navigation);
    item->setSizeHint(QSize(0, 36));
    m_panes->addWidget(pane);
}

void MainWindow::buildPanes()
{
    addPane(u"overview"_s,
        tr("Overview"),
        new EmptyStatePane(u":/icons/overview.svg"_s,
            tr("Overview"),
            tr("Every node at a glance: state, load and invocations. "
               "The status bar already shows the fleet's summary."),
            this));
    m_nodesPane = new NodesPane(m_nodes, this);
    addPane(u"nodes"_s, tr("Nodes"), m_nodesPane);
    addPane(u"node-detail"_s,
        tr("Node detail"),
        new EmptyStatePane(u":/icons/node-detail.svg"_s,
            tr("Node detail"),
            tr("Live charts of one node: CPU, memory, disk, network and invocations."),
            this));
    addPane(u"functions"_s,
        tr("Functions"),
        new EmptyStatePane(u":/icons/functions.svg"_s,
            tr("No functions yet"),
            tr("Projects, functions and their code, versions, invocations and logs."),
            this));
    addPane(u"scaling"_s,
        tr("Scaling"),
        new EmptyStatePane(u":/icons/scaling.svg"_s,
            tr("Scaling"),
            tr("Replicas against load over time, per function and node."),
            this));
    addPane(u"benchmarks"_s,
        tr("Benchmarks"),
        new EmptyStatePane(u":/icons/benchmarks.svg"_s,
            tr("Benchmarks"),
            tr("CPU, memory, disk, database and network figures of every node."),
            this));
    addPane(u"cost"_s,
        tr("Cost"),
        new EmptyStatePane(u":/icons/cost.svg"_s,
            tr("Cost"),
            tr("What this cluster costs against AWS Lambda, EC2 and a PaaS."),
            this));
    addPane(u"settings"_s,
        tr("Settings"),
        new EmptyStatePane(
            u":/icons/settings.svg"_s, tr("Settings"), tr("Data directory: %1").arg(m_settings->dataDir()), this));
}

void MainWindow::buildMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *quitAction = fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    quitAction->setMenuRole(QAction::QuitRole);

    QMenu *goMenu = menuBar()->addMenu(tr("&Go"));
    for (int row = 0; row < m_navigation->count(); ++row) {
        QAction *action = goMenu->addAction(m_navigation->item(row)->icon(), m_navigation->item(row)->text());
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + row)));
        connect(action, &QAction::triggered, this, [this, row] {
            showPane(Pane(row));
        });
    }
    goMenu->addSeparator();
    QAction *filterAction = goMenu->addAction(tr("&Filter nodes"), QKeySequence::Find, this, [this] {
        showPane(Pane::Nodes);
        m_nodesPane->focusFilter();
    });
    filterAction->setObjectName(u"filterAction"_s);

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About Rune"), this, [this] {
        QMessageBox::about(this,
            tr("About Rune"),
            tr("<b>Rune %1</b><p>A private serverless platform run from a desktop.</p>")
                .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::showPane(Pane pane)
{
    m_navigation->setCurrentRow(int(pane));
}

MainWindow::Pane MainWindow::currentPane() const
{
    return Pane(m_panes->currentIndex());
}

NodesPane *MainWindow::nodesPane() const
{
    return m_nodesPane;
}

void MainWindow::setFunctionsPane(FunctionsPane *pane)
{
    const int index = int(Pane::Functions);
    QWidget *placeholder = m_panes->widget(index);
    const bool shown = m_panes->currentIndex() == index;
    m_panes->insertWidget(index, pane);
    m_panes->removeWidget(placeholder);
    placeholder->deleteLater();
    if (shown)
        m_panes->setCurrentIndex(index);
    m_functionsPane = pane;
    setAcceptDrops(true);
}

FunctionsPane *MainWindow::functionsPane() const
{
    return m_functionsPane;
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (m_functionsPane && event->mimeData()->hasUrls() && FunctionsPane::canDeploy(event->mimeData()->urls()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    if (!m_functionsPane || !FunctionsPane::canDeploy(event->mimeData()->urls()))
        return;
    event->acceptProposedAction();
    showPane(Pane::Functions);
    m_functionsPane->deployDropped(event->mimeData()->urls());
}

void MainWindow::updateFleetStatus()
{
    QList<NodeState> states;
    for (const Node &node : m_nodes->nodes())
        states << node.state;
    m_fleetStatus->setText(tr("Fleet: %1 · %n node(s)", nullptr, int(states.size())).arg(groupSummary(states)));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    event->accept();
}

void MainWindow::saveLayout()
{
    m_settings->setValue(Settings::Key::WindowGeometry, saveGeometry());
    m_settings->setValue(Settings::Key::WindowState, saveState());
    m_settings->setValue(Settings::Key::LastPane, int(currentPane()));
}

void MainWindow::restoreLayout()
{
    if (!restoreGeometry(m_settings->value(Settings::Key::WindowGeometry).toByteArray()))
        resize(1100, 680);
    restoreState(m_settings->value(Settings::Key::WindowState).toByteArray());
    const int last = m_settings->value(Settings::Key::LastPane).toInt();
    showPane(last >= 0 && last < int(Pane::Count) ? Pane(last) : Pane::Nodes);
}

} // namespace rune::views
