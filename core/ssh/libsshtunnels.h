// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Local-port forwards of LibsshWorker: a 127.0.0.1 listener per remote port, each accepted
// connection paired with a direct-tcpip channel. Everything here runs on the worker's thread.

#include "util/result.h"

#include <QByteArray>
#include <map>
#include <memory>
#include <vector>

class QSocketNotifier;
class QTcpServer;
class QTcpSocket;
class QTimer;
struct ssh_channel_struct;

namespace rune
{

class LibsshWorker;

class LibsshTunnels
{
public:
    explicit LibsshTunnels(LibsshWorker *worker);
    ~LibsshTunnels();

    /** The local port forwarding to 127.0.0.1:@p remotePort, listening from now on. */
    Result<quint16> listen(quint16 remotePort);
    /** Moves whatever the channels received to their sockets (non-blocking). */
    void pumpOnce();
    /** The session is going away, and its channels with it: close their sockets. */
    void sessionClosing();
    void closeAll();

private:
    struct Forward {
        QTcpSocket *socket = nullptr;
        ssh_channel_struct *channel = nullptr;
    };
    void accept(QTcpServer *server, quint16 remotePort);
    void toChannel(Forward *forward);
    bool toSocket(Forward *forward);
    void close(Forward *forward);
    void watchSession();

    LibsshWorker *m_worker;
    std::map<quint16, std::unique_ptr<QTcpServer>> m_listeners;
    std::vector<std::unique_ptr<Forward>> m_forwards;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::unique_ptr<QTimer> m_timer;
};

} // namespace rune
