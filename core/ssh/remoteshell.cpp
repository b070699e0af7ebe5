// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/remoteshell.h"

#include <QCoreApplication>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace rune
{

QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(u"'"_s, u"'\\''"_s);
    return u'\'' + quoted + u'\'';
}

struct RemoteShell::RootCall {
    QString command;
    QByteArray input;
    std::chrono::milliseconds timeout;
    std::shared_ptr<SudoPasswords> sudo;
    QPointer<QObject> context;
    SshTransport::Callback<ExecResult> done;
};

RemoteShell::RemoteShell(SshTransport *transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport)
{
}

SshTransport *RemoteShell::transport() const
{
    return m_transport;
}

std::optional<bool> RemoteShell::loginIsRoot() const
{
    return m_isRoot;
}

void RemoteShell::run(const QString &command,
    std::chrono::milliseconds timeout,
    QObject *context,
    SshTransport::Callback<ExecResult> done)
{
    m_transport->exec(command, {}, timeout, context, std::move(done));
}

void RemoteShell::runAsRoot(const QString &command,
    const QByteArray &input,
    std::chrono::milliseconds timeout,
    std::shared_ptr<SudoPasswords> sudo,
    QObject *context,
    SshTransport::Callback<ExecResult> done)
{
    auto call =
        std::make_shared<RootCall>(RootCall {command, input, timeout, std::move(sudo), context, std::move(done)});
    if (m_isRoot)
        withIdentity(call);
    else {
        m_transport->exec(u"id -u"_s, {}, timeout, this, [this, call](Result<ExecResult> id) {
            if (!id)
                return finish(call, std::unexpected(id.error()));
            m_isRoot = id->exitStatus == 0 && id->standardOutput.trimmed() == "0";
            withIdentity(call);
        });
    }
}

void RemoteShell::finish(std::shared_ptr<RootCall> call, Result<ExecResult> result)
{
    if (call->context)
        call->done(std::move(result));
}

void RemoteShell::withIdentity(std::shared_ptr<RootCall> call)
{
    if (*m_isRoot) {
        m_transport->exec(call->command, call->input, call->timeout, this, [this, call](Result<ExecResult> result) {
            finish(call, std::move(result));
        });
        return;
    }
    viaSudo(call);
}

void RemoteShell::viaSudo(std::shared_ptr<RootCall> call)
{
    const QString line = u"LC_ALL=C sudo -n -- sh -c "_s + shellQuote(call->command);
    m_transport->exec(line, call->input, call->timeout, this, [this, call](Result<ExecResult> result) {
        if (!result || result->exitStatus == 0)
            return finish(call, std::move(result));
        const QByteArray err = result->standardError;
        if (err.contains("a password is required")) {
            const QString target = m_transport->describe();
            call->sudo->get(target, this, [this, call, target](std::optional<QString> password) {
                if (!password) {
                    return finish(call,
                        fail(u"ssh.sudo_password"_s,
                            tr("sudo on %1 needs the password of the login user, and none was given.").arg(target)));
                }
                viaSudoPassword(call, *password);
            });
            return;
        }
        if (result->exitStatus == 127 && err.contains("sudo")) {
            return finish(call,
                fail(u"ssh.no_sudo"_s,
                    tr("%1 does not log in as root and has no sudo; log in as root or install sudo there.")
                        .arg(m_transport->describe())));
        }
        if (err.contains("not in the sudoers") || err.contains("not allowed to")) {
            return finish(call,
                fail(u"ssh.sudo_refused"_s,
                    tr("sudo on %1 refuses this user: %2")
                        .arg(m_transport->describe(), QString::fromUtf8(err.trimmed()))));
        }
        finish(call, std::move(result));
    });
}

void RemoteShell::viaSudoPassword(std::shared_ptr<RootCall> call, const QString &password)
{
    // -p '' keeps the prompt out of stderr; the password is the first line of stdin.
    const QString line = u"LC_ALL=C sudo -S -p '' -- sh -c "_s + shellQuote(call->command);
    const QByteArray input = password.toUtf8() + '\n' + call->input;
    m_transport->exec(line, input, call->timeout, this, [this, call, password](Result<ExecResult> result) {
        if (result && result->exitStatus != 0
            && (result->standardError.contains("incorrect password")
                || result->standardError.contains("Sorry, try again"))) {
            call->sudo->reject(password);
            return finish(call,
                fail(u"ssh.sudo_password"_s,
                    tr("sudo on %1 did not accept the password given.").arg(m_transport->describe())));
        }
        finish(call, std::move(result));
    });
}

} // namespace rune
