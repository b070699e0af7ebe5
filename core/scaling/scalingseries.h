// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/metricpoint.h"

#include <QList>

namespace rune
{

/** The grid a chart of @p range sums its nodes on: one cell, and how long a node's value holds. */
struct SeriesGrid {
    qint64 stepMs = 0;
    qint64 holdMs = 0; ///< a value older than this at a cell's end counts for nothing there

    static SeriesGrid of(HistoryRange range);
};

/**
 * The sum of several nodes' series of one function on a time grid from @p fromMs to @p toMs:
 * in each cell every node counts with its latest value in the hold time before the cell's end
 * (nodes are polled at their own moments, so their points never line up). Cells no node has a
 * value in are left out, so a chart breaks there rather than dropping to zero.
 */
QList<MetricPoint> sumOnGrid(const QList<QList<MetricPoint>> &series, qint64 fromMs, qint64 toMs, SeriesGrid grid);

} // namespace rune
