// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/libsshworker.h"

#include "ssh/knownhosts.h"
#include "ssh/libsshkeys.h"
#include "ssh/libsshtunnels.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h> // ssh_send_keepalive, which clients may use too
#include <libssh/sftp.h>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

QString sessionOption(ssh_session session, ssh_options_e option)
{
    char *value = nullptr;
    if (ssh_options_get(session, option, &value) != SSH_OK)
        return {};
    const QString text = QString::fromUtf8(value);
    ssh_string_free_char(value);
    return text;
}

} // namespace

int libsshAskPassphrase(const char *, char *buffer, size_t length, int, int, void *userdata)
{
    // libssh asks synchronously; the user is asked asynchronously, so the first attempt only
    // records that a passphrase is wanted and the worker comes back with the answer.
    auto *worker = static_cast<LibsshWorker *>(userdata);
    worker->m_passphraseWanted = true;
    if (!worker->m_passphrase)
        return -1;
    const QByteArray utf8 = worker->m_passphrase->toUtf8();
    if (size_t(utf8.size()) >= length)
        return -1;
    qstrncpy(buffer, utf8.constData(), length);
    return 0;
}

LibsshWorker::LibsshWorker(
    SshTarget target, SshOptions options, bool canPrompt, std::shared_ptr<const std::atomic<quint64>> cancelGeneration)
    : m_target(std::move(target))
    , m_options(std::move(options))
    , m_canPrompt(canPrompt)
    , m_cancelGeneration(std::move(cancelGeneration))
    , m_callbacks(std::make_unique<ssh_callbacks_struct>())
    , m_tunnels(std::make_unique<LibsshTunnels>(this))
    , m_keepAlive(this)
{
    *m_callbacks = {};
    m_callbacks->userdata = this;
    m_callbacks->auth_function = libsshAskPassphrase;
    ssh_callbacks_init(m_callbacks.get());
    m_keepAlive.setInterval(m_options.keepAliveInterval);
    connect(&m_keepAlive, &QTimer::timeout, this, [this] {
        if (m_phase == Phase::Connected && !sendKeepAlive())
            dropSession();
    });
}

LibsshWorker::~LibsshWorker()
{
    shutdown();
}

void LibsshWorker::shutdown()
{
    m_keepAlive.stop();
    m_jobs.clear();
    m_tunnels->closeAll();
    dropSession();
}

QString LibsshWorker::describe() const
{
    QString host = m_target.host;
    quint16 port = m_target.port;
    QString user = m_target.user;
    if (m_session) {
        host = sessionOption(m_session, SSH_OPTIONS_HOST);
        user = sessionOption(m_session, SSH_OPTIONS_USER);
        unsigned int effectivePort = 0;
        if (ssh_options_get_port(m_session, &effectivePort) == SSH_OK)
            port = quint16(effectivePort);
    }
    const QString where = port ? u"%1:%2"_s.arg(host).arg(port) : host;
    return user.isEmpty() ? where : user + u'@' + where;
}

bool LibsshWorker::isCancelled(quint64 generation) const
{
    return generation < m_cancelGeneration->load();
}

Error LibsshWorker::cancelledError() const
{
    return Error {u"ssh.cancelled"_s, tr("Cancelled.")};
}

Error LibsshWorker::sessionError(const QString &what) const
{
    const QString detail = m_session ? QString::fromUtf8(ssh_get_error(m_session)) : QString();
    return Error {u"ssh.failed"_s,
        detail.isEmpty() ? tr("%1 failed on %2.").arg(what, describe())
                         : tr("%1 failed on %2: %3.").arg(what, describe(), detail)};
}

void LibsshWorker::submit(quint64 generation, std::function<void()> run, std::function<void(const Error &)> fail)
{
    m_jobs.push_back(Job {generation, std::move(run), std::move(fail), true});
    pump();
}

