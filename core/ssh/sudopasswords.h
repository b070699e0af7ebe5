// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/sshprompter.h"

#include <QObject>
#include <QPointer>
#include <functional>
#include <optional>
#include <vector>

namespace rune
{

/**
 * The sudo password of one batch of work (a provisioning run, a lifecycle action): asked once
 * through the prompter, however many nodes want it at the same time, and kept in memory only
 * until this object is destroyed at the end of the batch.
 */
class SudoPasswords final
{
public:
    explicit SudoPasswords(SshPrompter *prompter);
    ~SudoPasswords();
    Q_DISABLE_COPY_MOVE(SudoPasswords)

    using Answer = std::function<void(std::optional<QString>)>;

    /** The password (asking for it the first time); std::nullopt when the user declined. */
    void get(const QString &target, QObject *context, Answer done);
    /** A node refused the password: the next get() asks again. */
    void reject(const QString &password);

private:
    enum class State {
        Unasked,
        Asking,
        Known,
        Declined,
    };
    void answered(std::optional<QString> password);

    SshPrompter *m_prompter;
    State m_state = State::Unasked;
    QString m_password;
    std::vector<std::pair<QPointer<QObject>, Answer>> m_waiting;
    std::shared_ptr<bool> m_alive;
};

} // namespace rune
