// SPDX-License-Identifier: GPL-3.0-or-later
#include "fleet/addhostdialog.h"

#include "cluster/hostlist.h"
#include "cluster/nodelist.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QUuid>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rune::views
{

AddHostDialog::AddHostDialog(const NodeList *nodes, Connector connector, QWidget *parent)
    : QDialog(parent)
    , m_nodes(nodes)
    , m_connector(std::move(connector))
    , m_hostEdit(new QLineEdit(this))
    , m_portSpin(new QSpinBox(this))
    , m_userEdit(new QLineEdit(this))
    , m_agentRadio(new QRadioButton(tr("ssh-agent, ~/.ssh/config and the usual ~/.ssh keys"), this))
    , m_keyRadio(new QRadioButton(tr("This key file:"), this))
    , m_keyEdit(new QLineEdit(this))
    , m_browseButton(new QPushButton(tr("Browse…"), this))
    , m_roleCombo(new QComboBox(this))
    , m_labelsEdit(new QLineEdit(this))
    , m_nameEdit(new QLineEdit(this))
    , m_testButton(new QPushButton(tr("Test connection"), this))
    , m_testLabel(new QLabel(this))
    , m_provisionCheck(new QCheckBox(tr("Install the agent now (provision)"), this))
    , m_id(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    setObjectName(u"addHostDialog"_s);
    Q_ASSERT(m_connector);
    setWindowTitle(tr("Add a host"));
    m_hostEdit->setObjectName(u"hostEdit"_s);
    m_hostEdit->setPlaceholderText(tr("name, address or ~/.ssh/config alias"));
    m_portSpin->setObjectName(u"portSpin"_s);
    m_portSpin->setRange(1, 65535);
    m_portSpin->setValue(22);
    m_userEdit->setObjectName(u"userEdit"_s);
    m_userEdit->setPlaceholderText(tr("from ~/.ssh/config, else %1").arg(qEnvironmentVariable("USER", u"your name"_s)));
    m_agentRadio->setChecked(true);
    m_keyRadio->setObjectName(u"keyRadio"_s);
    m_keyEdit->setObjectName(u"keyEdit"_s);
    m_keyEdit->setPlaceholderText(QDir::homePath() + u"/.ssh/id_ed25519"_s);
    m_roleCombo->setObjectName(u"roleCombo"_s);
    for (auto role : {NodeRole::Compute, NodeRole::Edge, NodeRole::Controller})
        m_roleCombo->addItem(nodeRoleName(role), int(role));
    m_labelsEdit->setObjectName(u"labelsEdit"_s);
    m_labelsEdit->setPlaceholderText(tr("rack-1, gpu (optional)"));
    m_nameEdit->setObjectName(u"nameEdit"_s);
    m_nameEdit->setPlaceholderText(tr("the host, unless you name it"));
    m_testButton->setObjectName(u"testConnectionButton"_s);
    m_testLabel->setObjectName(u"testResultLabel"_s);
    m_testLabel->setWordWrap(true);
    m_testLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testLabel->setMinimumHeight(36);
    m_provisionCheck->setObjectName(u"provisionCheck"_s);
    m_provisionCheck->setChecked(true);

    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_keyRadio);
    keyRow->addWidget(m_keyEdit, 1);
    keyRow->addWidget(m_browseButton);
    auto *address = new QHBoxLayout;
    address->addWidget(m_hostEdit, 1);
    address->addWidget(new QLabel(tr("Port"), this));
    address->addWidget(m_portSpin);

    auto *form = new QFormLayout;
    auto *hostLabel = new QLabel(tr("&Host:"), this);
    hostLabel->setBuddy(m_hostEdit); // a row of several widgets gets no buddy by itself
    form->addRow(hostLabel, address);
    form->addRow(tr("&User:"), m_userEdit);
    form->addRow(tr("Log in with:"), m_agentRadio);
    form->addRow(QString(), keyRow);
    form->addRow(tr("&Role:"), m_roleCombo);
    form->addRow(tr("&Labels:"), m_labelsEdit);
    form->addRow(tr("&Name:"), m_nameEdit);

    auto *test = new QHBoxLayout;
    test->addWidget(m_testButton, 0, Qt::AlignTop);
    test->addWidget(m_testLabel, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_addButton = buttons->addButton(tr("Add"), QDialogButtonBox::AcceptRole);
    m_addButton->setObjectName(u"addButton"_s);
    m_addButton->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &AddHostDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &AddHostDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(test);
    layout->addWidget(m_provisionCheck);
    layout->addWidget(buttons);

    connect(m_testButton, &QPushButton::clicked, this, &AddHostDialog::testConnection);
    connect(m_browseButton, &QPushButton::clicked, this, &AddHostDialog::chooseKeyFile);
    connect(m_keyEdit, &QLineEdit::textEdited, this, [this] {
        m_keyRadio->setChecked(true);
    });
    for (QLineEdit *edit : {m_hostEdit, m_keyEdit, m_nameEdit})
        connect(edit, &QLineEdit::textChanged, this, &AddHostDialog::updateButtons);
    connect(m_keyRadio, &QRadioButton::toggled, this, &AddHostDialog::updateButtons);
    connect(m_portSpin, &QSpinBox::valueChanged, this, &AddHostDialog::updateButtons);
    updateButtons();
    resize(560, sizeHint().height());
}

AddHostDialog::~AddHostDialog() = default;

SshEndpoint AddHostDialog::endpoint() const
{
    return SshEndpoint {m_hostEdit->text().trimmed(),
        quint16(m_portSpin->value()),
        m_userEdit->text().trimmed(),
        m_keyRadio->isChecked() ? m_keyEdit->text().trimmed() : QString()};
}

Node AddHostDialog::node() const
{
    Node node;
    node.id = m_id;
    node.ssh = endpoint();
    node.name = m_nameEdit->text().trimmed().isEmpty() ? node.ssh.host : m_nameEdit->text().trimmed();
    node.role = NodeRole(m_roleCombo->currentData().toInt());
    node.labels = m_labelsEdit->text().split(QRegularExpression(u"[\\s,;]+"_s), Qt::SkipEmptyParts);
    node.state = NodeState::Undefined;
    return node;
}

bool AddHostDialog::provisionNow() const
{
    return m_provisionCheck->isChecked();
}

QString AddHostDialog::problem() const
{
    if (const auto allowed = checkNewHost(m_nodes->nodes(), node()); !allowed)
        return allowed.error().message;
    if (m_keyRadio->isChecked() && endpoint().keyFile.isEmpty())
        return tr("Choose the key file, or log in with ssh-agent and the usual keys.");
    return {};
}

void AddHostDialog::updateButtons()
{
    const QString issue = problem();
    m_addButton->setEnabled(issue.isEmpty());
    m_addButton->setToolTip(issue);
    m_testButton->setEnabled(!endpoint().host.isEmpty() && !m_testTransport);
}

void AddHostDialog::chooseKeyFile()
{
    auto *chooser = new QFileDialog(this, tr("Private key"), QDir::homePath() + u"/.ssh"_s);
    chooser->setFileMode(QFileDialog::ExistingFile);
    chooser->setOption(QFileDialog::DontUseNativeDialog, false);
    chooser->setFilter(QDir::Files | QDir::Hidden);
    connect(chooser, &QFileDialog::fileSelected, this, [this](const QString &file) {
        m_keyEdit->setText(file);
        m_keyRadio->setChecked(true);
    });
    connect(chooser, &QFileDialog::finished, chooser, &QObject::deleteLater);
    chooser->open();
}

void AddHostDialog::testConnection()
{
    if (m_testTransport)
        return;
    const SshEndpoint wanted = endpoint();
    m_testTransport = m_connector(SshTarget {wanted.host, wanted.port, wanted.user, wanted.keyFile});
    m_testContext = std::make_unique<QObject>();
    m_testLabel->setText(tr("Connecting to %1…").arg(m_testTransport->describe()));
    updateButtons();
    m_testTransport->exec(u"uname -sm; id -un; (. /etc/os-release 2>/dev/null && echo \"$PRETTY_NAME\")"_s,
        {},
        std::chrono::seconds(20),
        m_testContext.get(),
        [this](Result<ExecResult> result) {
            if (!result)
                return showResult(false, result.error().message);
            const QStringList lines = QString::fromUtf8(result->standardOutput).trimmed().split(u'\n');
            const QString os = lines.value(2).isEmpty() ? lines.value(0) : lines.value(2) + u", "_s + lines.value(0);
            const QString user = lines.value(1);
            showResult(true,
                user == u"root"_s ? tr("Connected: %1, logged in as root.").arg(os)
                                  : tr("Connected: %1, logged in as %2 (commands run through sudo).").arg(os, user));
        });
}

void AddHostDialog::showResult(bool ok, const QString &message)
{
    m_testLabel->setText((ok ? u"✔ "_s : u"✘ "_s) + message);
    QPalette palette = m_testLabel->palette();
    palette.setColor(QPalette::WindowText, ok ? QColor(0x2e, 0xa0, 0x43) : QColor(0xdc, 0x3c, 0x3c));
    m_testLabel->setPalette(palette);
    // Closed once this callback has returned: it runs inside the transport's own delivery.
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_testTransport.reset();
            m_testContext.reset();
            updateButtons();
        },
        Qt::QueuedConnection);
    Q_EMIT tested(ok, message);
}

void AddHostDialog::accept()
{
    if (!problem().isEmpty())
        return;
    QDialog::accept();
}

} // namespace rune::views
