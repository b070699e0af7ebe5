// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/bulkadddialog.h"

#include "cluster/nodelist.h"
#include "util/background.h"
#include "util/regularfile.h"
#include "widgets/format.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QUuid>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

BulkAddDialog::BulkAddDialog(const NodeList *nodes, QWidget *parent)
    : QDialog(parent)
    , m_nodes(nodes)
    , m_editor(new QPlainTextEdit(this))
    , m_roleCombo(new QComboBox(this))
    , m_userEdit(new QLineEdit(this))
    , m_preview(new QTableWidget(0, 4, this))
    , m_problems(new QLabel(this))
    , m_provisionCheck(new QCheckBox(tr("Install the agent on them now (provision)"), this))
{
    setObjectName(u"bulkAddDialog"_s);
    setWindowTitle(tr("Add many hosts"));
    m_editor->setObjectName(u"hostLinesEdit"_s);
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setPlaceholderText(tr("One host a line: user@host:port role labels…\n"
                                    "admin@10.0.0.11 compute rack-1\n"
                                    "pi@[2001:db8::7]:2222 edge camera north key=~/.ssh/pi\n"
                                    "# name=NAME names the node; key=FILE logs in with that key"));
    m_roleCombo->setObjectName(u"defaultRoleCombo"_s);
    for (auto role : {NodeRole::Compute, NodeRole::Edge, NodeRole::Controller})
        m_roleCombo->addItem(nodeRoleName(role), int(role));
    m_userEdit->setObjectName(u"defaultUserEdit"_s);
    m_userEdit->setPlaceholderText(tr("from ~/.ssh/config, else %1").arg(qEnvironmentVariable("USER", u"yours"_s)));
    m_preview->setObjectName(u"hostPreview"_s);
    m_preview->setHorizontalHeaderLabels({tr("Name"), tr("Address"), tr("Role"), tr("Labels")});
    m_preview->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_preview->horizontalHeader()->setStretchLastSection(true);
    m_preview->verticalHeader()->hide();
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setSelectionMode(QAbstractItemView::NoSelection);
    m_problems->setObjectName(u"hostProblemsLabel"_s);
    m_problems->setWordWrap(true);
    m_problems->setTextFormat(Qt::PlainText);
    m_provisionCheck->setObjectName(u"provisionCheck"_s);
    m_provisionCheck->setChecked(true);

    auto *importCsv = new QPushButton(tr("Import CSV…"), this);
    auto *importSsh = new QPushButton(tr("Import ~/.ssh/config hosts…"), this);
    importSsh->setObjectName(u"importSshConfigButton"_s);
    connect(importCsv, &QPushButton::clicked, this, [this] {
        chooseFile(false);
    });
    connect(importSsh, &QPushButton::clicked, this, [this] {
        chooseFile(true);
    });
    auto *imports = new QHBoxLayout;
    imports->addWidget(importCsv);
    imports->addWidget(importSsh);
    imports->addStretch();

    auto *defaults = new QFormLayout;
    defaults->addRow(tr("Role where a line names none:"), m_roleCombo);
    defaults->addRow(tr("User where a line names none:"), m_userEdit);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_editor);
    split->addWidget(m_preview);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_addButton = buttons->addButton(tr("Add"), QDialogButtonBox::AcceptRole);
    m_addButton->setObjectName(u"addButton"_s);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(imports);
    layout->addWidget(split, 1);
    layout->addWidget(m_problems);
    layout->addLayout(defaults);
    layout->addWidget(m_provisionCheck);
    layout->addWidget(buttons);

    m_reparse.setSingleShot(true);
    m_reparse.setInterval(150);
    connect(&m_reparse, &QTimer::timeout, this, &BulkAddDialog::reparse);
    connect(m_editor, &QPlainTextEdit::textChanged, &m_reparse, qOverload<>(&QTimer::start));
    connect(m_roleCombo, &QComboBox::currentIndexChanged, this, &BulkAddDialog::reparse);
    connect(m_userEdit, &QLineEdit::textChanged, &m_reparse, qOverload<>(&QTimer::start));
    reparse();
    resize(720, 560);
}

QPlainTextEdit *BulkAddDialog::editor() const
{
    return m_editor;
}

