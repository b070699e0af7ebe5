// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/codetextedit.h"

#include <QPaintEvent>
#include <QPainter>
#include <QTextBlock>

namespace rune::views
{

namespace
{

/** Paints the line numbers; CodeTextEdit does the work. */
class Gutter final : public QWidget
{
public:
    explicit Gutter(CodeTextEdit *editor)
        : QWidget(editor)
        , m_editor(editor)
    {
    }

    QSize sizeHint() const override
    {
        return {m_editor->gutterWidth(), 0};
    }

protected:
    void paintEvent(QPaintEvent *event) override
    {
        m_editor->paintGutter(event);
    }

private:
    CodeTextEdit *m_editor;
};

constexpr QStringView openers = u"([{";
constexpr QStringView closers = u")]}";
constexpr int bracketSearchLimit = 200000;

/** The partner of the bracket at @p position, skipping nested pairs of the same kind. */
std::optional<int> partnerOf(const QTextDocument *document, int position)
{
    const QChar bracket = document->characterAt(position);
    qsizetype kind = openers.indexOf(bracket);
    const bool forward = kind >= 0;
    if (!forward)
        kind = closers.indexOf(bracket);
    if (kind < 0)
        return std::nullopt;
    const QChar open = openers[kind], close = closers[kind];
    const int step = forward ? 1 : -1;
    int depth = 0;
    for (int i = position, seen = 0; i >= 0 && i < document->characterCount() && seen < bracketSearchLimit;
         i += step, ++seen) {
        const QChar c = document->characterAt(i);
        depth += c == open ? step : c == close ? -step : 0;
        if (depth == 0)
            return i;
    }
    return std::nullopt;
}

QTextEdit::ExtraSelection characterHighlight(QTextDocument *document, int position, const CodeTheme &theme)
{
    QTextEdit::ExtraSelection selection;
    selection.cursor = QTextCursor(document);
    selection.cursor.setPosition(position);
    selection.cursor.setPosition(position + 1, QTextCursor::KeepAnchor);
    selection.format.setBackground(theme.matchingBracket);
    return selection;
}

} // namespace

CodeTextEdit::CodeTextEdit(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_gutter(new Gutter(this))
    , m_theme(CodeTheme::fromPalette(palette()))
{
    setLineWrapMode(QPlainTextEdit::NoWrap);
    connect(this, &QPlainTextEdit::blockCountChanged, this, &CodeTextEdit::updateGutterWidth);
    connect(this, &QPlainTextEdit::updateRequest, this, &CodeTextEdit::updateGutter);
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, &CodeTextEdit::updateCursorHighlights);
    setTheme(m_theme);
}

void CodeTextEdit::setTheme(const CodeTheme &theme)
{
    m_theme = theme;
    setFont(theme.font);
    QPalette colors = palette();
    colors.setColor(QPalette::Base, theme.background);
    colors.setColor(QPalette::Text, theme.foreground);
    colors.setColor(QPalette::Highlight, theme.selection);
    colors.setColor(QPalette::HighlightedText, theme.foreground);
    setPalette(colors);
    setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 4);
    updateGutterWidth();
    updateCursorHighlights();
    m_gutter->update();
}

const CodeTheme &CodeTextEdit::theme() const
{
    return m_theme;
}

void CodeTextEdit::setLineLabels(const QList<int> &labels)
{
    m_labels = labels;
    updateGutterWidth();
    m_gutter->update();
}

void CodeTextEdit::setCurrentLineHighlighted(bool highlighted)
{
    m_currentLineHighlighted = highlighted;
    updateCursorHighlights();
}

void CodeTextEdit::setHighlights(Layer layer, const QList<QTextEdit::ExtraSelection> &selections)
{
    m_layers[layer] = selections;
    QList<QTextEdit::ExtraSelection> all;
    for (const auto &entry : m_layers)
        all += entry.second;
    setExtraSelections(all);
}

QList<QTextEdit::ExtraSelection> CodeTextEdit::highlights(Layer layer) const
{
    const auto it = m_layers.find(layer);
    return it == m_layers.end() ? QList<QTextEdit::ExtraSelection>() : it->second;
}

std::optional<std::pair<int, int>> CodeTextEdit::bracketPairAtCursor() const
{
    const int position = textCursor().position();
    // The bracket after the cursor first, then the one before it, as most editors do.
    for (const int candidate : {position, position - 1}) {
        if (candidate < 0)
            continue;
        if (const auto partner = partnerOf(document(), candidate))
            return std::pair {candidate, *partner};
    }
    return std::nullopt;
}

int CodeTextEdit::gutterWidth() const
{
    int largest = std::max(1, blockCount());
    for (const int label : m_labels)
        largest = std::max(largest, label);
    const int digits = int(QString::number(largest).size());
    return fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(digits, 2) + 16;
}

void CodeTextEdit::paintGutter(QPaintEvent *event)
{
    QPainter painter(m_gutter);
    painter.fillRect(event->rect(), m_theme.gutterBackground);
    painter.setPen(m_theme.gutterBorder);
    painter.drawLine(m_gutter->width() - 1, event->rect().top(), m_gutter->width() - 1, event->rect().bottom());
    painter.setFont(font());
    const int current = textCursor().blockNumber();
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    while (block.isValid() && top <= event->rect().bottom()) {
        const int height = qRound(blockBoundingRect(block).height());
        const int number = block.blockNumber();
        const int label = m_labels.isEmpty() ? number + 1 : m_labels.value(number);
        if (block.isVisible() && label > 0 && top + height >= event->rect().top()) {
            const bool isCurrent = number == current && m_currentLineHighlighted;
            painter.setPen(isCurrent ? m_theme.foreground : m_theme.gutterForeground);
            painter.drawText(QRect(0, top, m_gutter->width() - 8, height),
                Qt::AlignRight | Qt::AlignVCenter,
                QString::number(label));
        }
        top += height;
        block = block.next();
    }
}

void CodeTextEdit::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect area = contentsRect();
    m_gutter->setGeometry(QRect(area.left(), area.top(), gutterWidth(), area.height()));
}

void CodeTextEdit::updateGutterWidth()
{
    setViewportMargins(gutterWidth(), 0, 0, 0);
    const QRect area = contentsRect();
    m_gutter->setGeometry(QRect(area.left(), area.top(), gutterWidth(), area.height()));
}

void CodeTextEdit::updateGutter(const QRect &rect, int dy)
{
    if (dy != 0)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
}

void CodeTextEdit::updateCursorHighlights()
{
    QList<QTextEdit::ExtraSelection> line;
    if (m_currentLineHighlighted) {
        QTextEdit::ExtraSelection selection;
        selection.format.setBackground(m_theme.activeLine);
        selection.format.setProperty(QTextFormat::FullWidthSelection, true);
        selection.cursor = textCursor();
        selection.cursor.clearSelection();
        line.append(selection);
    }
    QList<QTextEdit::ExtraSelection> brackets;
    if (const auto pair = bracketPairAtCursor()) {
        brackets.append(characterHighlight(document(), pair->first, m_theme));
        brackets.append(characterHighlight(document(), pair->second, m_theme));
    }
    m_layers[Layer::CurrentLine] = line;
    setHighlights(Layer::Brackets, brackets);
    m_gutter->update();
}

} // namespace rune::views
