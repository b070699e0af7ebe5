// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/meterdelegate.h"

#include "shell/theme.h"

#include <QApplication>
#include <QPainter>

namespace rune::views
{

MeterDelegate::MeterDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

QColor MeterDelegate::loadColor(double percent)
{
    if (percent >= 90)
        return QColor(0xdc, 0x3c, 0x3c);
    if (percent >= 75)
        return QColor(0xe0, 0x9b, 0x1a);
    return QColor(0x2e, 0xa0, 0x43);
}

void MeterDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant value = index.data(ValueRole);
    if (!value.isValid())
        return QStyledItemDelegate::paint(painter, option, index);

    // The row's background and selection as the style draws them, without the text.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    const double percent = std::clamp(value.toDouble(), 0.0, 100.0);
    const QColor fill = index.data(ColorRole).isValid() ? index.data(ColorRole).value<QColor>() : loadColor(percent);
    const QRectF bar = QRectF(option.rect).adjusted(4, 4, -4, -4);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    QColor track = option.palette.color(QPalette::Mid);
    track.setAlpha(Theme::isDark(option.palette) ? 160 : 110);
    painter->setBrush(track);
    painter->drawRoundedRect(bar, 3, 3);
    if (percent > 0) {
        QRectF filled = bar;
        filled.setWidth(std::max(3.0, bar.width() * percent / 100.0));
        QColor color = fill;
        color.setAlpha(Theme::isDark(option.palette) ? 200 : 170);
        painter->setBrush(color);
        painter->drawRoundedRect(filled, 3, 3);
    }
    const QString text = index.data(Qt::DisplayRole).toString();
    if (!text.isEmpty()) {
        const bool selected = option.state & QStyle::State_Selected;
        painter->setPen(option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
        painter->setFont(option.font);
        painter->drawText(bar.adjusted(6, 0, -6, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
    }
    painter->restore();
}

QSize MeterDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (index.data(ValueRole).isValid())
        size.setWidth(std::max(size.width() + 24, 110));
    return size;
}

} // namespace rune::views
