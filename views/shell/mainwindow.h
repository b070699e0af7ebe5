// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "fleet/fleetservices.h"

#include <QMainWindow>
#include <QTimer>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace rune
{
class NodeList;
class Settings;
} // namespace rune

namespace rune::views
{

class NodeDetailPane;
class FunctionsPane;
class NodesPane;
class OverviewPane;
class Theme;

/** The console's window: the left navigation and one pane per entry. */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    /** Navigation entries, in the order they appear (Ctrl+1 … Ctrl+8). */
    enum class Pane { Overview, Nodes, NodeDetail, Functions, Scaling, Benchmarks, Cost, Settings, Count };

    MainWindow(Settings *settings, NodeList *nodes, QWidget *parent = nullptr);
    /** With the fleet's services: the Overview and Node detail panes, and actions in Nodes. */
    MainWindow(Settings *settings, const FleetServices &fleet, QWidget *parent = nullptr);
    ~MainWindow() override;

    void showPane(Pane pane);
    Pane currentPane() const;
    NodesPane *nodesPane() const;
    /** Null without FleetMetrics. */
    OverviewPane *overviewPane() const;
    /** Null without FleetMetrics and MetricHistory. */
    NodeDetailPane *detailPane() const;
    /** Opens @p nodeId in Node detail. */
    void showNode(const QString &nodeId);
    /** Adds View > Theme, switching @p theme (which outlives the window). */
    void setTheme(Theme *theme);
    /** Puts @p pane in place of the Functions placeholder; files dropped on the window go to it. */
    void setFunctionsPane(FunctionsPane *pane);
    FunctionsPane *functionsPane() const;

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildPanes();
    void buildMenus();
    void addPane(const QString &iconName, const QString &title, QWidget *pane);
    void updateFleetStatus();
    void updateWatched();
    void focusFilter();
    void saveLayout();
    void restoreLayout();

    Settings *m_settings;
    NodeList *m_nodes;
    FleetServices m_fleet;
    OverviewPane *m_overviewPane = nullptr;
    NodeDetailPane *m_detailPane = nullptr;
    QListWidget *m_navigation;
    QStackedWidget *m_panes;
    NodesPane *m_nodesPane = nullptr;
    FunctionsPane *m_functionsPane = nullptr;
    QLabel *m_fleetStatus;
    QTimer m_fleetStatusTimer;
};

} // namespace rune::views
