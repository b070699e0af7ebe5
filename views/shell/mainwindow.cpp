// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/mainwindow.h"

#include "benchmarks/benchmarkspane.h"
#include "cluster/groupsummary.h"
#include "cluster/nodelist.h"
#include "cluster/nodemonitor.h"
#include "cost/costpane.h"
#include "fleet/nodedetailpane.h"
#include "fleet/nodespane.h"
#include "fleet/overviewpane.h"
#include "functions/functionspane.h"
#include "scaling/scalingpane.h"
#include "settings/settings.h"
#include "settings/settingspane.h"
#include "shell/theme.h"
#include "widgets/format.h"

#include <QAction>
#include <QActionGroup>
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
#include <tuple>

using namespace Qt::StringLiterals;

namespace rune::views
{

MainWindow::MainWindow(const ConsoleServices &services, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(services.settings)
    , m_nodes(services.fleet.nodes)
    , m_services(services)
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
    // Once per round of changes: a thousand nodes changing in one batch cost one summary.
    m_fleetStatusTimer.setSingleShot(true);
    m_fleetStatusTimer.setInterval(0);
    connect(&m_fleetStatusTimer, &QTimer::timeout, this, &MainWindow::updateFleetStatus);
    for (auto signal : {&NodeList::nodeAdded, &NodeList::nodeRemoved, &NodeList::nodeChanged})
        connect(m_nodes, signal, &m_fleetStatusTimer, qOverload<>(&QTimer::start));
    connect(m_nodes, &NodeList::reset, &m_fleetStatusTimer, qOverload<>(&QTimer::start));
    updateFleetStatus();
    connect(m_navigation, &QListWidget::currentRowChanged, this, &MainWindow::updateWatched);

    restoreLayout();
}

MainWindow::~MainWindow() = default;

void MainWindow::addPane(const QString &iconName, const QString &title, QWidget *pane)
{
    // The selected entry's icon in the selection's text colour: the style's own tint of the
    // blue icons on the blue selection made them vanish.
    const QIcon icon = iconWithSelectedColor(
        QIcon(u":/icons/"_s + iconName + u".svg"_s), m_navigation->palette().color(QPalette::HighlightedText));
    auto *item = new QListWidgetItem(icon, title, m_navigation);
    item->setSizeHint(QSize(0, 36));
    m_panes->addWidget(pane);
}

void MainWindow::buildPanes()
{
    const FleetServices &fleet = m_services.fleet;
    m_overviewPane = new OverviewPane(m_nodes, fleet.metrics, this);
    m_overviewPane->setGateways(fleet.gateways);
    connect(m_overviewPane, &OverviewPane::nodeActivated, this, &MainWindow::showNode);
    connect(m_overviewPane, &OverviewPane::visibleNodesChanged, this, &MainWindow::updateWatched);
    addPane(u"overview"_s, tr("Overview"), m_overviewPane);

    m_nodesPane = new NodesPane(fleet, this);
    connect(m_nodesPane, &NodesPane::nodeActivated, this, &MainWindow::showNode);
    connect(m_nodesPane, &NodesPane::visibleNodesChanged, this, &MainWindow::updateWatched);
    connect(m_nodesPane, &NodesPane::message, this, [this](const QString &text) {
        statusBar()->showMessage(text, 8000);
    });
    addPane(u"nodes"_s, tr("Nodes"), m_nodesPane);

    m_detailPane = new NodeDetailPane(m_nodes, fleet.metrics, fleet.history, m_services.benchmarks.results, this);
    connect(m_detailPane, &NodeDetailPane::nodeChanged, this, &MainWindow::updateWatched);
    m_detailPane->setSampleInterval(fleet.monitor->backgroundInterval());
    m_detailPane->setGateways(fleet.gateways);
    addPane(u"node-detail"_s, tr("Node detail"), m_detailPane);

    m_functionsPane = new FunctionsPane(m_services.functions, this);
    addPane(u"functions"_s, tr("Functions"), m_functionsPane);

    m_benchmarksPane = new BenchmarksPane(m_services.benchmarks, this);
    addPane(u"benchmarks"_s, tr("Benchmarks"), m_benchmarksPane);

    m_costPane =
        new CostPane(m_services.functions, m_services.functions.pricingDir, m_services.functions.pricingEditsDir, this);
    addPane(u"cost"_s, tr("Cost"), m_costPane);

    m_scalingPane = new ScalingPane(m_services.scaling, this);
    connect(m_scalingPane, &ScalingPane::visibleNodesChanged, this, &MainWindow::updateWatched);
    connect(m_scalingPane, &ScalingPane::configureRequested, this, [this](const QString &functionId) {
        m_functionsPane->selectFunction(functionId);
        m_functionsPane->showTab(FunctionsPane::Tab::Configuration);
        showPane(Pane::Functions);
    });
    addPane(u"scaling"_s, tr("Scaling"), m_scalingPane);
    m_settingsPane = new SettingsPane(m_settings, m_nodes, this);
    m_settingsPane->setAgents(m_services.functions.agents);
    addPane(u"settings"_s, tr("Settings"), m_settingsPane);
    followSetting(Settings::Key::CurrencyCode);
    connect(m_settings, &Settings::changed, this, &MainWindow::followSetting);
    setAcceptDrops(true);
}

void MainWindow::buildMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *quitAction = fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    quitAction->setMenuRole(QAction::QuitRole);

