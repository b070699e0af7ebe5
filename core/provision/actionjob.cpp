// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/actionjob.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace rune
{

ActionJob::ActionJob(NodeAction action, Node node, JobContext context, QObject *parent)
    : NodeJob(std::move(node), std::move(context), parent)
    , m_action(action)
{
}

void ActionJob::start()
{
    const QString ctl = agentCtl();
    switch (m_action) {
    case NodeAction::Suspend:
        beginStep(ProvisionStep::Suspend);
        runAsRoot(ctl + u" suspend"_s, {}, [this](const ExecResult &) {
            verifyStatus(u"suspended"_s);
        });
        return;
    case NodeAction::Resume:
    case NodeAction::Reboot:
        beginStep(m_action == NodeAction::Resume ? ProvisionStep::Resume : ProvisionStep::Restart);
        runAsRoot(
            ctl + (m_action == NodeAction::Resume ? u" resume"_s : u" restart"_s), {}, [this](const ExecResult &) {
                beginStep(ProvisionStep::WaitHealthy);
                waitForHealth([this] {
                    readInfo([this](const NodeFacts &facts) {
                        succeed(facts);
                    });
                });
            });
        return;
    case NodeAction::Terminate: {
        beginStep(ProvisionStep::Uninstall);
        // Sent on stdin rather than run from the node, so a half-installed node is cleaned too.
        QFile script(m_context.bundle.scriptsDir() + u"/uninstall.sh"_s);
        if (!script.open(QIODevice::ReadOnly))
            return failStep(Error {u"provision.no_scripts"_s, tr("cannot read %1").arg(script.fileName())});
        runAsRoot(u"sh -s --"_s + installRootArgs(), script.readAll(), [this](const ExecResult &) {
            verifyStatus(u"absent"_s);
        });
        return;
    }
    case NodeAction::Provision:
        break;
    }
    failStep(Error {u"provision.internal"_s, tr("provisioning is not a simple action")});
}

void ActionJob::verifyStatus(const QString &wanted)
{
    beginStep(ProvisionStep::Verify);
    const QString ctl = agentCtl();
    runAsUser(
        u"if [ -x %1 ]; then %1 status; else echo absent; fi"_s.arg(ctl), [this, wanted](const ExecResult &result) {
            const QString status = QString::fromUtf8(result.standardOutput.trimmed());
            if (status != wanted) {
                return failStep(Error {u"provision.unexpected_state"_s,
                                    tr("the agent is %1, not %2")
                                        .arg(status.isEmpty() ? tr("in an unknown state") : status, wanted)},
                    result.standardError);
            }
            succeed();
        });
}

} // namespace rune
