// SPDX-License-Identifier: GPL-3.0-or-later
#include "demo/localcluster.h"

#include "demo/demobroker.h"
#include "util/background.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace rune
{

struct LocalCluster::Agent {
    QString nodeId;
    QProcess process;
    QByteArray pending; ///< stdout not yet split into lines
    quint16 invokePort = 0; ///< learnt from the "invoke on" line, which comes first
};

namespace
{

struct Prepared {
    QString stateDir;
    QString token;
    QString error;
    QString configFile; ///< settings the flags cannot give; empty: none
    bool runAsAgent = false; ///< functions run as the console's user
};

/** Whether another user (a function's own) can reach @p dir: every directory on the way lets others in. */
bool reachableByOthers(const QString &dir)
{
    QDir step(dir);
    while (QFileInfo(step.absolutePath()).permission(QFileDevice::ExeOther)) {
        if (step.isRoot() || !step.cdUp())
            return true;
    }
    return false;
}

QString tokenFilePath(const QString &stateDir)
{
    return stateDir + u"/token"_s;
}

/** The settings that make a controller run @p haproxyBinary as its gateway; empty when it does not exist. */
QByteArray haproxySettings(const QString &haproxyBinary)
{
    if (haproxyBinary.isEmpty() || !QFileInfo(haproxyBinary).isExecutable())
        return {};
    const quint16 port = freeLoopbackPort();
    if (port == 0)
        return {};
    return "# HAProxy as the controller's gateway, next to the built-in one.\nhaproxy_binary = "
        + haproxyBinary.toUtf8() + "\nhaproxy_listen = 127.0.0.1:" + QByteArray::number(port) + "\n";
}

// Runs on a worker thread: the UI thread never touches the disk.
Prepared prepareStateDir(const QString &stateDir, const QString &mqttUrl, const QString &haproxyBinary)
{
    Prepared prepared {stateDir, {}, {}, {}};
    if (!QDir().mkpath(stateDir)) {
        prepared.error = QCoreApplication::translate("rune", "Cannot create %1.").arg(stateDir);
        return prepared;
    }
    // Functions get users of their own only from a root agent, and only where those users can
    // reach the state directory; a console run by a user, or a root console keeping its data
    // under /root, runs its demo functions as its own user (the agents say so in /v1/info).
    QByteArray settings;
    prepared.runAsAgent = ::geteuid() != 0 || !reachableByOthers(QFileInfo(stateDir).absolutePath());
    if (prepared.runAsAgent)
        settings += "# Functions cannot have users of their own here.\nrun_as = agent\n";
    if (!mqttUrl.isEmpty())
        settings += "# The demo's MQTT broker, started by the console.\nmqtt_url = " + mqttUrl.toUtf8() + "\n";
    settings += haproxySettings(haproxyBinary);
    QFile config(stateDir + u"/agent.conf"_s);
    if (!settings.isEmpty() && config.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && config.write("# Written by the console.\n" + settings) > 0)
        prepared.configFile = config.fileName();
    else
        QFile::remove(config.fileName()); // no settings from an earlier run (an old broker's port)
    QFile file(tokenFilePath(stateDir));
    if (file.open(QIODevice::ReadOnly))
        prepared.token = QString::fromLatin1(file.readAll().trimmed());
    file.close();
    if (!prepared.token.isEmpty())
        return prepared;
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(random.data()), random.size() / 4);
    prepared.token = QString::fromLatin1(random.toHex());
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(prepared.token.toLatin1()) < 0) {
        prepared.error = QCoreApplication::translate("rune", "Cannot write the token file %1: %2.")
                             .arg(file.fileName(), file.errorString());
    }
    return prepared;
}

} // namespace

LocalCluster::LocalCluster(NodeList *nodes, QString agentBinary, QString baseDir, QObject *parent)
    : QObject(parent)
    , m_nodes(nodes)
    , m_agentBinary(std::move(agentBinary))
    , m_baseDir(std::move(baseDir))
{
}

LocalCluster::~LocalCluster()
{
    stop();
    for (const auto &agent : m_agents) {
        agent->process.disconnect(this);
        if (agent->process.state() != QProcess::NotRunning && !agent->process.waitForFinished(2000))
            agent->process.kill();
        agent->process.waitForFinished(1000);
    }
}

QList<LocalAgentSpec> LocalCluster::defaultLayout(const QString &mqttUrl)
{
    return {
        {u"controller"_s, NodeRole::Controller},
        {u"compute-1"_s, NodeRole::Compute},
        {u"compute-2"_s, NodeRole::Compute},
        {u"edge-1"_s, NodeRole::Edge, mqttUrl},
    };
}

QString LocalCluster::nodeId(const QString &name)
{
    return u"local-"_s + name;
}

void LocalCluster::setBasePort(quint16 port)
{
    m_basePort = port;
}

void LocalCluster::setHaproxyBinary(const QString &binary)
{
    m_haproxyBinary = binary;
}

