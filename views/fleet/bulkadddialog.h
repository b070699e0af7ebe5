// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/hostlist.h"

#include <QDialog>
#include <QTimer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace rune
{
class NodeList;
}

namespace rune::views
{

/**
 * Adds many hosts at once: `user@host:port role labels` lines typed or pasted, or imported from
 * a CSV file or the Host entries of ~/.ssh/config (shown as lines, to be edited before adding).
 * A preview lists what will be added, hosts already in the fleet and lines that cannot be read.
 */
class BulkAddDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BulkAddDialog)

public:
    explicit BulkAddDialog(const NodeList *nodes, QWidget *parent = nullptr);

    /** The new nodes (duplicates left out), with the defaults applied. */
    QList<Node> nodes() const;
    bool provisionNow() const;
    QPlainTextEdit *editor() const;
    /**
     * Reads @p file (CSV, or an ssh configuration when @p sshConfig) into the editor, in the
     * background; why it cannot goes to the problems line.
     */
    void importFile(const QString &file, bool sshConfig);

private:
    void addImported(const QString &file, const QString &text, bool sshConfig);
    void chooseFile(bool sshConfig);
    void reparse();
    QString duplicateOf(const HostEntry &entry, const QList<Node> &earlier) const;

    const NodeList *m_nodes;
    QPlainTextEdit *m_editor;
    QComboBox *m_roleCombo;
    QLineEdit *m_userEdit;
    QTableWidget *m_preview;
    QLabel *m_problems;
    QCheckBox *m_provisionCheck;
    QPushButton *m_addButton;
    QTimer m_reparse;
    QList<Node> m_new;
};

} // namespace rune::views
