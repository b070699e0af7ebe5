// SPDX-License-Identifier: GPL-3.0-or-later
// The user at the keyboard, for tests: answers SSH's questions as the test decided beforehand.
#pragma once

#include "ssh/sshprompter.h"

#include <QCoreApplication>
#include <QList>
#include <QTimer>

namespace rune::test
{

/**
 * Answers the SSH questions the way a test tells it to, and records what was asked. Like a GUI
 * dialog it answers later, from the event loop, never from inside the question.
 */
class ScriptedPrompter final : public SshPrompter
{
public:
    bool acceptHostKeys = true;
    std::optional<QString> passphrase;
    std::optional<QString> sudoPassword;
    QList<HostKeyInfo> hostKeyQuestions;
    int passphraseQuestions = 0;
    int sudoQuestions = 0;

    void askHostKey(const HostKeyInfo &key, std::function<void(bool accept)> answer) override
    {
        hostKeyQuestions << key;
        later([answer, accept = acceptHostKeys] {
            answer(accept);
        });
    }
    void askPassphrase(const QString &, std::function<void(std::optional<QString>)> answer) override
    {
        ++passphraseQuestions;
        later([answer, value = passphrase] {
            answer(value);
        });
    }
    void askSudoPassword(const QString &, std::function<void(std::optional<QString>)> answer) override
    {
        ++sudoQuestions;
        later([answer, value = sudoPassword] {
            answer(value);
        });
    }

private:
    static void later(std::function<void()> answer)
    {
        QTimer::singleShot(10, QCoreApplication::instance(), std::move(answer));
    }
};

} // namespace rune::test
