// SPDX-License-Identifier: GPL-3.0-or-later
#include "editor/nativediffview.h"

#include "editor/codetextedit.h"
#include "editor/syntaxhighlighter.h"
#include "util/linediff.h"

#include <QScrollBar>
#include <QSplitter>
#include <QTextBlock>

using namespace Qt::StringLiterals;

namespace rune::views
{

namespace
{

using Kind = DiffRow::Kind;

/** What one pane shows: its lines (fillers empty), gutter numbers, and the row highlights. */
struct PaneContent {
    QStringList lines;
    QList<int> labels;
    QList<QColor> backgrounds; ///< invalid: unchanged row
};

PaneContent paneContent(const LineDiff &diff, bool oldSide, const CodeTheme &theme)
{
    PaneContent pane;
    const QStringList &source = oldSide ? diff.oldLines() : diff.newLines();
    const QColor changed = oldSide ? theme.removedLine : theme.addedLine;
    for (const DiffRow &row : diff.rows()) {
        const int line = oldSide ? row.oldLine : row.newLine;
        pane.lines << (line >= 0 ? source[line] : QString());
        pane.labels << line + 1;
        pane.backgrounds << (row.kind == Kind::Same ? QColor() : line >= 0 ? changed : theme.fillerLine);
    }
    return pane;
}

void showPane(CodeTextEdit *edit, const PaneContent &pane)
{
    edit->setPlainText(pane.lines.join(u'\n'));
    edit->setLineLabels(pane.labels);
    QList<QTextEdit::ExtraSelection> highlights;
    QTextBlock block = edit->document()->firstBlock();
    for (const QColor &background : pane.backgrounds) {
        if (background.isValid()) {
            QTextEdit::ExtraSelection selection;
            selection.cursor = QTextCursor(block);
            selection.format.setBackground(background);
            selection.format.setProperty(QTextFormat::FullWidthSelection, true);
            highlights.append(selection);
        }
        block = block.next();
    }
    edit->setHighlights(CodeTextEdit::Layer::Diff, highlights);
}

int changedBlocks(const LineDiff &diff)
{
    int blocks = 0;
    bool inBlock = false;
    for (const DiffRow &row : diff.rows()) {
        const bool changed = row.kind != Kind::Same;
        blocks += changed && !inBlock;
        inBlock = changed;
    }
    return blocks;
}

void scrollTogether(QScrollBar *a, QScrollBar *b)
{
    QObject::connect(a, &QScrollBar::valueChanged, b, &QScrollBar::setValue);
    QObject::connect(b, &QScrollBar::valueChanged, a, &QScrollBar::setValue);
}

} // namespace

NativeDiffView::NativeDiffView(QWidget *parent)
    : DiffView(parent)
    , m_old(new CodeTextEdit(this))
    , m_new(new CodeTextEdit(this))
    , m_oldHighlighter(new SyntaxHighlighter(m_old->document()))
    , m_newHighlighter(new SyntaxHighlighter(m_new->document()))
{
    m_old->setObjectName(u"oldPane"_s);
    m_new->setObjectName(u"newPane"_s);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    for (CodeTextEdit *pane : {m_old, m_new}) {
        pane->setReadOnly(true);
        pane->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        pane->setCurrentLineHighlighted(false);
        splitter->addWidget(pane);
    }
    scrollTogether(m_old->verticalScrollBar(), m_new->verticalScrollBar());
    scrollTogether(m_old->horizontalScrollBar(), m_new->horizontalScrollBar());
    setContent(splitter);
    applyInitialTheme();
}

NativeDiffView::~NativeDiffView() = default;

void NativeDiffView::setTexts(const QString &oldText, const QString &newText)
{
    m_oldText = oldText;
    m_newText = newText;
    render();
}

void NativeDiffView::setLanguage(CodeLanguage language)
{
    m_oldHighlighter->setLanguage(language);
    m_newHighlighter->setLanguage(language);
}

CodeTextEdit *NativeDiffView::oldPane() const
{
    return m_old;
}

CodeTextEdit *NativeDiffView::newPane() const
{
    return m_new;
}

void NativeDiffView::applyTheme(const CodeTheme &theme)
{
    for (CodeTextEdit *pane : {m_old, m_new})
        pane->setTheme(theme);
    m_oldHighlighter->setTheme(theme);
    m_newHighlighter->setTheme(theme);
    render();
}

void NativeDiffView::render()
{
    const LineDiff diff(m_oldText, m_newText);
    showPane(m_old, paneContent(diff, true, m_old->theme()));
    showPane(m_new, paneContent(diff, false, m_new->theme()));
    Q_EMIT shown(changedBlocks(diff));
}

} // namespace rune::views
