// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "editor/codeeditor.h"

namespace rune::views
{

class CodeTextEdit;
class FindReplaceBar;
class SyntaxHighlighter;

/**
 * The editor without a web engine: QPlainTextEdit with a line-number gutter, a
 * QSyntaxHighlighter per language, bracket matching and a find/replace bar (Ctrl+F, Ctrl+H).
 * The build uses it when node/npm were missing; the console can always make one.
 */
class NativeCodeEditor final : public CodeEditor
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NativeCodeEditor)

public:
    explicit NativeCodeEditor(QWidget *parent = nullptr);
    ~NativeCodeEditor() override;

    void setText(const QString &text) override;
    QString text() const override;
    bool isModified() const override;
    void setModified(bool modified) override;
    void goToLine(int line) override;

    CodeTextEdit *textEdit() const;
    FindReplaceBar *findReplaceBar() const;

protected:
    void applyLanguage(CodeLanguage language) override;
    void applyReadOnly(bool readOnly) override;
    void applyTheme(const CodeTheme &theme) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool handleEditorKey(const QKeyEvent *key);

    CodeTextEdit *m_edit;
    SyntaxHighlighter *m_highlighter;
    FindReplaceBar *m_findBar;
};

} // namespace rune::views
