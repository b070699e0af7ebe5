// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodelist.h"

#include <QList>
#include <QObject>
#include <QProcess>
#include <memory>
#include <vector>

namespace rune
{

/** One simulated machine of the local demo cluster. */
struct LocalAgentSpec {
    QString name;
    NodeRole role = NodeRole::Compute;
    QString mqttUrl = {}; ///< the broker its triggers use (mqtt_url); empty: none
};

/**
 * The local demo cluster: agents the console starts itself on 127.0.0.1, one per simulated
 * node, each with its own port, token and state directory under @p baseDir. Their nodes are
 * added to the NodeList as they come up; the agents stop with this object.
 */
class LocalCluster final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalCluster)

public:
    LocalCluster(NodeList *nodes, QString agentBinary, QString baseDir, QObject *parent = nullptr);
    /** Stops every agent: SIGTERM, then SIGKILL for any that does not exit within two seconds. */
    ~LocalCluster() override;

    /** The demo layout: a controller, two compute nodes and an edge node, which uses @p mqttUrl's broker. */
    static QList<LocalAgentSpec> defaultLayout(const QString &mqttUrl = {});
    /** Node id of the demo node named @p name. */
    static QString nodeId(const QString &name);

    /**
     * Agents started from now on listen on fixed ports on 127.0.0.1: the n-th spec of start() on
     * @p port + 2n (control) and the one after it (invoke). 0, the default: any free ports.
     */
    void setBasePort(quint16 port);
    /**
     * The haproxy program a controller started from now on runs as its gateway, on a free port
     * of 127.0.0.1, when it exists; empty: none. The default is Debian's /usr/sbin/haproxy.
     */
    void setHaproxyBinary(const QString &binary);
    /** Starts one agent per spec, asynchronously; nodes appear as Creating and turn Running when polled. */
    void start(const QList<LocalAgentSpec> &specs);
    /** Asks every agent to stop (SIGTERM); does not wait. */
    void stop();
    /** Agents that are running now. */
    int runningCount() const;
    /** The process id of the agent serving @p nodeId, or 0. */
    qint64 processId(const QString &nodeId) const;

Q_SIGNALS:
    void agentListening(const QString &nodeId, quint16 port);
    void agentFailed(const QString &nodeId, const QString &message);
    void logLine(const QString &nodeId, const QString &line);

private:
    struct Agent;
    struct Ports {
        quint16 control = 0;
        quint16 invoke = 0;
    };
    void launch(const LocalAgentSpec &spec,
        const Ports &ports,
        const QString &stateDir,
        const QString &token,
        const QString &configFile);
    void onStdout(Agent *agent);
    void onFinished(Agent *agent, int exitCode, QProcess::ExitStatus status);

    NodeList *m_nodes;
    QString m_agentBinary;
    QString m_baseDir;
    quint16 m_basePort = 0;
    QString m_haproxyBinary = QStringLiteral("/usr/sbin/haproxy");
    std::vector<std::unique_ptr<Agent>> m_agents;
};

} // namespace rune
