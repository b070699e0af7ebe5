// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodestate.h"
#include "provision/nodejob.h"

namespace rune
{

/**
 * Suspend, Resume, Reboot or Terminate one provisioned node through its installed scripts, then
 * checks the node got there: Suspend and Terminate by asking the node over SSH, Resume and
 * Reboot by waiting for the agent's health through the tunnel. Each is safe to repeat.
 */
class ActionJob final : public NodeJob
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ActionJob)

public:
    ActionJob(NodeAction action, Node node, JobContext context, QObject *parent = nullptr);

    void start() override;

private:
    void verifyStatus(const QString &wanted);

    NodeAction m_action;
};

} // namespace rune
