// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "editor/codetextedit.h"
#include "editor/codetheme.h"
#include "editor/findreplacebar.h"
#include "editor/nativecodeeditor.h"
#include "editortesthelpers.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QShortcut>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using namespace rune::views;

namespace
{

/** The colour the highlighter gave the first occurrence of @p word in @p line. */
QColor colourOf(const CodeTextEdit *edit, int line, const QString &word)
{
    const QTextBlock block = edit->document()->findBlockByNumber(line);
    const int column = int(block.text().indexOf(word));
    for (const QTextLayout::FormatRange &range : block.layout()->formats())
        if (range.start <= column && column < range.start + range.length)
            return range.format.foreground().color();
    return {};
}

/** A window holding the editor, with a Ctrl+S and a Ctrl+F of its own as the console's has. */
struct NativeEditorWindow {
    QWidget widget;
    NativeCodeEditor *editor = new NativeCodeEditor(&widget);
    QShortcut *windowSave = new QShortcut(QKeySequence::Save, &widget);
    QShortcut *windowFind = new QShortcut(QKeySequence::Find, &widget);

    NativeEditorWindow()
    {
        auto *layout = new QVBoxLayout(&widget);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(editor);
        widget.resize(720, 300);
    }

    bool show()
    {
        widget.show();
        widget.activateWindow();
        editor->setFocus();
        return QTest::qWaitForWindowExposed(&widget);
    }
};

} // namespace

class TestNativeCodeEditor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void typingChangesTextAndModified();
    void undoBackToSavedTextIsNotModified();
    void ctrlSRequestsSaveBeforeWindowShortcuts();
    void readOnlyRefusesTypingAndSaving();
    void languageFollowsFileName();
    void switchingLanguageRehighlights();
    void findAndReplace();
    void matchingBracketIsHighlighted();
    void goToLineMovesTheCursor();
    void themeFollowsThePalette();
    void screenshots();
};

void TestNativeCodeEditor::typingChangesTextAndModified()
{
    NativeEditorWindow window;
    QVERIFY(window.show());
    NativeCodeEditor *editor = window.editor;
    editor->setText(u"x = 1\n"_s);
    QCOMPARE(editor->text(), u"x = 1\n"_s);
    QVERIFY(!editor->isModified());

    QSignalSpy changed(editor, &CodeEditor::textChanged);
    QSignalSpy modified(editor, &CodeEditor::modifiedChanged);
    editor->goToLine(2);
    QTest::keyClicks(editor->textEdit(), u"y = 2"_s);
    QCOMPARE(editor->text(), u"x = 1\ny = 2"_s);
    QCOMPARE(changed.size(), 5);
    QCOMPARE(modified.size(), 1);
    QCOMPARE(modified.first().first().toBool(), true);
    QVERIFY(editor->isModified());

    editor->setModified(false); // saved
    QVERIFY(!editor->isModified());
    QCOMPARE(modified.last().first().toBool(), false);
}

void TestNativeCodeEditor::undoBackToSavedTextIsNotModified()
{
    NativeEditorWindow window;
    QVERIFY(window.show());
    window.editor->setText(u"a"_s);
    window.editor->goToLine(1);
    QTest::keyClicks(window.editor->textEdit(), u"b"_s);
    QVERIFY(window.editor->isModified());
    QTest::keySequence(window.editor->textEdit(), QKeySequence::Undo);
    QCOMPARE(window.editor->text(), u"a"_s);
    QVERIFY(!window.editor->isModified());
}

void TestNativeCodeEditor::ctrlSRequestsSaveBeforeWindowShortcuts()
{
    NativeEditorWindow window;
    QVERIFY(window.show());
    QSignalSpy save(window.editor, &CodeEditor::saveRequested);
    QSignalSpy windowSave(window.windowSave, &QShortcut::activated);
    QSignalSpy windowFind(window.windowFind, &QShortcut::activated);
    QTest::keySequence(window.editor->textEdit(), QKeySequence::Save);
    QCOMPARE(save.size(), 1);
    QCOMPARE(windowSave.size(), 0);
    QTest::keySequence(window.editor->textEdit(), QKeySequence::Find);
    QCOMPARE(windowFind.size(), 0);
    QVERIFY(window.editor->findReplaceBar()->isVisible());
    // Ctrl+S still saves from within the search bar.
    QTest::keySequence(QApplication::focusWidget(), QKeySequence::Save);
    QCOMPARE(save.size(), 2);
}

