// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/codeeditor.h"

#include "editor/codetheme.h"
#include "editor/nativecodeeditor.h"

#include <QEvent>

#ifdef RUNE_WEB_EDITOR
#include "editor/webcodeeditor.h"
#endif

namespace rune::views
{

CodeEditor::CodeEditor(QWidget *parent)
    : QWidget(parent)
{
}

CodeEditor::~CodeEditor() = default;

void CodeEditor::setLanguage(CodeLanguage language)
{
    if (language == m_language)
        return;
    m_language = language;
    applyLanguage(language);
}

CodeLanguage CodeEditor::language() const
{
    return m_language;
}

void CodeEditor::setLanguageForFile(const QString &fileName)
{
    setLanguage(codeLanguageForFile(fileName, text()));
}

void CodeEditor::setReadOnly(bool readOnly)
{
    if (readOnly == m_readOnly)
        return;
    m_readOnly = readOnly;
    applyReadOnly(readOnly);
}

bool CodeEditor::isReadOnly() const
{
    return m_readOnly;
}

void CodeEditor::applyInitialTheme()
{
    applyTheme(CodeTheme::fromPalette(palette()));
}

void CodeEditor::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyTheme(CodeTheme::fromPalette(palette()));
    QWidget::changeEvent(event);
}

CodeEditor *makeCodeEditor(QWidget *parent)
{
#ifdef RUNE_WEB_EDITOR
    return new WebCodeEditor(parent);
#else
    return new NativeCodeEditor(parent);
#endif
}

bool hasWebCodeEditor()
{
#ifdef RUNE_WEB_EDITOR
    return true;
#else
    return false;
#endif
}

} // namespace rune::views
