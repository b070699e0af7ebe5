// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/provisionoptions.h"

#include "ssh/remoteshell.h"

using namespace Qt::StringLiterals;

namespace rune
{

QString ProvisionOptions::agentCtlFor(const Node &node) const
{
    const QString root = installRootFor(node);
    if (!root.isEmpty())
        return shellQuote(root + u"/usr/local/sbin/rune-agentctl"_s);
    // Provisioning with the package removes a binary install's, so at most one of them is there.
    return u"\"$(command -v /usr/local/sbin/rune-agentctl || echo /usr/sbin/rune-agentctl)\""_s;
}

} // namespace rune
