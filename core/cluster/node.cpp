// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/node.h"

using namespace Qt::StringLiterals;

namespace rune
{

bool NodeIsolation::isReported() const
{
    return !users.isEmpty() || !memory.isEmpty() || !processes.isEmpty() || !filesystem.isEmpty()
        || !warnings.isEmpty();
}

QString nodeRoleName(NodeRole role)
{
    switch (role) {
    case NodeRole::Controller:
        return u"controller"_s;
    case NodeRole::Compute:
        return u"compute"_s;
    case NodeRole::Edge:
        return u"edge"_s;
    }
    return {};
}

std::optional<NodeRole> nodeRoleFromName(QStringView name)
{
    for (auto role : {NodeRole::Controller, NodeRole::Compute, NodeRole::Edge}) {
        if (name.compare(nodeRoleName(role), Qt::CaseInsensitive) == 0)
            return role;
    }
    return std::nullopt;
}

QString Node::address() const
{
    if (agent.local)
        return u"127.0.0.1:%1"_s.arg(agent.controlPort);
    const QString host = ssh.host.contains(u':') ? u'[' + ssh.host + u']' : ssh.host;
    return ssh.user.isEmpty() ? u"%1:%2"_s.arg(host).arg(ssh.port) : u"%1@%2:%3"_s.arg(ssh.user, host).arg(ssh.port);
}

} // namespace rune
