// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <algorithm>
#include <cmath>

namespace rune
{

/** The nearest-rank percentile of @p sorted (ascending) at @p fraction (0.95 for p95); 0 when empty. */
template <typename T> double percentileOfSorted(const QList<T> &sorted, double fraction)
{
    if (sorted.isEmpty())
        return 0;
    const auto index = qsizetype(std::ceil(fraction * double(sorted.size()))) - 1;
    return double(sorted.at(std::clamp<qsizetype>(index, 0, sorted.size() - 1)));
}

} // namespace rune
