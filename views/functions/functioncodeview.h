// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "shell/functionservices.h"

#include <QWidget>

class QLabel;
class QPushButton;

namespace rune::views
{

class CodeEditor;

/**
 * One working file of a function in the code editor. Ctrl+S (or Save) writes it to the bucket
 * store; opening another file first saves a modified one, so nothing typed is lost.
 */
class FunctionCodeView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionCodeView)

public:
    FunctionCodeView(const FunctionServices &services, QWidget *parent = nullptr);

    CodeEditor *editor() const;
    QString functionId() const;
    QString path() const;
    bool isModified() const;

    /** Shows @p path of @p functionId, saving the file shown now if it was modified. */
    void openFile(const QString &functionId, const QString &path);
    /** Shows nothing (the function is gone, or a project is selected). */
    void closeFile();
    /** Saves the file shown now if modified; @p done runs once saved (at once if nothing to do). */
    void saveIfModified(std::function<void(bool saved)> done = {});

Q_SIGNALS:
    /** The file shown is saved (or opened unchanged). */
    void saved(const QString &functionId, const QString &path);
    /** Something went wrong, in a sentence. */
    void problem(const QString &message);
    void fileOpened(const QString &functionId, const QString &path);

private:
    void load(const QString &functionId, const QString &path);
    void updateHeader();

    FunctionServices m_services;
    CodeEditor *m_editor;
    QLabel *m_fileLabel;
    QPushButton *m_saveButton;
    QString m_functionId;
    QString m_path;
    bool m_executable = false;
    int m_loading = 0; ///< generation of the last open, so a slow read cannot replace a newer file
};

} // namespace rune::views
