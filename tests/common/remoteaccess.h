// SPDX-License-Identifier: GPL-3.0-or-later
// How the console reaches remote agents (SshAgentAccess over NodeSessions and NodeOperations),
// with scripted machines behind SSH, for the core tests whose own nodes are all local.
#pragma once

#include "agent/sshagentaccess.h"
#include "fakesshtransport.h"
#include "provision/nodeoperations.h"
#include "provision/nodesessions.h"
#include "scriptedprompter.h"

#include <QNetworkAccessManager>

namespace rune::test
{

struct RemoteAccess {
    explicit RemoteAccess(NodeList *nodes, ProvisionOptions options = {})
        : sessions(machines.factory())
        , operations(nodes, &sessions, &network, &prompter, options)
        , access(&sessions, &operations, options)
    {
    }

    FakeNetwork machines;
    ScriptedPrompter prompter;
    QNetworkAccessManager network;
    NodeSessions sessions;
    NodeOperations operations;
    SshAgentAccess access;
};

} // namespace rune::test
