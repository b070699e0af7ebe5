// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionspane.h"

#include "cluster/nodelist.h"
#include "editor/codeeditor.h"
#include "functions/deploydialog.h"
#include "functions/deployjob.h"
#include "functions/eventspanel.h"
#include "functions/functioncatalog.h"
#include "functions/functioncodeview.h"
#include "functions/functionconfigform.h"
#include "functions/functionformat.h"
#include "functions/functionnodestatesview.h"
#include "functions/functionreleases.h"
#include "functions/functiontreemodel.h"
#include "functions/functionworkspace.h"
#include "functions/invokepanel.h"
#include "functions/logpanel.h"
#include "functions/memorytunerdialog.h"
#include "functions/mqtttest.h"
#include "functions/newfunctiondialog.h"
#include "functions/versionspanel.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTextDocumentFragment>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

FunctionsPane::FunctionsPane(const FunctionServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_treeModel(new FunctionTreeModel(services.catalog, this))
    , m_tree(new QTreeView(this))
    , m_titleLabel(new QLabel(this))
    , m_detailLabel(new QLabel(this))
    , m_messageLabel(new QLabel(this))
    , m_nodeStatesView(new FunctionNodeStatesView(services, this))
    , m_deployProgress(new QProgressBar(this))
    , m_deployButton(new QPushButton(tr("Deploy…"), this))
    , m_tuneButton(new QPushButton(tr("Tune memory…"), this))
    , m_blockButton(new QPushButton(tr("Block"), this))
    , m_tabs(new QTabWidget(this))
    , m_codeView(new FunctionCodeView(services, this))
    , m_configForm(new FunctionConfigForm(this))
    , m_versionsPanel(new VersionsPanel(services, this))
    , m_invokePanel(new InvokePanel(services, this))
    , m_eventsPanel(new EventsPanel(services, this))
    , m_logPanel(new LogPanel(services, this))
{
    setObjectName(u"functionsPane"_s);
    m_tabs->setObjectName(u"functionTabs"_s);
    m_tabs->addTab(m_codeView, tr("Code"));
    m_tabs->addTab(m_configForm, tr("Configuration"));
    m_tabs->addTab(m_versionsPanel, tr("Versions"));
    m_tabs->addTab(m_invokePanel, tr("Invoke"));
    m_tabs->addTab(m_eventsPanel, tr("Events"));

    auto *main = new QWidget(this);
    auto *mainLayout = new QVBoxLayout(main);
    mainLayout->setContentsMargins(0, 0, 0, 0);
    mainLayout->addWidget(buildHeader());
    mainLayout->addWidget(m_tabs, 1);

    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(main);
    vertical->addWidget(m_logPanel);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 1);
    m_vertical = vertical;

    auto *horizontal = new QSplitter(Qt::Horizontal, this);
    horizontal->addWidget(buildSidebar());
    horizontal->addWidget(vertical);
    horizontal->setStretchFactor(1, 1);
    horizontal->setSizes({220, 900});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(horizontal);

    connect(m_codeView, &FunctionCodeView::problem, this, [this](const QString &message) {
        showMessage(message, true);
    });
    connect(m_configForm, &FunctionConfigForm::saveRequested, this, [this](const FunctionConfig &config) {
        m_services.workspace->saveConfig(m_functionId, config, this, [this](Result<void> saved) {
            if (saved) {
                showMessage(tr("Configuration saved; the next deploy sends it."), false);
                if (const Function *function = m_services.catalog->find(m_functionId))
                    m_configForm->setConfig(function->config);
            } else {
                showMessage(saved.error().message, true);
            }
        });
    });
    connect(m_versionsPanel, &VersionsPanel::message, this, &FunctionsPane::showMessage);
    connect(m_invokePanel, &InvokePanel::requestSelected, m_logPanel, &LogPanel::showRequest);
    connect(services.releases, &FunctionReleases::deployStarted, this, &FunctionsPane::watchDeploy);
    connect(services.catalog, &FunctionCatalog::functionChanged, this, [this](const QString &id) {
        if (id == m_functionId)
            updateHeader();
    });
    connect(services.catalog, &FunctionCatalog::versionsChanged, this, [this](const QString &id) {
        if (id == m_functionId)
            updateHeader();
    });
    connect(services.catalog, &FunctionCatalog::functionAboutToBeRemoved, this, &FunctionsPane::keepUnsavedText);
    connect(services.catalog, &FunctionCatalog::functionRemoved, this, [this](const QString &id) {
        if (id == m_functionId)
            showFunction({});
    });
    connect(services.catalog, &FunctionCatalog::loaded, this, [this] {
        m_tree->expandAll();
        if (m_functionId.isEmpty() && !m_services.catalog->functions().isEmpty())
            selectFunction(m_services.catalog->functions().first().id);
    });
    connect(m_treeModel, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &inserted) {
        m_tree->expand(inserted);
        if (m_functionId.isEmpty() && !m_services.catalog->functions().isEmpty())
            selectFunction(m_services.catalog->functions().first().id);
    });
    showFunction({});
}

