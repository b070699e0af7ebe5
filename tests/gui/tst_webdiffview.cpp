// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"

#include <QTest>

#ifdef RUNE_WEB_EDITOR

#include "editor/codetheme.h"
#include "editor/webdiffview.h"
#include "editortesthelpers.h"

#include <QSignalSpy>
#include <QWebEngineView>

using namespace Qt::StringLiterals;
using namespace rune::views;

namespace
{

/** The text of the lines one side marks as changed ("a": left, old; "b": right, new). */
QStringList changedLines(WebDiffView &view, const QString &side)
{
    return rune::test::evaluate(view.view(),
        u"Array.from(document.querySelectorAll('.cm-merge-%1 .cm-changedLine')).map(l => l.textContent)"_s.arg(side))
        .toStringList();
}

} // namespace

class TestWebDiffView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsChangedLinesSideBySide();
    void newTextsReplaceTheComparison();
    void screenshot();
};

void TestWebDiffView::showsChangedLinesSideBySide()
{
    WebDiffView view;
    QSignalSpy shown(&view, &DiffView::shown);
    view.setLanguage(CodeLanguage::Python);
    view.setTexts(rune::test::diffOldSource(), rune::test::diffNewSource());
    view.resize(900, 260);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(rune::test::waitUntil(
        [&] {
            return shown.size() == 1;
        },
        20000));
    QCOMPARE(shown.first().first().toInt(), 1);
    QCOMPARE(changedLines(view, u"a"_s), QStringList({u"    name = event.get(\"name\")"_s}));
    QCOMPARE(changedLines(view, u"b"_s),
        QStringList({u"    name = event.get(\"name\", \"world\")"_s, u"    print(name)"_s}));
    // Both sides are read-only.
    QCOMPARE(
        rune::test::evaluate(view.view(), u"document.querySelectorAll('[contenteditable=true]').length"_s).toInt(), 0);
}

void TestWebDiffView::newTextsReplaceTheComparison()
{
    WebDiffView view;
    QSignalSpy shown(&view, &DiffView::shown);
    view.setTexts(u"a\nb\n"_s, u"a\nb\n"_s);
    view.show();
    QVERIFY(rune::test::waitUntil(
        [&] {
            return shown.size() == 1;
        },
        20000));
    QCOMPARE(shown.last().first().toInt(), 0);
    view.setTexts(u"a\nb\nc\nd\n"_s, u"a\nB\nc\nD\n"_s);
    QVERIFY(rune::test::waitUntil([&] {
        return shown.size() == 2;
    }));
    QCOMPARE(shown.last().first().toInt(), 2);
    QCOMPARE(changedLines(view, u"b"_s), QStringList({u"B"_s, u"D"_s}));
    QCOMPARE(rune::test::evaluate(view.view(), u"document.querySelectorAll('.cm-mergeView').length"_s).toInt(), 1);
}

void TestWebDiffView::screenshot()
{
    for (const bool dark : {false, true}) {
        WebDiffView view;
        if (dark)
            view.setPalette(rune::test::darkPalette());
        QSignalSpy shown(&view, &DiffView::shown);
        view.resize(900, 260);
        view.setLanguage(CodeLanguage::Python);
        view.setLabels(u"v1 handler.py"_s, u"v2 handler.py"_s);
        view.setTexts(rune::test::diffOldSource(), rune::test::diffNewSource());
        view.show();
        QVERIFY(rune::test::waitUntil(
            [&] {
                return shown.size() >= 1;
            },
            20000));
        const CodeTheme theme = CodeTheme::fromPalette(view.palette());
        const QImage shot = rune::test::grabWhen(&view, [&](const QImage &image) {
            return rune::test::pixelsNear(image, theme.addedLine, 3) > 100
                && rune::test::pixelsNear(image, theme.tokenColor(CodeToken::Keyword)) > 20;
        });
        QVERIFY(!shot.isNull());
        QVERIFY(shot.save(rune::test::screenshotPath(dark ? u"editor-diff-web-dark.png"_s : u"editor-diff-web.png"_s)));
    }
}

RUNE_TEST_MAIN(TestWebDiffView)

#else

/** Built without node/npm: there is no web diff view to test. */
class TestWebDiffView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void skipped()
    {
        QSKIP("built without the CodeMirror editor (RUNE_WEB_EDITOR off or node/npm missing)");
    }
};

RUNE_TEST_GUILESS_MAIN(TestWebDiffView)

#endif

#include "tst_webdiffview.moc"
