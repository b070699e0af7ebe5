// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "editor/codelanguage.h"

#include <QWidget>

class QLabel;

namespace rune::views
{

struct CodeTheme;

/**
 * Two versions of a file side by side, read-only, the old one on the left, changed lines
 * highlighted and unchanged lines aligned. WebDiffView uses CodeMirror's merge view,
 * NativeDiffView two text panes over rune::LineDiff; makeDiffView() picks the one built.
 */
class DiffView : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiffView)

public:
    ~DiffView() override;

    /** Compares @p oldText (left) with @p newText (right). */
    virtual void setTexts(const QString &oldText, const QString &newText) = 0;
    virtual void setLanguage(CodeLanguage language) = 0;
    /** Captions over the panes, e.g. "v3" and "v4"; empty hides them. */
    void setLabels(const QString &oldLabel, const QString &newLabel);

Q_SIGNALS:
    /** The comparison is on screen, with this many changed blocks of lines. */
    void shown(int changedBlocks);

protected:
    explicit DiffView(QWidget *parent);

    /** Subclasses put their comparison widget under the captions. */
    void setContent(QWidget *content);
    virtual void applyTheme(const CodeTheme &theme) = 0;
    void applyInitialTheme();
    void changeEvent(QEvent *event) override;

private:
    QLabel *m_oldLabel;
    QLabel *m_newLabel;
    QWidget *m_labels;
};

/** The CodeMirror merge view when the build has it (RUNE_WEB_EDITOR), else the native one. */
DiffView *makeDiffView(QWidget *parent = nullptr);

} // namespace rune::views
