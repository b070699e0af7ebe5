// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/findreplacebar.h"

#include "editor/codetextedit.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTextBlock>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace rune::views
{

FindReplaceBar::FindReplaceBar(CodeTextEdit *editor, QWidget *parent)
    : QWidget(parent)
    , m_editor(editor)
    , m_findEdit(new QLineEdit(this))
    , m_replaceEdit(new QLineEdit(this))
    , m_matchCase(new QCheckBox(tr("Match case"), this))
    , m_countLabel(new QLabel(this))
    , m_replaceRow(new QWidget(this))
    , m_replaceButton(new QPushButton(tr("Replace"), m_replaceRow))
    , m_replaceAllButton(new QPushButton(tr("Replace all"), m_replaceRow))
{
    m_findEdit->setObjectName(u"findEdit"_s);
    m_findEdit->setPlaceholderText(tr("Find"));
    m_findEdit->setClearButtonEnabled(true);
    m_replaceEdit->setObjectName(u"replaceEdit"_s);
    m_replaceEdit->setPlaceholderText(tr("Replace with"));
    m_replaceButton->setObjectName(u"replaceButton"_s);
    m_replaceAllButton->setObjectName(u"replaceAllButton"_s);
    m_countLabel->setObjectName(u"matchCountLabel"_s);
    m_countLabel->setMinimumWidth(fontMetrics().horizontalAdvance(tr("No matches")) + 8);

    auto *previous = new QPushButton(tr("Previous"), this);
    auto *next = new QPushButton(tr("Next"), this);
    auto *closeButton = new QToolButton(this);
    closeButton->setAutoRaise(true);
    closeButton->setText(u"\u2715"_s);
    closeButton->setToolTip(tr("Close (Esc)"));

    auto *replaceLayout = new QHBoxLayout(m_replaceRow);
    replaceLayout->setContentsMargins(0, 0, 0, 0);
    replaceLayout->addWidget(m_replaceEdit, 1);
    replaceLayout->addWidget(m_replaceButton);
    replaceLayout->addWidget(m_replaceAllButton);

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_findEdit, 0, 0);
    layout->addWidget(m_countLabel, 0, 1);
    layout->addWidget(previous, 0, 2);
    layout->addWidget(next, 0, 3);
    layout->addWidget(m_matchCase, 0, 4);
    layout->addWidget(closeButton, 0, 5);
    layout->addWidget(m_replaceRow, 1, 0, 1, 4);
    layout->setColumnStretch(0, 1);

    connect(m_findEdit, &QLineEdit::textChanged, this, [this] {
        updateMatches();
        // Incremental: look again from where the current match starts.
        QTextCursor cursor = m_editor->textCursor();
        cursor.setPosition(cursor.selectionStart());
        m_editor->setTextCursor(cursor);
        find(false);
    });
    connect(m_matchCase, &QCheckBox::toggled, this, &FindReplaceBar::updateMatches);
    connect(previous, &QPushButton::clicked, this, &FindReplaceBar::findPrevious);
    connect(next, &QPushButton::clicked, this, &FindReplaceBar::findNext);
    connect(closeButton, &QToolButton::clicked, this, &FindReplaceBar::close);
    connect(m_replaceButton, &QPushButton::clicked, this, &FindReplaceBar::replaceCurrent);
    connect(m_replaceAllButton, &QPushButton::clicked, this, &FindReplaceBar::replaceAll);
    connect(m_editor->document(), &QTextDocument::contentsChanged, this, [this] {
        if (isVisible())
            updateMatches();
    });
    m_findEdit->installEventFilter(this);
    m_replaceEdit->installEventFilter(this);
    hide();
}

void FindReplaceBar::open(bool withReplace)
{
    const QString selected = m_editor->textCursor().selectedText();
    if (!selected.isEmpty() && !selected.contains(QChar::ParagraphSeparator))
        m_findEdit->setText(selected);
    m_replaceRow->setVisible(withReplace && !m_editor->isReadOnly());
    show();
    updateMatches();
    const bool focusReplace = withReplace && !m_findEdit->text().isEmpty() && m_replaceRow->isVisible();
    QLineEdit *target = focusReplace ? m_replaceEdit : m_findEdit;
    target->setFocus();
    target->selectAll();
}

void FindReplaceBar::close()
{
    hide();
    m_editor->setHighlights(CodeTextEdit::Layer::Search, {});
    m_editor->setFocus();
}

