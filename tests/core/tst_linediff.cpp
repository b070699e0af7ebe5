// SPDX-License-Identifier: GPL-3.0-or-later
#include "../common/testmain.h"
#include "util/linediff.h"

#include <QRandomGenerator>
#include <QTest>
#include <algorithm>
#include <vector>

using namespace Qt::StringLiterals;
using rune::DiffRow;
using rune::LineDiff;
using Kind = DiffRow::Kind;

namespace rune
{
/** Lets QCOMPARE print rows: "Changed 1/1". */
char *toString(const DiffRow &row)
{
    static const char *const names[] = {"Same", "Removed", "Added", "Changed"};
    return QTest::toString(
        u"%1 %2/%3"_s.arg(QLatin1StringView(names[int(row.kind)])).arg(row.oldLine).arg(row.newLine));
}
} // namespace rune

namespace
{

/** Length of the longest common subsequence, by the textbook table: the reference for minimality. */
int lcsLength(const QStringList &a, const QStringList &b)
{
    std::vector<std::vector<int>> table(a.size() + 1, std::vector<int>(b.size() + 1, 0));
    for (qsizetype i = 1; i <= a.size(); ++i)
        for (qsizetype j = 1; j <= b.size(); ++j)
            table[i][j] = a[i - 1] == b[j - 1] ? table[i - 1][j - 1] + 1 : std::max(table[i - 1][j], table[i][j - 1]);
    return table[a.size()][b.size()];
}

/** Rebuilds both texts from the side-by-side rows: what a reader of the two panes would see. */
void rebuild(const LineDiff &diff, QStringList &oldSide, QStringList &newSide)
{
    int expectOld = 0, expectNew = 0;
    for (const DiffRow &row : diff.rows()) {
        if (row.oldLine >= 0) {
            QCOMPARE(row.oldLine, expectOld++);
            oldSide << diff.oldLines()[row.oldLine];
        }
        if (row.newLine >= 0) {
            QCOMPARE(row.newLine, expectNew++);
            newSide << diff.newLines()[row.newLine];
        }
        if (row.kind == Kind::Same)
            QCOMPARE(diff.oldLines()[row.oldLine], diff.newLines()[row.newLine]);
    }
}

/** Applies a unified diff to @p old, the way patch(1) would, to prove the hunks are right. */
QStringList applyUnified(const QStringList &old, const QString &patch)
{
    QStringList out;
    int oldPos = 0;
    const QStringList lines = patch.split(u'\n');
    for (qsizetype i = 2; i < lines.size(); ++i) {
        const QString &line = lines[i];
        if (line.startsWith(u"@@ -"_s)) {
            const QString range = line.section(u' ', 1, 1).mid(1); // "-S,C" or "-S"
            const int start = range.section(u',', 0, 0).toInt();
            const int count = range.contains(u',') ? range.section(u',', 1, 1).toInt() : 1;
            const int target = count == 0 ? start : start - 1;
            while (oldPos < target)
                out << old[oldPos++];
        } else if (line.startsWith(u' ')) {
            out << line.mid(1);
            ++oldPos;
        } else if (line.startsWith(u'-')) {
            ++oldPos;
        } else if (line.startsWith(u'+')) {
            out << line.mid(1);
        }
    }
    while (oldPos < old.size())
        out << old[oldPos++];
    return out;
}

QString randomText(QRandomGenerator &random, int maxLines)
{
    QStringList lines;
    const int count = int(random.bounded(maxLines + 1));
    for (int i = 0; i < count; ++i)
        lines << QString(QChar(u'a' + random.bounded(4)));
    return lines.join(u'\n');
}

} // namespace

class TestLineDiff final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splitsLines_data();
    void splitsLines();
    void identicalTextsHaveNoChange();
    void sideBySideRows_data();
    void sideBySideRows();
    void unifiedMatchesDiffU();
    void unifiedMergesCloseHunks();
    void unifiedMarksMissingFinalNewline();
    void scriptIsShortestOnRandomTexts();
    void largeUnrelatedTextsDifferInEveryLine();
};