    QMenu *goMenu = menuBar()->addMenu(tr("&Go"));
    for (int row = 0; row < m_navigation->count(); ++row) {
        QAction *action = goMenu->addAction(m_navigation->item(row)->icon(), m_navigation->item(row)->text());
        QList<QKeySequence> keys {QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + row))};
        if (row == int(Pane::Settings))
            keys << QKeySequence(QKeySequence::Preferences);
        action->setShortcuts(keys);
        connect(action, &QAction::triggered, this, [this, row] {
            showPane(Pane(row));
        });
    }
    goMenu->addSeparator();
    QAction *filterAction = goMenu->addAction(tr("&Filter nodes"), QKeySequence::Find, this, &MainWindow::focusFilter);
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

OverviewPane *MainWindow::overviewPane() const
{
    return m_overviewPane;
}

NodeDetailPane *MainWindow::detailPane() const
{
    return m_detailPane;
}

void MainWindow::showNode(const QString &nodeId)
{
    if (nodeId.isEmpty())
        return;
    m_detailPane->setNode(nodeId);
    showPane(Pane::NodeDetail);
}

void MainWindow::focusFilter()
{
    // The Overview has its own filter; everywhere else Ctrl+F filters the node list.
    if (currentPane() == Pane::Overview)
        return m_overviewPane->focusFilter();
    showPane(Pane::Nodes);
    m_nodesPane->focusFilter();
}

void MainWindow::updateWatched()
{
    // Nodes on screen are polled every second, the rest less often.
    QStringList watched;
    const Pane pane = currentPane();
    if (pane == Pane::Overview)
        watched = m_overviewPane->visibleNodes();
    else if (pane == Pane::Nodes)
        watched = m_nodesPane->visibleNodes();
    else if (pane == Pane::Scaling)
        watched = m_scalingPane->visibleNodes();
    const bool detail = pane == Pane::NodeDetail;
    if (detail && !m_detailPane->node().isEmpty())
        watched << m_detailPane->node();
    m_services.fleet.monitor->setWatched(watched);
    m_services.fleet.monitor->setFocus(detail ? m_detailPane->node() : QString());
}

void MainWindow::setTheme(Theme *theme)
{
    QMenu *viewMenu = new QMenu(tr("&View"), this);
    menuBar()->insertMenu(menuBar()->actions().value(2), viewMenu);
    QMenu *themeMenu = viewMenu->addMenu(tr("&Theme"));
    auto *group = new QActionGroup(this);
    const std::pair<ThemeChoice, QString> choices[] = {{ThemeChoice::System, tr("Follow the &system")},
        {ThemeChoice::Light, tr("&Light")},
        {ThemeChoice::Dark, tr("&Dark")}};
    for (const auto &[choice, text] : choices) {
        QAction *action = themeMenu->addAction(text);
        action->setCheckable(true);
        action->setChecked(theme->choice() == choice);
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, choice] {
            // Applied by the settings' change, as a change in the Settings pane is.
            std::ignore = m_settings->setValue(Settings::Key::Theme, themeChoiceName(choice));
        });
    }
    connect(m_settings, &Settings::changed, themeMenu, [this, theme, group](Settings::Key key) {
        if (key != Settings::Key::Theme)
            return;
        const ThemeChoice choice = themeChoiceFromName(m_settings->value(key).toString());
        theme->apply(choice);
        group->actions().at(int(choice))->setChecked(true);
    });
}

BenchmarksPane *MainWindow::benchmarksPane() const
{
    return m_benchmarksPane;
}

CostPane *MainWindow::costPane() const
{
    return m_costPane;
}

ScalingPane *MainWindow::scalingPane() const
{
    return m_scalingPane;
}

SettingsPane *MainWindow::settingsPane() const
{
    return m_settingsPane;
}

void MainWindow::followSetting(Settings::Key key)
{
    if (key == Settings::Key::CurrencyCode || key == Settings::Key::CurrencyRate) {
        m_costPane->setSecondCurrency(m_settings->value(Settings::Key::CurrencyCode).toString(),
            m_settings->value(Settings::Key::CurrencyRate).toString());
    } else if (key == Settings::Key::BackgroundPollIntervalMs || key == Settings::Key::PollIntervalMs) {
        m_detailPane->setSampleInterval(m_services.fleet.monitor->backgroundInterval());
    }
}

FunctionsPane *MainWindow::functionsPane() const
{
    return m_functionsPane;
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() && FunctionsPane::canDeploy(event->mimeData()->urls()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    if (!FunctionsPane::canDeploy(event->mimeData()->urls()))
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
    // Layout keys take any bytes and a pane index in range: nothing here can be refused.
    std::ignore = m_settings->setValue(Settings::Key::WindowGeometry, saveGeometry());
    std::ignore = m_settings->setValue(Settings::Key::WindowState, saveState());
    std::ignore = m_settings->setValue(Settings::Key::LastPane, int(currentPane()));
    std::ignore = m_settings->setValue(Settings::Key::NodesLayout, m_nodesPane->saveState());
    std::ignore = m_settings->setValue(Settings::Key::OverviewLayout, m_overviewPane->saveState());
    std::ignore = m_settings->setValue(Settings::Key::DetailLayout, m_detailPane->saveState());
}

void MainWindow::restoreLayout()
{
    if (!restoreGeometry(m_settings->value(Settings::Key::WindowGeometry).toByteArray()))
        resize(1100, 680);
    restoreState(m_settings->value(Settings::Key::WindowState).toByteArray());
    m_nodesPane->restoreState(m_settings->value(Settings::Key::NodesLayout).toByteArray());
    m_overviewPane->restoreState(m_settings->value(Settings::Key::OverviewLayout).toByteArray());
    m_detailPane->restoreState(m_settings->value(Settings::Key::DetailLayout).toByteArray());
    const int last = m_settings->value(Settings::Key::LastPane).toInt();
    showPane(last >= 0 && last < int(Pane::Count) ? Pane(last) : Pane::Nodes);
}

} // namespace rune::views