FunctionsPane::~FunctionsPane() = default;

void FunctionsPane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Size hints would leave the log three lines: give it a quarter of the height at first.
    if (!m_sized && height() > 300) {
        m_sized = true;
        m_vertical->setSizes({height() - height() / 4, height() / 4});
    }
}

QWidget *FunctionsPane::buildSidebar()
{
    auto *box = new QWidget(this);
    auto *newButton = new QPushButton(tr("New function…"), box);
    newButton->setObjectName(u"newFunctionButton"_s);
    m_tree->setObjectName(u"functionTree"_s);
    m_tree->setModel(m_treeModel);
    m_tree->setHeaderHidden(true);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->setUniformRowHeights(true);
    auto *hint = new QLabel(tr("Drop a folder or files on the window to deploy them."), box);
    hint->setWordWrap(true);
    hint->setEnabled(false);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(newButton);
    layout->addWidget(m_tree, 1);
    layout->addWidget(hint);
    connect(newButton, &QPushButton::clicked, this, &FunctionsPane::newFunction);
    connect(m_tree, &QTreeView::clicked, this, &FunctionsPane::onTreeClicked);
    connect(m_tree, &QTreeView::activated, this, &FunctionsPane::onTreeClicked);
    connect(m_tree, &QTreeView::customContextMenuRequested, this, &FunctionsPane::showTreeMenu);
    m_tree->expandAll();
    return box;
}

QWidget *FunctionsPane::buildHeader()
{
    auto *box = new QWidget(this);
    m_titleLabel->setObjectName(u"functionTitleLabel"_s);
    m_detailLabel->setObjectName(u"functionDetailLabel"_s);
    m_detailLabel->setTextFormat(Qt::RichText);
    m_messageLabel->setObjectName(u"functionMessageLabel"_s);
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextFormat(Qt::RichText);
    m_deployProgress->setObjectName(u"deployProgress"_s);
    m_deployProgress->setRange(0, 0);
    m_deployProgress->setMaximumWidth(120);
    m_deployProgress->setMaximumHeight(12);
    m_deployProgress->hide();
    m_deployButton->setObjectName(u"deployFunctionButton"_s);
    m_deployButton->setToolTip(tr("Package the saved files and send them to nodes, as a new version"));
    m_blockButton->setObjectName(u"blockButton"_s);
    m_tuneButton->setObjectName(u"tuneMemoryButton"_s);
    m_tuneButton->setToolTip(
        tr("Run the function at each memory size on one node and find the smallest that is as fast; the serving "
           "version keeps serving"));

    auto *titles = new QVBoxLayout;
    titles->setSpacing(0);
    titles->addWidget(m_titleLabel);
    titles->addWidget(m_detailLabel);
    auto *row = new QHBoxLayout;
    row->addLayout(titles, 1);
    row->addWidget(m_deployProgress);
    row->addWidget(m_blockButton);
    row->addWidget(m_tuneButton);
    row->addWidget(m_deployButton);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->addLayout(row);
    layout->addWidget(m_nodeStatesView);
    layout->addWidget(m_messageLabel);

    connect(m_deployButton, &QPushButton::clicked, this, [this] {
        deployCurrent();
    });
    connect(m_tuneButton, &QPushButton::clicked, this, [this] {
        tuneMemory();
    });
    connect(m_blockButton, &QPushButton::clicked, this, [this] {
        const auto current = m_services.catalog->currentVersion(m_functionId);
        setBlocked(!(current && current->state == FunctionState::Blocked));
    });
    return box;
}

