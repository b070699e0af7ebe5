// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "editor/diffview.h"

class QWebEngineView;

namespace rune::views
{

class WebDiffBridge;

/** CodeMirror's merge view (qrc:/editor/diff.html) in a QWebEngineView; see DiffView. */
class WebDiffView final : public DiffView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebDiffView)

public:
    explicit WebDiffView(QWidget *parent = nullptr);
    ~WebDiffView() override;

    void setTexts(const QString &oldText, const QString &newText) override;
    void setLanguage(CodeLanguage language) override;

    QWebEngineView *view() const;

protected:
    void applyTheme(const CodeTheme &theme) override;

private:
    WebDiffBridge *m_bridge;
    QWebEngineView *m_view;
};

} // namespace rune::views
