// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/webdiffview.h"

#include "editor/codetheme.h"
#include "editor/webdiffbridge.h"
#include "editor/webeditorpage.h"

#include <QWebEngineView>

using namespace Qt::StringLiterals;

namespace rune::views
{

WebDiffView::WebDiffView(QWidget *parent)
    : DiffView(parent)
    , m_bridge(new WebDiffBridge(this))
    , m_view(WebEditorPage::makeView(QUrl(u"qrc:/editor/diff.html"_s), m_bridge, this))
{
    m_view->setObjectName(u"diffView"_s);
    setFocusProxy(m_view);
    setContent(m_view);
    connect(m_bridge, &WebDiffBridge::rendered, this, &DiffView::shown);
    applyInitialTheme();
}

WebDiffView::~WebDiffView() = default;

void WebDiffView::setTexts(const QString &oldText, const QString &newText)
{
    m_bridge->setTexts(oldText, newText);
}

void WebDiffView::setLanguage(CodeLanguage language)
{
    m_bridge->setLanguage(codeLanguageName(language));
}

QWebEngineView *WebDiffView::view() const
{
    return m_view;
}

void WebDiffView::applyTheme(const CodeTheme &theme)
{
    m_view->page()->setBackgroundColor(theme.background);
    m_bridge->setTheme(theme.toVariantMap());
}

} // namespace rune::views
