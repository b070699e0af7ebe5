// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/webcodeeditor.h"

#include "editor/codetheme.h"
#include "editor/webeditorbridge.h"
#include "editor/webeditorpage.h"

#include <QKeyEvent>
#include <QVBoxLayout>
#include <QWebEngineView>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

/**
 * Keys the editor page handles itself. The window may bind the same keys (Ctrl+F filters the
 * node list): while the editor has focus, these go to the editor.
 */
bool isEditorKey(const QKeyEvent *key)
{
    if (key->modifiers() != Qt::ControlModifier && key->modifiers() != (Qt::ControlModifier | Qt::ShiftModifier))
        return false;
    switch (key->key()) {
    case Qt::Key_S:
    case Qt::Key_F:
    case Qt::Key_H:
    case Qt::Key_G:
    case Qt::Key_Z:
    case Qt::Key_Y:
        return true;
    default:
        return false;
    }
}

} // namespace

WebCodeEditor::WebCodeEditor(QWidget *parent)
    : CodeEditor(parent)
    , m_bridge(new WebEditorBridge(this))
    , m_view(WebEditorPage::makeView(QUrl(u"qrc:/editor/editor.html"_s), m_bridge, this))
{
    m_view->setObjectName(u"codeEditorView"_s);
    setFocusProxy(m_view);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    connect(m_bridge, &WebEditorBridge::pageReady, this, &WebCodeEditor::ready);
    connect(m_bridge, &WebEditorBridge::textEdited, this, &CodeEditor::textChanged);
    connect(m_bridge, &WebEditorBridge::modifiedChanged, this, &CodeEditor::modifiedChanged);
    connect(m_bridge, &WebEditorBridge::saveRequested, this, &CodeEditor::saveRequested);
    applyInitialTheme();
}

WebCodeEditor::~WebCodeEditor() = default;

void WebCodeEditor::setText(const QString &text)
{
    const bool changed = text != m_bridge->text();
    m_bridge->resetText(text);
    if (changed)
        Q_EMIT textChanged();
}

QString WebCodeEditor::text() const
{
    return m_bridge->text();
}

bool WebCodeEditor::isModified() const
{
    return m_bridge->isModified();
}

void WebCodeEditor::setModified(bool modified)
{
    m_bridge->setModified(modified);
}

void WebCodeEditor::goToLine(int line)
{
    m_view->setFocus();
    m_bridge->goToLine(line);
}

bool WebCodeEditor::isReady() const
{
    return m_bridge->isReady();
}

QWebEngineView *WebCodeEditor::view() const
{
    return m_view;
}

void WebCodeEditor::applyLanguage(CodeLanguage language)
{
    m_bridge->setLanguage(codeLanguageName(language));
}

void WebCodeEditor::applyReadOnly(bool readOnly)
{
    m_bridge->setReadOnly(readOnly);
}

void WebCodeEditor::applyTheme(const CodeTheme &theme)
{
    m_view->page()->setBackgroundColor(theme.background);
    m_bridge->setTheme(theme.toVariantMap());
}

bool WebCodeEditor::event(QEvent *event)
{
    // Key events the web view leaves unaccepted come up here: claim the editor's own keys
    // before a window shortcut does, so they reach the page as key presses.
    if (event->type() == QEvent::ShortcutOverride && isEditorKey(static_cast<QKeyEvent *>(event))) {
        event->accept();
        return true;
    }
    return CodeEditor::event(event);
}

} // namespace rune::views
