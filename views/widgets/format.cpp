// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/format.h"

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

QString formatByteRate(double bytesPerSecond)
{
    if (bytesPerSecond < 1)
        return u"0 B/s"_s;
    return formatBytes(qint64(bytesPerSecond)) + u"/s"_s;
}

QString formatRate(double perSecond)
{
    if (perSecond <= 0)
        return u"0"_s;
    if (perSecond >= 1000)
        return QString::number(perSecond / 1000, 'f', perSecond >= 100000 ? 0 : 1) + u" k"_s;
    return QString::number(perSecond, 'f', perSecond >= 10 ? 0 : 1);
}

QString formatPercent(double percent)
{
    return QString::number(percent, 'f', percent > 0 && percent < 10 ? 1 : 0) + u" %"_s;
}

QString formatMilliseconds(double ms)
{
    if (ms >= 1000)
        return QString::number(ms / 1000, 'f', 2) + u" s"_s;
    return QString::number(ms, 'f', ms >= 100 ? 0 : 1) + u" ms"_s;
}

QString formatDuration(qint64 seconds)
{
    if (seconds >= 86400)
        return u"%1 d %2 h"_s.arg(seconds / 86400).arg(seconds % 86400 / 3600);
    if (seconds >= 3600)
        return u"%1 h %2 min"_s.arg(seconds / 3600).arg(seconds % 3600 / 60);
    if (seconds >= 60)
        return u"%1 min"_s.arg(seconds / 60);
    return u"%1 s"_s.arg(seconds);
}

QIcon iconWithSelectedColor(const QIcon &source, const QColor &selected, const QList<int> &sizes)
{
    QIcon icon;
    for (int size : sizes) {
        const QPixmap normal = source.pixmap(size, size);
        icon.addPixmap(normal, QIcon::Normal);
        QPixmap tinted = normal;
        QPainter painter(&tinted);
        painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
        painter.fillRect(tinted.rect(), selected);
        painter.end();
        icon.addPixmap(tinted, QIcon::Selected);
    }
    return icon;
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
