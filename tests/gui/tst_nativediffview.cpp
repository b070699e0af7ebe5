// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "editor/codetextedit.h"
#include "editor/nativediffview.h"
#include "editortesthelpers.h"

#include <QLabel>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>

using namespace Qt::StringLiterals;
using namespace rune::views;

namespace
{

/** The text of each line the pane highlights as changed, or "" for a filler line. */
QStringList highlightedLines(const CodeTextEdit *pane)
{
    QStringList lines;
    for (const auto &selection : pane->highlights(CodeTextEdit::Layer::Diff))
        lines << selection.cursor.block().text();
    return lines;
}

} // namespace

class TestNativeDiffView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsChangedLinesSideBySide();
    void unchangedLinesStayAligned();
    void identicalTextsShowNoChange();
    void labelsAndScrollingTogether();
    void screenshot();
};

void TestNativeDiffView::showsChangedLinesSideBySide()
{
    NativeDiffView view;
    QSignalSpy shown(&view, &DiffView::shown);
    view.setTexts(rune::test::diffOldSource(), rune::test::diffNewSource());
    QCOMPARE(shown.size(), 1);
    QCOMPARE(shown.first().first().toInt(), 1);
    QCOMPARE(highlightedLines(view.oldPane()), QStringList({u"    name = event.get(\"name\")"_s, QString()}));
    QCOMPARE(highlightedLines(view.newPane()),
        QStringList({u"    name = event.get(\"name\", \"world\")"_s, u"    print(name)"_s}));
    const CodeTheme &theme = view.newPane()->theme();
    const auto newHighlights = view.newPane()->highlights(CodeTextEdit::Layer::Diff);
    QCOMPARE(newHighlights[0].format.background().color(), theme.addedLine);
    const auto oldHighlights = view.oldPane()->highlights(CodeTextEdit::Layer::Diff);
    QCOMPARE(oldHighlights[0].format.background().color(), theme.removedLine);
    QCOMPARE(oldHighlights[1].format.background().color(), theme.fillerLine);
    QVERIFY(view.oldPane()->isReadOnly());
    QVERIFY(view.newPane()->isReadOnly());
}

void TestNativeDiffView::unchangedLinesStayAligned()
{
    NativeDiffView view;
    view.setTexts(rune::test::diffOldSource(), rune::test::diffNewSource());
    const QTextDocument *left = view.oldPane()->document();
    const QTextDocument *right = view.newPane()->document();
    QCOMPARE(left->blockCount(), right->blockCount());
    // The return line is the 7th row on both sides, after the filler on the left.
    QCOMPARE(left->findBlockByNumber(6).text(), u"    return {\"hello\": name}"_s);
    QCOMPARE(right->findBlockByNumber(6).text(), u"    return {\"hello\": name}"_s);
    QCOMPARE(left->findBlockByNumber(5).text(), QString());
}

void TestNativeDiffView::identicalTextsShowNoChange()
{
    NativeDiffView view;
    QSignalSpy shown(&view, &DiffView::shown);
    view.setTexts(rune::test::diffOldSource(), rune::test::diffOldSource());
    QCOMPARE(shown.first().first().toInt(), 0);
    QVERIFY(view.oldPane()->highlights(CodeTextEdit::Layer::Diff).isEmpty());
    QVERIFY(view.newPane()->highlights(CodeTextEdit::Layer::Diff).isEmpty());
}

void TestNativeDiffView::labelsAndScrollingTogether()
{
    NativeDiffView view;
    view.resize(600, 120);
    view.setLabels(u"v3"_s, u"v4"_s);
    QString longText;
    for (int i = 0; i < 200; ++i)
        longText += u"line %1\n"_s.arg(i);
    view.setTexts(longText, longText + u"one more\n"_s);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.findChild<QLabel *>(u"oldLabel"_s)->text(), u"v3"_s);
    view.oldPane()->verticalScrollBar()->setValue(120);
    QCOMPARE(view.newPane()->verticalScrollBar()->value(), 120);
}

void TestNativeDiffView::screenshot()
{
    for (const bool dark : {false, true}) {
        NativeDiffView view;
        if (dark)
            view.setPalette(rune::test::darkPalette());
        view.resize(900, 260);
        view.setLanguage(CodeLanguage::Python);
        view.setLabels(u"v1 handler.py"_s, u"v2 handler.py"_s);
        view.setTexts(rune::test::diffOldSource(), rune::test::diffNewSource());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage shot = view.grab().toImage();
        QVERIFY(rune::test::pixelsNear(shot, view.newPane()->theme().addedLine, 2) > 100);
        QVERIFY(shot.save(
            rune::test::screenshotPath(dark ? u"editor-diff-native-dark.png"_s : u"editor-diff-native.png"_s)));
    }
}

RUNE_TEST_MAIN(TestNativeDiffView)
#include "tst_nativediffview.moc"
