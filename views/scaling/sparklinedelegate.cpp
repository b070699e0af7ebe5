// SPDX-License-Identifier: GPL-3.0-or-later
#include "scaling/sparklinedelegate.h"

#include "scaling/scalingfleet.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace rune::views
{

SparklineDelegate::SparklineDelegate(int role, QColor color, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_role(role)
    , m_color(std::move(color))
{
}

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index); // the background and selection
    const QList<float> values = index.data(m_role).value<QList<float>>();
    if (values.size() < 2)
        return;
    const QRectF area = QRectF(option.rect).adjusted(4, 4, -4, -4);
    const float top = std::max(1.0f, *std::max_element(values.begin(), values.end()));
    // Always as many slots as a full trend, so a young trend grows from the right.
    const double step = area.width() / double(ScalingFleet::trendPoints - 1);
    const double left = area.right() - step * double(values.size() - 1);
    QPainterPath path;
    for (qsizetype i = 0; i < values.size(); ++i) {
        const QPointF point(left + step * double(i), area.bottom() - area.height() * double(values[i] / top));
        i == 0 ? path.moveTo(point) : path.lineTo(point);
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const bool selected = option.state & QStyle::State_Selected;
    painter->setPen(QPen(selected ? option.palette.color(QPalette::HighlightedText) : m_color, 1.4));
    painter->drawPath(path);
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    return QStyledItemDelegate::sizeHint(option, index).expandedTo(QSize(110, 22));
}

} // namespace rune::views
