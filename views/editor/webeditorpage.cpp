// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/webeditorpage.h"

#include <QLoggingCategory>
#include <QWebChannel>
#include <QWebEngineView>

using namespace Qt::StringLiterals;

namespace rune::views
{

Q_LOGGING_CATEGORY(lcEditorPage, "rune.editor.page")

WebEditorPage::WebEditorPage(const QUrl &url, QObject *bridge, QObject *parent)
    : QWebEnginePage(parent)
    , m_url(url)
    , m_channel(new QWebChannel(this))
{
    m_channel->registerObject(u"bridge"_s, bridge);
    setWebChannel(m_channel);
}

QWebEngineView *WebEditorPage::makeView(const QUrl &url, QObject *bridge, QWidget *parent)
{
    auto *view = new QWebEngineView(parent);
    auto *page = new WebEditorPage(url, bridge, view);
    view->setPage(page);
    // Files dropped on the editor are for the window (deploy), not for the browser to open.
    view->setAcceptDrops(false);
    page->setBackgroundColor(parent ? parent->palette().color(QPalette::Base) : QColor(Qt::white));
    page->load(url);
    return view;
}

bool WebEditorPage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    Q_UNUSED(type)
    if (!isMainFrame || url == m_url)
        return true;
    qCInfo(lcEditorPage) << "refused navigation away from the editor to" << url;
    return false;
}

void WebEditorPage::javaScriptConsoleMessage(
    JavaScriptConsoleMessageLevel level, const QString &message, int lineNumber, const QString &sourceId)
{
    const QString where = sourceId + u':' + QString::number(lineNumber);
    if (level == ErrorMessageLevel)
        qCWarning(lcEditorPage).noquote() << where << message;
    else if (level == WarningMessageLevel)
        qCInfo(lcEditorPage).noquote() << where << message;
    else
        qCDebug(lcEditorPage).noquote() << where << message;
}

} // namespace rune::views