void LibsshWorker::submitUnconnected(
    quint64 generation, std::function<void()> run, std::function<void(const Error &)> fail)
{
    m_jobs.push_back(Job {generation, std::move(run), std::move(fail), false});
    pump();
}

void LibsshWorker::failQueued(const Error &error)
{
    auto jobs = std::move(m_jobs);
    m_jobs.clear();
    for (Job &job : jobs)
        job.fail(error);
}

void LibsshWorker::pump()
{
    while (!m_jobs.empty()) {
        if (isCancelled(m_jobs.front().generation)) {
            Job job = std::move(m_jobs.front());
            m_jobs.pop_front();
            job.fail(cancelledError());
            continue;
        }
        if (m_phase == Phase::AwaitingHostKey || m_phase == Phase::AwaitingPassphrase)
            return;
        if (m_phase == Phase::Disconnected && m_jobs.front().needsConnection) {
            auto opened = openConnection();
            if (opened)
                opened = checkHostKey(true);
            if (opened && m_phase == Phase::Disconnected)
                opened = authenticate(true);
            if (!opened) {
                dropSession();
                failQueued(opened.error());
                continue;
            }
            if (m_phase != Phase::Connected)
                return; // a question is out; answerHostKey/answerPassphrase resume
        }
        Job job = std::move(m_jobs.front());
        m_jobs.pop_front();
        job.run();
    }
}

Result<void> LibsshWorker::openConnection()
{
    dropSession();
    m_session = ssh_new();
    if (!m_session)
        return fail(u"ssh.failed"_s, tr("Cannot create an SSH session (out of memory?)."));
    const QByteArray host = m_target.host.toUtf8();
    ssh_options_set(m_session, SSH_OPTIONS_HOST, host.constData());
    // The configuration first, then what the node says explicitly, which wins.
    const QByteArray config = m_options.configFile.toUtf8();
    if (m_options.configFile.isEmpty() || QFileInfo::exists(m_options.configFile))
        ssh_options_parse_config(m_session, config.isEmpty() ? nullptr : config.constData());
    // Parsed (or deliberately not) above: ssh_connect must not read the default files again.
    const bool processConfig = false;
    ssh_options_set(m_session, SSH_OPTIONS_PROCESS_CONFIG, &processConfig);
    if (m_target.port) {
        const unsigned int port = m_target.port;
        ssh_options_set(m_session, SSH_OPTIONS_PORT, &port);
    }
    if (!m_target.user.isEmpty())
        ssh_options_set(m_session, SSH_OPTIONS_USER, m_target.user.toUtf8().constData());
    if (!m_target.keyFile.isEmpty())
        ssh_options_set(m_session, SSH_OPTIONS_IDENTITY, QDir::cleanPath(m_target.keyFile).toUtf8().constData());
    const QByteArray knownHosts = KnownHosts(m_options.knownHostsFile).fileName().toUtf8();
    ssh_options_set(m_session, SSH_OPTIONS_KNOWNHOSTS, knownHosts.constData());
    const int on = 1;
    ssh_options_set(m_session, SSH_OPTIONS_NODELAY, &on);
    const long timeout = long(m_options.connectTimeout.count());
    ssh_options_set(m_session, SSH_OPTIONS_TIMEOUT, &timeout);
    ssh_set_callbacks(m_session, m_callbacks.get());
    if (ssh_connect(m_session) != SSH_OK) {
        Error error = sessionError(tr("Connecting"));
        error.code = u"ssh.unreachable"_s;
        error.message = tr("Cannot reach %1: %2. Check the address and port, and that sshd runs there.")
                            .arg(describe(), QString::fromUtf8(ssh_get_error(m_session)));
        return std::unexpected(error);
    }
    return {};
}

Result<HostKeyInfo> LibsshWorker::serverKey() const
{
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(m_session, &key) != SSH_OK)
        return std::unexpected(sessionError(tr("Reading the host key")));
    HostKeyInfo info;
    info.host = sessionOption(m_session, SSH_OPTIONS_HOST);
    unsigned int port = 22;
    ssh_options_get_port(m_session, &port);
    info.port = quint16(port);
    info.keyType = keyTypeName(key);
    info.fingerprint = sha256Fingerprint(key);
    info.knownHostsFile = KnownHosts(m_options.knownHostsFile).fileName();
    ssh_key_free(key);
    return info;
}