QString FunctionsPane::mainFileOf(const QString &functionId) const
{
    const Function *function = m_services.catalog->find(functionId);
    const QStringList files = m_services.catalog->files(functionId);
    if (!function || files.isEmpty())
        return {};
    const QString handler = function->handler();
    if (function->runtime() == FunctionRuntime::Exec && files.contains(handler))
        return handler;
    const QString module = handler.left(handler.lastIndexOf(u'.')).replace(u'.', u'/');
    for (const QString &suffix : {u".py"_s, u".js"_s, u".mjs"_s, u".cjs"_s}) {
        if (files.contains(module + suffix))
            return module + suffix;
    }
    return files.first();
}

void FunctionsPane::selectFunction(const QString &functionId)
{
    openFile(functionId, mainFileOf(functionId));
}

void FunctionsPane::openFile(const QString &functionId, const QString &path)
{
    showFunction(functionId);
    const QModelIndex index =
        path.isEmpty() ? m_treeModel->functionIndex(functionId) : m_treeModel->fileIndex(functionId, path);
    if (index.isValid()) {
        m_tree->expand(index.parent());
        m_tree->setCurrentIndex(index);
    }
    if (!path.isEmpty())
        m_codeView->openFile(functionId, path);
}

QString FunctionsPane::currentFunctionId() const
{
    return m_functionId;
}

void FunctionsPane::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

void FunctionsPane::onTreeClicked(const QModelIndex &index)
{
    const auto kind = FunctionTreeModel::Kind(index.data(FunctionTreeModel::KindRole).toInt());
    const QString functionId = index.data(FunctionTreeModel::FunctionIdRole).toString();
    if (kind == FunctionTreeModel::Kind::File) {
        openFile(functionId, index.data(FunctionTreeModel::FilePathRole).toString());
        showTab(Tab::Code);
    } else if (kind == FunctionTreeModel::Kind::Function && functionId != m_functionId) {
        selectFunction(functionId);
    }
}

void FunctionsPane::showFunction(const QString &functionId)
{
    if (functionId == m_functionId && !functionId.isEmpty())
        return;
    m_functionId = functionId;
    const Function *function = m_services.catalog->find(functionId);
    if (!function)
        m_codeView->closeFile();
    m_configForm->setConfig(function ? function->config : FunctionConfig());
    m_configForm->setEnabled(function != nullptr);
    m_versionsPanel->setFunction(functionId);
    m_nodeStatesView->setFunction(functionId);
    m_invokePanel->setFunction(functionId);
    m_eventsPanel->setFunction(functionId);
    m_logPanel->setFunction(functionId);
    m_messageLabel->clear();
    m_deployProgress->hide();
    updateHeader();
}

void FunctionsPane::updateHeader()
{
    const Function *function = m_services.catalog->find(m_functionId);
    m_deployButton->setEnabled(function != nullptr);
    m_tuneButton->setEnabled(function != nullptr && function->currentVersion > 0);
    m_blockButton->setEnabled(false);
    if (!function) {
        m_titleLabel->setText(u"<h2>%1</h2>"_s.arg(tr("Functions")));
        m_detailLabel->setText(m_services.catalog->functions().isEmpty()
                ? tr("No functions yet: create one from a template, or drop a folder on the window.")
                : tr("Choose a function on the left."));
        return;
    }
    m_titleLabel->setText(u"<h2>%1</h2>"_s.arg(function->name.toHtmlEscaped()));
    QString detail = function->project.toHtmlEscaped() + u" · "_s + functionRuntimeName(function->runtime());
    if (const auto current = m_services.catalog->currentVersion(m_functionId)) {
        QStringList names;
        for (const QString &id : m_services.catalog->nodesOf(m_functionId, current->number))
            names << nodeNameOrId(m_services.nodes, id);
        detail += u" · "_s
            + tr("v%1 <b style='color:%2'>%3</b> on %4")
                  .arg(current->number)
                  .arg(functionStateColor(current->state).name(),
                      functionStateName(current->state),
                      names.join(u", "_s).toHtmlEscaped());
        const bool blocked = current->state == FunctionState::Blocked;
        m_blockButton->setText(blocked ? tr("Unblock") : tr("Block"));
        m_blockButton->setToolTip(
            blocked ? tr("Take calls again on every node") : tr("Refuse calls with 423 on every node"));
        m_blockButton->setEnabled(true);
    } else {
        detail += u" · "_s + tr("not deployed yet");
    }
    m_detailLabel->setText(detail);
}

