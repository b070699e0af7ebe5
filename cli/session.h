// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "invocation.h"
#include "output.h"
#include "settings/settings.h"
#include "shell/console.h"
#include "ssh/sshprompter.h"

#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>

namespace rune::cli
{

/**
 * Answers no SSH question: none of the commands here logs in to a machine, so a question can only
 * come from a connection nobody asked for, and declining it is the safe answer.
 */
class DecliningPrompter final : public SshPrompter
{
public:
    void askHostKey(const HostKeyInfo &key, std::function<void(bool accept)> answer) override;
    void askPassphrase(const QString &target, std::function<void(std::optional<QString>)> answer) override;
    void askSudoPassword(const QString &target, std::function<void(std::optional<QString>)> answer) override;
};

/**
 * One run of a command: its command line, its output, the settings and, when the command needs
 * them, the same services the window builds (Console) from the same data directory.
 */
class Session final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Session)

public:
    explicit Session(Invocation invocation, QObject *parent = nullptr);
    ~Session() override;

    const Invocation &invocation() const;
    Output &output();
    Settings &settings();
    /** Applies --data-dir; false (the error reported, the session finished) when it is refused. */
    bool prepare();
    /** The window's services, opened on first use; null (the error reported) when the store cannot be opened. */
    Console *console();
    /** Who answers SSH's questions from now on (a DecliningPrompter until set); before console(). */
    void setPrompter(std::unique_ptr<SshPrompter> prompter);

    /** Ends the run with @p code once control returns to the event loop. */
    void finish(int code);
    void fail(Outcome outcome, const QString &message);
    void succeed(const QJsonObject &json, const QString &text);
    /** Calls @p stop once SIGINT, SIGTERM or SIGHUP arrives (the handler only sets a flag). */
    void onStopSignal(std::function<void()> stop);

private:
    Invocation m_invocation;
    Output m_output;
    Settings m_settings;
    std::unique_ptr<SshPrompter> m_prompter;
    std::unique_ptr<Console> m_console;
    QTimer m_signalCheck;
};

} // namespace rune::cli
