// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"

#include <QTest>

#ifdef RUNE_WEB_EDITOR

#include "editor/codetheme.h"
#include "editor/webcodeeditor.h"
#include "editortesthelpers.h"

#include <QShortcut>
#include <QSignalSpy>
#include <QVBoxLayout>
#include <QWebEngineView>

using namespace Qt::StringLiterals;
using namespace rune::views;
using rune::test::evaluate;

namespace
{

/** A window holding the editor, with a Ctrl+S and a Ctrl+F of its own as the console's has. */
struct WebEditorWindow {
    QWidget widget;
    WebCodeEditor *editor = new WebCodeEditor(&widget);
    QShortcut *windowSave = new QShortcut(QKeySequence::Save, &widget);
    QShortcut *windowFind = new QShortcut(QKeySequence::Find, &widget);

    WebEditorWindow()
    {
        auto *layout = new QVBoxLayout(&widget);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(editor);
        widget.resize(720, 300);
    }

    /** Shows the window and waits for the page; false if it never came up. */
    bool showAndWait()
    {
        widget.show();
        widget.activateWindow();
        if (!QTest::qWaitForWindowExposed(&widget))
            return false;
        return rune::test::waitUntil(
            [this] {
                return editor->isReady();
            },
            20000);
    }

    QVariant js(const QString &script)
    {
        return evaluate(editor->view(), script);
    }

    QString pageText()
    {
        return js(u"runeEditor.view.state.doc.toString()"_s).toString();
    }

    int cursorLine()
    {
        return js(u"runeEditor.view.state.doc.lineAt(runeEditor.view.state.selection.main.head).number"_s).toInt();
    }

    /** goToLine(), and back once the page has moved the cursor, so keys typed next land there. */
    bool goToLine(int line)
    {
        editor->goToLine(line);
        return rune::test::waitUntil([this, line] {
            return cursorLine() == line;
        });
    }

    /** Gives CodeMirror the keyboard focus, as a click into it would. */
    void focusEditor()
    {
        editor->setFocus();
        js(u"runeEditor.view.focus()"_s);
    }

    QWidget *keyTarget() const
    {
        return editor->view()->focusProxy();
    }
};

/** "rgb(r, g, b)" as getComputedStyle() reports a colour. */
QString cssRgb(const QColor &colour)
{
    return u"rgb(%1, %2, %3)"_s.arg(colour.red()).arg(colour.green()).arg(colour.blue());
}

/**
 * Text and colour of every highlighted token of the visible lines, "def=rgb(...)". Syntax
 * highlighting marks tokens with generated classes; "cm-..." spans are bracket and search marks.
 */
QStringList renderedTokens(WebEditorWindow &window)
{
    return window
        .js(u"Array.from(document.querySelectorAll('.cm-line span'))"
            u".filter(s => s.className && !s.className.startsWith('cm-'))"
            u".map(s => s.textContent + '=' + getComputedStyle(s).color)"_s)
        .toStringList();
}

} // namespace

class TestWebCodeEditor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textSetBeforeLoadShowsOnceReady();
    void changesInThePageReachTextAndModified();
    void typingReachesTextAndUndoClearsModified();
    void staleReportsAfterSetTextAreDropped();
    void ctrlSRequestsSaveBeforeWindowShortcuts();
    void searchPanelOpensWithCtrlFAndCtrlH();
    void readOnlyRefusesTyping();
    void highlightsPythonTokens();
    void switchingLanguageRehighlights();
    void goToLineMovesTheCursor();
    void themeFollowsThePalette();
    void screenshots();
};

void TestWebCodeEditor::textSetBeforeLoadShowsOnceReady()
{
    WebEditorWindow window;
    QSignalSpy ready(window.editor, &WebCodeEditor::ready);
    window.editor->setLanguage(CodeLanguage::Python);
    window.editor->setText(rune::test::greeterSource());
    QCOMPARE(window.editor->text(), rune::test::greeterSource()); // answered at once, the page is not up yet
    QVERIFY(!window.editor->isReady());
    QVERIFY(window.showAndWait());
    QCOMPARE(ready.size(), 1);
    QCOMPARE(window.pageText(), rune::test::greeterSource());
    QVERIFY(!window.editor->isModified());
    QCOMPARE(window.js(u"document.querySelectorAll('.cm-gutterElement').length > 5"_s).toBool(), true);
}

