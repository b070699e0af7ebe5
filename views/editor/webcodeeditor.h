// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "editor/codeeditor.h"

class QWebEngineView;

namespace rune::views
{

class WebEditorBridge;

/**
 * The CodeMirror 6 editor (qrc:/editor/editor.html) in a QWebEngineView, driven over a
 * QWebChannel. Nothing here waits for the page: calls made before it has loaded are part of
 * the state it reads when it starts, later ones reach it as signals.
 */
class WebCodeEditor final : public CodeEditor
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebCodeEditor)

public:
    explicit WebCodeEditor(QWidget *parent = nullptr);
    ~WebCodeEditor() override;

    void setText(const QString &text) override;
    QString text() const override;
    bool isModified() const override;
    void setModified(bool modified) override;
    void goToLine(int line) override;

    /** Whether the page has loaded and shows the document. */
    bool isReady() const;
    QWebEngineView *view() const;

Q_SIGNALS:
    /** The page has loaded and shows the document. */
    void ready();

protected:
    void applyLanguage(CodeLanguage language) override;
    void applyReadOnly(bool readOnly) override;
    void applyTheme(const CodeTheme &theme) override;
    bool event(QEvent *event) override;

private:
    WebEditorBridge *m_bridge;
    QWebEngineView *m_view;
};

} // namespace rune::views
