// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "editor/codelanguage.h"

#include <QWidget>

namespace rune::views
{

struct CodeTheme;

/**
 * A source code editor: highlighting, line numbers, search and replace, bracket matching,
 * undo; a modified flag and Ctrl+S. Two implementations: WebCodeEditor (CodeMirror in a web
 * view) and NativeCodeEditor (QPlainTextEdit); makeCodeEditor() picks the one built.
 *
 * Every call returns at once: the web editor applies changes asynchronously, but text(),
 * isModified(), language() and isReadOnly() always answer from state kept on this side.
 */
class CodeEditor : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CodeEditor)

public:
    ~CodeEditor() override;

    /** Replaces the document; clears the undo history and the modified flag. */
    virtual void setText(const QString &text) = 0;
    /** The document as of the last change this side has heard of. */
    virtual QString text() const = 0;

    void setLanguage(CodeLanguage language);
    CodeLanguage language() const;
    /** setLanguage(codeLanguageForFile(fileName, text())). */
    void setLanguageForFile(const QString &fileName);

    /** Whether the text differs from the last setText() or setModified(false). */
    virtual bool isModified() const = 0;
    /** false after a save; true forces the flag until the next save or setText(). */
    virtual void setModified(bool modified) = 0;

    void setReadOnly(bool readOnly);
    bool isReadOnly() const;

    /** Moves the cursor to the start of the 1-based @p line, scrolls it into view, focuses. */
    virtual void goToLine(int line) = 0;

Q_SIGNALS:
    /** The text changed, by typing or by setText(). */
    void textChanged();
    void modifiedChanged(bool modified);
    /** The user pressed Ctrl+S (never while read-only). */
    void saveRequested();

protected:
    explicit CodeEditor(QWidget *parent);

    virtual void applyLanguage(CodeLanguage language) = 0;
    virtual void applyReadOnly(bool readOnly) = 0;
    /** Called once the widget is built and again whenever the palette changes. */
    virtual void applyTheme(const CodeTheme &theme) = 0;
    /** Subclasses call this at the end of their constructor. */
    void applyInitialTheme();

    void changeEvent(QEvent *event) override;

private:
    CodeLanguage m_language = CodeLanguage::Plain;
    bool m_readOnly = false;
};

/** The CodeMirror editor when the build has it (RUNE_WEB_EDITOR), else the native one. */
CodeEditor *makeCodeEditor(QWidget *parent = nullptr);
/** Whether makeCodeEditor() returns the CodeMirror editor. */
bool hasWebCodeEditor();

} // namespace rune::views
