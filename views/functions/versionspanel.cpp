// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/versionspanel.h"

#include "editor/diffview.h"
#include "functions/functionreleases.h"
#include "functions/functionworkspace.h"
#include "functions/versiontablemodel.h"
#include "util/linediff.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

QString textOf(const QList<CodeFile> &files, const QString &path, bool *found = nullptr)
{
    for (const CodeFile &file : files) {
        if (file.path == path) {
            if (found)
                *found = true;
            return QString::fromUtf8(file.data);
        }
    }
    if (found)
        *found = false;
    return {};
}

QString versionLabel(int number)
{
    return number == 0 ? QObject::tr("working files") : u"v"_s + QString::number(number);
}

} // namespace

VersionsPanel::VersionsPanel(const FunctionServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_model(new VersionTableModel(services.catalog, services.nodes, this))
    , m_table(new QTableView(this))
    , m_rollbackButton(new QPushButton(tr("Roll back to this version"), this))
    , m_retireButton(new QPushButton(tr("Retire"), this))
    , m_oldCombo(new QComboBox(this))
    , m_newCombo(new QComboBox(this))
    , m_fileCombo(new QComboBox(this))
    , m_diffSummary(new QLabel(this))
    , m_diff(makeDiffView(this))
{
    m_table->setObjectName(u"versionsTable"_s);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setIconSize(QSize(12, 12));
    m_rollbackButton->setObjectName(u"rollbackButton"_s);
    m_rollbackButton->setToolTip(tr("Deploys this version's files and configuration again, as a new version"));
    m_retireButton->setObjectName(u"retireButton"_s);
    m_retireButton->setToolTip(tr("Keeps the version for history; the console no longer calls it"));
    m_oldCombo->setObjectName(u"compareOldCombo"_s);
    m_newCombo->setObjectName(u"compareNewCombo"_s);
    m_fileCombo->setObjectName(u"compareFileCombo"_s);
    m_fileCombo->setMinimumContentsLength(16);
    m_diffSummary->setObjectName(u"diffSummaryLabel"_s);
    m_diff->setObjectName(u"versionDiffView"_s);

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_rollbackButton);
    actions->addWidget(m_retireButton);
    actions->addStretch();
    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_table, 1);
    topLayout->addLayout(actions);

    auto *compareBar = new QHBoxLayout;
    compareBar->addWidget(new QLabel(tr("Compare"), this));
    compareBar->addWidget(m_oldCombo);
    compareBar->addWidget(new QLabel(tr("with"), this));
    compareBar->addWidget(m_newCombo);
    compareBar->addWidget(new QLabel(tr("file"), this));
    compareBar->addWidget(m_fileCombo);
    compareBar->addWidget(m_diffSummary, 1);
    auto *bottom = new QWidget(this);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addLayout(compareBar);
    bottomLayout->addWidget(m_diff, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    m_table->setMinimumHeight(90);
    m_splitter = splitter;
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(
        m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &VersionsPanel::onSelectionChanged);
    connect(m_rollbackButton, &QPushButton::clicked, this, &VersionsPanel::rollBackSelected);
    connect(m_retireButton, &QPushButton::clicked, this, &VersionsPanel::retireSelected);
    for (QComboBox *combo : {m_oldCombo, m_newCombo}) {
        connect(combo, &QComboBox::activated, this, [this] {
            compare(m_oldCombo->currentData().toInt(), m_newCombo->currentData().toInt(), m_fileCombo->currentText());
        });
    }
    connect(m_fileCombo, &QComboBox::activated, this, [this] {
        showComparison(m_fileCombo->currentText());
    });
    connect(m_diff, &DiffView::shown, this, &VersionsPanel::comparisonShown);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &VersionsPanel::fillCompareCombos);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &VersionsPanel::fillCompareCombos);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &VersionsPanel::updateButtons);
    updateButtons();
}

void VersionsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // The list's size hint would take half the height: the comparison gets most of it.
    if (!m_sized && height() > 200) {
        m_sized = true;
        m_splitter->setSizes({height() / 4, height() - height() / 4});
    }
}

QTableView *VersionsPanel::table() const
{
    return m_table;
}

VersionTableModel *VersionsPanel::model() const
{
    return m_model;
}

DiffView *VersionsPanel::diffView() const
{
    return m_diff;
}

void VersionsPanel::setFunction(const QString &functionId)
{
    if (functionId == m_functionId)
        return;
    m_functionId = functionId;
    m_cache.clear();
    m_oldFiles.clear();
    m_newFiles.clear();
    m_model->setFunction(functionId);
    fillCompareCombos();
    m_fileCombo->clear();
    m_diffSummary->clear();
    m_diff->setLabels({}, {});
    m_diff->setTexts({}, {});
    if (m_model->rowCount() > 0)
        m_table->selectRow(0);
    updateButtons();
}

int VersionsPanel::selectedNumber() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(VersionTableModel::NumberRole).toInt();
}

void VersionsPanel::fillCompareCombos()
{
    m_filling = true;
    for (QComboBox *combo : {m_oldCombo, m_newCombo}) {
        const int current = combo->currentData().toInt();
        combo->clear();
        combo->addItem(versionLabel(0), 0);
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const int number = m_model->versionAt(row).number;
            combo->addItem(versionLabel(number), number);
        }
        combo->setCurrentIndex(std::max(0, combo->findData(current)));
    }
    m_filling = false;
    updateButtons();
}

