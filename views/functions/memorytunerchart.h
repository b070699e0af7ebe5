// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "functions/memorytuner.h"

#include <QChartView>

namespace rune::views
{

/**
 * The memory tuner's chart: time a call (mean and p95, and the cold start apart) on the left
 * axis and the cost of a million calls on the right, against memory; sizes that failed are
 * marked on the memory axis, and the recommended size by a vertical line.
 */
class MemoryTunerChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MemoryTunerChart)

public:
    explicit MemoryTunerChart(QWidget *parent = nullptr);

    void setOutcomes(const QList<SizeOutcome> &outcomes, int recommendedMiB);
    /** The drawn series' names, and how many points each has (for tests). */
    QMap<QString, int> seriesPoints() const;

protected:
    void changeEvent(QEvent *event) override;
};

} // namespace rune::views
