// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/functionformat.h"

#include "widgets/format.h"

#include <QHash>
#include <QJsonDocument>
#include <QPainter>
#include <QPixmap>
#include <QStringDecoder>

using namespace Qt::StringLiterals;

namespace rune::views
{

QColor functionStateColor(FunctionState state)
{
    switch (state) {
    case FunctionState::Latest:
        return QColor(0x2e, 0xa0, 0x43);
    case FunctionState::Published:
        return QColor(0x2f, 0x6f, 0xca);
    case FunctionState::Updating:
        return QColor(0xe0, 0x9b, 0x1a);
    case FunctionState::Blocked:
        return QColor(0xd1, 0x3a, 0x3a);
    case FunctionState::Retired:
        return QColor(0x8a, 0x8f, 0x98);
    }
    return {};
}

QIcon functionStateBadge(FunctionState state)
{
    static QHash<int, QIcon> cache;
    if (auto it = cache.constFind(int(state)); it != cache.cend())
        return *it;
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(functionStateColor(state));
    painter.drawEllipse(QRectF(6, 6, 20, 20));
    painter.end();
    return *cache.insert(int(state), QIcon(pixmap));
}

QColor httpStatusColor(int status)
{
    if (status >= 500 || status == 0)
        return QColor(0xd1, 0x3a, 0x3a);
    if (status >= 400)
        return QColor(0xc0, 0x7a, 0x00);
    if (status >= 300)
        return QColor(0x2f, 0x6f, 0xca);
    return QColor(0x2e, 0xa0, 0x43);
}

QString formatLocalTime(const QDateTime &time, bool withMilliseconds)
{
    if (!time.isValid())
        return {};
    const QDateTime local = time.toLocalTime();
    if (local.date() == QDate::currentDate())
        return local.toString(withMilliseconds ? u"HH:mm:ss.zzz"_s : u"HH:mm:ss"_s);
    return local.toString(u"yyyy-MM-dd HH:mm"_s);
}

QString prettyBody(const QByteArray &body)
{
    if (body.isEmpty())
        return {};
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && !document.isNull())
        return QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
    auto decoder = QStringDecoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder(body);
    if (decoder.hasError() || body.contains('\0'))
        return QObject::tr("(%1 of binary data)").arg(formatBytes(body.size()));
    return text;
}

} // namespace rune::views
