// SPDX-License-Identifier: GPL-3.0-or-later
#include "format.h"

#include <QHash>
#include <QPainter>
#include <QPixmap>

using namespace Qt::StringLiterals;

namespace rune::views
{

QString formatBytes(qint64 bytes)
{
    if (bytes <= 0)
        return u"—"_s;
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = double(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < 5) {
        value /= 1024.0;
        ++unit;
    }
    const int decimals = unit == 0 || value >= 100.0 ? 0 : 1;
    return QString::number(value, 'f', decimals) + u' ' + QLatin1StringView(units[unit]);
}

QColor stateColor(NodeState state)
{
    switch (state) {
    case NodeState::Running:
        return QColor(0x2e, 0xa0, 0x43);
    case NodeState::Failed:
        return QColor(0xd1, 0x3a, 0x3a);
    case NodeState::Suspended:
    case NodeState::Terminated:
    case NodeState::Undefined:
        return QColor(0x8a, 0x8f, 0x98);
    default:
        return isTransitional(state) ? QColor(0xe0, 0x9b, 0x1a) : QColor(0x8a, 0x8f, 0x98);
    }
}

QIcon stateBadge(NodeState state)
{
    static QHash<int, QIcon> cache;
    auto it = cache.find(int(state));
    if (it != cache.end())
        return *it;
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(stateColor(state));
    painter.drawEllipse(QRectF(6, 6, 20, 20));
    painter.end();
    return *cache.insert(int(state), QIcon(pixmap));
}

} // namespace rune::views
