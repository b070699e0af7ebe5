// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/syntaxhighlighter.h"

#include "editor/highlightrules.h"

#include <QPalette>

namespace rune::views
{

namespace
{

/** The next match of each candidate from the scan position; recomputed only once passed. */
struct Candidate {
    QRegularExpressionMatch match;
    bool done = false;
};

} // namespace

SyntaxHighlighter::SyntaxHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
    , m_rules(&highlightRulesFor(CodeLanguage::Plain))
{
    setTheme(CodeTheme::fromPalette(QPalette()));
}

void SyntaxHighlighter::setLanguage(CodeLanguage language)
{
    if (language == m_language)
        return;
    m_language = language;
    m_rules = &highlightRulesFor(language);
    rehighlight();
}

CodeLanguage SyntaxHighlighter::language() const
{
    return m_language;
}

void SyntaxHighlighter::setTheme(const CodeTheme &theme)
{
    for (size_t i = 0; i < m_formats.size(); ++i) {
        const auto token = CodeToken(i);
        QTextCharFormat format;
        format.setForeground(theme.tokenColor(token));
        format.setFontItalic(CodeTheme::isItalic(token));
        m_formats[i] = format;
    }
    rehighlight();
}

QTextCharFormat SyntaxHighlighter::format(CodeToken token) const
{
    return m_formats[size_t(token)];
}

void SyntaxHighlighter::highlightBlock(const QString &text)
{
    setCurrentBlockState(-1);
    const auto &spans = m_rules->spans;
    const auto &rules = m_rules->rules;
    qsizetype pos = 0;
    if (const int span = previousBlockState(); span >= 0 && span < spans.size())
        pos = continueSpan(text, 0, 0, span);

    // Spans first, then rules, in priority order.
    std::vector<Candidate> candidates(spans.size() + rules.size());
    const auto patternOf = [&](size_t i) -> const QRegularExpression & {
        return i < size_t(spans.size()) ? spans[qsizetype(i)].start : rules[qsizetype(i - spans.size())].pattern;
    };
    while (pos >= 0 && pos < text.size()) {
        size_t best = candidates.size();
        for (size_t i = 0; i < candidates.size(); ++i) {
            Candidate &c = candidates[i];
            if (c.done)
                continue;
            if (!c.match.hasMatch() || c.match.capturedStart() < pos) {
                c.match = patternOf(i).match(text, pos);
                c.done = !c.match.hasMatch();
                if (c.done)
                    continue;
            }
            if (best == candidates.size() || c.match.capturedStart() < candidates[best].match.capturedStart())
                best = i;
        }
        if (best == candidates.size())
            break;
        const QRegularExpressionMatch &m = candidates[best].match;
        if (best < size_t(spans.size())) {
            pos = continueSpan(text, m.capturedEnd(), m.capturedStart(), int(best));
        } else {
            setFormat(
                int(m.capturedStart()), int(m.capturedLength()), format(rules[qsizetype(best - spans.size())].token));
            // An empty match must not stall the scan.
            pos = std::max(m.capturedEnd(), m.capturedStart() + 1);
        }
    }
}

/** Formats span @p span from @p formatFrom to its end; -1 when it runs past this line. */
qsizetype SyntaxHighlighter::continueSpan(const QString &text, qsizetype from, qsizetype formatFrom, int span)
{
    const HighlightSpan &s = m_rules->spans[span];
    const QRegularExpressionMatch end = s.end.match(text, from);
    if (!end.hasMatch()) {
        setFormat(int(formatFrom), int(text.size() - formatFrom), format(s.token));
        setCurrentBlockState(span);
        return -1;
    }
    setFormat(int(formatFrom), int(end.capturedEnd() - formatFrom), format(s.token));
    return end.capturedEnd();
}

} // namespace rune::views