void VersionsPanel::onSelectionChanged()
{
    updateButtons();
    const int number = selectedNumber();
    if (number == 0)
        return;
    // A version against the one before it: what that deploy changed. The first one has none
    // before it: against the serving version, which is what rolling back to it would change.
    const int row = m_model->rowOf(number);
    const Function *function = m_services.catalog->find(m_functionId);
    const int serving = function && function->currentVersion > 0 ? function->currentVersion : number;
    const int previous = row + 1 < m_model->rowCount() ? m_model->versionAt(row + 1).number : serving;
    compare(previous, number);
}

void VersionsPanel::updateButtons()
{
    const int number = selectedNumber();
    const Function *function = m_services.catalog->find(m_functionId);
    m_rollbackButton->setEnabled(number > 0 && function && function->currentVersion != number);
    m_rollbackButton->setText(number > 0 ? tr("Roll back to v%1").arg(number) : tr("Roll back"));
    m_retireButton->setEnabled(number > 0);
    m_retireButton->setText(number > 0 ? tr("Retire v%1").arg(number) : tr("Retire"));
}

void VersionsPanel::loadFiles(int number, std::function<void(const QList<CodeFile> &)> done)
{
    if (number > 0 && m_cache.contains(number))
        return done(m_cache.value(number));
    const auto received = [this, number, done](Result<QList<CodeFile>> files) {
        if (!files) {
            Q_EMIT message(files.error().message, true);
            return done({});
        }
        if (number > 0)
            m_cache.insert(number, *files);
        done(*files);
    };
    if (number > 0)
        m_services.workspace->readVersionFiles(m_functionId, number, this, received);
    else
        m_services.workspace->readWorkingFiles(m_functionId, this, received);
}

void VersionsPanel::compare(int oldNumber, int newNumber, const QString &path)
{
    const int generation = ++m_compareGeneration;
    m_oldCombo->setCurrentIndex(std::max(0, m_oldCombo->findData(oldNumber)));
    m_newCombo->setCurrentIndex(std::max(0, m_newCombo->findData(newNumber)));
    loadFiles(oldNumber, [this, generation, oldNumber, newNumber, path](const QList<CodeFile> &oldFiles) {
        loadFiles(newNumber, [this, generation, oldNumber, newNumber, path, oldFiles](const QList<CodeFile> &newFiles) {
            if (generation != m_compareGeneration)
                return;
            m_oldFiles = oldFiles;
            m_newFiles = newFiles;
            QStringList paths;
            QString firstChanged;
            for (const auto *files : {&oldFiles, &newFiles}) {
                for (const CodeFile &file : *files) {
                    if (!paths.contains(file.path))
                        paths << file.path;
                }
            }
            paths.sort();
            for (const QString &candidate : std::as_const(paths)) {
                if (textOf(oldFiles, candidate) != textOf(newFiles, candidate)) {
                    firstChanged = candidate;
                    break;
                }
            }
            m_fileCombo->clear();
            m_fileCombo->addItems(paths);
            const QString shown = paths.contains(path) ? path : !firstChanged.isEmpty() ? firstChanged : paths.value(0);
            m_fileCombo->setCurrentText(shown);
            m_diff->setLabels(versionLabel(oldNumber), versionLabel(newNumber));
            showComparison(shown);
        });
    });
}

void VersionsPanel::showComparison(const QString &path)
{
    bool inOld = false, inNew = false;
    const QString oldText = textOf(m_oldFiles, path, &inOld);
    const QString newText = textOf(m_newFiles, path, &inNew);
    m_diff->setLanguage(codeLanguageForFile(path, newText));
    m_diff->setTexts(oldText, newText);
    const LineDiff diff(oldText, newText);
    if (!inOld && inNew)
        m_diffSummary->setText(tr("%1 is new: %n line(s)", nullptr, diff.addedCount()).arg(path));
    else if (inOld && !inNew)
        m_diffSummary->setText(tr("%1 was removed", nullptr).arg(path));
    else if (diff.isIdentical())
        m_diffSummary->setText(tr("no change"));
    else
        m_diffSummary->setText(tr("+%1 −%2 lines").arg(diff.addedCount()).arg(diff.removedCount()));
}

int VersionsPanel::comparedOld() const
{
    return m_oldCombo->currentData().toInt();
}

int VersionsPanel::comparedNew() const
{
    return m_newCombo->currentData().toInt();
}

QString VersionsPanel::comparedPath() const
{
    return m_fileCombo->currentText();
}

void VersionsPanel::rollBackSelected()
{
    const int number = selectedNumber();
    if (number == 0)
        return;
    DeployJob *job = m_services.releases->rollback(m_functionId, number);
    connect(job, &DeployJob::finished, this, [this](bool succeeded, const QString &summary) {
        Q_EMIT message(summary, !succeeded);
    });
}

void VersionsPanel::retireSelected()
{
    const int number = selectedNumber();
    if (number == 0)
        return;
    m_services.releases->retire(m_functionId, number, this, [this, number](Result<void> retired) {
        Q_EMIT message(
            retired ? tr("v%1 is retired: kept for history, no longer called.").arg(number) : retired.error().message,
            !retired);
    });
}

} // namespace rune::views
