// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "editor/codelanguage.h"
#include "editor/codetheme.h"

#include <QList>
#include <QRegularExpression>

namespace rune::views
{

/** A token that starts and ends on one line. */
struct HighlightRule {
    QRegularExpression pattern;
    CodeToken token;
};

/** A token that may run over lines: a block comment, a triple-quoted string. */
struct HighlightSpan {
    QRegularExpression start;
    QRegularExpression end;
    CodeToken token;
};

/**
 * How the native editor finds the tokens of a language. Where two candidates start at the same
 * column, spans win over rules and earlier rules over later ones.
 */
struct HighlightRules {
    QList<HighlightSpan> spans;
    QList<HighlightRule> rules;
};

/** The rules for @p language; none for plain text. Built once, shared. */
const HighlightRules &highlightRulesFor(CodeLanguage language);

} // namespace rune::views
