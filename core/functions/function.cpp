// SPDX-License-Identifier: GPL-3.0-or-later
#include "functions/function.h"

#include <QCryptographicHash>
#include <algorithm>

namespace rune
{

QString codeDigestOf(const QByteArray &code)
{
    return QString::fromLatin1(QCryptographicHash::hash(code, QCryptographicHash::Sha256).toHex());
}

bool isCodeDigest(const QString &digest)
{
    return digest.size() == 64 && std::all_of(digest.cbegin(), digest.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
    });
}

} // namespace rune
