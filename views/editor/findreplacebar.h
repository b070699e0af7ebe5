// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace rune::views
{

class CodeTextEdit;

/**
 * The native editor's search bar under the text: Ctrl+F opens it for finding, Ctrl+H with the
 * replace row. Enter finds the next match, Shift+Enter the previous one, Escape closes it.
 * Every match is highlighted and the label counts them ("2 of 5").
 */
class FindReplaceBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindReplaceBar)

public:
    explicit FindReplaceBar(CodeTextEdit *editor, QWidget *parent = nullptr);

    /** Shows the bar, the replace row too when @p withReplace (and the text is editable). */
    void open(bool withReplace);
    void close();

    bool findNext();
    bool findPrevious();
    /** Replaces the selected match, then selects the next one. */
    void replaceCurrent();
    /** Replaces every match as one undo step; returns how many. */
    int replaceAll();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool find(bool backward);
    bool selectionIsMatch() const;
    void updateMatches();
    QList<std::pair<int, int>> matches() const;

    CodeTextEdit *m_editor;
    QLineEdit *m_findEdit;
    QLineEdit *m_replaceEdit;
    QCheckBox *m_matchCase;
    QLabel *m_countLabel;
    QWidget *m_replaceRow;
    QPushButton *m_replaceButton;
    QPushButton *m_replaceAllButton;
};

} // namespace rune::views
