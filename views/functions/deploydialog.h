// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "benchmarks/benchmarkrun.h"
#include "functions/functionconfig.h"
#include "packaging/functionpackage.h"
#include "shell/functionservices.h"

#include <QDialog>
#include <QHash>
#include <QPointer>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QDialogButtonBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QWidget;

namespace rune
{
class DeployJob;
}

namespace rune::views
{

class PackageTableModel;

/**
 * Shows what a deploy packages (a function's working files, or files dropped on the window,
 * with what their .runeignore leaves out), the function it goes to and the nodes, then
 * deploys with one progress bar and one result per node.
 */
class DeployDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeployDialog)

public:
    /** Deploys the working files of @p functionId. */
    DeployDialog(const FunctionServices &services, const QString &functionId, QWidget *parent = nullptr);
    /** Deploys files or a folder dropped from a file manager. */
    DeployDialog(const FunctionServices &services, const QStringList &droppedPaths, QWidget *parent = nullptr);

    PackageTableModel *packageModel() const;
    /** Whether the package has been looked at (the dropped files scanned, the working files listed). */
    bool isReady() const;
    /** "" while a new function is chosen; else the target function's id. */
    QString targetFunctionId() const;
    void setTargetFunction(const QString &functionId);
    /** Targets a new function named @p name in @p project. */
    void setNewFunction(const QString &project, const QString &name);
    QStringList checkedNodes() const;
    void setCheckedNodes(const QStringList &nodeIds);
    QString statusText() const;
    /** The result line of @p nodeId. */
    QString nodeResult(const QString &nodeId) const;
    DeployJob *job() const;
    /** Starts the deploy, as the Deploy button does. */
    void startDeploy();
    /**
     * Ranks the nodes for the function (core/placement: its memory and GPUs, the nodes' latest
     * benchmark figures, their round trip to the chosen node, by the weights shown) and checks the
     * best @p count; each node's line says its place and the figure that decided it, or why it
     * was left out. The figures are read in the background: placed() follows.
     */
    void pickBestNodes(int count);
    /** What the last ranking said as a whole (the best, or why no node fits). */
    QString placementText() const;

Q_SIGNALS:
    /** The package was scanned (or failed to be: see statusText()). */
    void ready();
    /** The deploy ended; @p functionId is the function it went to. */
    void finished(const QString &functionId, bool succeeded);
    /** pickBestNodes() has checked the nodes it chose. */
    void placed();

private:
    DeployDialog(const FunctionServices &services, QWidget *parent);
    void build();
    QWidget *buildTarget();
    QWidget *buildNodes();
    QWidget *buildPlacement();
    FunctionConfig placementConfig() const;
    void applyRanking(const QList<BenchmarkRecord> &records, int count);
    void scanDrop(const QStringList &paths);
    void listWorkingFiles();
    void onPackage(const FunctionPackage &package);
    void updateTargetFields();
    void deployTo(const QString &functionId);
    void watch(DeployJob *job);
    void setBusy(bool busy);
    void fail(const QString &message);

    struct NodeRow {
        QCheckBox *check = nullptr;
        QProgressBar *progress = nullptr;
        QLabel *result = nullptr;
    };

    FunctionServices m_services;
    QString m_functionId; ///< fixed target (working files mode)
    QStringList m_droppedPaths;
    FunctionPackage m_package;
    bool m_ready = false;
    QPointer<DeployJob> m_job;
    QString m_deployedId;
    PackageTableModel *m_packageModel;
    QLabel *m_titleLabel;
    QLabel *m_packageSummary;
    QTableView *m_packageView;
    QComboBox *m_targetCombo;
    QWidget *m_newFields;
    QLineEdit *m_projectEdit;
    QLineEdit *m_nameEdit;
    QComboBox *m_runtimeCombo;
    QLineEdit *m_handlerEdit;
    QLineEdit *m_noteEdit;
    QGridLayout *m_nodesGrid;
    QSpinBox *m_bestCountSpin = nullptr;
    QPushButton *m_pickBestButton = nullptr;
    QDoubleSpinBox *m_performanceWeightSpin = nullptr;
    QDoubleSpinBox *m_latencyWeightSpin = nullptr;
    QDoubleSpinBox *m_priceWeightSpin = nullptr;
    QComboBox *m_referenceCombo = nullptr;
    QLabel *m_placementLabel = nullptr;
    QHash<QString, NodeRow> m_nodeRows;
    QLabel *m_statusLabel;
    QPushButton *m_deployButton;
    QDialogButtonBox *m_buttons;
};

} // namespace rune::views
