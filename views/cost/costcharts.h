// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cost/costmodel.h"

#include <QChartView>
#include <QList>

namespace rune::views
{

/**
 * Monthly cost per option as horizontal bars, each split into what it pays for (requests and
 * compute after the free tier, instances, hardware or rent, power, bandwidth, admin); hovering
 * a part shows its amount.
 */
class CostBarsChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CostBarsChart)

public:
    explicit CostBarsChart(QWidget *parent = nullptr);

    void setEstimates(const QList<cost::CostEstimate> &estimates);
    /** The components drawn, in stacking order. */
    QStringList components() const;
    /** The amount drawn for @p option's @p component, in dollars (0 when it has none). */
    double drawnValue(const QString &option, const QString &component) const;

protected:
    void changeEvent(QEvent *event) override;

private:
    QList<cost::CostEstimate> m_estimates;
    QStringList m_components;
};

/**
 * Monthly cost against requests per month, one line per option, on logarithmic axes; the points
 * where the cheapest option changes are marked and named.
 */
class BreakEvenChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BreakEvenChart)

public:
    static constexpr std::int64_t fromRequests = 100'000;
    static constexpr std::int64_t toRequests = 100'000'000'000;

    explicit BreakEvenChart(QWidget *parent = nullptr);

    /** Draws @p options for @p shape's duration, memory and peak, and marks @p crossings. */
    void setOptions(
        const QList<cost::CostOption> &options, const cost::Workload &shape, const QList<cost::BreakEven> &crossings);
    int lineCount() const;
    int markedCrossings() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    int m_lines = 0;
    int m_marks = 0;
};

} // namespace rune::views
