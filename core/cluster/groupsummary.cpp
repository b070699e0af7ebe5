// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/groupsummary.h"

#include <QMap>

using namespace Qt::StringLiterals;

namespace rune
{

QString groupSummary(const QList<NodeState> &states)
{
    if (states.isEmpty())
        return u"Empty"_s;
    // QMap iterates in enum order, which gives ties a stable winner.
    QMap<NodeState, int> counts;
    for (NodeState state : states)
        ++counts[state];
    if (counts.size() == 1)
        return nodeStateName(states.first());

    NodeState shown = NodeState::Failed;
    if (!counts.contains(NodeState::Failed)) {
        int best = 0;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            if (it.key() != NodeState::Running && it.value() > best) {
                shown = it.key();
                best = it.value();
            }
        }
    }
    return u"Partial-%1:%2 (R:%3/%4)"_s.arg(nodeStateName(shown))
        .arg(counts.value(shown))
        .arg(counts.value(NodeState::Running))
        .arg(states.size());
}

} // namespace rune
