// SPDX-License-Identifier: GPL-3.0-or-later
// rune demo up|down: the local demo cluster, run by a process of its own so that it outlives the
// command; the record under <data dir>/demo/ tells the window and the other commands about it.
#include "cluster/nodelist.h"
#include "commands.h"
#include "demo/demobroker.h"
#include "demo/demorecord.h"
#include "demo/localcluster.h"
#include "session.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTimer>
#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace rune::cli
{

namespace
{

QJsonObject demoJson(const DemoRecord &record)
{
    QJsonArray nodes;
    for (const Node &node : record.nodes)
        nodes.append(nodeJson(node));
    return QJsonObject {{u"demo"_s,
        QJsonObject {{u"pid"_s, record.pid},
            {u"nodes"_s, nodes},
            {u"problems"_s, QJsonArray::fromStringList(record.problems)}}}};
}

QString demoText(const DemoRecord &record)
{
    QList<QStringList> rows {{u"NAME"_s, u"ROLE"_s, u"STATE"_s, u"ADDRESS"_s}};
    for (const Node &node : record.nodes)
        rows.append({node.name, nodeRoleName(node.role), nodeStateName(node.state), node.address()});
    return QObject::tr("Demo cluster running (process %1); stop it with: rune demo down").arg(record.pid) + u"\n"_s
        + textTable(rows);
}

QString logPath(const QString &dataDir)
{
    return dataDir + u"/demo/cluster.log"_s;
}

/** The last lines of the cluster's log, for a start that failed. */
QString logTail(const QString &dataDir)
{
    QFile file(logPath(dataDir));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QStringList lines = QString::fromUtf8(file.readAll()).trimmed().split(u'\n');
    return lines.mid(std::max<qsizetype>(0, lines.size() - 10)).join(u'\n');
}

/**
 * The demo cluster in this process (`rune demo up --foreground`): the agents, the MQTT broker, and
 * the record kept current until a signal asks it to stop.
 */
class DemoKeeper final : public QObject
{
public:
    DemoKeeper(Session &session, const QString &agentBinary)
        : QObject(&session)
        , m_session(session)
        , m_dataDir(session.settings().dataDir())
        , m_cluster(&m_nodes, agentBinary, m_dataDir + u"/demo"_s)
        , m_broker(m_dataDir + u"/demo/mosquitto"_s)
    {
        m_cluster.setBasePort(quint16(session.settings().value(Settings::Key::DemoBasePort).toInt()));
        connect(&m_cluster, &LocalCluster::agentListening, this, [this](const QString &nodeId) {
            settle(nodeId, NodeState::Running, {});
        });
        // The agents' own words (an agent that cannot start says why) go to the cluster's log.
        connect(&m_cluster, &LocalCluster::logLine, this, [this](const QString &nodeId, const QString &line) {
            m_session.output().progress(nodeId + u": "_s + line);
        });
        connect(&m_cluster, &LocalCluster::agentFailed, this, [this](const QString &nodeId, const QString &message) {
            settle(nodeId, NodeState::Failed, nodeId + u": "_s + message);
        });
    }

    void start()
    {
        m_session.onStopSignal([this] {
            stop();
        });
        const bool haveBroker = m_broker.start();
        // Without mosquitto the cluster still runs; only the edge node's MQTT trigger stays idle.
        if (!haveBroker)
            m_session.output().progress(m_broker.reason());
        m_layout = LocalCluster::defaultLayout(haveBroker ? m_broker.url() : QString());
        m_session.output().progress(tr("Starting %1 demo agents…").arg(m_layout.size()));
        m_cluster.start(m_layout);
    }

private:
    void settle(const QString &nodeId, NodeState state, const QString &problem)
    {
        if (const Node *node = m_nodes.find(nodeId)) {
            Node updated = *node;
            updated.state = state;
            m_nodes.update(updated);
        }
        if (!problem.isEmpty())
            m_problems.append(problem);
        const bool ready = std::all_of(m_layout.begin(), m_layout.end(), [this](const LocalAgentSpec &spec) {
            const Node *node = m_nodes.find(LocalCluster::nodeId(spec.name));
            return node && (node->state == NodeState::Running || node->state == NodeState::Failed);
        });
        const bool anyRunning = std::any_of(m_nodes.nodes().begin(), m_nodes.nodes().end(), [](const Node &node) {
            return node.state == NodeState::Running;
        });
        if (ready && !anyRunning) {
            // Nothing to keep (another cluster holds the state directories, the agent cannot run):
            // the reasons go to the log, which `rune demo up` quotes.
            for (const QString &line : std::as_const(m_problems))
                m_session.output().progress(line);
            QFile::remove(demoRecordPath(m_dataDir));
            return m_session.fail(Outcome::Failed, tr("No demo agent is running."));
        }
        const DemoRecord record {
            qint64(::getpid()), QCoreApplication::applicationFilePath(), ready, m_nodes.nodes(), m_problems};
        if (const auto written = writeDemoRecord(m_dataDir, record); !written)
            m_session.output().progress(written.error().message);
        if (ready && !m_announced) {
            m_announced = true;
            m_session.output().endProgress();
            m_session.output().result(demoJson(record), demoText(record));
        }
    }

    void stop()
    {
        QFile::remove(demoRecordPath(m_dataDir));
        m_cluster.stop();
        m_session.finish(exitCode(Outcome::Ok));
    }

    Session &m_session;
    QString m_dataDir;
    NodeList m_nodes;
    LocalCluster m_cluster;
    DemoBroker m_broker;
    QList<LocalAgentSpec> m_layout;
    QStringList m_problems;
    bool m_announced = false;
};

/** Waits for the background cluster @p pid to be ready, then reports it. */
void awaitBackgroundCluster(Session &session, qint64 pid)
{
    const QString dataDir = session.settings().dataDir();
    const QString program = QCoreApplication::applicationFilePath();
    auto *timer = new QTimer(&session);
    const QDeadlineTimer deadline(std::chrono::seconds(60));
    QObject::connect(timer, &QTimer::timeout, &session, [&session, timer, pid, dataDir, program, deadline] {
        const auto record = readLiveDemoRecord(dataDir);
        if (record && record->pid == pid && record->ready) {
            timer->stop();
            if (!record->problems.isEmpty()) {
                return session.fail(Outcome::Failed,
                    QObject::tr("The demo cluster started with problems (stop it with rune demo down):\n%1")
                        .arg(record->problems.join(u'\n')));
            }
            return session.succeed(demoJson(*record), demoText(*record));
        }
        if (!demoProcessAlive(pid, program) || deadline.hasExpired()) {
            timer->stop();
            session.fail(Outcome::Failed,
                QObject::tr("The demo cluster did not start (log: %1):\n%2").arg(logPath(dataDir), logTail(dataDir)));
        }
    });
    timer->start(200);
}

} // namespace

void runDemoUp(Session &session)
{
    const QString dataDir = session.settings().dataDir();
    const QString agentBinary =
        findAgentBinary(session.invocation().options.value(u"agent-binary"_s), session.settings());
    if (agentBinary.isEmpty()) {
        return session.fail(Outcome::Failed,
            QObject::tr("rune-agent not found: pass --agent-binary or set it in the window's settings"));
    }
    if (const auto running = readLiveDemoRecord(dataDir)) {
        if (session.invocation().isSet(u"foreground"_s))
            return session.fail(Outcome::Refused,
                QObject::tr("A demo cluster already runs for %1 (process %2)").arg(dataDir).arg(running->pid));
        return session.succeed(demoJson(*running), demoText(*running));
    }
    if (session.invocation().isSet(u"foreground"_s)) {
        // Started by `rune demo up` without a terminal: leave its session, so that the hangup of
        // the terminal that started it does not stop the cluster.
        if (::isatty(STDIN_FILENO) != 1)
            ::setsid();
        (new DemoKeeper(session, agentBinary))->start();
        return;
    }
    QDir().mkpath(dataDir + u"/demo"_s);
    QProcess keeper;
    keeper.setProgram(QCoreApplication::applicationFilePath());
    keeper.setArguments({u"demo"_s,
        u"up"_s,
        u"--foreground"_s,
        u"--output"_s,
        u"text"_s,
        u"--data-dir"_s,
        dataDir,
        u"--agent-binary"_s,
        agentBinary});
    keeper.setStandardInputFile(QProcess::nullDevice());
    // Both streams appended to one fresh log, so neither overwrites the other's lines.
    QFile::remove(logPath(dataDir));
    keeper.setStandardOutputFile(logPath(dataDir), QIODevice::Append);
    keeper.setStandardErrorFile(logPath(dataDir), QIODevice::Append);
    qint64 pid = 0;
    if (!keeper.startDetached(&pid))
        return session.fail(Outcome::Failed, QObject::tr("Cannot start %1 in the background").arg(keeper.program()));
    session.output().progress(QObject::tr("Starting the demo cluster (process %1)…").arg(pid));
    awaitBackgroundCluster(session, pid);
}

void runDemoDown(Session &session)
{
    const QString dataDir = session.settings().dataDir();
    const auto record = readLiveDemoRecord(dataDir);
    if (!record) {
        return session.fail(
            Outcome::NotFound, QObject::tr("No demo cluster started by rune demo up runs for %1").arg(dataDir));
    }
    ::kill(pid_t(record->pid), SIGTERM);
    session.output().progress(QObject::tr("Stopping the demo cluster (process %1)…").arg(record->pid));
    auto *timer = new QTimer(&session);
    const QDeadlineTimer deadline(std::chrono::seconds(15));
    QObject::connect(timer, &QTimer::timeout, &session, [&session, timer, record = *record, deadline] {
        if (demoProcessAlive(record.pid, record.program)) {
            if (deadline.hasExpired()) {
                timer->stop();
                session.fail(Outcome::Failed,
                    QObject::tr("The demo cluster (process %1) did not stop within 15 s").arg(record.pid));
            }
            return;
        }
        timer->stop();
        QJsonArray nodes;
        for (const Node &node : record.nodes)
            nodes.append(node.id);
        session.succeed(QJsonObject {{u"stopped"_s, QJsonObject {{u"pid"_s, record.pid}, {u"nodes"_s, nodes}}}},
            QObject::tr("Demo cluster stopped (%1 nodes).").arg(record.nodes.size()));
    });
    timer->start(100);
}

} // namespace rune::cli