void TestWebCodeEditor::changesInThePageReachTextAndModified()
{
    WebEditorWindow window;
    window.editor->setText(u"x = 1\n"_s);
    QVERIFY(window.showAndWait());
    QSignalSpy changed(window.editor, &CodeEditor::textChanged);
    QSignalSpy modified(window.editor, &CodeEditor::modifiedChanged);
    window.js(u"runeEditor.view.dispatch({changes: {from: 0, insert: '# edited\\n'}})"_s);
    RUNE_TRY_COMPARE(window.editor->text(), u"# edited\nx = 1\n"_s);
    QCOMPARE(changed.size(), 1);
    QVERIFY(window.editor->isModified());
    QCOMPARE(modified.size(), 1);

    window.editor->setModified(false); // saved
    QVERIFY(!window.editor->isModified());
    window.js(u"runeEditor.view.dispatch({changes: {from: 0, insert: '!'}})"_s);
    RUNE_TRY_VERIFY(window.editor->isModified());
    QCOMPARE(window.editor->text(), u"!# edited\nx = 1\n"_s);
}

void TestWebCodeEditor::typingReachesTextAndUndoClearsModified()
{
    WebEditorWindow window;
    window.editor->setText(u"x = 1\n"_s);
    QVERIFY(window.showAndWait());
    QVERIFY(window.goToLine(2));
    window.focusEditor();
    QSignalSpy changed(window.editor, &CodeEditor::textChanged);
    QTest::keyClicks(window.keyTarget(), u"y = 2"_s);
    RUNE_TRY_COMPARE(window.editor->text(), u"x = 1\ny = 2"_s);
    QVERIFY(changed.size() >= 1);
    QVERIFY(window.editor->isModified());
    QTest::keyClick(window.keyTarget(), Qt::Key_Z, Qt::ControlModifier);
    RUNE_TRY_COMPARE(window.editor->text(), u"x = 1\n"_s);
    RUNE_TRY_VERIFY(!window.editor->isModified());
}

void TestWebCodeEditor::staleReportsAfterSetTextAreDropped()
{
    WebEditorWindow window;
    window.editor->setText(u"first"_s);
    QVERIFY(window.showAndWait());
    // The page edited the old document (generation 1, from the first setText) and the console
    // replaced it (generation 2) before that report arrived: it must not bring the old text
    // back. The save request after it comes over the same channel, so once it is here the
    // stale report has been handled.
    window.editor->setText(u"second"_s);
    RUNE_TRY_COMPARE(window.pageText(), u"second"_s);
    QSignalSpy save(window.editor, &CodeEditor::saveRequested);
    window.js(u"runeEditor.bridge.reportChange('old first', 1, true); runeEditor.bridge.requestSave()"_s);
    QVERIFY(rune::test::waitUntil([&] {
        return save.size() == 1;
    }));
    QCOMPARE(window.editor->text(), u"second"_s);
    QVERIFY(!window.editor->isModified());
    // A report of the current generation is taken.
    window.js(u"runeEditor.bridge.reportChange('second!', 2, true); runeEditor.bridge.requestSave()"_s);
    QVERIFY(rune::test::waitUntil([&] {
        return save.size() == 2;
    }));
    QCOMPARE(window.editor->text(), u"second!"_s);
    QVERIFY(window.editor->isModified());
}

void TestWebCodeEditor::ctrlSRequestsSaveBeforeWindowShortcuts()
{
    WebEditorWindow window;
    window.editor->setText(u"x = 1\n"_s);
    QVERIFY(window.showAndWait());
    window.focusEditor();
    QSignalSpy save(window.editor, &CodeEditor::saveRequested);
    QSignalSpy windowSave(window.windowSave, &QShortcut::activated);
    QTest::keyClick(window.keyTarget(), Qt::Key_S, Qt::ControlModifier);
    RUNE_TRY_COMPARE(save.size(), 1);
    QCOMPARE(windowSave.size(), 0);
}

