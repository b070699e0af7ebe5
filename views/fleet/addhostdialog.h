// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/node.h"
#include "ssh/sshtransport.h"

#include <QDialog>
#include <functional>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace rune
{
class NodeList;
}

namespace rune::views
{

/**
 * Adds one host: address, login (ssh-agent and the usual keys, or a key file), role, labels
 * and name, with a button that logs in once to test all of it (an unknown host key is put to
 * the admin then, through the console's prompter). Opened with open(); the pane reads node()
 * and provisionNow() when it is accepted.
 */
class AddHostDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AddHostDialog)

public:
    using Connector = std::function<std::unique_ptr<SshTransport>(const SshTarget &)>;

    /** @p connector opens the connection the "Test connection" button tries; it must be callable. */
    AddHostDialog(const NodeList *nodes, Connector connector, QWidget *parent = nullptr);
    ~AddHostDialog() override;

    /** The node to add: a new id, the fields as entered, state Undefined until provisioned. */
    Node node() const;
    bool provisionNow() const;

    void accept() override;

Q_SIGNALS:
    /** A connection test ended; @p message is what the dialog shows. */
    void tested(bool ok, const QString &message);

private:
    SshEndpoint endpoint() const;
    QString problem() const;
    void testConnection();
    void showResult(bool ok, const QString &message);
    void chooseKeyFile();
    void updateButtons();

    const NodeList *m_nodes;
    Connector m_connector;
    std::unique_ptr<SshTransport> m_testTransport;
    std::unique_ptr<QObject> m_testContext;
    QLineEdit *m_hostEdit;
    QSpinBox *m_portSpin;
    QLineEdit *m_userEdit;
    QRadioButton *m_agentRadio;
    QRadioButton *m_keyRadio;
    QLineEdit *m_keyEdit;
    QPushButton *m_browseButton;
    QComboBox *m_roleCombo;
    QLineEdit *m_labelsEdit;
    QLineEdit *m_nameEdit;
    QPushButton *m_testButton;
    QLabel *m_testLabel;
    QCheckBox *m_provisionCheck;
    QPushButton *m_addButton;
    QString m_id;
};

} // namespace rune::views
