// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "shell/functionservices.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;

namespace rune::views
{

/** A new function: its project, its name and the template it starts from. */
class NewFunctionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NewFunctionDialog)

public:
    NewFunctionDialog(const FunctionServices &services, const QString &project, QWidget *parent = nullptr);

    void setName(const QString &name);
    void setTemplate(const QString &templateId);
    /** Creates the function, as the Create button does. */
    void create();

Q_SIGNALS:
    /** The function exists; @p mainFile is the file to open first. */
    void created(const QString &functionId, const QString &mainFile);

private:
    void validate();

    FunctionServices m_services;
    QComboBox *m_projectCombo;
    QLineEdit *m_nameEdit;
    QListWidget *m_templateList;
    QLabel *m_problemLabel;
    QDialogButtonBox *m_buttons;
};

} // namespace rune::views