void TestLineDiff::splitsLines_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("lines");
    QTest::newRow("empty") << QString() << QStringList();
    QTest::newRow("one line, no newline") << u"a"_s << QStringList {u"a"_s};
    QTest::newRow("final newline") << u"a\nb\n"_s << QStringList {u"a"_s, u"b"_s};
    QTest::newRow("no final newline") << u"a\nb"_s << QStringList {u"a"_s, u"b"_s};
    QTest::newRow("blank lines") << u"\n\nx\n"_s << QStringList {QString(), QString(), u"x"_s};
    QTest::newRow("crlf") << u"a\r\nb\r\n"_s << QStringList {u"a"_s, u"b"_s};
}

void TestLineDiff::splitsLines()
{
    QFETCH(QString, text);
    QFETCH(QStringList, lines);
    QCOMPARE(LineDiff::splitLines(text), lines);
}

void TestLineDiff::identicalTextsHaveNoChange()
{
    const LineDiff diff(
        u"def handle(event, context):\n    return 1\n"_s, u"def handle(event, context):\r\n    return 1"_s);
    QVERIFY(diff.isIdentical());
    QCOMPARE(diff.rows().size(), 2);
    QVERIFY(diff.hunks().isEmpty());
    QCOMPARE(diff.unified(u"a"_s, u"b"_s), QString());
    QVERIFY(LineDiff(QString(), QString()).rows().isEmpty());
}

void TestLineDiff::sideBySideRows_data()
{
    QTest::addColumn<QString>("oldText");
    QTest::addColumn<QString>("newText");
    QTest::addColumn<QList<DiffRow>>("rows");
    QTest::newRow("one line changed") << u"a\nb\nc\n"_s << u"a\nB\nc\n"_s
                                      << QList<DiffRow> {{Kind::Same, 0, 0}, {Kind::Changed, 1, 1}, {Kind::Same, 2, 2}};
    QTest::newRow("line added") << u"a\nc\n"_s << u"a\nb\nc\n"_s
                                << QList<DiffRow> {{Kind::Same, 0, 0}, {Kind::Added, -1, 1}, {Kind::Same, 1, 2}};
    QTest::newRow("line removed") << u"a\nb\nc\n"_s << u"a\nc\n"_s
                                  << QList<DiffRow> {{Kind::Same, 0, 0}, {Kind::Removed, 1, -1}, {Kind::Same, 2, 1}};
    QTest::newRow("two replaced by one") << u"x\nold1\nold2\ny\n"_s << u"x\nnew\ny\n"_s
                                         << QList<DiffRow> {{Kind::Same, 0, 0},
                                                {Kind::Changed, 1, 1},
                                                {Kind::Removed, 2, -1},
                                                {Kind::Same, 3, 2}};
    QTest::newRow("from nothing") << QString() << u"a\nb"_s
                                  << QList<DiffRow> {{Kind::Added, -1, 0}, {Kind::Added, -1, 1}};
    QTest::newRow("to nothing") << u"a\n"_s << QString() << QList<DiffRow> {{Kind::Removed, 0, -1}};
}

void TestLineDiff::sideBySideRows()
{
    QFETCH(QString, oldText);
    QFETCH(QString, newText);
    QFETCH(QList<DiffRow>, rows);
    const LineDiff diff(oldText, newText);
    QCOMPARE(diff.rows(), rows);
}

void TestLineDiff::unifiedMatchesDiffU()
{
    // What `diff -u old new` prints for these two files (checked by hand against GNU diff).
    const QString oldText = u"import json\n\ndef handle(event, context):\n    name = event.get('name')\n"
                            u"    return {'hello': name}\n"_s;
    const QString newText = u"import json\n\ndef handle(event, context):\n    name = event.get('name', 'world')\n"
                            u"    print(name)\n    return {'hello': name}\n"_s;
    const LineDiff diff(oldText, newText);
    QCOMPARE(diff.addedCount(), 2);
    QCOMPARE(diff.removedCount(), 1);
    QCOMPARE(diff.unified(u"v1/handler.py"_s, u"v2/handler.py"_s),
        u"--- v1/handler.py\n+++ v2/handler.py\n@@ -1,5 +1,6 @@\n import json\n \n def handle(event, context):\n"
        u"-    name = event.get('name')\n+    name = event.get('name', 'world')\n+    print(name)\n"
        u"     return {'hello': name}\n"_s);
}

