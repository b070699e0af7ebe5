// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "scaling/scalingevents.h"

#include <QAbstractTableModel>

namespace rune::views
{

/** The scaling events of one function (or of every one), newest first. */
class ScalingEventsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScalingEventsModel)

public:
    enum Column { Time, Node, Function, Kind, Reason, ColumnCount };

    /** Names nodes through @p nodeName (an id in, a name out). */
    ScalingEventsModel(
        ScalingEvents *events, std::function<QString(const QString &)> nodeName, QObject *parent = nullptr);

    /** Shows the events of @p function only; empty: of every function. */
    void setFunction(const QString &function);
    const ScalingEvent &eventAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    bool accepts(const ScalingEvent &event) const;
    void rebuild();
    void onAboutToAppend(qsizetype first, qsizetype last);
    void onAppended();
    void onAboutToDropOldest(qsizetype count);

    ScalingEvents *m_events;
    std::function<QString(const QString &)> m_nodeName;
    QString m_function;
    /** Shown events as serials (dropped + index in m_events), newest first. */
    QList<qint64> m_rows;
    qint64 m_dropped = 0;
    QList<qint64> m_pending; ///< serials being appended, newest first
};

} // namespace rune::views
