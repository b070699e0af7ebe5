// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/gatewaystatus.h"
#include "cluster/node.h"
#include "util/result.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <chrono>
#include <optional>

namespace rune
{

class FunctionAgents;
class FunctionCatalog;
class NodeList;

/** One node a controller's gateway forwards to: an entry of the body of `PUT /v1/cluster`. */
struct GatewayRoute {
    QString nodeId;
    QString name;
    QString url; ///< http://host:port of the node's invoke port, as the controller reaches it
    QStringList functions; ///< sorted agent names

    bool operator==(const GatewayRoute &) const = default;
};

/**
 * The agent names of the functions each node serves (node id -> sorted names): every function
 * with a version on the node that is not retired. Blocked functions count: the node answers
 * their calls with 423, which tells a caller more than the controller's 404 would.
 */
QHash<QString, QStringList> hostedFunctions(const FunctionCatalog &catalog);

/** Whether the gateway should send calls to @p node: it is in service, or only unreachable from the console. */
bool servesGatewayCalls(const Node &node);

/**
 * The nodes @p controller's gateway forwards to: every compute and edge node that serves
 * calls (servesGatewayCalls) and hosts a function, in the order of @p nodes. A demo node is
 * reached on 127.0.0.1, so only by a demo controller; another node by its SSH host and invoke
 * port. Controllers are never listed: the controller runs the functions no node hosts itself,
 * and listing itself would send its calls round in a loop.
 */
QList<GatewayRoute> gatewayRoutes(
    const Node &controller, const QList<Node> &nodes, const QHash<QString, QStringList> &hosted);

/** The body of `PUT /v1/cluster` for @p routes. */
QByteArray gatewayBody(const QList<GatewayRoute> &routes);

/** Whether the controller's answer @p status routes exactly @p routes (names, urls and functions). */
bool gatewayMatches(const GatewayStatus &status, const QList<GatewayRoute> &routes);

/** Where one controller's gateway stands, as GatewaySync knows it. */
struct GatewaySyncState {
    QList<GatewayRoute> wanted; ///< what the controller should route
    bool inStep = false; ///< the controller acknowledged @c wanted
    bool sending = false; ///< a PUT is under way
    std::optional<Error> problem; ///< why the last PUT failed; cleared by the next that succeeds
    int failures = 0; ///< PUTs failed in a row
    QDateTime nextAttempt; ///< when a failed PUT is tried again (UTC); invalid when none is due
    std::optional<Result<GatewayStatus>> status; ///< the controller's last answer about its gateway
    QDateTime statusAt; ///< when that answer came (UTC)
    int accepted = 0; ///< PUTs the controller accepted since the console started
};

/**
 * Keeps the gateway of every controller in the fleet current: computes each controller's node
 * list (gatewayRoutes) from the NodeList and the FunctionCatalog, and sends it with
 * `PUT /v1/cluster` through the agent access the function services use (a tunnel for SSH
 * nodes), whenever it changes: a deploy, removal, retirement or block, a node added, removed,
 * suspended, resumed or failed. Changes within the debounce time make one PUT per controller.
 *
 * A controller that restarted has an empty list, so every controller is asked `GET /v1/cluster`
 * now and then (at the watched interval while a view shows a gateway, else at the check
 * interval) and gets the list again when its answer differs from it; one that turns Running
 * again gets it at once. A failed PUT is retried with a doubling delay. Nothing is sent before
 * the catalog has loaded: an empty list would stop a working gateway. Everything runs on the
 * thread of this object, without blocking: requests are asynchronous and bounded in size and time.
 */
class GatewaySync final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewaySync)

public:
    GatewaySync(
        NodeList *nodes, const FunctionCatalog *catalog, const FunctionAgents *agents, QObject *parent = nullptr);
    ~GatewaySync() override;

    /** How long a burst of changes may last before the lists go out (default 300 ms). */
    void setDebounce(std::chrono::milliseconds delay);
    /** How often a controller is asked what it routes while no view shows a gateway (default 15 s). */
    void setCheckInterval(std::chrono::milliseconds interval);
    /** How often while one does: the node poll interval (default 1 s). */
    void setWatchedInterval(std::chrono::milliseconds interval);
    /** The first delay after a failed PUT, doubled each failure up to @p longest (default 1 s, 60 s). */
    void setRetryDelays(std::chrono::milliseconds first, std::chrono::milliseconds longest);

    void start();
    void stop();

    /** @p viewer shows a gateway: controllers are asked at the watched interval until it is unwatched or gone. */
    void watch(QObject *viewer);
    void unwatch(QObject *viewer);

    /** The ids of the controllers in the fleet, in the fleet's order. */
    QStringList controllers() const;
    /** Where @p controllerId's gateway stands; default for a node that is no controller. */
    GatewaySyncState state(const QString &controllerId) const;

Q_SIGNALS:
    /** Something state(@p controllerId) says changed. */
    void changed(const QString &controllerId);
    /** @p controllerId accepted a new node list. */
    void pushed(const QString &controllerId);

private:
    struct Controller {
        GatewaySyncState state;
        QByteArray wantedBody;
        QByteArray ackedBody; ///< the body the controller accepted last; empty: unknown
        QString addressKey; ///< how it is reached: a change means another agent, maybe without a list
        bool serving = false;
        QPointer<QObject> request; ///< the request under way; deleting it aborts it
        QElapsedTimer sinceCheck;
    };

    void schedule();
    void sync();
    /** Recomputes @p node's list; one that came back, or moved, is to get it again. */
    void update(const Node &node, const QHash<QString, QStringList> &hosted);
    void tick();
    void advance(const QString &id);
    void put(const QString &id);
    void check(const QString &id);
    void onPut(const QString &id, const QByteArray &body, Result<QByteArray> answer);
    void onCheck(const QString &id, Result<QByteArray> answer);
    /** Sends @p verb to @p id's /v1/cluster; @p done runs with the control API's answer. */
    void send(const QString &id,
        const QByteArray &verb,
        const QByteArray &body,
        std::function<void(Result<QByteArray>)> done);
    std::chrono::milliseconds checkInterval() const;
    void abort(Controller &controller);

    NodeList *m_nodes;
    const FunctionCatalog *m_catalog;
    const FunctionAgents *m_agents;
    QHash<QString, Controller> m_controllers;
    QSet<QObject *> m_viewers;
    QTimer m_debounce;
    QElapsedTimer m_burst; ///< since the first change of the burst the debounce is waiting out
    QTimer m_tick;
    std::chrono::milliseconds m_checkInterval {15000};
    std::chrono::milliseconds m_watchedInterval {1000};
    std::chrono::milliseconds m_firstRetry {1000};
    std::chrono::milliseconds m_longestRetry {60000};
    bool m_running = false;
};

} // namespace rune