void FunctionsPane::showMessage(const QString &text, bool isError)
{
    m_messageLabel->setText(
        u"<span style='color:%1'>%2</span>"_s.arg(isError ? u"#d13a3a"_s : u"#2ea043"_s, text.toHtmlEscaped()));
}

QString FunctionsPane::messageText() const
{
    return QTextDocumentFragment::fromHtml(m_messageLabel->text()).toPlainText();
}

void FunctionsPane::watchDeploy(DeployJob *job)
{
    if (job->functionId() != m_functionId)
        return;
    m_watchedJob = job;
    m_deployProgress->show();
    connect(job, &DeployJob::finished, this, [this, job](bool succeeded, const QString &summary) {
        if (m_watchedJob == job)
            m_deployProgress->hide();
        if (job->functionId() == m_functionId)
            showMessage(summary, !succeeded);
    });
}

bool FunctionsPane::canDeploy(const QList<QUrl> &urls)
{
    return !urls.isEmpty() && std::all_of(urls.cbegin(), urls.cend(), [](const QUrl &url) {
        return url.isLocalFile() && QFileInfo::exists(url.toLocalFile());
    });
}

DeployDialog *FunctionsPane::deployDropped(const QList<QUrl> &urls)
{
    QStringList paths;
    for (const QUrl &url : urls)
        paths << url.toLocalFile();
    auto *dialog = new DeployDialog(m_services, paths, this);
    connect(dialog, &DeployDialog::finished, this, [this](const QString &functionId, bool) {
        if (functionId != m_functionId)
            selectFunction(functionId);
    });
    dialog->open();
    return dialog;
}

DeployDialog *FunctionsPane::deployCurrent()
{
    if (!m_services.catalog->find(m_functionId))
        return nullptr;
    auto *dialog = new DeployDialog(m_services, m_functionId, this);
    // What is typed is what is deployed: save the editor first.
    m_codeView->saveIfModified();
    dialog->open();
    return dialog;
}

