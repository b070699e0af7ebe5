// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "settings/settings.h"
#include "shell/console.h"

#include <QMainWindow>
#include <QTimer>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace rune::views
{

class BenchmarksPane;
class CostPane;
class NodeDetailPane;
class FunctionsPane;
class NodesPane;
class OverviewPane;
class ScalingPane;
class SettingsPane;
class Theme;

/** The console's window: the left navigation and one pane per entry. */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    /** Navigation entries, in the order they appear (Ctrl+1 … Ctrl+8; Settings also the Preferences key). */
    enum class Pane { Overview, Nodes, NodeDetail, Functions, Benchmarks, Cost, Scaling, Settings, Count };

    /** Every pane, working with @p services (which outlive the window). */
    explicit MainWindow(const ConsoleServices &services, QWidget *parent = nullptr);
    ~MainWindow() override;

    void showPane(Pane pane);
    Pane currentPane() const;
    NodesPane *nodesPane() const;
    OverviewPane *overviewPane() const;
    NodeDetailPane *detailPane() const;
    /** Opens @p nodeId in Node detail. */
    void showNode(const QString &nodeId);
    /** Adds View > Theme, switching @p theme (which outlives the window). */
    void setTheme(Theme *theme);
    /** Files dropped on the window are deployed from here. */
    FunctionsPane *functionsPane() const;
    BenchmarksPane *benchmarksPane() const;
    CostPane *costPane() const;
    ScalingPane *scalingPane() const;
    SettingsPane *settingsPane() const;

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildPanes();
    void buildMenus();
    void addPane(const QString &iconName, const QString &title, QWidget *pane);
    void updateFleetStatus();
    /** Hands a changed setting to the pane it tunes (the Console takes the services' ones). */
    void followSetting(Settings::Key key);
    void updateWatched();
    void focusFilter();
    void saveLayout();
    void restoreLayout();

    Settings *m_settings;
    NodeList *m_nodes;
    ConsoleServices m_services;
    QListWidget *m_navigation;
    QStackedWidget *m_panes;
    OverviewPane *m_overviewPane = nullptr;
    NodesPane *m_nodesPane = nullptr;
    NodeDetailPane *m_detailPane = nullptr;
    FunctionsPane *m_functionsPane = nullptr;
    BenchmarksPane *m_benchmarksPane = nullptr;
    CostPane *m_costPane = nullptr;
    ScalingPane *m_scalingPane = nullptr;
    SettingsPane *m_settingsPane = nullptr;
    QLabel *m_fleetStatus;
    QTimer m_fleetStatusTimer;
};

} // namespace rune::views
