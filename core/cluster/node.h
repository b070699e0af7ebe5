// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodestate.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace rune
{

enum class NodeRole {
    Controller,
    Compute,
    Edge,
};

QString nodeRoleName(NodeRole role);
std::optional<NodeRole> nodeRoleFromName(QStringView name);

/** Where the console logs in to reach a node. */
struct SshEndpoint {
    QString host;
    quint16 port = 22;
    QString user;
    QString keyFile; ///< empty: ssh-agent / ~/.ssh/config decide

    bool operator==(const SshEndpoint &) const = default;
};

/** How the agent keeps function replicas apart (`isolation` in `GET /v1/info`). */
struct NodeIsolation {
    QString users; ///< "per-replica" or "agent"
    QString memory; ///< "cgroup2", "cgroup1" or "rlimit"
    QString processes; ///< "cgroup2" or "subreaper"
    QString filesystem; ///< "private" or "shared"
    QStringList warnings; ///< what the agent could not isolate, in its words

    /** False for an agent too old to say. */
    bool isReported() const;

    bool operator==(const NodeIsolation &) const = default;
};

/** One GPU of a node, as its agent reports it. */
struct NodeGpu {
    int index = 0; ///< what CUDA_VISIBLE_DEVICES names it by
    QString model;
    qint64 memoryBytes = 0; ///< 0: the node cannot tell

    bool operator==(const NodeGpu &) const = default;
};

/** Host facts as reported by the node's agent (`GET /v1/info`). */
struct NodeFacts {
    QString hostname;
    QString os;
    QString kernel;
    QString arch;
    QString agentVersion;
    int cores = 0;
    qint64 memoryBytes = 0;
    qint64 diskBytes = 0;
    qint64 diskFreeBytes = 0;
    NodeIsolation isolation; ///< not kept in the store: read again at the first poll
    QList<NodeGpu> gpus; ///< not kept in the store either; empty without GPUs or from an older agent

    bool operator==(const NodeFacts &) const = default;
};

/** How the console talks to a node's agent control API. */
struct AgentEndpoint {
    quint16 controlPort = 7470; ///< the agent's port on the node (reached through a tunnel unless local)
    QString token; ///< bearer token for the control API
    bool local = false; ///< runs on this machine (demo cluster): no SSH, no tunnel
    quint16 invokePort = 8080; ///< where the agent serves /function/<name>

    bool operator==(const AgentEndpoint &) const = default;
};

/** A machine of the fleet. */
struct Node {
    QString id; ///< stable, generated when the node is added
    QString name;
    NodeRole role = NodeRole::Compute;
    SshEndpoint ssh;
    AgentEndpoint agent;
    QStringList labels;
    /** What the machine costs an hour, in US dollars as decimal text ("0.05"); empty: not set. */
    QString hourlyPrice;
    NodeFacts facts;
    NodeState state = NodeState::Undefined;
    std::optional<NodeAction> targetAction; ///< recorded before acting, cleared when reached
    QDateTime targetSince; ///< when targetAction was recorded (UTC)

    /** The address shown to the user: host:port, or "local" for a demo node. */
    QString address() const;

    bool operator==(const Node &) const = default;
};

} // namespace rune

Q_DECLARE_METATYPE(rune::Node)
