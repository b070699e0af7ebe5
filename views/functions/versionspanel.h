// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "packaging/tararchive.h"
#include "shell/functionservices.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSplitter;
class QTableView;

namespace rune::views
{

class DiffView;
class VersionTableModel;

/**
 * A function's history: every version with its time, state and nodes; a side-by-side diff of
 * any two versions (or the working files); roll back to a version and retire one. Refusals
 * come back with the state machine's reason.
 */
class VersionsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VersionsPanel)

public:
    VersionsPanel(const FunctionServices &services, QWidget *parent = nullptr);

    void setFunction(const QString &functionId);
    QTableView *table() const;
    VersionTableModel *model() const;
    DiffView *diffView() const;
    /** Compares version @p oldNumber with @p newNumber (0: the working files), file @p path (empty: the first that
     * differs). */
    void compare(int oldNumber, int newNumber, const QString &path = {});
    /** The version numbers and the file the diff shows now. */
    int comparedOld() const;
    int comparedNew() const;
    QString comparedPath() const;
    /** Rolls back to the selected version. */
    void rollBackSelected();
    void retireSelected();

Q_SIGNALS:
    /** A result or a refusal to show the user. */
    void message(const QString &text, bool isError);
    /** The diff view shows what was asked for. */
    void comparisonShown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    int selectedNumber() const;
    void onSelectionChanged();
    void fillCompareCombos();
    void loadFiles(int number, std::function<void(const QList<CodeFile> &)> done);
    void showComparison(const QString &path);
    void updateButtons();

    FunctionServices m_services;
    QString m_functionId;
    VersionTableModel *m_model;
    QTableView *m_table;
    QPushButton *m_rollbackButton;
    QPushButton *m_retireButton;
    QComboBox *m_oldCombo;
    QComboBox *m_newCombo;
    QComboBox *m_fileCombo;
    QLabel *m_diffSummary;
    DiffView *m_diff;
    QHash<int, QList<CodeFile>> m_cache; ///< versions never change; 0 (working files) is not cached
    QList<CodeFile> m_oldFiles;
    QList<CodeFile> m_newFiles;
    int m_compareGeneration = 0;
    bool m_filling = false;
    QSplitter *m_splitter = nullptr;
    bool m_sized = false;
};

} // namespace rune::views
