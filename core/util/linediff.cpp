// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/linediff.h"

#include <QHash>
#include <algorithm>
#include <vector>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

using Kind = DiffRow::Kind;

/** Where the forward and the reverse search meet: the edit script splits there. */
struct Split {
    int a = 0;
    int b = 0;
    bool found = false;
};

/**
 * Myers' shortest edit script over lines turned into numbers. Linear space: each step finds
 * where a forward search from the start and a reverse search from the end overlap, and
 * recurses on both halves, so memory stays proportional to the texts, not to their product.
 */
class EditScript
{
public:
    EditScript(const std::vector<int> &a, const std::vector<int> &b)
        : m_a(a)
        , m_b(b)
    {
    }

    QList<DiffRow> compute()
    {
        diff(0, int(m_a.size()), 0, int(m_b.size()));
        // The halves may leave an addition before a removal within one changed region; readers
        // (and diff -u) expect the removals first.
        auto regionStart = m_out.begin();
        for (auto it = m_out.begin();; ++it) {
            if (it == m_out.end() || it->kind == Kind::Same) {
                std::stable_partition(regionStart, it, [](const DiffRow &row) {
                    return row.kind == Kind::Removed;
                });
                if (it == m_out.end())
                    break;
                regionStart = it + 1;
            }
        }
        return m_out;
    }

private:
    void diff(int aLo, int aHi, int bLo, int bHi);
    Split bisect(int aLo, int aHi, int bLo, int bHi) const;

    void same(int a, int b)
    {
        m_out.append({Kind::Same, a, b});
    }
    void removeAndAdd(int aLo, int aHi, int bLo, int bHi)
    {
        for (int a = aLo; a < aHi; ++a)
            m_out.append({Kind::Removed, a, -1});
        for (int b = bLo; b < bHi; ++b)
            m_out.append({Kind::Added, -1, b});
    }

    const std::vector<int> &m_a;
    const std::vector<int> &m_b;
    QList<DiffRow> m_out;
};

void EditScript::diff(int aLo, int aHi, int bLo, int bHi)
{
    while (aLo < aHi && bLo < bHi && m_a[aLo] == m_b[bLo])
        same(aLo++, bLo++);
    int suffix = 0;
    while (aHi - suffix > aLo && bHi - suffix > bLo && m_a[aHi - 1 - suffix] == m_b[bHi - 1 - suffix])
        ++suffix;
    aHi -= suffix;
    bHi -= suffix;

    if (aLo == aHi || bLo == bHi) {
        removeAndAdd(aLo, aHi, bLo, bHi);
    } else {
        const Split split = bisect(aLo, aHi, bLo, bHi);
        const bool degenerate = (split.a == aLo && split.b == bLo) || (split.a == aHi && split.b == bHi);
        if (!split.found || degenerate) {
            removeAndAdd(aLo, aHi, bLo, bHi);
        } else {
            diff(aLo, split.a, bLo, split.b);
            diff(split.a, aHi, split.b, bHi);
        }
    }
    for (int i = 0; i < suffix; ++i)
        same(aHi + i, bHi + i);
}

