// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/nativecodeeditor.h"

#include "editor/codetextedit.h"
#include "editor/findreplacebar.h"
#include "editor/syntaxhighlighter.h"

#include <QKeyEvent>
#include <QTextBlock>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

enum class EditorKey { None, Save, Find, Replace, FindNext, FindPrevious };

EditorKey editorKeyOf(const QKeyEvent *key)
{
    if (key->matches(QKeySequence::Save))
        return EditorKey::Save;
    if (key->matches(QKeySequence::Find))
        return EditorKey::Find;
    if (key->modifiers() == Qt::ControlModifier && key->key() == Qt::Key_H)
        return EditorKey::Replace;
    if (key->matches(QKeySequence::FindNext))
        return EditorKey::FindNext;
    if (key->matches(QKeySequence::FindPrevious))
        return EditorKey::FindPrevious;
    return EditorKey::None;
}

} // namespace

NativeCodeEditor::NativeCodeEditor(QWidget *parent)
    : CodeEditor(parent)
    , m_edit(new CodeTextEdit(this))
    , m_highlighter(new SyntaxHighlighter(m_edit->document()))
    , m_findBar(new FindReplaceBar(m_edit, this))
{
    m_edit->setObjectName(u"codeTextEdit"_s);
    m_findBar->setObjectName(u"findReplaceBar"_s);
    setFocusProxy(m_edit);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_findBar);

    connect(m_edit, &QPlainTextEdit::textChanged, this, &CodeEditor::textChanged);
    connect(m_edit->document(), &QTextDocument::modificationChanged, this, &CodeEditor::modifiedChanged);
    // The bar's fields get the same keys, so Ctrl+H there opens the replace row, and so on.
    for (QObject *watched : std::initializer_list<QObject *> {m_edit, m_findBar})
        watched->installEventFilter(this);
    for (QWidget *child : m_findBar->findChildren<QWidget *>())
        child->installEventFilter(this);
    applyInitialTheme();
}

NativeCodeEditor::~NativeCodeEditor() = default;

void NativeCodeEditor::setText(const QString &text)
{
    m_edit->setPlainText(text);
    m_edit->document()->setModified(false);
}

QString NativeCodeEditor::text() const
{
    return m_edit->toPlainText();
}

bool NativeCodeEditor::isModified() const
{
    return m_edit->document()->isModified();
}

void NativeCodeEditor::setModified(bool modified)
{
    m_edit->document()->setModified(modified);
}

void NativeCodeEditor::goToLine(int line)
{
    const QTextBlock block = m_edit->document()->findBlockByNumber(std::clamp(line, 1, m_edit->blockCount()) - 1);
    QTextCursor cursor(block);
    m_edit->setTextCursor(cursor);
    m_edit->centerCursor();
    m_edit->setFocus();
}

CodeTextEdit *NativeCodeEditor::textEdit() const
{
    return m_edit;
}

FindReplaceBar *NativeCodeEditor::findReplaceBar() const
{
    return m_findBar;
}

void NativeCodeEditor::applyLanguage(CodeLanguage language)
{
    m_highlighter->setLanguage(language);
}

void NativeCodeEditor::applyReadOnly(bool readOnly)
{
    m_edit->setReadOnly(readOnly);
    // Keep the cursor and keyboard selection in a read-only text: it is still read and searched.
    m_edit->setTextInteractionFlags(m_edit->textInteractionFlags() | Qt::TextSelectableByKeyboard);
}

void NativeCodeEditor::applyTheme(const CodeTheme &theme)
{
    m_edit->setTheme(theme);
    m_highlighter->setTheme(theme);
}

bool NativeCodeEditor::eventFilter(QObject *watched, QEvent *event)
{
    const bool isShortcut = event->type() == QEvent::ShortcutOverride;
    if (isShortcut || event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (editorKeyOf(key) != EditorKey::None) {
            // Claim the key before a window shortcut bound to it (Ctrl+F filters the node
            // list) sees it; the key press that follows does the work.
            event->accept();
            return isShortcut || handleEditorKey(key);
        }
    }
    return CodeEditor::eventFilter(watched, event);
}

bool NativeCodeEditor::handleEditorKey(const QKeyEvent *key)
{
    switch (editorKeyOf(key)) {
    case EditorKey::Save:
        if (!isReadOnly())
            Q_EMIT saveRequested();
        return true;
    case EditorKey::Find:
        m_findBar->open(false);
        return true;
    case EditorKey::Replace:
        m_findBar->open(true);
        return true;
    case EditorKey::FindNext:
        m_findBar->findNext();
        return true;
    case EditorKey::FindPrevious:
        m_findBar->findPrevious();
        return true;
    case EditorKey::None:
        break;
    }
    return false;
}

} // namespace rune::views
