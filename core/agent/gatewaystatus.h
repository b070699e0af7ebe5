// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QStringList>

namespace rune
{

/**
 * The fields of the controller's `/v1/cluster`: PUT {"nodes": [{"name", "url", "functions"}]}, and
 * GET, which adds per node what its gateway sees.
 */
namespace clusterfields
{
inline constexpr char path[] = "/v1/cluster";
inline constexpr char nodes[] = "nodes";
inline constexpr char name[] = "name";
inline constexpr char url[] = "url"; ///< http://host:port of the node's invoke port
inline constexpr char functions[] = "functions";
inline constexpr char healthy[] = "healthy";
inline constexpr char inFlight[] = "in_flight";
inline constexpr char forwarded[] = "forwarded";
inline constexpr char errors[] = "errors";
/** GET's "haproxy": what the controller's HAProxy does (state "off" when it runs none). */
inline constexpr char haproxy[] = "haproxy";
inline constexpr char haproxyState[] = "state"; ///< off, starting, running or failed
inline constexpr char haproxyListen[] = "listen"; ///< HOST:PORT where HAProxy takes calls
inline constexpr char haproxyPid[] = "pid"; ///< null while it is not running
inline constexpr char haproxyReloads[] = "reloads";
inline constexpr char haproxyRestarts[] = "restarts";
inline constexpr char haproxyGeneration[] = "generation"; ///< configurations HAProxy accepted
inline constexpr char haproxyLastError[] = "last_error"; ///< empty once a configuration is accepted
} // namespace clusterfields

/** One node as a controller's gateway sees it (an entry of `GET /v1/cluster`). */
struct GatewayNodeStatus {
    QString name;
    QString url; ///< http://host:port of the node's invoke port, as the controller reaches it
    QStringList functions; ///< sorted
    bool healthy = false;
    int inFlight = 0; ///< calls the gateway has under way on the node now
    qint64 forwarded = 0; ///< calls sent there since the controller started
    qint64 errors = 0; ///< of those, the ones the node failed (unreachable, cut short, timed out)

    bool operator==(const GatewayNodeStatus &) const = default;
};

/** The controller's HAProxy, when it runs one (the "haproxy" of `GET /v1/cluster`). */
struct GatewayHaproxyStatus {
    QString state; ///< off, starting, running, failed; empty: an agent that does not say (older)
    QString listen; ///< HOST:PORT; empty when off
    qint64 pid = 0; ///< 0 while it is not running
    qint64 reloads = 0;
    qint64 restarts = 0;
    qint64 generation = 0;
    QString lastError;

    bool operator==(const GatewayHaproxyStatus &) const = default;
};

/** What a controller's gateway routes to (`GET /v1/cluster`, also the answer of its PUT). */
struct GatewayStatus {
    QList<GatewayNodeStatus> nodes;
    GatewayHaproxyStatus haproxy;

    bool operator==(const GatewayStatus &) const = default;
};

/**
 * Parses a `/v1/cluster` body (in agentjson.cpp, with the other readers of untrusted answers):
 * `{"nodes": [...]}` with a name and url per node; fails with "agent.bad_response" saying what
 * is wrong, within agentjson's bounds.
 */
Result<GatewayStatus> parseGatewayStatus(const QByteArray &body);

} // namespace rune
