// SPDX-License-Identifier: GPL-3.0-or-later
#include "cluster/agentjson.h"

#include <QCoreApplication>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace rune::agentjson
{

QString field(const char *name)
{
    return QString::fromLatin1(name);
}

Result<QJsonObject> parseObject(const QByteArray &body)
{
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return fail(u"agent.bad_response"_s,
            QCoreApplication::translate("rune", "The agent answered with malformed JSON (%1).")
                .arg(parseError.errorString()));
    }
    return document.object();
}

} // namespace rune::agentjson
