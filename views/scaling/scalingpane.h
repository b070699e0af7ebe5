// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/loadrun.h"
#include "shell/scalingservices.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace rune::views
{

class ScalingDetail;
class ScalingTableModel;

/**
 * The Scaling pane: every function of the fleet in a table (replicas, load, sparklines, at zero
 * or at its most replicas; sortable, filtered), the selected function's scaling in detail, and
 * a bounded burst of calls to watch it scale up and back to zero.
 */
class ScalingPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScalingPane)

public:
    explicit ScalingPane(const ScalingServices &services, QWidget *parent = nullptr);
    ~ScalingPane() override;

    /** Selects @p function (as the agents name it) in the table and shows its detail. */
    void selectFunction(const QString &function);
    ScalingTableModel *tableModel() const;
    ScalingDetail *detail() const;
    /** The nodes of the function in detail: polled at the fast pace while the pane shows. */
    QStringList visibleNodes() const;
    void exportChartPng(const QString &path);
    void exportCsv(const QString &path);

Q_SIGNALS:
    void configureRequested(const QString &functionId);
    void visibleNodesChanged();
    void loadFinished(const rune::LoadSummary &summary);
    void exported(const QString &path, const QString &error);

private:
    QWidget *buildFilter();
    QWidget *buildLoad();
    void applyFilter();
    void onCurrentChanged();
    void updateLoadTargets();
    void updateVisibleNodes();
    void startLoad();
    void loadEnded(const LoadSummary &summary);
    QString functionIdOf(const QString &name) const;

    ScalingServices m_services;
    ScalingTableModel *m_model;
    QLineEdit *m_filterEdit = nullptr;
    QCheckBox *m_atZeroCheck = nullptr;
    QCheckBox *m_atMaxCheck = nullptr;
    QTableView *m_table;
    ScalingDetail *m_detail;
    QComboBox *m_loadNodeCombo = nullptr;
    QSpinBox *m_rateSpin = nullptr;
    QSpinBox *m_secondsSpin = nullptr;
    QPushButton *m_loadButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QProgressBar *m_loadProgress = nullptr;
    QLabel *m_statusLabel = nullptr;
    QPointer<LoadRun> m_load;
    QStringList m_visibleNodes;
};

} // namespace rune::views
