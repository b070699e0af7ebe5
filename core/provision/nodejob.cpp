// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/nodejob.h"

#include "provision/nodesessions.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace rune
{

QString provisionStepName(ProvisionStep step)
{
    const char *names[] = {
        QT_TRANSLATE_NOOP("rune::NodeJob", "Detecting the system"),
        QT_TRANSLATE_NOOP("rune::NodeJob", "Uploading"),
        QT_TRANSLATE_NOOP("rune::NodeJob", "Installing"),
        QT_TRANSLATE_NOOP("rune::NodeJob", "Starting the agent"),
        QT_TRANSLATE_NOOP("rune::NodeJob", "Waiting for the agent"),
        QT_TRANSLATE_NOOP("rune::NodeJob", "Reading host facts"),
        QT_TRANSLATE_NOOP("rune::NodeJob", "Suspending"),
        QT_TRANSLATE_NOOP("rune::NodeJob", "Resuming"),
        QT_TRANSLATE_NOOP("rune::NodeJob", "Restarting the agent"),
        QT_TRANSLATE_NOOP("rune::NodeJob", "Uninstalling"),
        QT_TRANSLATE_NOOP("rune::NodeJob", "Checking the result"),
    };
    return QCoreApplication::translate("rune::NodeJob", names[int(step)]);
}

NodeJob::NodeJob(Node node, JobContext context, QObject *parent)
    : QObject(parent)
    , m_node(std::move(node))
    , m_context(std::move(context))
    , m_shell(m_context.sessions->shellFor(m_node))
{
    qRegisterMetaType<rune::ProvisionStep>();
}

NodeJob::~NodeJob() = default;

const Node &NodeJob::node() const
{
    return m_node;
}

bool NodeJob::isFinished() const
{
    return m_finished;
}

bool NodeJob::alive() const
{
    return !m_finished;
}

void NodeJob::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    m_shell->transport()->cancel();
    failStep(Error {u"provision.cancelled"_s, tr("Cancelled by the user.")});
}

void NodeJob::beginStep(ProvisionStep step)
{
    m_step = step;
    Q_EMIT stepStarted(step);
}

void NodeJob::succeed(const NodeFacts &facts)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT progress(100);
    Q_EMIT finished(facts);
}

void NodeJob::failStep(const Error &error, const QByteArray &remoteOutput)
{
    if (m_finished)
        return;
    m_finished = true;
    QString message = tr("%1 failed on %2: %3").arg(provisionStepName(m_step), m_node.name, error.message);
    const QByteArray said = remoteOutput.trimmed();
    if (!said.isEmpty()) {
        // The end of the output is where scripts say what went wrong.
        const QList<QByteArray> lines = said.split('\n');
        message += u"\n"_s + tr("The node printed:") + u"\n"_s
            + QString::fromUtf8(lines.mid(qMax(0, lines.size() - 15)).join('\n'));
    }
    Q_EMIT logLine(message);
    Q_EMIT finished(std::unexpected(Error {error.code, message}));
}

void NodeJob::emitOutput(const QByteArray &output)
{
    for (const QByteArray &line : output.split('\n')) {
        if (!line.trimmed().isEmpty())
            Q_EMIT logLine(QString::fromUtf8(line));
    }
}

void NodeJob::runAsUser(const QString &command, std::function<void(const ExecResult &)> next)
{
    m_shell->run(command, m_context.options.commandTimeout, this, [this, next](Result<ExecResult> result) {
        if (!alive())
            return;
        if (!result)
            return failStep(result.error());
        next(*result);
    });
}

void NodeJob::runAsRoot(const QString &command, const QByteArray &input, std::function<void(const ExecResult &)> next)
{
    m_shell->runAsRoot(command,
        input,
        m_context.options.commandTimeout,
        m_context.sudo,
        this,
        [this, next](Result<ExecResult> result) {
            if (!alive())
                return;
            if (!result)
                return failStep(result.error());
            emitOutput(result->standardOutput);
            if (result->exitStatus != 0) {
                return failStep(Error {u"provision.remote_failed"_s,
                                    tr("the command exited with status %1").arg(result->exitStatus)},
                    result->standardOutput + result->standardError);
            }
            next(*result);
        });
}

QString NodeJob::agentCtl() const
{
    return m_context.options.agentCtlFor(m_node);
}

QString NodeJob::installRootArgs() const
{
    const QString root = m_context.options.installRootFor(m_node);
    QString args = u" --user "_s + shellQuote(m_context.options.agentUserFor(m_node));
    if (!root.isEmpty())
        args += u" --root "_s + shellQuote(root);
    return args;
}

void NodeJob::waitForHealth(std::function<void()> next)
{
    const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + m_context.options.healthTimeout.count() * 1000;
    m_context.sessions->agentTunnel(m_node, this, [this, deadline, next](Result<quint16> port) {
        if (!alive())
            return;
        if (!port)
            return failStep(port.error());
        m_agent = std::make_unique<HttpAgentClient>(
            m_context.network, QUrl(u"http://127.0.0.1:%1"_s.arg(*port)), m_node.agent.token);
        pollHealth(deadline, next);
    });
}

void NodeJob::pollHealth(qint64 deadline, std::function<void()> next)
{
    m_agent->fetchHealth(this, [this, deadline, next](Result<AgentHealth> health) {
        if (!alive())
            return;
        if (health)
            return next();
        if (QDateTime::currentMSecsSinceEpoch() < deadline) {
            QTimer::singleShot(200, this, [this, deadline, next] {
                if (alive())
                    pollHealth(deadline, next);
            });
            return;
        }
        const Error error = health.error();
        const QString log = m_context.options.installRootFor(m_node) + u"/var/log/rune-agent/agent.log"_s;
        runAsUser(u"tail -n 20 "_s + shellQuote(log) + u" 2>/dev/null"_s, [this, error](const ExecResult &tail) {
            failStep(Error {u"provision.agent_silent"_s,
                         tr("the agent did not answer within %1 s (%2)")
                             .arg(m_context.options.healthTimeout.count())
                             .arg(error.message)},
                tail.standardOutput);
        });
    });
}

void NodeJob::readInfo(std::function<void(const NodeFacts &)> next)
{
    m_agent->fetchInfo(this, [this, next](Result<NodeFacts> facts) {
        if (!alive())
            return;
        if (!facts)
            return failStep(facts.error());
        next(*facts);
    });
}

} // namespace rune
