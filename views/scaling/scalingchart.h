// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QChartView>
#include <QColor>
#include <QList>
#include <QPointF>

class QDateTimeAxis;
class QScatterSeries;
class QValueAxis;

namespace rune::views
{

/**
 * A chart of the Scaling pane: lines against time (x in ms since the epoch), and marks on the
 * same axis that show their text when the pointer rests on them (the scaling events). The y axis
 * starts at zero and reaches a little above the highest value. Colours follow the palette.
 */
class ScalingChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScalingChart)

public:
    struct Line {
        QString name;
        QList<QPointF> points;
        QColor color;
        Qt::PenStyle style = Qt::SolidLine;
    };
    struct Mark {
        qint64 timeMs = 0;
        double value = 0;
        QString text; ///< shown on hover
        QColor color;
    };

    ScalingChart(const QString &title, QWidget *parent = nullptr);

    void setWindow(qint64 fromMs, qint64 toMs);
    /** Whole numbers on the y axis (replicas): its top a multiple of the tick steps. */
    void setWholeNumbers(bool whole);
    void setLines(const QList<Line> &lines);
    void setMarks(const QList<Mark> &marks);

    QStringList lineNames() const;
    /** The points of the line named @p name; empty when there is none. */
    QList<QPointF> linePoints(const QString &name) const;
    QList<Mark> marks() const;
    /** The text a pointer resting on the mark nearest @p point shows. */
    QString markTextNear(const QPointF &point) const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void rescale();
    void applyPalette();
    void showMarkText(const QPointF &point, bool entered);

    QDateTimeAxis *m_timeAxis;
    QValueAxis *m_valueAxis;
    QList<Line> m_lines;
    QList<Mark> m_marks;
    bool m_wholeNumbers = false;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
};

} // namespace rune::views
