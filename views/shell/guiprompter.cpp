// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/guiprompter.h"

#include <QApplication>
#include <QFontDatabase>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace rune::views
{

GuiPrompter::GuiPrompter(QObject *parent)
    : QObject(parent)
{
}

GuiPrompter::~GuiPrompter()
{
    delete m_current;
}

void GuiPrompter::setWindow(QWidget *window)
{
    m_window = window;
}

bool GuiPrompter::isAsking() const
{
    return !m_current.isNull();
}

void GuiPrompter::enqueue(std::function<QWidget *()> show)
{
    m_queue.push_back(std::move(show));
    if (!m_current)
        showNext();
}

void GuiPrompter::showNext()
{
    if (m_current || m_queue.empty())
        return;
    const auto show = std::move(m_queue.front());
    m_queue.pop_front();
    m_current = show();
    Q_EMIT asking(m_current);
}

void GuiPrompter::askHostKey(const HostKeyInfo &key, std::function<void(bool)> answer)
{
    enqueue([this, key, answer = std::move(answer)] {
        return hostKeyDialog(key, answer);
    });
}

QWidget *GuiPrompter::dialogParent() const
{
    // On top of a dialog that is open (Add host asks while testing the connection), else the window.
    QWidget *modal = QApplication::activeModalWidget();
    return modal ? modal : m_window.data();
}

QWidget *GuiPrompter::hostKeyDialog(const HostKeyInfo &key, std::function<void(bool)> answer)
{
    auto *box = new QMessageBox(dialogParent());
    box->setObjectName(u"hostKeyDialog"_s);
    box->setWindowModality(Qt::WindowModal);
    box->setIcon(QMessageBox::Question);
    box->setWindowTitle(tr("Unknown host key"));
    const QString host = key.port == 22 ? key.host : u"%1 port %2"_s.arg(key.host).arg(key.port);
    box->setTextFormat(Qt::RichText);
    box->setText(tr("<p><b>%1</b> is not in %2 yet.</p><p>It presents this %3 key:</p><p><nobr><tt>%4</tt></nobr></p>")
                     .arg(host.toHtmlEscaped(),
                         key.knownHostsFile.toHtmlEscaped(),
                         key.keyType.toHtmlEscaped(),
                         key.fingerprint.toHtmlEscaped()));
    const QString command = u"ssh-keygen -lf /etc/ssh/ssh_host_%1_key.pub"_s.arg(key.keyType.section(u'-', 1));
    box->setInformativeText(tr("<p>Compare it with what this prints on the machine itself:</p><p><tt>%1</tt></p>"
                               "<p>Accept it only if they are the same.</p>")
                                .arg(command.toHtmlEscaped()));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Wide enough that the fingerprint and the command, to be compared and copied, stay whole.
    for (const char *name : {"qt_msgbox_label", "qt_msgbox_informativelabel"}) {
        if (auto *label = box->findChild<QLabel *>(QLatin1StringView(name))) {
            const QFontMetrics fixed(QFontDatabase::systemFont(QFontDatabase::FixedFont));
            label->setMinimumWidth(
                std::max(fixed.horizontalAdvance(key.fingerprint), fixed.horizontalAdvance(command)) + 40);
        }
    }
    QPushButton *accept = box->addButton(tr("Accept and remember"), QMessageBox::AcceptRole);
    accept->setObjectName(u"acceptHostKeyButton"_s);
    QPushButton *refuse = box->addButton(tr("Refuse"), QMessageBox::RejectRole);
    refuse->setObjectName(u"refuseHostKeyButton"_s);
    box->setDefaultButton(refuse);
    box->setEscapeButton(refuse);
    connect(box, &QMessageBox::finished, this, [this, box, accept, answer] {
        const bool accepted = box->clickedButton() == accept;
        box->deleteLater();
        m_current = nullptr;
        answer(accepted);
        QTimer::singleShot(0, this, &GuiPrompter::showNext);
    });
    box->open();
    return box;
}

QWidget *GuiPrompter::passwordDialog(const QString &objectName,
    const QString &title,
    const QString &label,
    std::function<void(std::optional<QString>)> answer)
{
    auto *dialog = new QInputDialog(dialogParent());
    dialog->setObjectName(objectName);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setWindowTitle(title);
    dialog->setLabelText(label);
    dialog->setTextEchoMode(QLineEdit::Password);
    dialog->setOkButtonText(tr("Continue"));
    connect(dialog, &QInputDialog::finished, this, [this, dialog, answer](int result) {
        const std::optional<QString> value =
            result == QDialog::Accepted ? std::optional(dialog->textValue()) : std::nullopt;
        dialog->deleteLater();
        m_current = nullptr;
        answer(value);
        QTimer::singleShot(0, this, &GuiPrompter::showNext);
    });
    dialog->open();
    return dialog;
}

void GuiPrompter::askPassphrase(const QString &target, std::function<void(std::optional<QString>)> answer)
{
    enqueue([this, target, answer = std::move(answer)] {
        return passwordDialog(u"passphraseDialog"_s,
            tr("Key passphrase"),
            tr("The key for %1 is protected by a passphrase.\nIt is kept in memory for this session only.").arg(target),
            answer);
    });
}

void GuiPrompter::askSudoPassword(const QString &target, std::function<void(std::optional<QString>)> answer)
{
    enqueue([this, target, answer = std::move(answer)] {
        return passwordDialog(u"sudoDialog"_s,
            tr("sudo password"),
            tr("sudo on %1 asks for your password.\nIt is used for this batch of work only and then forgotten.")
                .arg(target),
            answer);
    });
}

} // namespace rune::views
