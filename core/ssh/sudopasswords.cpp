// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/sudopasswords.h"

namespace rune
{

SudoPasswords::SudoPasswords(SshPrompter *prompter)
    : m_prompter(prompter)
    , m_alive(std::make_shared<bool>(true))
{
}

SudoPasswords::~SudoPasswords()
{
    m_password.fill(u'\0');
    *m_alive = false;
}

void SudoPasswords::get(const QString &target, QObject *context, Answer done)
{
    switch (m_state) {
    case State::Known:
        done(m_password);
        return;
    case State::Declined:
        done(std::nullopt);
        return;
    case State::Asking:
        m_waiting.emplace_back(context, std::move(done));
        return;
    case State::Unasked:
        break;
    }
    m_state = State::Asking;
    m_waiting.emplace_back(context, std::move(done));
    std::weak_ptr<bool> alive = m_alive;
    m_prompter->askSudoPassword(target, [this, alive](std::optional<QString> password) {
        if (alive.lock() && *alive.lock())
            answered(std::move(password));
    });
}

void SudoPasswords::answered(std::optional<QString> password)
{
    m_state = password ? State::Known : State::Declined;
    if (password)
        m_password = *password;
    auto waiting = std::move(m_waiting);
    m_waiting.clear();
    for (auto &[context, done] : waiting) {
        if (context)
            done(password);
    }
}

void SudoPasswords::reject(const QString &password)
{
    if (m_state == State::Known && m_password == password) {
        m_password.fill(u'\0');
        m_password.clear();
        m_state = State::Unasked;
    }
}

} // namespace rune