Split EditScript::bisect(int aLo, int aHi, int bLo, int bHi) const
{
    const int n = aHi - aLo;
    const int m = bHi - bLo;
    const int maxD = (n + m + 1) / 2;
    const int offset = maxD + 1;
    const int size = 2 * offset + 1;
    // forward[offset + k]: furthest x on diagonal k = x - y from the start; reverse[...]: the
    // same counted from the end, on the reversed texts. -1: not reached yet.
    std::vector<int> forward(size, -1);
    std::vector<int> reverse(size, -1);
    forward[offset + 1] = 0;
    reverse[offset + 1] = 0;
    const int delta = n - m;
    const bool oddDelta = delta % 2 != 0;
    // Diagonals that left the grid on one side stay out: trim them from the loops.
    int forwardStart = 0, forwardEnd = 0, reverseStart = 0, reverseEnd = 0;

    for (int d = 0; d <= maxD; ++d) {
        for (int k = -d + forwardStart; k <= d - forwardEnd; k += 2) {
            const int i = offset + k;
            int x = (k == -d || (k != d && forward[i - 1] < forward[i + 1])) ? forward[i + 1] : forward[i - 1] + 1;
            int y = x - k;
            while (x < n && y < m && m_a[aLo + x] == m_b[bLo + y]) {
                ++x;
                ++y;
            }
            forward[i] = x;
            if (x > n) {
                forwardEnd += 2;
            } else if (y > m) {
                forwardStart += 2;
            } else if (oddDelta) {
                const int j = offset + delta - k;
                if (j >= 0 && j < size && reverse[j] != -1 && x >= n - reverse[j])
                    return {aLo + x, bLo + y, true};
            }
        }
        for (int k = -d + reverseStart; k <= d - reverseEnd; k += 2) {
            const int i = offset + k;
            int x = (k == -d || (k != d && reverse[i - 1] < reverse[i + 1])) ? reverse[i + 1] : reverse[i - 1] + 1;
            int y = x - k;
            while (x < n && y < m && m_a[aHi - 1 - x] == m_b[bHi - 1 - y]) {
                ++x;
                ++y;
            }
            reverse[i] = x;
            if (x > n) {
                reverseEnd += 2;
            } else if (y > m) {
                reverseStart += 2;
            } else if (!oddDelta) {
                const int j = offset + delta - k;
                if (j >= 0 && j < size && forward[j] != -1) {
                    const int fx = forward[j];
                    const int fy = fx - (delta - k);
                    if (fx >= n - x)
                        return {aLo + fx, bLo + fy, true};
                }
            }
        }
    }
    return {};
}

/** Pairs removed and added lines of one changed region as side-by-side rows. */
void appendRegion(QList<DiffRow> &rows, const QList<int> &removed, const QList<int> &added)
{
    const qsizetype paired = std::min(removed.size(), added.size());
    for (qsizetype i = 0; i < paired; ++i)
        rows.append({Kind::Changed, removed[i], added[i]});
    for (qsizetype i = paired; i < removed.size(); ++i)
        rows.append({Kind::Removed, removed[i], -1});
    for (qsizetype i = paired; i < added.size(); ++i)
        rows.append({Kind::Added, -1, added[i]});
}

QList<DiffRow> sideBySide(const QList<DiffRow> &script)
{
    QList<DiffRow> rows;
    QList<int> removed, added;
    for (const DiffRow &step : script) {
        if (step.kind == Kind::Removed) {
            removed.append(step.oldLine);
        } else if (step.kind == Kind::Added) {
            added.append(step.newLine);
        } else {
            appendRegion(rows, removed, added);
            removed.clear();
            added.clear();
            rows.append(step);
        }
    }
    appendRegion(rows, removed, added);
    return rows;
}

/** "@@ -1,3 +1,4 @@"; an empty side names the line before it, as diff -u does. */
QString hunkHeader(const DiffHunk &hunk)
{
    const auto range = [](int start, int count) {
        const int first = count == 0 ? start : start + 1;
        return count == 1 ? QString::number(first) : QString::number(first) + u',' + QString::number(count);
    };
    return u"@@ -"_s + range(hunk.oldStart, hunk.oldCount) + u" +"_s + range(hunk.newStart, hunk.newCount) + u" @@\n"_s;
}

} // namespace

LineDiff::LineDiff(const QString &oldText, const QString &newText)
    : m_oldLines(splitLines(oldText))
    , m_newLines(splitLines(newText))
    , m_oldEndsWithNewline(oldText.isEmpty() || oldText.endsWith(u'\n'))
    , m_newEndsWithNewline(newText.isEmpty() || newText.endsWith(u'\n'))
{
    // Compare numbers, not strings: equal lines get equal numbers.
    QHash<QString, int> ids;
    const auto encode = [&ids](const QStringList &lines) {
        std::vector<int> out;
        out.reserve(lines.size());
        for (const QString &line : lines) {
            auto id = ids.constFind(line);
            if (id == ids.cend())
                id = ids.insert(line, int(ids.size()));
            out.push_back(id.value());
        }
        return out;
    };
    const std::vector<int> a = encode(m_oldLines);
    const std::vector<int> b = encode(m_newLines);
    m_script = EditScript(a, b).compute();
    for (const DiffRow &step : std::as_const(m_script)) {
        m_added += step.kind == Kind::Added;
        m_removed += step.kind == Kind::Removed;
    }
    m_rows = sideBySide(m_script);
}

