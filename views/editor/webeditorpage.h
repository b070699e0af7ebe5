// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QUrl>
#include <QWebEnginePage>

class QWebChannel;
class QWebEngineView;

namespace rune::views
{

/**
 * The page of the web editor and the web diff view: it stays on its own qrc page (a link or
 * a dropped file never navigates away from the editor), publishes @p bridge as "bridge", and
 * passes the page's console warnings and errors to the log.
 */
class WebEditorPage final : public QWebEnginePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebEditorPage)

public:
    WebEditorPage(const QUrl &url, QObject *bridge, QObject *parent);

    /** A web view showing @p url: drops go to the window (they deploy), not to the browser. */
    static QWebEngineView *makeView(const QUrl &url, QObject *bridge, QWidget *parent);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;
    void javaScriptConsoleMessage(
        JavaScriptConsoleMessageLevel level, const QString &message, int lineNumber, const QString &sourceId) override;

private:
    QUrl m_url;
    QWebChannel *m_channel;
};

} // namespace rune::views
