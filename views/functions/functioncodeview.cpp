// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functioncodeview.h"

#include "editor/codeeditor.h"
#include "functions/functioncatalog.h"
#include "functions/functionworkspace.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStringDecoder>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

FunctionCodeView::FunctionCodeView(const FunctionServices &services, QWidget *parent)
    : QWidget(parent)
    , m_services(services)
    , m_editor(makeCodeEditor(this))
    , m_fileLabel(new QLabel(this))
    , m_saveButton(new QPushButton(tr("Save"), this))
{
    m_editor->setObjectName(u"functionCodeEditor"_s);
    m_fileLabel->setObjectName(u"codeFileLabel"_s);
    m_fileLabel->setTextFormat(Qt::PlainText);
    m_saveButton->setObjectName(u"saveFileButton"_s);
    m_saveButton->setToolTip(tr("Save the file into the console's copy of the function (Ctrl+S)"));

    auto *header = new QHBoxLayout;
    header->setContentsMargins(6, 4, 6, 4);
    header->addWidget(m_fileLabel, 1);
    header->addWidget(m_saveButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(header);
    layout->addWidget(m_editor, 1);

    connect(m_editor, &CodeEditor::saveRequested, this, [this] {
        saveIfModified();
    });
    connect(m_saveButton, &QPushButton::clicked, this, [this] {
        saveIfModified();
    });
    connect(m_editor, &CodeEditor::modifiedChanged, this, &FunctionCodeView::updateHeader);
    // Files replaced behind the editor's back (a dropped folder): show what is there now.
    connect(services.workspace, &FunctionWorkspace::filesReplaced, this, [this](const QString &id) {
        if (id == m_functionId && !m_path.isEmpty())
            load(m_functionId, m_path);
    });
    connect(services.catalog, &FunctionCatalog::filesChanged, this, [this](const QString &id) {
        if (id == m_functionId && !m_path.isEmpty() && !m_services.catalog->files(id).contains(m_path))
            closeFile();
    });
    closeFile();
}

CodeEditor *FunctionCodeView::editor() const
{
    return m_editor;
}

QString FunctionCodeView::functionId() const
{
    return m_functionId;
}

QString FunctionCodeView::path() const
{
    return m_path;
}

bool FunctionCodeView::isModified() const
{
    return !m_path.isEmpty() && m_editor->isModified();
}

void FunctionCodeView::openFile(const QString &functionId, const QString &path)
{
    if (functionId == m_functionId && path == m_path)
        return;
    saveIfModified([this, functionId, path](bool saved) {
        if (saved)
            load(functionId, path);
    });
}

void FunctionCodeView::closeFile()
{
    ++m_loading;
    m_functionId.clear();
    m_path.clear();
    m_editor->setText({});
    m_editor->setReadOnly(true);
    updateHeader();
}

void FunctionCodeView::load(const QString &functionId, const QString &path)
{
    const int generation = ++m_loading;
    m_services.workspace->readFile(functionId, path, this, [this, functionId, path, generation](Result<CodeFile> file) {
        if (generation != m_loading)
            return;
        if (!file) {
            Q_EMIT problem(file.error().message);
            return;
        }
        auto decoder = QStringDecoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = decoder(file->data);
        const bool binary = decoder.hasError() || file->data.contains('\0');
        m_functionId = functionId;
        m_path = path;
        m_executable = file->executable;
        m_editor->setLanguageForFile(path);
        m_editor->setText(binary ? tr("%1 is not text; it is deployed as it is.").arg(path) : text);
        m_editor->setReadOnly(binary);
        updateHeader();
        Q_EMIT fileOpened(functionId, path);
    });
}

void FunctionCodeView::saveIfModified(std::function<void(bool)> done)
{
    if (!isModified() || m_editor->isReadOnly()) {
        if (done)
            done(true);
        return;
    }
    const QString text = m_editor->text();
    const QString functionId = m_functionId;
    const QString path = m_path;
    m_services.workspace->saveFile(functionId,
        CodeFile {path, text.toUtf8(), m_executable},
        this,
        [this, text, functionId, path, done](Result<void> written) {
            if (!written) {
                Q_EMIT problem(written.error().message);
                if (done)
                    done(false);
                return;
            }
            // Typing during the save keeps the file modified.
            if (functionId == m_functionId && path == m_path && m_editor->text() == text)
                m_editor->setModified(false);
            updateHeader();
            Q_EMIT saved(functionId, path);
            if (done)
                done(true);
        });
}

void FunctionCodeView::updateHeader()
{
    if (m_path.isEmpty()) {
        m_fileLabel->setText(tr("Choose a file of a function on the left, or create a function."));
        m_saveButton->setEnabled(false);
        return;
    }
    const Function *function = m_services.catalog->find(m_functionId);
    const QString name = function ? function->project + u'/' + function->name : QString();
    const bool modified = m_editor->isModified();
    m_fileLabel->setText(modified ? tr("%1 · %2 — modified").arg(name, m_path) : tr("%1 · %2").arg(name, m_path));
    m_saveButton->setEnabled(modified && !m_editor->isReadOnly());
}

} // namespace rune::views
