// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Functions pane on real agents for GUI tests: a window holding the pane over a
// FunctionFixture, and ways to type into whichever code editor the build has.

#include "../common/functionfixture.h"
#include "agent/functionagents.h"
#include "editor/codeeditor.h"
#include "editor/codetextedit.h"
#include "editor/nativecodeeditor.h"
#include "editortesthelpers.h"
#include "functions/functionspane.h"
#include "shell/functionservices.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QVBoxLayout>

#ifdef RUNE_WEB_EDITOR
#include "editor/webcodeeditor.h"
#endif

namespace rune::test
{

inline FunctionServices servicesOf(FunctionFixture &fx)
{
    return FunctionServices {fx.workspace->catalog(),
        fx.workspace.get(),
        fx.releases.get(),
        fx.invoker.get(),
        &fx.agents,
        &fx.nodes,
        functionTemplates(),
        &fx.metrics,
        fx.benchmarks.get(),
        QStringLiteral(RUNE_SOURCE_DIR "/resources/pricing"),
        fx.dir.filePath(QStringLiteral("pricing"))};
}

/** Whether the editor shows its document (the web editor's page has loaded). */
inline bool editorReady(views::CodeEditor *editor)
{
#ifdef RUNE_WEB_EDITOR
    if (auto *web = qobject_cast<views::WebCodeEditor *>(editor))
        return web->isReady();
#endif
    return editor != nullptr;
}

/** Replaces the whole document as a user would: through the page (CodeMirror) or the text edit. */
inline void replaceCode(views::CodeEditor *editor, const QString &text)
{
#ifdef RUNE_WEB_EDITOR
    if (auto *web = qobject_cast<views::WebCodeEditor *>(editor)) {
        const QString literal =
            QString::fromUtf8(QJsonDocument(QJsonArray {text}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
        evaluate(web->view(),
            QStringLiteral("runeEditor.view.dispatch({changes: {from: 0, to: runeEditor.view.state.doc.length, "
                           "insert: %1}})")
                .arg(literal));
        return;
    }
#endif
    auto *native = qobject_cast<views::NativeCodeEditor *>(editor);
    native->textEdit()->selectAll();
    native->textEdit()->insertPlainText(text);
}

/** Ctrl+S with the keyboard focus in the editor. */
inline void pressSave(views::CodeEditor *editor)
{
#ifdef RUNE_WEB_EDITOR
    if (auto *web = qobject_cast<views::WebCodeEditor *>(editor)) {
        web->setFocus();
        evaluate(web->view(), QStringLiteral("runeEditor.view.focus()"));
        QTest::keyClick(web->view()->focusProxy(), Qt::Key_S, Qt::ControlModifier);
        return;
    }
#endif
    auto *native = qobject_cast<views::NativeCodeEditor *>(editor);
    QTest::keyClick(native->textEdit(), Qt::Key_S, Qt::ControlModifier);
}

/** A window with the Functions pane, as the console shows it. */
struct PaneWindow {
    QWidget widget;
    views::FunctionsPane *pane;

    explicit PaneWindow(FunctionFixture &fx)
        : pane(new views::FunctionsPane(servicesOf(fx), &widget))
    {
        auto *layout = new QVBoxLayout(&widget);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(pane);
        widget.resize(1280, 820);
        widget.show();
    }

    /** Saves a picture of the window once @p accept likes it (default: any). */
    bool screenshot(const QString &name, int timeoutMs = 5000)
    {
        const QImage shot = grabWhen(
            &widget,
            [](const QImage &image) {
                return !image.isNull();
            },
            timeoutMs);
        return !shot.isNull() && shot.save(screenshotPath(name));
    }
};

} // namespace rune::test
