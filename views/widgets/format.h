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
/** "12.5 MiB/s", "0 B/s". */
QString formatByteRate(double bytesPerSecond);
/** A count per second: "0", "0.4", "12", "3.2 k". */
QString formatRate(double perSecond);
/** "37 %", "0.5 %" (one decimal below 10). */
QString formatPercent(double percent);
/** "3.2 ms", "1.25 s". */
QString formatMilliseconds(double ms);
/** "3 d 4 h", "5 h 12 min", "7 min", "42 s". */
QString formatDuration(qint64 seconds);
/** A tinted copy of @p source for QIcon's Selected mode, so an icon stays visible on the selection colour. */
QIcon iconWithSelectedColor(const QIcon &source, const QColor &selected, const QList<int> &sizes = {16, 20, 40});
/** The badge colour of a node state: green running, amber in transition, red failed, grey otherwise. */
QColor stateColor(NodeState state);
/** A round badge of stateColor(), for item views. */
QIcon stateBadge(NodeState state);

} // namespace rune::views