void LocalCluster::start(const QList<LocalAgentSpec> &specs)
{
    for (qsizetype index = 0; index < specs.size(); ++index) {
        const LocalAgentSpec &spec = specs.at(index);
        const QString stateDir = m_baseDir + u'/' + spec.name;
        Ports ports;
        if (m_basePort != 0) {
            ports.control = quint16(std::min<int>(m_basePort + 2 * int(index), 65534));
            ports.invoke = quint16(ports.control + 1);
        }
        runInBackground(
            this,
            [stateDir,
                mqttUrl = spec.mqttUrl,
                haproxy = spec.role == NodeRole::Controller ? m_haproxyBinary : QString()] {
                return prepareStateDir(stateDir, mqttUrl, haproxy);
            },
            [this, spec, ports](const Prepared &prepared) {
                if (!prepared.error.isEmpty()) {
                    Q_EMIT agentFailed(nodeId(spec.name), prepared.error);
                    return;
                }
                launch(spec, ports, prepared.stateDir, prepared.token, prepared.configFile);
                if (prepared.runAsAgent) {
                    Q_EMIT logLine(nodeId(spec.name),
                        tr("Functions run as root: %1 is closed to other users.").arg(prepared.stateDir));
                }
            });
    }
}

void LocalCluster::launch(const LocalAgentSpec &spec,
    const Ports &ports,
    const QString &stateDir,
    const QString &token,
    const QString &configFile)
{
    Node node;
    node.id = nodeId(spec.name);
    node.name = spec.name;
    node.role = spec.role;
    node.agent = AgentEndpoint {0, token, true};
    node.labels = {u"demo"_s};
    node.state = NodeState::Creating;
    node.targetAction = NodeAction::Provision;
    node.targetSince = QDateTime::currentDateTimeUtc();
    if (!m_nodes->update(node))
        m_nodes->add(node);

    auto agent = std::make_unique<Agent>();
    agent->nodeId = node.id;
    Agent *raw = agent.get();
    connect(&raw->process, &QProcess::readyReadStandardOutput, this, [this, raw] {
        onStdout(raw);
    });
    connect(&raw->process, &QProcess::readyReadStandardError, this, [this, raw] {
        const auto lines = QString::fromUtf8(raw->process.readAllStandardError()).split(u'\n', Qt::SkipEmptyParts);
        for (const QString &line : lines)
            Q_EMIT logLine(raw->nodeId, line);
    });
    connect(&raw->process, &QProcess::finished, this, [this, raw](int exitCode, QProcess::ExitStatus status) {
        onFinished(raw, exitCode, status);
    });
    connect(&raw->process, &QProcess::errorOccurred, this, [this, raw](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            Q_EMIT agentFailed(
                raw->nodeId, tr("Cannot start the agent %1: %2.").arg(m_agentBinary, raw->process.errorString()));
    });
    QStringList arguments {u"--listen"_s,
        u"127.0.0.1:%1"_s.arg(ports.control),
        u"--invoke-listen"_s,
        u"127.0.0.1:%1"_s.arg(ports.invoke),
        u"--state-dir"_s,
        stateDir,
        u"--role"_s,
        nodeRoleName(spec.role),
        u"--token-file"_s,
        tokenFilePath(stateDir)};
    if (!configFile.isEmpty())
        arguments << u"--config"_s << configFile;
    // Demo agents must not outlive a console that is killed rather than closed.
    raw->process.setChildProcessModifier([] {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    });
    raw->process.start(m_agentBinary, arguments);
    m_agents.push_back(std::move(agent));
}

void LocalCluster::onStdout(Agent *agent)
{
    agent->pending += agent->process.readAllStandardOutput();
    static const QRegularExpression listening(u"^listening on [^:]+:(\\d+)"_s);
    static const QRegularExpression invoking(u"^invoke on [^:]+:(\\d+)"_s);
    qsizetype newline;
    while ((newline = agent->pending.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(agent->pending.left(newline)).trimmed();
        agent->pending.remove(0, newline + 1);
        const auto match = listening.match(line);
        const Node *node = m_nodes->find(agent->nodeId);
        if (const auto invoke = invoking.match(line); invoke.hasMatch())
            agent->invokePort = quint16(invoke.captured(1).toUInt());
        if (match.hasMatch() && node) {
            Node updated = *node;
            updated.agent.controlPort = quint16(match.captured(1).toUInt());
            updated.agent.invokePort = agent->invokePort;
            m_nodes->update(updated);
            Q_EMIT agentListening(agent->nodeId, updated.agent.controlPort);
        }
        Q_EMIT logLine(agent->nodeId, line);
    }
}

void LocalCluster::onFinished(Agent *agent, int exitCode, QProcess::ExitStatus status)
{
    if (status == QProcess::CrashExit || exitCode != 0) {
        Q_EMIT agentFailed(agent->nodeId,
            status == QProcess::CrashExit ? tr("The agent crashed.")
                                          : tr("The agent exited with code %1.").arg(exitCode));
    }
}

void LocalCluster::stop()
{
    for (const auto &agent : m_agents) {
        if (agent->process.state() != QProcess::NotRunning)
            agent->process.terminate();
    }
}

int LocalCluster::runningCount() const
{
    return int(std::count_if(m_agents.begin(), m_agents.end(), [](const auto &agent) {
        return agent->process.state() == QProcess::Running;
    }));
}

qint64 LocalCluster::processId(const QString &nodeId) const
{
    for (const auto &agent : m_agents) {
        if (agent->nodeId == nodeId)
            return agent->process.processId();
    }
    return 0;
}

} // namespace rune