const QStringList &LineDiff::oldLines() const
{
    return m_oldLines;
}

const QStringList &LineDiff::newLines() const
{
    return m_newLines;
}

const QList<DiffRow> &LineDiff::rows() const
{
    return m_rows;
}

int LineDiff::addedCount() const
{
    return m_added;
}

int LineDiff::removedCount() const
{
    return m_removed;
}

bool LineDiff::isIdentical() const
{
    return m_added == 0 && m_removed == 0;
}

QList<DiffHunk> LineDiff::hunks(int context) const
{
    context = std::max(0, context);
    QList<DiffHunk> hunks;
    const qsizetype count = m_script.size();
    qsizetype i = 0;
    while (i < count) {
        while (i < count && m_script[i].kind == Kind::Same)
            ++i;
        if (i == count)
            break;
        // [first, last) covers the changes of this hunk; it grows while the next change is
        // close enough for the two contexts to touch.
        const qsizetype first = std::max<qsizetype>(0, i - context);
        qsizetype last = i;
        for (qsizetype j = i; j < count; ++j) {
            if (m_script[j].kind != Kind::Same)
                last = j + 1;
            else if (j - last >= 2 * context)
                break;
        }
        const qsizetype end = std::min(count, last + context);
        DiffHunk hunk;
        for (qsizetype j = first; j < end; ++j)
            hunk.rows.append(m_script[j]);
        const auto startOf = [this, first](bool old) {
            int lines = 0;
            for (qsizetype j = 0; j < first; ++j)
                lines += m_script[j].kind != (old ? Kind::Added : Kind::Removed);
            return lines;
        };
        hunk.oldStart = startOf(true);
        hunk.newStart = startOf(false);
        for (const DiffRow &row : std::as_const(hunk.rows)) {
            hunk.oldCount += row.kind != Kind::Added;
            hunk.newCount += row.kind != Kind::Removed;
        }
        hunks.append(hunk);
        i = end;
    }
    return hunks;
}

QString LineDiff::unified(const QString &oldName, const QString &newName, int context) const
{
    const QList<DiffHunk> all = hunks(context);
    if (all.isEmpty())
        return {};
    const QString noNewline = u"\\ No newline at end of file\n"_s;
    QString out = u"--- "_s + oldName + u"\n+++ "_s + newName + u'\n';
    for (const DiffHunk &hunk : all) {
        out += hunkHeader(hunk);
        for (const DiffRow &row : hunk.rows) {
            const bool lastOld = row.oldLine == m_oldLines.size() - 1 && !m_oldEndsWithNewline;
            const bool lastNew = row.newLine == m_newLines.size() - 1 && !m_newEndsWithNewline;
            if (row.kind == Kind::Removed)
                out += u'-' + m_oldLines[row.oldLine] + u'\n' + (lastOld ? noNewline : QString());
            else if (row.kind == Kind::Added)
                out += u'+' + m_newLines[row.newLine] + u'\n' + (lastNew ? noNewline : QString());
            else
                out += u' ' + m_oldLines[row.oldLine] + u'\n' + (lastOld && lastNew ? noNewline : QString());
        }
    }
    return out;
}

QStringList LineDiff::splitLines(QStringView text)
{
    QStringList lines;
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf(u'\n', start);
        const qsizetype next = end < 0 ? text.size() : end + 1;
        if (end < 0)
            end = text.size();
        QStringView line = text.sliced(start, end - start);
        if (line.endsWith(u'\r'))
            line.chop(1);
        lines.append(line.toString());
        start = next;
    }
    return lines;
}

} // namespace rune
