// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/node.h"

#include <QString>
#include <chrono>
#include <functional>

namespace rune
{

/** The MQTT broker a node's agent is configured with: Settings › Events' url and user, never a password. */
struct ProvisionBroker {
    QString url; ///< tcp://host:port; empty: the node gets no broker
    QString username;
};

/** How the console installs and drives agents on remote machines. */
struct ProvisionOptions {
    /** Local rune-agent binary to install (x86-64, only glibc linked dynamically). */
    QString agentBinary;
    /**
     * The rune-agent .deb of the same agent, installed with apt-get on Debian and Ubuntu nodes
     * (see provisionMethodFor()); empty: every node gets agentBinary.
     */
    QString agentPackage;
    /**
     * Install everything under this directory on the node instead of /; "%n" stands for the
     * node's name. Empty on real machines; tests give each node of one host its own.
     */
    QString installRoot;
    /** The system user the agent runs as on the node; "%n" stands for the node's name. */
    QString agentUser = QStringLiteral("rune");
    /**
     * Where a node's invoke port listens. Open on the node's network by default, so the
     * controller's gateway (and callers) can reach the functions; "127.0.0.1" keeps them local.
     */
    QString invokeListenHost = QStringLiteral("0.0.0.0");
    /**
     * The gateway of controller nodes: 0, the built-in one on the invoke port; else the port
     * HAProxy takes calls on (on invokeListenHost). The node installs Debian's haproxy when it
     * has none, and its agent runs and reloads it (haproxy_binary, haproxy_listen).
     */
    quint16 controllerHaproxyPort = 0;
    /** The broker as the settings say now, read at each install; unset: none. */
    std::function<ProvisionBroker()> broker;
    /** Nodes worked on at the same time. */
    int maxParallel = 8;
    /** How long one remote command (install, start, uninstall) may take. */
    std::chrono::seconds commandTimeout {300};
    /** How long a started agent has to answer /v1/health through the tunnel. */
    std::chrono::seconds healthTimeout {30};

    /** installRoot for @p node, or empty. */
    QString installRootFor(const Node &node) const
    {
        QString root = installRoot;
        return root.replace(QStringLiteral("%n"), node.name);
    }
    /** broker() when set, else none. */
    ProvisionBroker brokerNow() const
    {
        return broker ? broker() : ProvisionBroker {};
    }
    /**
     * The node's rune-agentctl as shell words, ready to run: under the install root; else the
     * binary install's (/usr/local/sbin) when there is one, the package's (/usr/sbin) otherwise.
     */
    QString agentCtlFor(const Node &node) const;
    /** agentUser for @p node. */
    QString agentUserFor(const Node &node) const
    {
        QString user = agentUser;
        return user.replace(QStringLiteral("%n"), node.name);
    }
};

} // namespace rune
