// SPDX-License-Identifier: GPL-3.0-or-later
#include "scaling/scalingseries.h"

#include <algorithm>

namespace rune
{

namespace
{
/** A chart has no use for more cells than it has pixels. */
constexpr qint64 maxCells = 4000;
} // namespace

SeriesGrid SeriesGrid::of(HistoryRange range)
{
    const qint64 step = rangeStep(range).count();
    if (step == 0)
        return {2000, 12000}; // raw samples: a node out of view is polled every few seconds
    return {step, 2 * step};
}

QList<MetricPoint> sumOnGrid(const QList<QList<MetricPoint>> &series, qint64 fromMs, qint64 toMs, SeriesGrid grid)
{
    if (grid.stepMs <= 0 || toMs < fromMs)
        return {};
    const qint64 cells = std::min(maxCells, (toMs - fromMs) / grid.stepMs + 1);
    QList<MetricPoint> sums(cells);
    QList<int> counts(cells, 0);
    for (const QList<MetricPoint> &points : series) {
        qsizetype next = 0;
        const MetricPoint *latest = nullptr;
        for (qint64 cell = 0; cell < cells; ++cell) {
            const qint64 end = fromMs + (cell + 1) * grid.stepMs;
            while (next < points.size() && points[next].timeMs < end)
                latest = &points[next++];
            if (!latest || latest->timeMs < end - grid.holdMs)
                continue;
            for (size_t i = 0; i < latest->values.size(); ++i)
                sums[cell].values[i] += latest->values[i];
            ++counts[cell];
        }
    }
    QList<MetricPoint> result;
    for (qint64 cell = 0; cell < cells; ++cell) {
        if (counts[cell] == 0)
            continue;
        sums[cell].timeMs = fromMs + cell * grid.stepMs;
        result.append(sums[cell]);
    }
    return result;
}

} // namespace rune
