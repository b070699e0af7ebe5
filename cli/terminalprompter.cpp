// SPDX-License-Identifier: GPL-3.0-or-later
#include "terminalprompter.h"

#include "commandtable.h"

#include <cstdio>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

/**
 * Writes @p question on /dev/tty and reads one line from it, without echo when @p secret;
 * nullopt when there is no terminal to ask on (stdin is not one, or /dev/tty cannot be opened).
 * The command waits for the answer: nothing else is under way while SSH waits for it.
 */
std::optional<QString> askTerminal(const QString &question, bool secret)
{
    if (!::isatty(STDIN_FILENO))
        return std::nullopt;
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0)
        return std::nullopt;
    const QByteArray prompt = question.toUtf8();
    [[maybe_unused]] const auto written = ::write(tty, prompt.constData(), size_t(prompt.size()));
    termios saved {};
    const bool hide = secret && ::tcgetattr(tty, &saved) == 0;
    if (hide) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    QByteArray line;
    char byte = 0;
    while (::read(tty, &byte, 1) == 1 && byte != '\n')
        line.append(byte);
    if (hide) {
        ::tcsetattr(tty, TCSAFLUSH, &saved);
        [[maybe_unused]] const auto newline = ::write(tty, "\n", 1);
    }
    ::close(tty);
    return QString::fromUtf8(line);
}

} // namespace

TerminalPrompter::TerminalPrompter(QString acceptedFingerprint, Output *output)
    : m_acceptedFingerprint(std::move(acceptedFingerprint))
    , m_output(output)
{
}

std::optional<QString> TerminalPrompter::ask(const QString &question, bool secret)
{
    m_output->endProgress();
    return askTerminal(question, secret);
}

void TerminalPrompter::askHostKey(const HostKeyInfo &key, std::function<void(bool accept)> answer)
{
    m_refusal.clear();
    const QString host = key.port == 22 ? key.host : u"[%1]:%2"_s.arg(key.host).arg(key.port);
    if (!m_acceptedFingerprint.isEmpty()) {
        if (key.fingerprint == m_acceptedFingerprint)
            return answer(true);
        m_refusal = tr("%1 presents the host key %2 %3, not the %4 given with --accept-host-key; the connection "
                       "was refused.")
                        .arg(host, key.keyType, key.fingerprint, m_acceptedFingerprint);
        return answer(false);
    }
    const auto reply = ask(tr("The host key of %1 is not known yet.\n  %2 %3\nCheck the fingerprint with the "
                              "machine's administrator. Trust it and log in? [y/N] ")
                               .arg(host, key.keyType, key.fingerprint),
        false);
    if (!reply) {
        m_refusal = tr("%1 presents a host key not known yet (%2 %3) and there is no terminal to ask on. Check "
                       "the fingerprint, then run the command again with --accept-host-key %3.")
                        .arg(host, key.keyType, key.fingerprint);
        return answer(false);
    }
    const QString word = reply->trimmed().toLower();
    const bool accept = word == u"y"_s || word == u"yes"_s;
    if (!accept)
        m_refusal = tr("The host key of %1 was not trusted, so rune did not log in.").arg(host);
    answer(accept);
}

void TerminalPrompter::askPassphrase(const QString &target, std::function<void(std::optional<QString>)> answer)
{
    answer(ask(tr("Passphrase of the key to log in to %1: ").arg(target), true));
}

void TerminalPrompter::askSudoPassword(const QString &target, std::function<void(std::optional<QString>)> answer)
{
    answer(ask(tr("sudo password on %1: ").arg(target), true));
}

QString TerminalPrompter::refusal() const
{
    return m_refusal;
}

} // namespace rune::cli