bool FindReplaceBar::findNext()
{
    return find(false);
}

bool FindReplaceBar::findPrevious()
{
    return find(true);
}

bool FindReplaceBar::find(bool backward)
{
    const QString needle = m_findEdit->text();
    if (needle.isEmpty())
        return false;
    QTextDocument::FindFlags flags;
    if (backward)
        flags |= QTextDocument::FindBackward;
    if (m_matchCase->isChecked())
        flags |= QTextDocument::FindCaseSensitively;
    if (m_editor->find(needle, flags)) {
        updateMatches();
        return true;
    }
    // Wrap around once; stay where we were when there is nothing to find.
    const QTextCursor original = m_editor->textCursor();
    QTextCursor cursor = original;
    cursor.movePosition(backward ? QTextCursor::End : QTextCursor::Start);
    m_editor->setTextCursor(cursor);
    const bool found = m_editor->find(needle, flags);
    if (!found)
        m_editor->setTextCursor(original);
    updateMatches();
    return found;
}

bool FindReplaceBar::selectionIsMatch() const
{
    const QTextCursor cursor = m_editor->textCursor();
    const Qt::CaseSensitivity sensitivity = m_matchCase->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive;
    return cursor.hasSelection() && !m_findEdit->text().isEmpty()
        && cursor.selectedText().compare(m_findEdit->text(), sensitivity) == 0;
}

void FindReplaceBar::replaceCurrent()
{
    if (m_editor->isReadOnly())
        return;
    if (selectionIsMatch())
        m_editor->textCursor().insertText(m_replaceEdit->text());
    findNext();
}

int FindReplaceBar::replaceAll()
{
    if (m_editor->isReadOnly())
        return 0;
    const auto found = matches();
    QTextCursor cursor(m_editor->document());
    cursor.beginEditBlock();
    // Back to front, so earlier positions stay valid.
    for (auto it = found.crbegin(); it != found.crend(); ++it) {
        cursor.setPosition(it->first);
        cursor.setPosition(it->first + it->second, QTextCursor::KeepAnchor);
        cursor.insertText(m_replaceEdit->text());
    }
    cursor.endEditBlock();
    updateMatches();
    return int(found.size());
}

QList<std::pair<int, int>> FindReplaceBar::matches() const
{
    QList<std::pair<int, int>> found;
    const QString needle = m_findEdit->text();
    if (needle.isEmpty())
        return found;
    QTextDocument::FindFlags flags;
    if (m_matchCase->isChecked())
        flags |= QTextDocument::FindCaseSensitively;
    QTextCursor cursor(m_editor->document());
    while (true) {
        cursor = m_editor->document()->find(needle, cursor, flags);
        if (cursor.isNull())
            break;
        found.append({cursor.selectionStart(), cursor.selectionEnd() - cursor.selectionStart()});
    }
    return found;
}

void FindReplaceBar::updateMatches()
{
    const auto found = matches();
    QList<QTextEdit::ExtraSelection> highlights;
    const int selectionStart = m_editor->textCursor().selectionStart();
    int current = 0;
    for (qsizetype i = 0; i < found.size(); ++i) {
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(m_editor->document());
        selection.cursor.setPosition(found[i].first);
        selection.cursor.setPosition(found[i].first + found[i].second, QTextCursor::KeepAnchor);
        const bool selected = found[i].first == selectionStart && selectionIsMatch();
        selection.format.setBackground(
            selected ? m_editor->theme().searchMatchSelected : m_editor->theme().searchMatch);
        highlights.append(selection);
        if (selected)
            current = int(i) + 1;
    }
    m_editor->setHighlights(CodeTextEdit::Layer::Search, highlights);
    if (m_findEdit->text().isEmpty())
        m_countLabel->clear();
    else if (found.isEmpty())
        m_countLabel->setText(tr("No matches"));
    else if (current > 0)
        m_countLabel->setText(tr("%1 of %2").arg(current).arg(found.size()));
    else
        m_countLabel->setText(tr("%n match(es)", nullptr, int(found.size())));
    const bool editable = !m_editor->isReadOnly() && !found.isEmpty();
    m_replaceButton->setEnabled(editable);
    m_replaceAllButton->setEnabled(editable);
}

bool FindReplaceBar::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape) {
            close();
            return true;
        }
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (watched == m_replaceEdit)
                replaceCurrent();
            else
                find(key->modifiers() & Qt::ShiftModifier);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace rune::views
