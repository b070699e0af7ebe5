// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics/metricpoint.h"
#include "shell/scalingservices.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QTableView;

namespace rune::views
{

class ScalingChart;
class ScalingEventsModel;

/**
 * One function's scaling: its replicas per node and its load against time (5 min, 1 h, 24 h,
 * from the metric history, live), the scaling events as marks on the same axis and as a list,
 * and its scaling settings with a way to change them.
 */
class ScalingDetail final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScalingDetail)

public:
    /** Lines of replicas drawn per node; the rest of the nodes count in the sums only. */
    static constexpr int maxNodeLines = 6;
    /** Scaling events marked on the chart, the newest: a fleet scaling at once would hide the lines. */
    static constexpr int maxMarks = 200;

    ScalingDetail(const ScalingServices &services, QWidget *parent = nullptr);
    ~ScalingDetail() override;

    /** Shows @p function (as the agents name it); empty: none. */
    void setFunction(const QString &function);
    QString function() const;
    void setRange(HistoryRange range);
    HistoryRange range() const;

    ScalingChart *replicasChart() const;
    ScalingChart *loadChart() const;
    ScalingEventsModel *eventsModel() const;
    /** The charts' figures as CSV: one line per node and time. */
    QString csv() const;
    /** The charts, to save as a picture. */
    QWidget *chartsWidget() const;

Q_SIGNALS:
    /** The user asked to change @p functionId's scaling settings. */
    void configureRequested(const QString &functionId);

private:
    QWidget *buildSettings();
    void reload();
    void onPoint(const QString &key, HistoryRange range, const MetricPoint &point);
    void onFigures(const QStringList &names);
    void redraw();
    void redrawMarks(qint64 fromMs);
    void updateSettings();
    QStringList nodesOfFunction() const;
    QString nodeName(const QString &nodeId) const;

    ScalingServices m_services;
    QString m_function;
    HistoryRange m_range = HistoryRange::FiveMinutes;
    QHash<QString, QString> m_keys; ///< history key -> node id, for the function shown
    QHash<QString, QList<MetricPoint>> m_series; ///< node id -> points in the window
    quint64 m_generation = 0; ///< answers of an older load are dropped
    bool m_dirty = false;
    bool m_marksDirty = false; ///< new events, another function or range
    QTimer m_redraw;
    QLabel *m_titleLabel;
    QComboBox *m_rangeCombo;
    QWidget *m_charts;
    ScalingChart *m_replicasChart;
    ScalingChart *m_loadChart;
    QLabel *m_settingsLabel;
    QLabel *m_configureLink;
    ScalingEventsModel *m_eventsModel;
    QTableView *m_eventsView;
};

} // namespace rune::views
