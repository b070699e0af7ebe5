// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QIcon>
#include <QString>
#include <QStringList>

namespace rune
{
class FleetMetrics;
struct Node;
} // namespace rune

namespace rune::views
{

/**
 * What about a node needs the admin's attention: what its agent says it cannot isolate, and what
 * went wrong at its last poll (unreachable, an answer that is not the agent's protocol, too
 * large, too slow). Shown as a marker on its row, in tooltips and in Node detail.
 */
struct NodeAttention {
    QStringList isolationWarnings;
    QString pollProblem;

    bool isEmpty() const;
    /** Every point, one a line, for a tooltip. */
    QString toolTip() const;
};

/** @p node's attention points: what its agent reported and what @p metrics knows of its last poll. */
NodeAttention nodeAttention(const Node &node, const FleetMetrics &metrics);

/** An amber warning triangle, for the rows of nodes that need attention. */
QIcon attentionBadge();

} // namespace rune::views
