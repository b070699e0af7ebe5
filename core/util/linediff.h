// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace rune
{

/** One line of a side-by-side comparison of two texts. */
struct DiffRow {
    enum class Kind {
        Same, ///< the line is on both sides, unchanged
        Removed, ///< only on the old side
        Added, ///< only on the new side
        Changed, ///< an old line replaced by a new one; both sides hold a line
    };

    Kind kind = Kind::Same;
    int oldLine = -1; ///< 0-based index into LineDiff::oldLines(); -1 for Added
    int newLine = -1; ///< 0-based index into LineDiff::newLines(); -1 for Removed

    bool operator==(const DiffRow &) const = default;
};

/** A run of changes with the unchanged lines around them, as a unified diff shows it. */
struct DiffHunk {
    int oldStart = 0; ///< 0-based first old line of the hunk
    int oldCount = 0; ///< old lines in the hunk, context included
    int newStart = 0; ///< 0-based first new line of the hunk
    int newCount = 0; ///< new lines in the hunk, context included
    QList<DiffRow> rows; ///< Same, Removed and Added rows in unified order (no Changed)

    bool operator==(const DiffHunk &) const = default;
};

/**
 * The line-by-line difference between two texts: a shortest edit script (Myers' O(ND)
 * algorithm in linear space), shown side by side (rows()) or as a unified diff (unified()).
 *
 * Lines end at "\n"; a "\r" before it belongs to the line break, so texts that differ only in
 * CRLF versus LF line ends compare equal line by line. Pure Qt Core, cheap to copy.
 */
class LineDiff
{
public:
    LineDiff(const QString &oldText, const QString &newText);

    const QStringList &oldLines() const;
    const QStringList &newLines() const;

    /**
     * Rows for a side-by-side view: unchanged lines pair up; in each changed region the removed
     * and added lines pair up as Changed, and the longer side's rest follows as Removed or Added.
     */
    const QList<DiffRow> &rows() const;

    /** Lines only in the new text, and lines only in the old text. */
    int addedCount() const;
    int removedCount() const;
    /** No line differs (line ends aside). */
    bool isIdentical() const;

    /** The changed regions with @p context unchanged lines around each; close ones merge. */
    QList<DiffHunk> hunks(int context = 3) const;

    /** The difference as `diff -u` prints it: "--- old", "+++ new", "@@ -a,b +c,d @@" hunks. */
    QString unified(const QString &oldName, const QString &newName, int context = 3) const;

    /** Splits a text into lines as LineDiff does: "a\nb\n" and "a\nb" are both {"a", "b"}. */
    static QStringList splitLines(QStringView text);

private:
    QStringList m_oldLines;
    QStringList m_newLines;
    bool m_oldEndsWithNewline = true;
    bool m_newEndsWithNewline = true;
    QList<DiffRow> m_script; ///< Same, Removed, Added in edit order
    QList<DiffRow> m_rows;
    int m_added = 0;
    int m_removed = 0;
};

} // namespace rune
