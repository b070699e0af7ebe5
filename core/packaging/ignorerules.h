// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QRegularExpression>
#include <QString>

namespace rune
{

/**
 * The patterns of a `.runeignore` file, read like a `.gitignore`: one pattern a line; `#`
 * starts a comment; `!` re-includes what an earlier pattern excluded; a trailing `/` matches
 * directories only; a pattern with a `/` elsewhere is anchored to the function's folder, one
 * without matches a name at any depth; `*` and `?` never match `/`, `**` matches any number of
 * directories. The last matching pattern decides. `.git/` is always ignored.
 */
class IgnoreRules
{
public:
    /** The name of the file the rules are read from, at the top of the folder being packaged. */
    static constexpr char fileName[] = ".runeignore";

    /** Only the built-in rules. */
    IgnoreRules();
    /** The built-in rules followed by the patterns of @p text (a .runeignore file's contents). */
    static IgnoreRules parse(const QString &text);

    /**
     * The pattern (as written) that excludes @p path, a '/'-separated path relative to the
     * folder, or an empty string when the path is included. @p isDirectory selects whether
     * directory-only patterns apply.
     */
    QString excludedBy(const QString &path, bool isDirectory) const;
    bool isIgnored(const QString &path, bool isDirectory) const;

private:
    struct Rule {
        QString pattern; ///< as written, for the user
        QRegularExpression regex;
        bool negated = false;
        bool directoryOnly = false;
    };

    void add(const QString &line);

    QList<Rule> m_rules;
};

} // namespace rune
