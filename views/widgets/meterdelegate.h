// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStyledItemDelegate>

namespace rune::views
{

/**
 * Draws a cell as a horizontal bar filled to a percentage, with the cell's text on top: the
 * CPU, memory and disk columns of the Overview, the progress of a provisioning run. A cell
 * without ValueRole data is drawn as usual.
 */
class MeterDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MeterDelegate)

public:
    enum Role {
        ValueRole = Qt::UserRole + 50, ///< double, 0..100
        ColorRole, ///< QColor of the filled part; default: green, amber past 75, red past 90
    };

    explicit MeterDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /** The fill colour for a load of @p percent. */
    static QColor loadColor(double percent);
};

} // namespace rune::views