void TestLineDiff::unifiedMergesCloseHunks()
{
    QStringList oldLines;
    for (int i = 1; i <= 20; ++i)
        oldLines << QString::number(i);
    QStringList newLines = oldLines;
    newLines[1] = u"two"_s; // line 2
    newLines[8] = u"nine"_s; // line 9: 6 unchanged lines after line 2, contexts of 3 touch
    newLines[18] = u"nineteen"_s; // far away: its own hunk
    const LineDiff diff(oldLines.join(u'\n'), newLines.join(u'\n'));
    const auto hunks = diff.hunks(3);
    QCOMPARE(hunks.size(), 2);
    QCOMPARE(hunks[0].oldStart, 0);
    QCOMPARE(hunks[0].oldCount, 12);
    QCOMPARE(hunks[1].oldStart, 15);
    QCOMPARE(hunks[1].oldCount, 5);
    QVERIFY(diff.unified(u"a"_s, u"b"_s).contains(u"@@ -1,12 +1,12 @@\n"_s));
    QVERIFY(diff.unified(u"a"_s, u"b"_s).contains(u"@@ -16,5 +16,5 @@\n"_s));
    QCOMPARE(diff.hunks(0).size(), 3);
    QCOMPARE(applyUnified(oldLines, diff.unified(u"a"_s, u"b"_s)), newLines);
}

void TestLineDiff::unifiedMarksMissingFinalNewline()
{
    const QString patch = LineDiff(u"a\nb"_s, u"a\nc"_s).unified(u"x"_s, u"y"_s);
    QCOMPARE(patch,
        u"--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"_s);
    QCOMPARE(LineDiff(QString(), u"new\n"_s).unified(u"x"_s, u"y"_s), u"--- x\n+++ y\n@@ -0,0 +1 @@\n+new\n"_s);
}

void TestLineDiff::scriptIsShortestOnRandomTexts()
{
    QRandomGenerator random(20261123);
    for (int round = 0; round < 400; ++round) {
        const QString oldText = randomText(random, 14);
        const QString newText = randomText(random, 14);
        const LineDiff diff(oldText, newText);
        const int common = lcsLength(diff.oldLines(), diff.newLines());
        QCOMPARE(diff.removedCount(), diff.oldLines().size() - common);
        QCOMPARE(diff.addedCount(), diff.newLines().size() - common);
        QStringList oldSide, newSide;
        rebuild(diff, oldSide, newSide);
        QCOMPARE(oldSide, diff.oldLines());
        QCOMPARE(newSide, diff.newLines());
        QCOMPARE(applyUnified(diff.oldLines(), diff.unified(u"a"_s, u"b"_s, int(random.bounded(4)))), diff.newLines());
    }
}

void TestLineDiff::largeUnrelatedTextsDifferInEveryLine()
{
    // Two unrelated 5000-line files: the worst case for the algorithm. How fast it is measures
    // tests/bench/linediff.sh, against GNU diff; a test run on a busy machine cannot.
    QStringList oldLines, newLines;
    for (int i = 0; i < 5000; ++i) {
        oldLines << u"old %1"_s.arg(i);
        newLines << u"new %1"_s.arg(i);
    }
    const LineDiff diff(oldLines.join(u'\n'), newLines.join(u'\n'));
    QCOMPARE(diff.removedCount(), 5000);
    QCOMPARE(diff.addedCount(), 5000);
    QCOMPARE(diff.rows().size(), 5000); // side by side: each old line beside a new one
    QVERIFY(std::ranges::all_of(diff.rows(), [](const DiffRow &row) {
        return row.kind == DiffRow::Kind::Changed;
    }));
    QCOMPARE(diff.hunks().size(), 1);
}

RUNE_TEST_GUILESS_MAIN(TestLineDiff)
#include "tst_linediff.moc"
