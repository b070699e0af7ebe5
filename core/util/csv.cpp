// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/csv.h"

using namespace Qt::StringLiterals;

namespace rune
{

namespace
{

bool looksLikeNumber(const QString &field)
{
    bool number = false;
    field.toDouble(&number);
    return number;
}

QString csvField(QString field)
{
    if (!field.isEmpty() && u"=+-@"_s.contains(field.front()) && !looksLikeNumber(field))
        field.prepend(u'\'');
    const bool quote = field.contains(u',') || field.contains(u'"') || field.contains(u'\n') || field.contains(u'\r')
        || (!field.isEmpty() && (field.front().isSpace() || field.back().isSpace()));
    if (!quote)
        return field;
    field.replace(u"\""_s, u"\"\""_s);
    return u'"' + field + u'"';
}

} // namespace

QString csvLine(const QStringList &fields)
{
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString &field : fields)
        quoted.append(csvField(field));
    return quoted.join(u',') + u"\r\n"_s;
}

} // namespace rune
