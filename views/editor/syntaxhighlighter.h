// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "editor/codelanguage.h"
#include "editor/codetheme.h"

#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <array>

namespace rune::views
{

struct HighlightRules;

/**
 * The native editor's highlighter: scans each line left to right and colours the earliest
 * token it finds (highlightrules.cpp), so a "#" inside a string stays part of the string.
 * Block comments and triple-quoted strings carry over lines through the block state.
 */
class SyntaxHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyntaxHighlighter)

public:
    explicit SyntaxHighlighter(QTextDocument *document);

    void setLanguage(CodeLanguage language);
    CodeLanguage language() const;
    void setTheme(const CodeTheme &theme);

protected:
    void highlightBlock(const QString &text) override;

private:
    qsizetype continueSpan(const QString &text, qsizetype from, qsizetype formatFrom, int span);
    QTextCharFormat format(CodeToken token) const;

    CodeLanguage m_language = CodeLanguage::Plain;
    const HighlightRules *m_rules;
    std::array<QTextCharFormat, 10> m_formats;
};

} // namespace rune::views
