// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "editor/codeeditor.h"
#include "editor/diffview.h"
#include "editor/nativecodeeditor.h"
#include "editor/nativediffview.h"

#include <QSignalSpy>
#include <QTest>

#ifdef RUNE_WEB_EDITOR
#include "editor/webcodeeditor.h"
#include "editor/webdiffview.h"
#endif

using namespace Qt::StringLiterals;
using namespace rune::views;

class TestCodeEditor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void factoriesPickTheBuiltEditor();
    void stateAnswersAtOnce();
};

void TestCodeEditor::factoriesPickTheBuiltEditor()
{
    std::unique_ptr<CodeEditor> editor(makeCodeEditor());
    std::unique_ptr<DiffView> diff(makeDiffView());
#ifdef RUNE_WEB_EDITOR
    QVERIFY(hasWebCodeEditor());
    QVERIFY(qobject_cast<WebCodeEditor *>(editor.get()));
    QVERIFY(qobject_cast<WebDiffView *>(diff.get()));
#else
    QVERIFY(!hasWebCodeEditor());
    QVERIFY(qobject_cast<NativeCodeEditor *>(editor.get()));
    QVERIFY(qobject_cast<NativeDiffView *>(diff.get()));
#endif
}

void TestCodeEditor::stateAnswersAtOnce()
{
    // Whatever the implementation, the getters answer from this side, without waiting.
    std::unique_ptr<CodeEditor> editor(makeCodeEditor());
    QSignalSpy changed(editor.get(), &CodeEditor::textChanged);
    QSignalSpy modified(editor.get(), &CodeEditor::modifiedChanged);
    editor->setText(u"print('hi')\n"_s);
    QCOMPARE(editor->text(), u"print('hi')\n"_s);
    QCOMPARE(changed.size(), 1);
    editor->setLanguageForFile(u"handler.py"_s);
    QCOMPARE(editor->language(), CodeLanguage::Python);
    editor->setReadOnly(true);
    QVERIFY(editor->isReadOnly());
    QVERIFY(!editor->isModified());
    editor->setModified(true);
    QVERIFY(editor->isModified());
    QCOMPARE(modified.size(), 1);
    editor->setText(u"x"_s);
    QVERIFY(!editor->isModified());
    QCOMPARE(modified.size(), 2);
}

RUNE_TEST_MAIN(TestCodeEditor)
#include "tst_codeeditor.moc"
