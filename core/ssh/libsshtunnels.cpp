// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/libsshtunnels.h"

#include "ssh/libsshworker.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <libssh/libssh.h>

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

/**
 * The machine answered over SSH but nothing listens on @p remotePort there (the agent is
 * stopped), or the session is gone. A bare close would read, to the HTTP client at the local
 * end, like a node that answers with something other than HTTP; so the tunnel says what it knows
 * in the agent's own error format (the console's clients read `{"error":{"code","message"}}` as
 * "agent.<code>"). The request is read first: closing with it unread would reset the connection
 * and lose the answer.
 */
void refuseUnreachable(QTcpSocket *socket, quint16 remotePort)
{
    const QString message = QCoreApplication::translate("rune::SshSession",
        "Cannot reach the agent through SSH: nothing accepts connections on the machine's port %1 (the agent is "
        "stopped), or the SSH connection has dropped.")
                                .arg(remotePort);
    const QByteArray body =
        QJsonDocument(QJsonObject {{u"error"_s, QJsonObject {{u"code"_s, u"unreachable"_s}, {u"message"_s, message}}}})
            .toJson(QJsonDocument::Compact);
    const QByteArray answer = "HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\nConnection: close\r\n"
                              "Content-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    const auto answerOnce = [socket, answer] {
        socket->readAll();
        if (socket->property("rune_answered").toBool())
            return;
        socket->setProperty("rune_answered", true);
        socket->write(answer);
        socket->disconnectFromHost();
    };
    QObject::connect(socket, &QTcpSocket::readyRead, socket, answerOnce);
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    // A client that sends nothing is answered anyway, after a moment.
    QTimer::singleShot(2000, socket, answerOnce);
    if (socket->bytesAvailable() > 0)
        answerOnce();
}

} // namespace

LibsshTunnels::LibsshTunnels(LibsshWorker *worker)
    : m_worker(worker)
{
}

LibsshTunnels::~LibsshTunnels()
{
    closeAll();
}

Result<quint16> LibsshTunnels::listen(quint16 remotePort)
{
    if (auto existing = m_listeners.find(remotePort); existing != m_listeners.end())
        return existing->second->serverPort();
    auto server = std::make_unique<QTcpServer>();
    if (!server->listen(QHostAddress::LocalHost, 0)) {
        return fail(u"ssh.tunnel"_s,
            QCoreApplication::translate("rune::SshSession", "Cannot listen on 127.0.0.1 for a tunnel: %1.")
                .arg(server->errorString()));
    }
    QTcpServer *raw = server.get();
    QObject::connect(raw, &QTcpServer::newConnection, raw, [this, raw, remotePort] {
        accept(raw, remotePort);
    });
    if (!m_timer) {
        // Data can sit in libssh's buffers after another operation read the socket.
        m_timer = std::make_unique<QTimer>();
        m_timer->setInterval(50);
        QObject::connect(m_timer.get(), &QTimer::timeout, m_timer.get(), [this] {
            pumpOnce();
        });
    }
    const quint16 port = raw->serverPort();
    m_listeners.emplace(remotePort, std::move(server));
    return port;
}

void LibsshTunnels::accept(QTcpServer *server, quint16 remotePort)
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        auto session = m_worker->liveSession();
        ssh_channel channel = session ? ssh_channel_new(*session) : nullptr;
        if (channel
            && ssh_channel_open_forward(channel, "127.0.0.1", remotePort, "127.0.0.1", socket->peerPort()) != SSH_OK) {
            ssh_channel_free(channel);
            channel = nullptr;
            if (!ssh_is_connected(*session))
                m_worker->dropSession();
        }
        if (!channel) {
            refuseUnreachable(socket, remotePort);
            continue;
        }
        auto forward = std::make_unique<Forward>();
        forward->socket = socket;
        forward->channel = channel;
        Forward *raw = forward.get();
        m_forwards.push_back(std::move(forward));
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, raw] {
            toChannel(raw);
        });
        QObject::connect(socket, &QTcpSocket::disconnected, socket, [this, raw] {
            close(raw);
        });
        watchSession();
        toChannel(raw);
    }
}

void LibsshTunnels::watchSession()
{
    auto session = m_worker->liveSession();
    if (!session)
        return;
    const int fd = ssh_get_fd(*session);
    if (!m_notifier || m_notifier->socket() != fd) {
        m_notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(), [this] {
            pumpOnce();
        });
    }
    m_notifier->setEnabled(true);
    m_timer->start();
}

void LibsshTunnels::toChannel(Forward *forward)
{
    const QByteArray data = forward->socket->readAll();
    if (data.isEmpty())
        return;
    if (ssh_channel_write(forward->channel, data.constData(), uint32_t(data.size())) != data.size())
        close(forward);
}

bool LibsshTunnels::toSocket(Forward *forward)
{
    char buffer[16384];
    for (;;) {
        const int n = ssh_channel_read_nonblocking(forward->channel, buffer, sizeof buffer, 0);
        if (n == SSH_ERROR)
            return false;
        if (n <= 0)
            break;
        forward->socket->write(buffer, n);
    }
    return !ssh_channel_is_eof(forward->channel) && !ssh_channel_is_closed(forward->channel);
}

void LibsshTunnels::pumpOnce()
{
    std::vector<Forward *> finished;
    for (auto &forward : m_forwards) {
        if (!toSocket(forward.get()))
            finished.push_back(forward.get());
    }
    for (Forward *forward : finished) {
        forward->socket->flush();
        forward->socket->disconnectFromHost();
        close(forward);
    }
}

void LibsshTunnels::close(Forward *forward)
{
    const auto it = std::find_if(m_forwards.begin(), m_forwards.end(), [forward](const auto &candidate) {
        return candidate.get() == forward;
    });
    if (it == m_forwards.end())
        return;
    std::unique_ptr<Forward> owned = std::move(*it);
    m_forwards.erase(it);
    QObject::disconnect(owned->socket, nullptr, nullptr, nullptr);
    owned->socket->deleteLater();
    if (!ssh_channel_is_closed(owned->channel)) {
        ssh_channel_send_eof(owned->channel);
        ssh_channel_close(owned->channel);
    }
    ssh_channel_free(owned->channel);
    if (m_forwards.empty()) {
        if (m_notifier)
            m_notifier->setEnabled(false);
        if (m_timer)
            m_timer->stop();
    }
}

void LibsshTunnels::sessionClosing()
{
    while (!m_forwards.empty()) {
        Forward *forward = m_forwards.back().get();
        forward->socket->abort();
        close(forward);
    }
    m_notifier.reset();
}

void LibsshTunnels::closeAll()
{
    sessionClosing();
    m_listeners.clear();
    m_timer.reset();
}

} // namespace rune
