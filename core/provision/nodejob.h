// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "agent/agentclient.h"
#include "cluster/node.h"
#include "provision/nodebundle.h"
#include "provision/provisionoptions.h"
#include "ssh/remoteshell.h"

#include <QObject>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace rune
{

class NodeSessions;

/** The steps of work on a node, as progress reports and error messages name them. */
enum class ProvisionStep {
    Detect, ///< OS, architecture and init system
    Upload,
    Install,
    Start,
    WaitHealthy, ///< /v1/health through the tunnel
    ReadInfo, ///< /v1/info through the tunnel
    Suspend,
    Resume,
    Restart,
    Uninstall,
    Verify, ///< checks the node reached the action's state
};

QString provisionStepName(ProvisionStep step);

/** What a job needs from its surroundings; everything outlives the job. */
struct JobContext {
    NodeSessions *sessions = nullptr;
    QNetworkAccessManager *network = nullptr;
    std::shared_ptr<SudoPasswords> sudo;
    ProvisionOptions options;
    NodeBundle bundle;
};

/**
 * One piece of work on one node (provisioning, or a lifecycle action), driven by the event
 * loop: each step's remote call completes asynchronously on the node's SSH thread. Emits
 * finished() exactly once; a failure names the step and carries what the node printed.
 */
class NodeJob : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeJob)

public:
    NodeJob(Node node, JobContext context, QObject *parent = nullptr);
    ~NodeJob() override;

    virtual void start() = 0;
    /** Stops at the next opportunity; finished() then reports the cancellation. */
    void cancel();
    const Node &node() const;
    bool isFinished() const;

Q_SIGNALS:
    void stepStarted(rune::ProvisionStep step);
    void logLine(const QString &line);
    void progress(int percent);
    /** The host facts when the job ended with the agent answering, else empty facts. */
    void finished(const rune::Result<rune::NodeFacts> &result);

protected:
    void beginStep(ProvisionStep step);
    void succeed(const NodeFacts &facts = {});
    void failStep(const Error &error, const QByteArray &remoteOutput = {});
    /** Runs as the login user; a transport error fails the step, the exit status is the caller's. */
    void runAsUser(const QString &command, std::function<void(const ExecResult &)> next);
    /** Runs as root; a transport error or a non-zero exit status fails the step with the output. */
    void runAsRoot(const QString &command, const QByteArray &input, std::function<void(const ExecResult &)> next);
    /** Polls /v1/health through the tunnel until the agent answers or healthTimeout passes. */
    void waitForHealth(std::function<void()> next);
    void readInfo(std::function<void(const NodeFacts &)> next);
    /** The node's rune-agentctl as shell words (ProvisionOptions::agentCtlFor()). */
    QString agentCtl() const;
    QString installRootArgs() const;
    void emitOutput(const QByteArray &output);

    Node m_node;
    JobContext m_context;
    RemoteShell *m_shell;

private:
    void pollHealth(qint64 deadline, std::function<void()> next);
    bool alive() const;

    ProvisionStep m_step = ProvisionStep::Detect;
    bool m_cancelled = false;
    bool m_finished = false;
    std::unique_ptr<HttpAgentClient> m_agent;
};

} // namespace rune

Q_DECLARE_METATYPE(rune::ProvisionStep)
