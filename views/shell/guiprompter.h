// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/sshprompter.h"

#include <QObject>
#include <QPointer>
#include <QWidget>
#include <deque>
#include <functional>

namespace rune::views
{

/**
 * Puts the SSH layer's questions to the admin in window-modal dialogs: an unknown host key with
 * its SHA256 fingerprint, a key's passphrase, the sudo password. Dialogs are opened with open()
 * and answer through their signals, so no event loop is nested and the connections of other
 * hosts carry on meanwhile; several questions at once are asked one after the other.
 */
class GuiPrompter final : public QObject, public SshPrompter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuiPrompter)

public:
    explicit GuiPrompter(QObject *parent = nullptr);
    ~GuiPrompter() override;

    /** The window the dialogs belong to (they are modal to it). */
    void setWindow(QWidget *window);

    void askHostKey(const HostKeyInfo &key, std::function<void(bool accept)> answer) override;
    void askPassphrase(const QString &target, std::function<void(std::optional<QString>)> answer) override;
    void askSudoPassword(const QString &target, std::function<void(std::optional<QString>)> answer) override;

    /** Whether a dialog is open now. */
    bool isAsking() const;

Q_SIGNALS:
    /** A dialog opened (tests find it by its object name: hostKeyDialog, passphraseDialog, sudoDialog). */
    void asking(QWidget *dialog);

private:
    void enqueue(std::function<QWidget *()> show);
    void showNext();
    QWidget *dialogParent() const;
    QWidget *hostKeyDialog(const HostKeyInfo &key, std::function<void(bool)> answer);
    QWidget *passwordDialog(const QString &objectName,
        const QString &title,
        const QString &label,
        std::function<void(std::optional<QString>)> answer);

    QPointer<QWidget> m_window;
    std::deque<std::function<QWidget *()>> m_queue;
    QPointer<QWidget> m_current;
};

} // namespace rune::views