void TestWebCodeEditor::searchPanelOpensWithCtrlFAndCtrlH()
{
    WebEditorWindow window;
    window.editor->setText(u"name = 1\nprint(name)\n"_s);
    QVERIFY(window.showAndWait());
    window.focusEditor();
    QSignalSpy windowFind(window.windowFind, &QShortcut::activated);
    QTest::keyClick(window.keyTarget(), Qt::Key_F, Qt::ControlModifier);
    RUNE_TRY_VERIFY(window.js(u"document.querySelector('.cm-search') !== null"_s).toBool());
    QCOMPARE(windowFind.size(), 0);
    // CodeMirror's panel has the replace field too; Ctrl+H opens the same panel.
    QVERIFY(window.js(u"document.querySelector('.cm-search [name=replace]') !== null"_s).toBool());
    QTest::keyClick(window.keyTarget(), Qt::Key_Escape);
    RUNE_TRY_VERIFY(window.js(u"document.querySelector('.cm-search') === null"_s).toBool());
    window.focusEditor();
    QTest::keyClick(window.keyTarget(), Qt::Key_H, Qt::ControlModifier);
    RUNE_TRY_VERIFY(window.js(u"document.querySelector('.cm-search') !== null"_s).toBool());
}

void TestWebCodeEditor::readOnlyRefusesTyping()
{
    WebEditorWindow window;
    window.editor->setText(u"fixed"_s);
    window.editor->setReadOnly(true);
    QVERIFY(window.showAndWait());
    window.focusEditor();
    // Count key presses the page has seen, to know when the typing below is over.
    window.js(u"window.keysSeen = 0; document.addEventListener('keydown', () => ++window.keysSeen, true)"_s);
    QSignalSpy save(window.editor, &CodeEditor::saveRequested);
    QTest::keyClicks(window.keyTarget(), u"abc"_s);
    QTest::keyClick(window.keyTarget(), Qt::Key_S, Qt::ControlModifier);
    RUNE_TRY_COMPARE(window.js(u"window.keysSeen"_s).toInt(), 5); // a, b, c, Control, S
    QCOMPARE(window.pageText(), u"fixed"_s);
    QCOMPARE(window.editor->text(), u"fixed"_s);
    QCOMPARE(save.size(), 0);

    window.editor->setReadOnly(false);
    RUNE_TRY_COMPARE(window.js(u"runeEditor.view.state.readOnly"_s).toBool(), false);
    QTest::keyClicks(window.keyTarget(), u"!"_s);
    RUNE_TRY_VERIFY(window.editor->text().contains(u'!'));
    QVERIFY(window.editor->isModified());
}

void TestWebCodeEditor::highlightsPythonTokens()
{
    WebEditorWindow window;
    window.editor->setLanguage(CodeLanguage::Python);
    window.editor->setText(rune::test::greeterSource());
    QVERIFY(window.showAndWait());
    const CodeTheme theme = CodeTheme::fromPalette(window.editor->palette());
    QStringList tokens;
    RUNE_TRY_VERIFY((tokens = renderedTokens(window)).size() > 5);
    QVERIFY2(tokens.contains(u"def="_s + cssRgb(theme.tokenColor(CodeToken::Keyword))), qPrintable(tokens.join(u' ')));
    QVERIFY2(
        tokens.contains(u"return="_s + cssRgb(theme.tokenColor(CodeToken::Keyword))), qPrintable(tokens.join(u' ')));
    QVERIFY2(tokens.contains(u"# greet whoever asks="_s + cssRgb(theme.tokenColor(CodeToken::Comment))),
        qPrintable(tokens.join(u' ')));
    QVERIFY2(
        tokens.contains(u"\"world\"="_s + cssRgb(theme.tokenColor(CodeToken::String))), qPrintable(tokens.join(u' ')));
    QVERIFY2(tokens.contains(u"42="_s + cssRgb(theme.tokenColor(CodeToken::Number))), qPrintable(tokens.join(u' ')));
    QVERIFY2(
        tokens.contains(u"handle="_s + cssRgb(theme.tokenColor(CodeToken::Function))), qPrintable(tokens.join(u' ')));

    // And on screen: keyword-coloured pixels exist next to plain-text ones.
    const QColor keyword = theme.tokenColor(CodeToken::Keyword);
    const QImage shot = rune::test::grabWhen(window.editor, [&](const QImage &image) {
        return rune::test::pixelsNear(image, keyword) > 20;
    });
    QVERIFY(!shot.isNull());
    QVERIFY(rune::test::pixelsNear(shot, theme.foreground) > 20);
}