void TestNativeCodeEditor::readOnlyRefusesTypingAndSaving()
{
    NativeEditorWindow window;
    QVERIFY(window.show());
    window.editor->setText(u"fixed"_s);
    window.editor->setReadOnly(true);
    QVERIFY(window.editor->isReadOnly());
    QSignalSpy save(window.editor, &CodeEditor::saveRequested);
    QTest::keyClicks(window.editor->textEdit(), u"typed"_s);
    QTest::keySequence(window.editor->textEdit(), QKeySequence::Save);
    QCOMPARE(window.editor->text(), u"fixed"_s);
    QVERIFY(!window.editor->isModified());
    QCOMPARE(save.size(), 0);
    // Ctrl+H in a read-only text only finds.
    QTest::keyClick(window.editor->textEdit(), Qt::Key_H, Qt::ControlModifier);
    QVERIFY(window.editor->findReplaceBar()->isVisible());
    QVERIFY(!window.editor->findChild<QLineEdit *>(u"replaceEdit"_s)->isVisible());
    window.editor->setReadOnly(false);
    QTest::keyClicks(window.editor->textEdit(), u"!"_s);
    QVERIFY(window.editor->isModified());
}

void TestNativeCodeEditor::languageFollowsFileName()
{
    NativeCodeEditor editor;
    editor.setLanguageForFile(u"handler.py"_s);
    QCOMPARE(editor.language(), CodeLanguage::Python);
    editor.setLanguageForFile(u"deploy.yml"_s);
    QCOMPARE(editor.language(), CodeLanguage::Yaml);
    editor.setText(u"#!/bin/sh\necho hi\n"_s);
    editor.setLanguageForFile(u"run"_s);
    QCOMPARE(editor.language(), CodeLanguage::Shell);
}

void TestNativeCodeEditor::switchingLanguageRehighlights()
{
    NativeCodeEditor editor;
    editor.setText(rune::test::greeterSource());
    const CodeTheme theme = editor.textEdit()->theme();
    QVERIFY(!colourOf(editor.textEdit(), 3, u"def"_s).isValid());
    editor.setLanguage(CodeLanguage::Python);
    QCOMPARE(colourOf(editor.textEdit(), 3, u"def"_s), theme.tokenColor(rune::views::CodeToken::Keyword));
    QCOMPARE(colourOf(editor.textEdit(), 4, u"greet"_s), theme.tokenColor(rune::views::CodeToken::Comment));
    QCOMPARE(colourOf(editor.textEdit(), 6, u"42"_s), theme.tokenColor(rune::views::CodeToken::Number));
    editor.setLanguage(CodeLanguage::Plain);
    QVERIFY(!colourOf(editor.textEdit(), 3, u"def"_s).isValid());
}

void TestNativeCodeEditor::findAndReplace()
{
    NativeEditorWindow window;
    QVERIFY(window.show());
    NativeCodeEditor *editor = window.editor;
    editor->setText(u"name = 1\nprint(name)\nrename = name\n"_s);
    editor->goToLine(1);
    QTest::keySequence(editor->textEdit(), QKeySequence::Find);
    auto *findEdit = editor->findChild<QLineEdit *>(u"findEdit"_s);
    QTRY_VERIFY(findEdit->hasFocus());
    QTest::keyClicks(findEdit, u"name"_s);
    QCOMPARE(editor->textEdit()->textCursor().selectedText(), u"name"_s);
    auto *count = editor->findChild<QLabel *>(u"matchCountLabel"_s);
    QCOMPARE(count->text(), u"1 of 4"_s);
    QCOMPARE(editor->textEdit()->highlights(CodeTextEdit::Layer::Search).size(), 4);
    QTest::keyClick(findEdit, Qt::Key_Return);
    QCOMPARE(count->text(), u"2 of 4"_s);

    QTest::keyClick(findEdit, Qt::Key_H, Qt::ControlModifier);
    auto *replaceEdit = editor->findChild<QLineEdit *>(u"replaceEdit"_s);
    QVERIFY(replaceEdit->isVisible());
    QTest::keyClicks(replaceEdit, u"who"_s);
    QCOMPARE(editor->findReplaceBar()->replaceAll(), 4);
    QCOMPARE(editor->text(), u"who = 1\nprint(who)\nrewho = who\n"_s);
    QCOMPARE(count->text(), u"No matches"_s);
    QTest::keySequence(editor->textEdit(), QKeySequence::Undo); // one step undoes them all
    QCOMPARE(editor->text(), u"name = 1\nprint(name)\nrename = name\n"_s);
    QTest::keyClick(replaceEdit, Qt::Key_Escape);
    QVERIFY(!editor->findReplaceBar()->isVisible());
    QVERIFY(editor->textEdit()->highlights(CodeTextEdit::Layer::Search).isEmpty());
}

