// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/node.h"
#include "ssh/remoteshell.h"
#include "ssh/sshtransport.h"

#include <QHash>
#include <QObject>
#include <functional>
#include <memory>

namespace rune
{

/**
 * One SSH session per remote node, opened on first use and reused by provisioning, lifecycle
 * actions and polling alike (never reopened per command). A node whose SSH endpoint changes
 * gets a new session.
 */
class NodeSessions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeSessions)

public:
    using Factory = std::function<std::unique_ptr<SshTransport>(const SshTarget &target)>;

    explicit NodeSessions(Factory factory, QObject *parent = nullptr);
    ~NodeSessions() override;

    /** The shell (and through it the transport) of @p node. */
    RemoteShell *shellFor(const Node &node);
    /** The local port of the tunnel to @p node's agent control port, once opened. */
    void agentTunnel(const Node &node, QObject *context, SshTransport::Callback<quint16> done);
    /** Closes @p nodeId's session (a terminated node). */
    void drop(const QString &nodeId);

private:
    struct Session {
        SshEndpoint endpoint;
        std::unique_ptr<SshTransport> transport;
        std::unique_ptr<RemoteShell> shell;
    };

    Factory m_factory;
    QHash<QString, std::shared_ptr<Session>> m_sessions;
};

} // namespace rune