MemoryTunerDialog *FunctionsPane::tuneMemory()
{
    if (!m_services.catalog->find(m_functionId))
        return nullptr;
    auto *dialog = new MemoryTunerDialog(m_services, m_functionId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void FunctionsPane::setBlocked(bool blocked)
{
    m_services.releases->setBlocked(m_functionId, blocked, this, [this](Result<QString> summary) {
        showMessage(summary ? *summary : summary.error().message, !summary);
    });
}

void FunctionsPane::newFunction()
{
    const Function *function = m_services.catalog->find(m_functionId);
    auto *dialog = new NewFunctionDialog(m_services, function ? function->project : QString(), this);
    connect(dialog, &NewFunctionDialog::created, this, [this](const QString &functionId, const QString &mainFile) {
        openFile(functionId, mainFile);
        showTab(Tab::Code);
        showMessage(tr("Created. Change the code, save with Ctrl+S, then deploy."), false);
    });
    dialog->open();
}

void FunctionsPane::showTreeMenu(const QPoint &position)
{
    const QModelIndex index = m_tree->indexAt(position);
    const auto kind = FunctionTreeModel::Kind(index.data(FunctionTreeModel::KindRole).toInt());
    const QString functionId = index.data(FunctionTreeModel::FunctionIdRole).toString();
    // popup(), not exec(): no event loop inside the event loop.
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(tr("New function…"), this, &FunctionsPane::newFunction);
    if (index.isValid() && kind != FunctionTreeModel::Kind::Project) {
        menu->addAction(tr("New file…"), this, [this, functionId] {
            newFile(functionId);
        });
        if (kind == FunctionTreeModel::Kind::File) {
            const QString path = index.data(FunctionTreeModel::FilePathRole).toString();
            menu->addAction(tr("Delete %1").arg(path), this, [this, functionId, path] {
                deleteFile(functionId, path);
            });
        }
        menu->addSeparator();
        menu->addAction(tr("Deploy…"), this, [this, functionId] {
            selectFunction(functionId);
            deployCurrent();
        });
        const Function *function = m_services.catalog->find(functionId);
        if (function && mqttTriggerOf(function->config)) {
            menu->addAction(tr("Send a test message…"), this, [this, functionId] {
                selectFunction(functionId);
                showTab(Tab::Events);
                m_eventsPanel->topicField()->setFocus();
            });
        }
        menu->addAction(tr("Tune memory…"), this, [this, functionId] {
            selectFunction(functionId);
            tuneMemory();
        });
        menu->addAction(tr("Delete function everywhere…"), this, [this, functionId] {
            deleteFunction(functionId);
        });
    }
    menu->popup(m_tree->viewport()->mapToGlobal(position));
}

void FunctionsPane::newFile(const QString &functionId)
{
    auto *dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("New file"));
    dialog->setLabelText(tr("Path of the new file in the function:"));
    connect(dialog, &QInputDialog::textValueSelected, this, [this, functionId](const QString &text) {
        const QString path = text.trimmed();
        if (const QString problem = codePathProblem(path); !problem.isEmpty())
            return showMessage(problem, true);
        m_services.workspace->saveFile(
            functionId, CodeFile {path, {}, false}, this, [this, functionId, path](Result<void> saved) {
                if (!saved)
                    return showMessage(saved.error().message, true);
                openFile(functionId, path);
                showTab(Tab::Code);
            });
    });
    dialog->open();
}

void FunctionsPane::deleteFile(const QString &functionId, const QString &path)
{
    auto *box = new QMessageBox(QMessageBox::Question,
        tr("Delete file"),
        tr("Delete %1 from the working files? Deployed versions keep their copy.").arg(path),
        QMessageBox::Yes | QMessageBox::Cancel,
        this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::accepted, this, [this, functionId, path] {
        if (m_codeView->functionId() == functionId && m_codeView->path() == path)
            m_codeView->closeFile();
        m_services.workspace->removeFile(functionId, path, this, [this](Result<void> removed) {
            if (!removed)
                showMessage(removed.error().message, true);
        });
    });
    box->open();
}

void FunctionsPane::deleteFunction(const QString &functionId)
{
    const Function *function = m_services.catalog->find(functionId);
    if (!function)
        return;
    auto *box = new QMessageBox(QMessageBox::Warning,
        tr("Delete function"),
        tr("Delete %1 from every node and from the console, with its versions and files?").arg(function->name),
        QMessageBox::Yes | QMessageBox::Cancel,
        this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::accepted, this, [this, functionId, name = function->name] {
        m_deleting.insert(functionId);
        m_services.releases->removeEverywhere(functionId, this, [this, functionId, name](Result<void> removed) {
            m_deleting.remove(functionId);
            showMessage(removed ? tr("%1 is deleted.").arg(name) : removed.error().message, !removed);
        });
    });
    box->open();
}

void FunctionsPane::keepUnsavedText(const QString &functionId)
{
    const Function *function = m_services.catalog->find(functionId);
    if (!function || m_deleting.contains(functionId) || m_codeView->functionId() != functionId
        || !m_codeView->isModified())
        return;
    // Removed by another program (the command line): the file is gone, the typing need not be.
    auto *box = new QMessageBox(QMessageBox::Warning,
        tr("Function removed elsewhere"),
        tr("%1/%2 was removed by another program while %3 had changes that were not saved. They are under "
           "Show Details: copy what you want to keep.")
            .arg(function->project, function->name, m_codeView->path()),
        QMessageBox::Ok,
        this);
    box->setObjectName(u"unsavedTextBox"_s);
    box->setDetailedText(m_codeView->editor()->text());
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QTreeView *FunctionsPane::tree() const
{
    return m_tree;
}

FunctionTreeModel *FunctionsPane::treeModel() const
{
    return m_treeModel;
}

FunctionCodeView *FunctionsPane::codeView() const
{
    return m_codeView;
}

FunctionConfigForm *FunctionsPane::configForm() const
{
    return m_configForm;
}

VersionsPanel *FunctionsPane::versionsPanel() const
{
    return m_versionsPanel;
}

InvokePanel *FunctionsPane::invokePanel() const
{
    return m_invokePanel;
}

EventsPanel *FunctionsPane::eventsPanel() const
{
    return m_eventsPanel;
}

FunctionNodeStatesView *FunctionsPane::nodeStatesView() const
{
    return m_nodeStatesView;
}

LogPanel *FunctionsPane::logPanel() const
{
    return m_logPanel;
}

QTabWidget *FunctionsPane::tabs() const
{
    return m_tabs;
}

} // namespace rune::views
