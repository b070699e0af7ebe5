// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "shell/functionservices.h"

#include <QPointer>
#include <QSet>
#include <QUrl>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTreeView;

namespace rune
{
class DeployJob;
}

namespace rune::views
{

class DeployDialog;
class MemoryTunerDialog;
class FunctionCodeView;
class FunctionNodeStatesView;
class FunctionConfigForm;
class FunctionTreeModel;
class EventsPanel;
class InvokePanel;
class LogPanel;
class VersionsPanel;

/**
 * The developer's screen: projects → functions → files on the left; the selected function's
 * code, configuration, versions and invoke panel on the right, its live log below. Files or
 * a folder dropped on the window open the deploy dialog.
 */
class FunctionsPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionsPane)

public:
    enum class Tab { Code, Configuration, Versions, Invoke, Events };

    FunctionsPane(const FunctionServices &services, QWidget *parent = nullptr);
    ~FunctionsPane() override;

    /** Selects @p functionId and opens its main file. */
    void selectFunction(const QString &functionId);
    /** Selects @p functionId and opens @p path in the editor. */
    void openFile(const QString &functionId, const QString &path);
    QString currentFunctionId() const;
    void showTab(Tab tab);

    /** Whether @p urls hold local files or folders this pane can deploy. */
    static bool canDeploy(const QList<QUrl> &urls);
    /** Opens the deploy dialog for files dropped from a file manager. */
    DeployDialog *deployDropped(const QList<QUrl> &urls);
    /** Opens the deploy dialog for the selected function's working files (saving the editor first). */
    DeployDialog *deployCurrent();
    /** Opens the memory tuner for the function shown (non-modal). */
    MemoryTunerDialog *tuneMemory();
    /** Blocks or unblocks the selected function on its nodes. */
    void setBlocked(bool blocked);
    /** Opens the new function dialog. */
    void newFunction();

    QTreeView *tree() const;
    FunctionTreeModel *treeModel() const;
    FunctionCodeView *codeView() const;
    FunctionConfigForm *configForm() const;
    VersionsPanel *versionsPanel() const;
    InvokePanel *invokePanel() const;
    EventsPanel *eventsPanel() const;
    LogPanel *logPanel() const;
    /** Where the selected function's trouble on its nodes is shown. */
    FunctionNodeStatesView *nodeStatesView() const;
    QTabWidget *tabs() const;
    /** The last result or refusal shown above the tabs. */
    QString messageText() const;

protected:
    void showEvent(QShowEvent *event) override;

private:
    QWidget *buildSidebar();
    QWidget *buildHeader();
    void onTreeClicked(const QModelIndex &index);
    void showTreeMenu(const QPoint &position);
    void newFile(const QString &functionId);
    void deleteFile(const QString &functionId, const QString &path);
    void deleteFunction(const QString &functionId);
    /** Function @p functionId goes away: edits not saved yet are handed to the user, not dropped. */
    void keepUnsavedText(const QString &functionId);
    void showFunction(const QString &functionId);
    void updateHeader();
    void showMessage(const QString &text, bool isError);
    void watchDeploy(DeployJob *job);
    QString mainFileOf(const QString &functionId) const;

    FunctionServices m_services;
    QString m_functionId;
    FunctionTreeModel *m_treeModel;
    QTreeView *m_tree;
    QLabel *m_titleLabel;
    QLabel *m_detailLabel;
    QLabel *m_messageLabel;
    FunctionNodeStatesView *m_nodeStatesView;
    QProgressBar *m_deployProgress;
    QPushButton *m_deployButton;
    QPushButton *m_tuneButton;
    QPushButton *m_blockButton;
    QTabWidget *m_tabs;
    FunctionCodeView *m_codeView;
    FunctionConfigForm *m_configForm;
    VersionsPanel *m_versionsPanel;
    InvokePanel *m_invokePanel;
    EventsPanel *m_eventsPanel;
    LogPanel *m_logPanel;
    QPointer<DeployJob> m_watchedJob;
    QSet<QString> m_deleting; ///< functions this window deletes: their edits go with them, as confirmed
    QSplitter *m_vertical = nullptr;
    bool m_sized = false;
};

} // namespace rune::views
