// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cluster/nodestate.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace rune::views
{

/** "7.6 GiB", "512 MiB", "—" for zero (unknown). */
QString formatBytes(qint64 bytes);
/** The badge colour of a node state: green running, amber in transition, red failed, grey otherwise. */
QColor stateColor(NodeState state);
/** A round badge of stateColor(), for item views. */
QIcon stateBadge(NodeState state);

} // namespace rune::views