void TestWebCodeEditor::switchingLanguageRehighlights()
{
    WebEditorWindow window;
    window.editor->setText(u"{\"name\": \"rune\", \"replicas\": 3, \"public\": true}\n"_s);
    QVERIFY(window.showAndWait());
    const CodeTheme theme = CodeTheme::fromPalette(window.editor->palette());
    QVERIFY(renderedTokens(window).isEmpty()); // plain text: nothing to colour
    window.editor->setLanguageForFile(u"function.json"_s);
    QCOMPARE(window.editor->language(), CodeLanguage::Json);
    QStringList tokens;
    RUNE_TRY_VERIFY((tokens = renderedTokens(window)).contains(u"3="_s + cssRgb(theme.tokenColor(CodeToken::Number))));
    QVERIFY2(
        tokens.contains(u"\"name\"="_s + cssRgb(theme.tokenColor(CodeToken::Property))), qPrintable(tokens.join(u' ')));
    QVERIFY2(tokens.contains(u"true="_s + cssRgb(theme.tokenColor(CodeToken::Atom))), qPrintable(tokens.join(u' ')));

    window.editor->setLanguage(CodeLanguage::Shell);
    window.editor->setText(u"#!/bin/sh\nfor f in *.txt; do echo \"$f\"; done\n"_s);
    RUNE_TRY_VERIFY(renderedTokens(window).contains(u"for="_s + cssRgb(theme.tokenColor(CodeToken::Keyword))));
    window.editor->setLanguage(CodeLanguage::Plain);
    RUNE_TRY_VERIFY(renderedTokens(window).isEmpty());
}

void TestWebCodeEditor::goToLineMovesTheCursor()
{
    WebEditorWindow window;
    window.editor->setText(rune::test::greeterSource());
    QVERIFY(window.showAndWait());
    window.editor->goToLine(4);
    RUNE_TRY_COMPARE(window.cursorLine(), 4);
    window.editor->goToLine(999); // past the end: the last line
    RUNE_TRY_COMPARE(window.cursorLine(), 8);
}

void TestWebCodeEditor::themeFollowsThePalette()
{
    WebEditorWindow window;
    window.editor->setLanguage(CodeLanguage::Python);
    window.editor->setText(rune::test::greeterSource());
    QVERIFY(window.showAndWait());
    const QString background = u"getComputedStyle(document.querySelector('.cm-editor')).backgroundColor"_s;
    QCOMPARE(window.js(background).toString(), cssRgb(window.editor->palette().color(QPalette::Base)));
    window.widget.setPalette(rune::test::darkPalette());
    RUNE_TRY_COMPARE(window.js(background).toString(), u"rgb(30, 31, 34)"_s);
    const CodeTheme dark = CodeTheme::fromPalette(rune::test::darkPalette());
    RUNE_TRY_VERIFY(renderedTokens(window).contains(u"def="_s + cssRgb(dark.tokenColor(CodeToken::Keyword))));
}

void TestWebCodeEditor::screenshots()
{
    for (const bool dark : {false, true}) {
        WebEditorWindow window;
        if (dark)
            window.widget.setPalette(rune::test::darkPalette());
        window.editor->setLanguage(CodeLanguage::Python);
        window.editor->setText(rune::test::greeterSource());
        QVERIFY(window.showAndWait());
        QVERIFY(window.goToLine(6));
        window.focusEditor();
        QTest::keyClick(window.keyTarget(), Qt::Key_End);
        QTest::keyClick(window.keyTarget(), Qt::Key_Left); // before the last ")": brackets light up
        const CodeTheme theme = CodeTheme::fromPalette(window.widget.palette());
        const QImage shot = rune::test::grabWhen(&window.widget, [&](const QImage &image) {
            return rune::test::pixelsNear(image, theme.tokenColor(CodeToken::Keyword)) > 20
                && rune::test::pixelsNear(image, theme.matchingBracket, 6) > 20;
        });
        QVERIFY(!shot.isNull());
        QVERIFY(shot.save(rune::test::screenshotPath(dark ? u"editor-web-dark.png"_s : u"editor-web-python.png"_s)));
    }
}

RUNE_TEST_MAIN(TestWebCodeEditor)

#else

/** Built without node/npm: there is no web editor to test. */
class TestWebCodeEditor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void skipped()
    {
        QSKIP("built without the CodeMirror editor (RUNE_WEB_EDITOR off or node/npm missing)");
    }
};

RUNE_TEST_GUILESS_MAIN(TestWebCodeEditor)

#endif

#include "tst_webcodeeditor.moc"
