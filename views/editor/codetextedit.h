// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "editor/codetheme.h"

#include <QPlainTextEdit>
#include <map>
#include <optional>

namespace rune::views
{

/**
 * The text area of the native editor and of the native diff view: a line-number gutter, the
 * current line and matching brackets highlighted, and named layers of extra highlights (search
 * matches, changed lines) that do not overwrite each other.
 */
class CodeTextEdit final : public QPlainTextEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CodeTextEdit)

public:
    enum class Layer { CurrentLine, Brackets, Search, Diff };

    explicit CodeTextEdit(QWidget *parent = nullptr);

    void setTheme(const CodeTheme &theme);
    const CodeTheme &theme() const;

    /** The gutter's number for each line, 0 for none (the diff view's filler lines). Empty: 1, 2, 3, ... */
    void setLineLabels(const QList<int> &labels);
    /** Whether the line with the cursor gets a background (not in the diff view). */
    void setCurrentLineHighlighted(bool highlighted);

    void setHighlights(Layer layer, const QList<QTextEdit::ExtraSelection> &selections);
    QList<QTextEdit::ExtraSelection> highlights(Layer layer) const;

    /** Positions of the bracket at the cursor and its partner, if the cursor touches one that has one. */
    std::optional<std::pair<int, int>> bracketPairAtCursor() const;

    int gutterWidth() const;
    void paintGutter(QPaintEvent *event);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateGutterWidth();
    void updateGutter(const QRect &rect, int dy);
    void updateCursorHighlights();

    QWidget *m_gutter;
    CodeTheme m_theme;
    QList<int> m_labels;
    bool m_currentLineHighlighted = true;
    std::map<Layer, QList<QTextEdit::ExtraSelection>> m_layers;
};

} // namespace rune::views