Result<void> LibsshWorker::checkHostKey(bool interactive)
{
    auto info = serverKey();
    if (!info)
        return std::unexpected(info.error());
    switch (ssh_session_is_known_server(m_session)) {
    case SSH_KNOWN_HOSTS_OK:
        return {};
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER: {
        info->status = HostKeyStatus::Changed;
        const QStringList known = KnownHosts(info->knownHostsFile).fingerprints(info->host, info->port);
        info->knownFingerprint = known.value(0, tr("(a key of another type)"));
        return fail(u"ssh.hostkey_changed"_s,
            tr("The host key of %1 has changed: %2 records %3, the server now presents %4 %5. This can mean "
               "someone is intercepting the connection; the connection was refused. If the machine was "
               "reinstalled, use \"Trust the new key\".")
                .arg(describe(), info->knownHostsFile, info->knownFingerprint, info->keyType, info->fingerprint));
    }
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        if (!interactive || !m_canPrompt) {
            return fail(u"ssh.hostkey_unknown"_s,
                tr("%1 presents a host key this console has never seen (%2 %3); accept it first.")
                    .arg(describe(), info->keyType, info->fingerprint));
        }
        info->status = HostKeyStatus::Unknown;
        m_phase = Phase::AwaitingHostKey;
        Q_EMIT hostKeyQuestion(*info);
        return {};
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    return std::unexpected(sessionError(tr("Checking the host key")));
}

void LibsshWorker::answerHostKey(bool accept)
{
    if (m_phase != Phase::AwaitingHostKey)
        return;
    m_phase = Phase::Disconnected;
    Result<void> outcome;
    if (!accept) {
        outcome = fail(u"ssh.hostkey_rejected"_s,
            tr("The host key of %1 was not accepted, so the console did not log in.").arg(describe()));
    } else {
        const QString file = KnownHosts(m_options.knownHostsFile).fileName();
        QDir().mkpath(QFileInfo(file).absolutePath());
        if (ssh_session_update_known_hosts(m_session) != SSH_OK)
            outcome = std::unexpected(sessionError(tr("Recording the host key in %1").arg(file)));
        else
            outcome = authenticate(true);
    }
    if (!outcome) {
        dropSession();
        failQueued(outcome.error());
    }
    pump();
}

Result<void> LibsshWorker::authenticate(bool interactive)
{
    const int none = ssh_userauth_none(m_session, nullptr);
    if (none == SSH_AUTH_ERROR)
        return std::unexpected(sessionError(tr("Logging in")));
    if (none != SSH_AUTH_SUCCESS) {
        const int methods = ssh_userauth_list(m_session, nullptr);
        bool in = false;
        if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
            auto keys = authenticateWithKeys();
            if (!keys)
                return std::unexpected(keys.error());
            in = m_phase == Phase::Connected;
            if (!in && m_passphraseWanted && !m_passphrase && interactive && m_canPrompt && !m_passphraseAsked) {
                m_passphraseAsked = true;
                m_phase = Phase::AwaitingPassphrase;
                Q_EMIT passphraseQuestion();
                return {};
            }
        }
        if (!in && (methods & SSH_AUTH_METHOD_PASSWORD) && !m_options.password.isEmpty()) {
            const QByteArray password = m_options.password.toUtf8();
            in = ssh_userauth_password(m_session, nullptr, password.constData()) == SSH_AUTH_SUCCESS;
        }
        if (!in)
            return std::unexpected(authFailure(methods));
    }
    m_phase = Phase::Connected;
    m_keepAlive.start();
    return {};
}

