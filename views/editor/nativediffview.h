// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "editor/diffview.h"

namespace rune::views
{

class CodeTextEdit;
class SyntaxHighlighter;

/**
 * The diff view without a web engine: two read-only panes filled row by row from
 * rune::LineDiff. A line missing on one side leaves a shaded filler row there, so unchanged
 * lines stay side by side; the panes scroll together.
 */
class NativeDiffView final : public DiffView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NativeDiffView)

public:
    explicit NativeDiffView(QWidget *parent = nullptr);
    ~NativeDiffView() override;

    void setTexts(const QString &oldText, const QString &newText) override;
    void setLanguage(CodeLanguage language) override;

    CodeTextEdit *oldPane() const;
    CodeTextEdit *newPane() const;

protected:
    void applyTheme(const CodeTheme &theme) override;

private:
    void render();

    CodeTextEdit *m_old;
    CodeTextEdit *m_new;
    SyntaxHighlighter *m_oldHighlighter;
    SyntaxHighlighter *m_newHighlighter;
    QString m_oldText;
    QString m_newText;
};

} // namespace rune::views