void TestNativeCodeEditor::matchingBracketIsHighlighted()
{
    NativeCodeEditor editor;
    editor.setText(u"f(a[1], {b: (2)})"_s);
    QTextCursor cursor = editor.textEdit()->textCursor();
    cursor.setPosition(1); // before "("
    editor.textEdit()->setTextCursor(cursor);
    QCOMPARE(editor.textEdit()->bracketPairAtCursor(), std::make_optional(std::pair {1, 16}));
    const auto highlights = editor.textEdit()->highlights(CodeTextEdit::Layer::Brackets);
    QCOMPARE(highlights.size(), 2);
    QCOMPARE(highlights[1].cursor.selectedText(), u")"_s);
    cursor.setPosition(6); // after "]"
    editor.textEdit()->setTextCursor(cursor);
    QCOMPARE(editor.textEdit()->bracketPairAtCursor(), std::make_optional(std::pair {5, 3}));
    cursor.setPosition(5); // between "1" and "]": "]" is after the cursor
    editor.textEdit()->setTextCursor(cursor);
    QCOMPARE(editor.textEdit()->bracketPairAtCursor(), std::make_optional(std::pair {5, 3}));
    editor.setText(u"no brackets"_s);
    QVERIFY(editor.textEdit()->highlights(CodeTextEdit::Layer::Brackets).isEmpty());
}

void TestNativeCodeEditor::goToLineMovesTheCursor()
{
    NativeCodeEditor editor;
    editor.setText(rune::test::greeterSource());
    editor.goToLine(4);
    QCOMPARE(editor.textEdit()->textCursor().blockNumber(), 3);
    QCOMPARE(editor.textEdit()->textCursor().positionInBlock(), 0);
    editor.goToLine(999);
    QCOMPARE(editor.textEdit()->textCursor().blockNumber(), editor.textEdit()->blockCount() - 1);
}

void TestNativeCodeEditor::themeFollowsThePalette()
{
    NativeCodeEditor editor;
    editor.setLanguage(CodeLanguage::Python);
    editor.setText(rune::test::greeterSource());
    QVERIFY(!editor.textEdit()->theme().dark);
    editor.setPalette(rune::test::darkPalette());
    QVERIFY(editor.textEdit()->theme().dark);
    QCOMPARE(editor.textEdit()->palette().color(QPalette::Base), QColor(0x1e1f22));
    const CodeTheme dark = CodeTheme::fromPalette(rune::test::darkPalette());
    QCOMPARE(colourOf(editor.textEdit(), 3, u"def"_s), dark.tokenColor(CodeToken::Keyword));
}

void TestNativeCodeEditor::screenshots()
{
    for (const bool dark : {false, true}) {
        NativeEditorWindow window;
        if (dark)
            window.widget.setPalette(rune::test::darkPalette());
        window.editor->setLanguage(CodeLanguage::Python);
        window.editor->setText(rune::test::greeterSource());
        QVERIFY(window.show());
        window.editor->goToLine(6);
        QTextCursor cursor = window.editor->textEdit()->textCursor();
        cursor.movePosition(QTextCursor::EndOfBlock);
        cursor.movePosition(QTextCursor::Left);
        window.editor->textEdit()->setTextCursor(cursor); // before the last ")": brackets light up
        QTest::keySequence(window.editor->textEdit(), QKeySequence::Find);
        QTest::keyClicks(window.editor->findChild<QLineEdit *>(u"findEdit"_s), u"name"_s);
        const QImage image = window.widget.grab().toImage();
        // Highlighting shows: the keyword and the plain text differ in colour on screen.
        QVERIFY(
            image.save(rune::test::screenshotPath(dark ? u"editor-native-dark.png"_s : u"editor-native-python.png"_s)));
    }
}

RUNE_TEST_MAIN(TestNativeCodeEditor)
#include "tst_nativecodeeditor.moc"
