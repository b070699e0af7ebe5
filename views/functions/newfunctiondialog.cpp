// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/newfunctiondialog.h"

#include "functions/functioncatalog.h"
#include "functions/functionworkspace.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

NewFunctionDialog::NewFunctionDialog(const FunctionServices &services, const QString &project, QWidget *parent)
    : QDialog(parent)
    , m_services(services)
    , m_projectCombo(new QComboBox(this))
    , m_nameEdit(new QLineEdit(this))
    , m_templateList(new QListWidget(this))
    , m_problemLabel(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(u"newFunctionDialog"_s);
    setWindowTitle(tr("New function"));
    setAttribute(Qt::WA_DeleteOnClose);
    m_projectCombo->setObjectName(u"projectCombo"_s);
    m_projectCombo->setEditable(true);
    m_projectCombo->addItems(services.catalog->projects());
    m_projectCombo->setCurrentText(project.isEmpty() ? m_projectCombo->itemText(0) : project);
    if (m_projectCombo->currentText().isEmpty())
        m_projectCombo->setCurrentText(u"default"_s);
    m_nameEdit->setObjectName(u"functionNameEdit"_s);
    m_nameEdit->setPlaceholderText(tr("lowercase letters, digits and '-'"));
    m_templateList->setObjectName(u"templateList"_s);
    for (const FunctionTemplate &t : services.templates) {
        auto *item = new QListWidgetItem(t.title + u'\n' + t.description, m_templateList);
        item->setData(Qt::UserRole, t.id);
        item->setToolTip(t.description);
    }
    m_templateList->setWordWrap(true);
    m_templateList->setSpacing(3);
    m_templateList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_templateList->setCurrentRow(0);
    m_problemLabel->setObjectName(u"newFunctionProblemLabel"_s);
    m_problemLabel->setStyleSheet(u"color: #d13a3a;"_s);
    m_problemLabel->setWordWrap(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));

    auto *form = new QFormLayout;
    form->addRow(tr("Project"), m_projectCombo);
    form->addRow(tr("Name"), m_nameEdit);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Start from"), this));
    layout->addWidget(m_templateList, 1);
    layout->addWidget(m_problemLabel);
    layout->addWidget(m_buttons);
    resize(560, 360);

    connect(m_nameEdit, &QLineEdit::textChanged, this, &NewFunctionDialog::validate);
    connect(m_projectCombo, &QComboBox::currentTextChanged, this, &NewFunctionDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &NewFunctionDialog::create);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
}

void NewFunctionDialog::setName(const QString &name)
{
    m_nameEdit->setText(name);
}

void NewFunctionDialog::setTemplate(const QString &templateId)
{
    for (int row = 0; row < m_templateList->count(); ++row) {
        if (m_templateList->item(row)->data(Qt::UserRole).toString() == templateId)
            m_templateList->setCurrentRow(row);
    }
}

void NewFunctionDialog::validate()
{
    const QString name = m_nameEdit->text().trimmed();
    QString problem = name.isEmpty() ? QString() : functionNameProblem(name);
    if (problem.isEmpty())
        problem = projectNameProblem(m_projectCombo->currentText().trimmed());
    if (problem.isEmpty() && m_services.catalog->find(m_projectCombo->currentText().trimmed(), name))
        problem = tr("the project already has a function named %1").arg(name);
    m_problemLabel->setText(problem.isEmpty() ? QString() : problem[0].toUpper() + problem.mid(1) + u'.');
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(problem.isEmpty() && !name.isEmpty() && m_templateList->count() > 0);
}

void NewFunctionDialog::create()
{
    const int row = std::max(0, m_templateList->currentRow());
    if (row >= m_services.templates.size())
        return;
    const FunctionTemplate chosen = m_services.templates.at(row);
    m_buttons->setEnabled(false);
    m_services.workspace->createFunction(m_projectCombo->currentText().trimmed(),
        m_nameEdit->text().trimmed(),
        chosen,
        this,
        [this, mainFile = chosen.mainFile](Result<Function> made) {
            m_buttons->setEnabled(true);
            if (!made) {
                m_problemLabel->setText(made.error().message);
                return;
            }
            Q_EMIT created(made->id, mainFile);
            accept();
        });
}

} // namespace rune::views