QList<Node> BulkAddDialog::nodes() const
{
    return m_new;
}

bool BulkAddDialog::provisionNow() const
{
    return m_provisionCheck->isChecked();
}

void BulkAddDialog::chooseFile(bool sshConfig)
{
    auto *chooser = new QFileDialog(this,
        sshConfig ? tr("SSH configuration") : tr("Hosts as CSV"),
        sshConfig ? QDir::homePath() + u"/.ssh/config"_s : QDir::homePath());
    chooser->setFileMode(QFileDialog::ExistingFile);
    chooser->setFilter(QDir::Files | QDir::Hidden);
    if (!sshConfig)
        chooser->setNameFilters({tr("CSV files (*.csv)"), tr("All files (*)")});
    connect(chooser, &QFileDialog::fileSelected, this, [this, sshConfig](const QString &file) {
        importFile(file, sshConfig);
    });
    connect(chooser, &QFileDialog::finished, chooser, &QObject::deleteLater);
    chooser->open();
}

void BulkAddDialog::importFile(const QString &file, bool sshConfig)
{
    // Off the UI thread: the file chosen may be on a slow disk, a pipe or a huge log by mistake.
    constexpr qint64 largest = 16 * 1024 * 1024;
    runInBackground(
        this,
        [file] {
            return readRegularFile(file, largest);
        },
        [this, file, sshConfig](const Result<QByteArray> &read) {
            if (!read)
                return m_problems->setText(read.error().message);
            addImported(file, QString::fromUtf8(*read), sshConfig);
        });
}

void BulkAddDialog::addImported(const QString &file, const QString &text, bool sshConfig)
{
    const HostList list = sshConfig ? parseSshConfigHosts(text) : parseHostCsv(text);
    QStringList lines;
    for (const HostEntry &entry : list.hosts)
        lines << formatHostLine(entry);
    for (const QString &problem : list.problems)
        lines << u"# "_s + QFileInfo(file).fileName() + u": "_s + problem;
    QString current = m_editor->toPlainText().trimmed();
    m_editor->setPlainText((current.isEmpty() ? QString() : current + u'\n') + lines.join(u'\n'));
    reparse();
}

QString BulkAddDialog::duplicateOf(const HostEntry &entry, const QList<Node> &earlier) const
{
    for (const Node &node : m_nodes->nodes() + earlier) {
        if (node.agent.local)
            continue;
        if (node.ssh.host == entry.ssh.host && node.ssh.port == entry.ssh.port)
            return tr("%1 is in the fleet already, as %2").arg(node.address(), node.name);
        if (node.name == entry.name)
            return tr("a node named %1 exists already").arg(node.name);
    }
    return {};
}

void BulkAddDialog::reparse()
{
    const HostList list = parseHostLines(m_editor->toPlainText());
    QStringList problems = list.problems;
    m_new.clear();
    for (const HostEntry &entry : list.hosts) {
        if (const QString duplicate = duplicateOf(entry, m_new); !duplicate.isEmpty()) {
            problems << tr("Line %1: %2; left out.").arg(entry.line).arg(duplicate);
            continue;
        }
        Node node;
        node.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        node.name = entry.name;
        node.ssh = entry.ssh;
        if (node.ssh.user.isEmpty())
            node.ssh.user = m_userEdit->text().trimmed();
        node.role = entry.role.value_or(NodeRole(m_roleCombo->currentData().toInt()));
        node.labels = entry.labels;
        node.state = NodeState::Undefined;
        m_new << node;
    }
    m_preview->setRowCount(int(m_new.size()));
    for (int row = 0; row < m_new.size(); ++row) {
        const Node &node = m_new.at(row);
        const QStringList cells {node.name, node.address(), nodeRoleName(node.role), node.labels.join(u", "_s)};
        for (int column = 0; column < cells.size(); ++column)
            m_preview->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
    m_problems->setText(problems.join(u'\n'));
    m_problems->setVisible(!problems.isEmpty());
    m_addButton->setText(tr("Add %n host(s)", nullptr, int(m_new.size())));
    m_addButton->setEnabled(!m_new.isEmpty());
}

} // namespace rune::views