Result<void> LibsshWorker::authenticateWithKeys()
{
    // ssh-agent first, then the node's key file, then the configuration's IdentityFile entries.
    m_passphraseWanted = false;
    const QByteArray passphrase = m_passphrase ? m_passphrase->toUtf8() : QByteArray();
    const int rc = ssh_userauth_publickey_auto(m_session, nullptr, m_passphrase ? passphrase.constData() : nullptr);
    if (rc == SSH_AUTH_ERROR)
        return std::unexpected(sessionError(tr("Logging in with a key")));
    if (rc == SSH_AUTH_SUCCESS)
        m_phase = Phase::Connected;
    return {};
}

void LibsshWorker::answerPassphrase(const std::optional<QString> &passphrase)
{
    if (m_phase != Phase::AwaitingPassphrase)
        return;
    m_phase = Phase::Disconnected;
    m_passphrase = passphrase;
    Result<void> outcome = passphrase ? authenticate(false)
                                      : fail(u"ssh.passphrase_declined"_s,
                                          tr("No passphrase was given for the key to log in to %1.").arg(describe()));
    if (!outcome) {
        if (passphrase)
            m_passphrase.reset(); // a wrong one is not kept for the next attempt
        m_passphraseAsked = false;
        dropSession();
        failQueued(outcome.error());
    }
    pump();
}

Error LibsshWorker::authFailure(int methods) const
{
    QStringList offered;
    if (methods & SSH_AUTH_METHOD_PUBLICKEY)
        offered << u"publickey"_s;
    if (methods & SSH_AUTH_METHOD_PASSWORD)
        offered << u"password"_s;
    if (methods & SSH_AUTH_METHOD_INTERACTIVE)
        offered << u"keyboard-interactive"_s;
    QString tried = tr("ssh-agent and the key files of your SSH configuration");
    if (!m_target.keyFile.isEmpty())
        tried = tr("ssh-agent, %1 and the key files of your SSH configuration").arg(m_target.keyFile);
    if (m_passphraseWanted && !m_passphrase)
        tried += tr(" (one key needs a passphrase that was not given)");
    else if (m_passphrase)
        tried += tr(" (with the passphrase given, which may be wrong)");
    return Error {u"ssh.auth_failed"_s,
        tr("%1 refused to log in: none of the keys tried (%2) is authorised there%3. Add your public key to "
           "~/.ssh/authorized_keys of that user on the machine, or choose the right key file. The server accepts: %4.")
            .arg(describe(),
                tried,
                m_options.password.isEmpty() ? QString() : tr(", and the password was refused"),
                offered.isEmpty() ? tr("nothing offered") : offered.join(u", "_s))};
}

Result<ssh_session_struct *> LibsshWorker::liveSession()
{
    if (m_phase == Phase::Connected && m_session && ssh_is_connected(m_session))
        return m_session;
    if (m_phase == Phase::AwaitingHostKey || m_phase == Phase::AwaitingPassphrase)
        return fail(u"ssh.pending"_s, tr("Still waiting for your answer about %1.").arg(describe()));
    auto opened = openConnection();
    if (opened)
        opened = checkHostKey(false);
    if (opened)
        opened = authenticate(false);
    if (!opened || m_phase != Phase::Connected) {
        dropSession();
        return std::unexpected(opened ? authFailure(0) : opened.error());
    }
    return m_session;
}

void LibsshWorker::dropSession()
{
    m_keepAlive.stop();
    if (m_tunnels)
        m_tunnels->sessionClosing();
    if (m_sftp) {
        sftp_free(m_sftp);
        m_sftp = nullptr;
    }
    if (m_session) {
        ssh_disconnect(m_session);
        ssh_free(m_session);
        m_session = nullptr;
    }
    if (m_phase == Phase::Connected)
        m_phase = Phase::Disconnected;
}

Result<void> LibsshWorker::sendKeepAlive()
{
    if (ssh_send_keepalive(m_session) != SSH_OK)
        return std::unexpected(sessionError(tr("Keepalive")));
    return {};
}

} // namespace rune
